"""The state folder of a classroom game: everything a restarted server needs.

- ``secret.key``: the key seat tokens are signed with (so old tokens stay valid);
- ``room.json``: the join code, the admin token, the settings (and whether a pause is an
  empty class's), the players and their seats, and the moves of the current step not yet in
  the save;
- ``game.json``: the game itself, a play save (``negotiation play --load`` resumes it in the
  terminal, ``negotiation report`` reads it).

Files are written to a temporary file and renamed, so a crash never leaves half a file; the
secret and the room (which holds the admin token) are readable by their owner only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from negotiation.files import atomic_write
from negotiation.play import saves
from negotiation.play.session import Session
from negotiation.web import tokens

ROOM_FORMAT = "negotiation-room"
ROOM_VERSION = 1


class StateError(Exception):
    """A state folder that cannot be resumed: ``folder: reason``."""


class Store:
    def __init__(self, folder: Path):
        self.folder = folder
        self.room_path = folder / "room.json"
        self.game_path = folder / "game.json"
        self.secret_path = folder / "secret.key"

    def exists(self) -> bool:
        return self.room_path.exists()

    def secret(self) -> bytes:
        """The signing key, made on first use."""
        if not self.secret_path.exists():
            _write(self.secret_path, tokens.new_secret(), private=True)
        return self.secret_path.read_bytes()

    def write_room(self, data: dict[str, Any]) -> None:
        body = {"format": ROOM_FORMAT, "version": ROOM_VERSION, **data}
        _write(self.room_path, json.dumps(body, indent=1).encode(), private=True)

    def read_room(self) -> dict[str, Any]:
        try:
            data = json.loads(self.room_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StateError(f"{self.folder}: no classroom game here (room.json is missing)") from None
        except (OSError, ValueError, RecursionError) as exc:
            raise StateError(f"{self.room_path}: cannot be read ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != ROOM_FORMAT or data.get("version") != ROOM_VERSION:
            raise StateError(f"{self.room_path}: is not a version {ROOM_VERSION} classroom room file")
        return data

    def save_game(self, session: Session) -> None:
        saves.save(session, self.game_path)

    def load_game(self) -> Session:
        try:
            return saves.load(self.game_path)
        except saves.SaveError as exc:
            raise StateError(str(exc)) from None


def _write(path: Path, data: bytes, private: bool = False) -> None:
    atomic_write(path, data, private=private)
