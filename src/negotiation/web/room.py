"""The game room: one play session, the people at its seats, and the steps of moves.

A step is what the play core waits for at once (:meth:`Session.pending`): every seat's
offers, one seat's answer, or every seat's actions. A step closes when every seat in it has
moved; in a classroom a seat nobody is present at moves by its strategy (its default move),
and so does every seat still to move when the instructor's timer runs out or the instructor
advances. In a team (several players on one seat) the first move made wins, and the others
see it. The room holds no web code and reads time from ``clock``, so tests drive it directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from negotiation.play import moves
from negotiation.play.moves import MoveError
from negotiation.play.session import Prompt, Session
from negotiation.web import forms, tokens

GRACE = 15.0  # seconds a disconnected player still counts as present: a refresh, a network blip
MAX_NAME = 40
MAX_PLAYERS = 200  # people in one room: a lecture hall, not a flood of joins
MAX_TEAM = 40  # players on one seat when the instructor set no team size
MAX_TIMER = 3600  # seconds per step
PHASES = {"offers": "offers", "answer": "talks", "actions": "actions"}


class RoomError(MoveError):
    """A move or an action the room refuses (not started, paused, not your seat, ...)."""


@dataclass
class Player:
    id: str
    seats: tuple[str, ...]
    name: str
    connections: int = 0
    seen: float = 0.0  # when the player last connected or disconnected


@dataclass(frozen=True)
class Moved:
    """A seat's move in the current step: who made it, in words, and as plain data."""

    seat: str
    kind: str
    by: str
    text: str
    move: Any


@dataclass
class Settings:
    """What the instructor sets: the timer (seconds per step, 0 for none), the team size
    (players per seat, 0 for no limit), and whether the game runs."""

    timer: float = 0.0
    team_size: int = 0
    started: bool = False
    paused: bool = False


