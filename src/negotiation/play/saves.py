"""Saved games: versioned JSON written atomically, resumed by replaying every move.

A save holds the resolved scenario, the seed, the seats and every move submitted so far
(:attr:`Session.inputs`), with a fingerprint of the state they led to and a checksum of the
whole file. Loading replays the moves and checks the fingerprint, so a resumed game is the
very game that was saved; a truncated, corrupt, edited or other-version save is refused
with one clear line (:class:`SaveError`), never a traceback.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from negotiation import __version__
from negotiation.config.errors import ConfigError
from negotiation.config.models import Scenario
from negotiation.files import atomic_write
from negotiation.play.moves import MoveError
from negotiation.play.session import Session

FORMAT = "negotiation-save"
MAX_SAVE = 64_000_000  # bytes; a 1000-turn game of five countries is a few MB
VERSION = 1
FIELDS = ("format", "version", "game_version", "saved_at", "name", "scenario", "seed", "seats", "inputs",
          "turn", "finished", "digest")


class SaveError(Exception):
    """A save that cannot be read or resumed: ``file: reason`` in one line."""

    def __init__(self, file: str, reason: str):
        self.file, self.reason = file, reason
        super().__init__(f"{file}: {reason}")


def to_data(session: Session) -> dict[str, Any]:
    """The save as plain data, checksum included."""
    data: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "game_version": __version__,
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "name": session.name, "scenario": session.scenario.model_dump(mode="json"), "seed": session.seed,
        "seats": list(session.seats), "inputs": session.inputs, "turn": session.turn,
        "finished": session.finished, "digest": session.digest(),
        "players": {seat: list(names) for seat, names in session.players.items()},
    }
    data["checksum"] = _checksum(data)
    return data


def save(session: Session, path: Path) -> Path:
    """Write the save atomically: a temporary file beside it, renamed over it when complete."""
    text = json.dumps(to_data(session), indent=1, ensure_ascii=False) + "\n"
    return atomic_write(path, text, private=True)


def read(path: Path) -> dict[str, Any]:
    """The save's data, checked for format, version and checksum (not yet replayed)."""
    name = str(path)
    try:
        with path.open("rb") as stream:  # bounded: /dev/zero or a huge file is refused, not read forever
            raw = stream.read(MAX_SAVE + 1)
        if len(raw) > MAX_SAVE:
            raise SaveError(name, f"is larger than {MAX_SAVE // 1_000_000} MB, more than any save")
    except FileNotFoundError:
        raise SaveError(name, "no such save file") from None
    except OSError as exc:
        raise SaveError(name, f"cannot be read ({exc.strerror})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SaveError(name, "is not a save (binary data, not JSON text)") from None
    except RecursionError:
        raise SaveError(name, "is not a save (JSON nested too deeply)") from None
    except json.JSONDecodeError as exc:
        text = raw.strip()
        if not text.startswith(b"{"):
            raise SaveError(name, "is not a save (not JSON)") from None
        # a save always ends with its closing brace; one that does not was cut short
        cut = not text.endswith(b"}")
        what = "is truncated (it ends in the middle)" if cut else f"is damaged (invalid JSON at line {exc.lineno})"
        raise SaveError(name, f"{what}; it cannot be resumed") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SaveError(name, "is not a negotiation save")
    if data.get("version", VERSION) != VERSION:
        raise SaveError(name, f"is a version {data.get('version')} save; this version of negotiation "
                        f"({__version__}) reads version {VERSION}")
    missing = [f for f in (*FIELDS, "checksum") if f not in data]
    if missing:
        raise SaveError(name, f"is damaged: missing {', '.join(missing)}")
    if data["checksum"] != _checksum({k: v for k, v in data.items() if k != "checksum"}):
        raise SaveError(name, "was edited or damaged after it was saved (its checksum does not match)")
    return data


def load(path: Path) -> Session:
    """Rebuild the saved game by replaying its moves; refuse it if the replay differs."""
    data = read(path)
    name = str(path)
    try:
        scenario = Scenario.model_validate(data["scenario"])
        session = Session(scenario, data["seats"], seed=data["seed"], name=data["name"])
        for record in data["inputs"]:
            session.replay(record)
        for seat, names in _players(data.get("players", {})).items():
            for player in names:
                session.add_player(seat, player)
    except (ValidationError, ConfigError, MoveError, TypeError, KeyError, ValueError, AttributeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SaveError(name, f"cannot be replayed ({reason}); it was made by another version of the game "
                        "or edited") from None
    if session.digest() != data["digest"]:
        raise SaveError(name, f"replaying its moves does not give the saved game; it was made by another "
                        f"version of the game (saved by {data['game_version']}, this is {__version__})")
    return session


def _players(data: Any) -> dict[str, list[str]]:
    """Who played each seat (saves before this field have none)."""
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, list)
                                             and all(isinstance(n, str) for n in v) for k, v in data.items()):
        raise TypeError("players must map seats to lists of names")
    return data


def _checksum(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
