"""What one server serves: a classroom room with its state folder, or a single student's games."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path

from negotiation.config.models import Scenario
from negotiation.play import saves
from negotiation.play.commands import default_save_path
from negotiation.play.session import Session
from negotiation.web import debriefs, security, tokens
from negotiation.web.room import Player, Room
from negotiation.web.state import Store

log = logging.getLogger("negotiation.web")


@dataclass
class Host:
    """What one server serves: a classroom room (with its state folder) or a single student's
    games (a new room each time a country is picked; saves in ``saves``)."""

    scenario: Scenario
    classroom: bool
    secret: bytes = field(default_factory=tokens.new_secret)
    room: Room | None = None
    store: Store | None = None
    saves: Path = Path("saves")
    save_path: Path | None = None
    seed: int | None = None
    compare: list[str] | None = None
    join_url: str = ""
    hosts: frozenset[str] = security.LOOPBACK_NAMES  # host names the server answers to (security.Guard)
    endings: dict[str, debriefs.Ending] | None = None
    _ending: asyncio.Task | None = None
    _saved_inputs: int = -1

    def persist(self, room: Room) -> None:
        """Autosave: the game whenever a move went into it, and the room (class) after every change.
        A failed write is logged, not raised: the game goes on in memory and the next change retries."""
        if room is not self.room and self.room is not None:
            return  # a single student's earlier game, replaced: it must never write over the new one's save
        try:
            if len(room.session.inputs) != self._saved_inputs or room.session.finished:
                if self.store is not None:
                    self.store.save_game(room.session)
                elif self.save_path is not None:
                    saves.save(room.session, self.save_path)
                self._saved_inputs = len(room.session.inputs)
            if self.store is not None:
                self.store.write_room(room.to_data())
        except OSError:
            log.exception("the game could not be saved")

    def debrief_folder(self) -> Path:
        if self.store is not None:
            return self.store.folder / "debrief"
        assert self.save_path is not None
        return self.save_path.with_name(self.save_path.stem + "-debrief")

    def new_solo_room(self, seats: list[str], name: str) -> Room:
        """A new single-student game at ``seats`` (one country, or a hot seat)."""
        session = Session(self.scenario, seats, seed=self.seed, name=name)
        self.save_path = default_save_path(self.scenario, seats, self.saves)
        self.endings, self._ending, self._saved_inputs = None, None, -1
        self.room = Room(session, classroom=False, persist=self.persist)
        self.room.persist(self.room)
        return self.room

    def solo_player(self) -> Player:
        """The single student (made on first use: a game started by --as or --load has none yet)."""
        assert self.room is not None
        return next(iter(self.room.players.values()), None) or self.room.host(self.room.session.name)