@dataclass
class Room:
    session: Session
    classroom: bool
    game: str = field(default_factory=tokens.new_id)
    join_code: str = field(default_factory=tokens.new_join_code)
    admin_token: str = field(default_factory=tokens.new_admin_token)
    settings: Settings = field(default_factory=Settings)
    clock: Callable[[], float] = time.monotonic
    persist: Callable[[Room], None] = lambda room: None
    players: dict[str, Player] = field(default_factory=dict)
    moved: dict[str, Moved] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)  # players the instructor removed: their tokens are void
    deadline: float | None = None
    remaining: float | None = None  # of the timer, while paused
    version: int = 0  # bumped on every change, so pages know when to redraw
    _step: int = -1
    _presence: tuple[bool, ...] = ()
    emptied: bool = False  # paused because nobody was at any seat (not by the instructor)
    play_empty: bool = False  # the instructor resumed with nobody at a seat: the strategies play

    def __post_init__(self) -> None:
        if not self.classroom:
            self.settings.started = True
        self._step = self.session.step
        self._presence = self._present_now()
        self._arm_timer()
        if not self.classroom:  # a classroom settles once its players are known and it has started
            self._settle()

    # --- reading -------------------------------------------------------------------
    @property
    def seats(self) -> tuple[str, ...]:
        return self.session.seats

    @property
    def phase(self) -> str:
        """waiting (to start), offers, talks, actions or finished."""
        prompt = self.session.prompt
        if prompt is None:
            return "finished"
        if not self.settings.started:
            return "waiting"
        return PHASES[prompt.kind]

    def team(self, seat: str) -> list[Player]:
        return [p for p in self.players.values() if seat in p.seats]

    def present(self, seat: str) -> bool:
        """Someone is at the seat: connected, or gone for less than the grace period."""
        now = self.clock()
        return any(p.connections > 0 or now - p.seen < GRACE for p in self.team(seat))

    def pending(self) -> list[Prompt]:
        return self.session.pending()

    def prompt_of(self, seat: str) -> Prompt | None:
        return next((p for p in self.session.pending() if p.seat == seat), None)

    def free(self, seat: str) -> bool:
        size = self.settings.team_size or MAX_TEAM
        return seat in self.seats and len(self.team(seat)) < size

    # --- people --------------------------------------------------------------------
    def join(self, seat: str, name: str) -> Player:
        """A new player at ``seat`` (a country, or a team on it)."""
        if seat not in self.seats:
            raise RoomError(f"'{seat[:MAX_NAME]}' is not a seat of this game; seats: {', '.join(self.seats)}")
        if self.session.finished:
            raise RoomError("the game is over; ask your instructor about the next one")
        if len(self.players) >= MAX_PLAYERS:
            raise RoomError(f"the game is full ({MAX_PLAYERS} players)")
        if not self.free(seat):
            raise RoomError(f"{seat} is full ({self.settings.team_size or MAX_TEAM} players); choose another country")
        name = _name(name)
        if not name:
            raise RoomError("enter your name (or your team's), so the class knows who moved")
        if any(p.name.casefold() == name.casefold() for p in self.players.values()):
            raise RoomError(f"the name '{name}' is taken in this game; add an initial or a number")
        player = Player(tokens.new_id(), (seat,), name, seen=self.clock())
        self.players[player.id] = player
        self.session.add_player(seat, name)
        self._changed()
        return player

    def host(self, name: str = "") -> Player:
        """The one player of a single-student game, at every seat of it."""
        player = Player(tokens.new_id(), self.seats, _name(name) or self.session.name, seen=self.clock())
        self.players[player.id] = player
        for seat in self.seats:
            self.session.add_player(seat, player.name)
        self._changed()
        return player

    def remove(self, player_id: str) -> Player:
        """The instructor takes a player out: their seat token stops working at once (and after a
        restart); a move they already made stays in the game."""
        player = self.players.pop(player_id, None)
        if player is None:
            raise RoomError("no such player (already removed?)")
        self.revoked.add(player_id)
        self._changed()
        return player

    def connect(self, player_id: str) -> None:
        player = self.players.get(player_id)
        if player is None:  # removed by the instructor meanwhile
            return
        player.connections += 1
        player.seen = self.clock()
        self._presence = self._present_now()
        self.version += 1
        self.play_empty = False  # a student is back: an empty class pauses again
        if self.emptied and self.settings.paused:  # the class it waited for is back
            self.resume()

    def disconnect(self, player_id: str) -> None:
        player = self.players.get(player_id)
        if player is None:  # removed by the instructor meanwhile
            return
        player.connections = max(0, player.connections - 1)
        player.seen = self.clock()
        self._presence = self._present_now()
        self.version += 1

    # --- moves ---------------------------------------------------------------------
    def move(self, player_id: str, seat: str, turn: Any, step: Any, fields: Any) -> None:
        """A player's move for ``seat`` at ``turn``/``step`` from form fields; refused with the
        reason (RoomError, or a FieldError naming the field) without changing the game."""
        player = self.players.get(player_id)
        if player is None or seat not in player.seats:
            raise RoomError(f"you do not play {str(seat)[:MAX_NAME]}")
        self._check_open()
        if turn != self.session.turn or step != self.session.step:
            raise RoomError("that step is over; your page now shows the current one")
        prompt = self.prompt_of(seat)
        if prompt is None:
            done = self.moved.get(seat)
            raise RoomError(f"{done.by} already moved for {seat} in this step" if done
                            else f"{seat} has no move to make now")
        move = forms.move_of(self.session, prompt, fields)
        self._play(prompt, move, player.name or "a player")
        self._settle()
        self._changed()

    def _check_open(self) -> None:
        if self.session.finished:
            raise RoomError("the game is over")
        if not self.settings.started:
            raise RoomError("the game has not started yet: the instructor starts it")
        if self.settings.paused:
            raise RoomError("the game is paused by the instructor")

    def _play(self, prompt: Prompt, move: Any, by: str) -> None:
        text = forms.describe(prompt.kind, move)
        self.session.submit_for(prompt.seat, move)
        self.moved[prompt.seat] = Moved(prompt.seat, prompt.kind, by, text, moves.encode(prompt.kind, move))
        self._new_step()

    def _nobody_here(self) -> bool:
        """A class with nobody at any seat (every tab closed, a Wi-Fi drop, or nobody joined yet)."""
        return (self.classroom and not self.play_empty and not self.session.finished
                and not any(self.present(s) for s in self.seats))

    def _pause_empty(self) -> None:
        """The game waits for its students: paused until one is back or the instructor resumes
        (room.json records why, so a student back after a server restart resumes it too)."""
        self._pause(emptied=True)

    def _settle(self) -> None:
        """Play the moves nobody will make: nothing to offer, or (in class) nobody at the seat. A
        class with nobody at all pauses instead of playing itself to the end."""
        while self.settings.started and not self.settings.paused:
            if self._nobody_here():
                self._pause_empty()
                return
            auto = next(((p, why) for p in self.pending() if (why := self._plays_itself(p))), None)
            if auto is None:
                return
            prompt, why = auto
            self._play(prompt, [] if why == "nothing to trade" else prompt.default, why)

    def _plays_itself(self, prompt: Prompt) -> str:
        if prompt.kind == "offers" and not self.session.offer_menus(prompt.seat):
            return "nothing to trade"
        if self.classroom and not self.present(prompt.seat):
            return "its strategy (nobody at the seat)"
        return ""

    def _default_all(self, by: str) -> None:
        """Every seat still to move in this step plays its default."""
        step = self.session.step
        while self.session.step == step and (pending := self.pending()):
            self._play(pending[0], pending[0].default, by)

    def _new_step(self) -> None:
        if self.session.finished:
            self.deadline = None  # no '0:00 left' after the game
        if self.session.step != self._step:
            self._step = self.session.step
            self.moved = {}
            self._arm_timer()

    def _arm_timer(self) -> None:
        running = self.settings.started and not self.settings.paused and not self.session.finished
        self.deadline = self.clock() + self.settings.timer if running and self.settings.timer > 0 else None

    # --- the instructor ------------------------------------------------------------
    def start(self) -> None:
        self.settings.started, self.settings.paused = True, False
        self.emptied = False
        self._arm_timer()
        self._settle()
        self._changed()

    def pause(self) -> None:
        self._pause(emptied=False)  # the instructor's own pause: a returning student does not lift it

    def _pause(self, emptied: bool) -> None:
        was = self.emptied
        self.emptied = emptied and self.settings.started
        if self.settings.started and not self.settings.paused:
            self.settings.paused = True
            self.remaining = None if self.deadline is None else max(0.0, self.deadline - self.clock())
            self.deadline = None
            self._changed()
        elif self.emptied != was:
            self._changed()

    def resume(self) -> None:
        if self.settings.paused:
            if self.emptied and not any(self.present(s) for s in self.seats):
                self.play_empty = True  # the instructor decided: the strategies play the empty seats
            self.emptied = False
            self.settings.paused = False
            self.deadline = None if self.remaining is None else self.clock() + self.remaining
            self.remaining = None
            self._settle()
            self._changed()

    def advance(self) -> None:
        """Close the current step: every seat still to move plays its default."""
        self._check_open()
        self._default_all("the instructor (advance)")
        self._settle()
        self._changed()

    def end(self) -> None:
        """Finish the game now: the strategies play every move left."""
        self.settings.started, self.settings.paused = True, False
        while not self.session.finished:
            self._default_all("the instructor (end)")
        self.deadline = None
        self._changed()

    def set_timer(self, seconds: float) -> None:
        if not 0 <= seconds <= MAX_TIMER:
            raise RoomError(f"the timer is 0 (none) to {MAX_TIMER} seconds per step")
        self.settings.timer = float(seconds)
        self._arm_timer()
        self._changed()

    def set_team_size(self, size: int) -> None:
        self.settings.team_size = max(0, int(size))
        self._changed()

    def tick(self) -> bool:
        """The clock moved on: a timer that ran out, a player whose grace ended. True when
        something on the pages changed."""
        before = (self.session.step, len(self.session.inputs), len(self.moved))
        if self.settings.started and not self.settings.paused and self._nobody_here():
            self._pause_empty()  # before the timer: an empty class does not play itself out
            return True
        if self.deadline is not None and self.clock() >= self.deadline and not self.session.finished:
            self._default_all("the timer")
        self._settle()
        if before != (self.session.step, len(self.session.inputs), len(self.moved)):
            self._changed()
            return True
        present = self._present_now()
        if present != self._presence:  # a grace period ended: the dashboard shows it
            self._presence = present
            self.version += 1
            return True
        return False

    def _present_now(self) -> tuple[bool, ...]:
        return tuple(self.present(s) for s in self.seats)

    def _changed(self) -> None:
        self._presence = self._present_now()
        self.version += 1
        self.persist(self)

    # --- the state folder ----------------------------------------------------------
    def to_data(self) -> dict[str, Any]:
        """The room as plain data for room.json (the game itself is saved apart)."""
        s = self.settings
        return {"game": self.game, "join_code": self.join_code, "admin_token": self.admin_token,
                "classroom": self.classroom,
                "settings": {"timer": s.timer, "team_size": s.team_size, "started": s.started, "paused": s.paused},
                "remaining": self.remaining, "emptied": self.emptied, "play_empty": self.play_empty,
                "players": [{"id": p.id, "seats": list(p.seats), "name": p.name} for p in self.players.values()],
                "revoked": sorted(self.revoked),
                "step": {"turn": self.session.turn, "step": self.session.step,
                         "moved": [vars(m) for m in self.moved.values()]}}

    @classmethod
    def from_data(cls, data: dict[str, Any], session: Session, clock: Callable[[], float] = time.monotonic,
                  persist: Callable[[Room], None] = lambda room: None) -> Room:
        """The room of room.json around the resumed ``session``; the moves of the step that
        were held (not yet in the save) are made again."""
        room = cls(session, bool(data["classroom"]), data["game"], data["join_code"], data["admin_token"],
                   Settings(**data["settings"]), clock)
        room.remaining = data.get("remaining")
        # paused because the class was empty (a returning student resumes it), or played on by the
        # instructor's decision; room.json written before these keys has neither
        room.emptied = bool(data.get("emptied", False)) and room.settings.paused
        room.play_empty = bool(data.get("play_empty", False))
        room.revoked = set(data.get("revoked", []))
        now = clock()
        for p in data["players"]:
            room.players[p["id"]] = Player(p["id"], tuple(p["seats"]), p["name"], seen=now)
        step = data["step"]
        if (step["turn"], step["step"]) == (session.turn, session.step):
            for m in step["moved"]:
                moved = Moved(**m)
                if room.prompt_of(moved.seat) is not None:
                    session.submit_for(moved.seat, moves.decode(moved.kind, moved.move))
                room.moved[moved.seat] = moved
        room.persist = persist
        return room


def _name(text: str) -> str:
    """A name as shown: printable characters only, spaces collapsed, at most MAX_NAME long."""
    return " ".join("".join(c for c in str(text) if c.isprintable()).split())[:MAX_NAME]
