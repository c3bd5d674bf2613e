"""Signed seat tokens and unguessable codes.

A seat token is ``payload.signature``: the payload (game, player, seats, name) as base64 JSON,
signed with HMAC-SHA256 under the game's secret. The secret lives in the game's state folder,
so a restarted server honours the tokens it gave out before; a token of another game, one that
was edited, or one older than ``TOKEN_TTL`` is refused (the room also revokes the tokens of
players the instructor removed).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed by students
JOIN_LENGTH = 6
TOKEN_TTL = 24 * 3600  # seconds a seat token is honoured: a school day, then the student joins again


@dataclass(frozen=True)
class Pass:
    """What a valid seat token says: who the player is and which seats they may move for."""

    game: str
    player: str
    seats: tuple[str, ...]
    name: str
    issued: float = 0.0  # when it was signed (seconds since the epoch); 0: now


def new_secret() -> bytes:
    return secrets.token_bytes(32)


def new_join_code() -> str:
    """A short code students type: 6 of 31 characters (about 30 bits; wrong guesses are throttled)."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))


def new_admin_token() -> str:
    return secrets.token_urlsafe(24)


def new_id() -> str:
    return secrets.token_urlsafe(9)


def sign(secret: bytes, token: Pass) -> str:
    body = _b64(json.dumps({"g": token.game, "p": token.player, "s": list(token.seats), "n": token.name,
                            "t": int(token.issued or time.time())}, separators=(",", ":")).encode())
    return f"{body}.{_b64(_mac(secret, body))}"


def verify(secret: bytes, text: str | None, game: str, now: float | None = None) -> Pass | None:
    """The token's pass if it is genuine, of this game and younger than TOKEN_TTL, else None."""
    if not text or text.count(".") != 1 or len(text) > 2048:
        return None
    body, mac = text.split(".")
    try:
        if not hmac.compare_digest(base64.urlsafe_b64decode(_pad(mac)), _mac(secret, body)):
            return None
        data: Any = json.loads(base64.urlsafe_b64decode(_pad(body)))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get("g") != game:
        return None
    issued, now = data.get("t"), time.time() if now is None else now
    if not isinstance(issued, int) or not now - TOKEN_TTL <= issued <= now + 60:  # 60 s of clock skew
        return None
    seats = data.get("s")
    return Pass(data["g"], str(data.get("p")), tuple(map(str, seats)) if isinstance(seats, list) else (),
                str(data.get("n") or ""), float(issued))


def same(given: str | None, expected: str) -> bool:
    """Compare a secret in constant time."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _mac(secret: bytes, body: str) -> bytes:
    return hmac.new(secret, body.encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _pad(text: str) -> bytes:
    return (text + "=" * (-len(text) % 4)).encode()
