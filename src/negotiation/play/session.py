"""A game with people at some seats: the model's turn phases, one prompt at a time.

Each turn: every seat makes its offers (``offers``); the talks run and stop at each offer
to a seat (``answer``); every seat chooses its actions (``actions``); the turn closes. The
seat's own strategy is asked first at every prompt, and its move is the prompt's
``default``: submitting every default plays exactly the computer-only game with that
strategy in the seat. The session is driven only by :meth:`Session.submit`, and every
submitted move is kept in :attr:`Session.inputs`, so replaying them rebuilds the game
exactly (saves rely on this).

Front ends (the terminal, the browser) read the game only through the session: the read API
below (:meth:`Session.pledges`, :meth:`Session.relation`, :meth:`Session.talks`, ...) hands out
frozen snapshots, so no front end reaches into the model's world and none can change it.

A front end where seats move at once (the browser classroom) reads :meth:`Session.pending`,
the prompts of every seat still to move in the current step (all seats' offers, one answer,
or all seats' actions), and plays a seat's move with :meth:`Session.submit_for`: a move that
comes before its turn in the scenario's order is checked at once and held until the seats
before it have moved, so the recorded inputs stay in order and replay as ever.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, is_dataclass
from typing import Any

import numpy as np

from negotiation.config.constants import TURNS_PER_YEAR
from negotiation.config.models import Scenario
from negotiation.history import (
    Breached,
    Collapsed,
    EventFired,
    Lapse,
    LogEntry,
    MarketTurn,
    OfferMade,
    Recovered,
    RetaliationSet,
    Settled,
    TurnRecord,
    entries,
)
from negotiation.model import TruceModel
from negotiation.negotiation import Bargaining, Question, check_offer
from negotiation.observation import Concession, Decision, Observation, Offer, Response, renewable_now
from negotiation.play import legal, moves
from negotiation.play.moves import MoveError
from negotiation.results import RunResult
from negotiation.truce import Break, Collapse


@dataclass(frozen=True)
class Prompt:
    """What the session waits for: a move of ``kind`` from ``seat`` at ``turn``.

    ``default`` is the seat's strategy's move (a list of offers, a Response or a Decision);
    ``question`` is the offer to answer, for ``answer`` prompts.
    """

    kind: str
    seat: str
    turn: int
    default: Any
    question: Question | None = None


@dataclass(frozen=True)
class PledgeInfo:
    """A pledge as front ends show it. ``levels`` is the level it was honoured at each turn so
    far and ``seen`` what its receiver saw of that through the noise (None: not in force)."""

    id: str
    giver: str
    receiver: str
    description: str
    instrument: str
    level: float
    start: int
    end: int
    major: bool
    renewable: bool
    levels: tuple[float | None, ...]
    seen: tuple[float | None, ...]

    def shown_at(self, turn: int) -> bool:
        """Listed on the screen at ``turn``: from its start to its end turn, both included."""
        return self.start <= turn <= self.end

    def in_force(self, turn: int) -> bool:
        """To be honoured (or not) at ``turn``: it runs out at its end turn."""
        return self.start <= turn < self.end

    def renewal_due(self, turn: int, window: int) -> bool:
        """Renewable now: it runs out within ``window`` turns."""
        return self.renewable and renewable_now(self.end, turn, window)


@dataclass(frozen=True)
class Relation:
    """Between a seat and a partner, exactly: the seat's trust in the partner, the tariffs and
    surcharges each puts on the other, and the export controls the partner puts on the seat."""

    trust: float
    tariff: float
    tariff_theirs: float
    surcharge: float
    surcharge_theirs: float
    controls_on_me: float


# one offer of the talks and what became of it (``reason``: why it was void, if it was): the log's
# own frozen entry, handed out as it is
Talk = OfferMade


@dataclass(frozen=True)
class Happening:
    """Something the log recorded at a turn, as front ends tell it: a surcharge changed
    (``country`` on ``target`` to ``level``, from ``before``), a pledge lapsed, a breach, a
    recovery or the collapse."""

    turn: int
    kind: str  # retaliation | lapse | breach | recovery | collapse
    country: str = ""
    target: str = ""
    pledge: str = ""
    level: float = 0.0
    before: float = 0.0


@dataclass(frozen=True)
class Choice:
    """A move a person made that differs from the seat's default: the game's key decisions.
    ``index`` is the move's place in :attr:`Session.inputs` (for the debrief's what-if)."""

    turn: int
    seat: str
    text: str
    index: int = -1


class Session:
    """A game in progress; ``seats`` are the countries played by people (ids, any order)."""

    def __init__(self, scenario: Scenario, seats: Sequence[str], seed: int | None = None, name: str = ""):
        unknown = [s for s in seats if s not in scenario.countries]
        if unknown or not seats:
            raise MoveError(f"seats must be countries of the scenario ({', '.join(scenario.countries)}), "
                            f"got {', '.join(seats) or 'none'}")
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else seed
        self.name = name
        self.model = TruceModel(scenario, rng=self.seed, collect=False)
        self.seats = tuple(c for c in self.model.ids if c in seats)
        self.inputs: list[dict[str, Any]] = []
        self.choices: list[Choice] = []
        self.players: dict[str, list[str]] = {}  # who played each seat (names), as saves and reports show it
        self.prompt: Prompt | None = None
        self.offered: dict[str, list[Offer]] = {}
        self._talks: Bargaining | None = None
        self._waiting: list[str] = []
        self._decisions: list[Decision] = []
        self._held: dict[str, Any] = {}
        self.step = 0  # counts the steps of moves: all seats' offers, each answer, all seats' actions
        self._open_turn()

    # --- reading -------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.prompt is None

    @property
    def turn(self) -> int:
        return self.model.turn

    @property
    def countries(self) -> tuple[str, ...]:
        """Every country's id, in the scenario's order."""
        return tuple(self.model.ids)

    @property
    def status(self) -> str:
        """The truce now: 'holds', 'strained', 'breached' or 'collapsed'."""
        return self.model.status

    @property
    def broken(self) -> Break | None:
        """The first breach of the game, or None while there has been none."""
        return self.model.broken

    @property
    def breaches(self) -> tuple[Break, ...]:
        """Every breach so far, in order."""
        return tuple(self.model.breaches)

    @property
    def open_breach(self) -> Break | None:
        """The breach not yet healed, or None."""
        return self.model.open_breach

    @property
    def recoveries(self) -> int:
        """How many breaches have healed so far."""
        return self.model.recoveries

    @property
    def collapse(self) -> Collapse | None:
        """How the truce collapsed, or None while it has not."""
        return self.model.collapse

    @property
    def renewal_window(self) -> int:
        return self.scenario.negotiation.renewal_window

    @property
    def records(self) -> tuple[TurnRecord, ...]:
        """The per-turn records of the finished turns (what ``RunResult.records`` holds)."""
        return tuple(self.model.records)

    def played_by(self, seat: str) -> list[str]:
        """The names of the people who played ``seat`` (the game's name when nobody joined by name)."""
        return list(self.players.get(seat) or ([self.name] if self.name else []))

    def add_player(self, seat: str, name: str) -> None:
        if name and name not in self.players.setdefault(seat, []):
            self.players[seat].append(name)

    def shares(self) -> tuple[float, float]:
        """The allied share of processing capacity and China's share, now."""
        return float(self.model.world.allied_share), float(self.model.world.china_share)

    def market(self) -> MarketTurn | None:
        """The rare-earth market as the last finished turn left it (prices, allied shares by
        stage, stocks); None before the first turn or in a game without a supplier."""
        records = self.model.records
        return records[-1].market if records else None

    def total(self, country: str) -> float:
        """A country's cumulative payoff so far."""
        return float(self.model.totals[self.model.index[country]])

    def pledges(self) -> tuple[PledgeInfo, ...]:
        """Every pledge of the game so far (in force, run out or not yet started)."""
        m = self.model
        return tuple(PledgeInfo(p.id, m.ids[p.giver], m.ids[p.receiver], p.spec.description, p.spec.instrument,
                                p.spec.level, p.start, p.end, p.spec.major, p.spec.renewable,
                                tuple(m.pledge_levels[p.id]), tuple(m.pledge_seen[p.id]))
                     for p in m.world.pledges)

    def relation(self, seat: str, partner: str) -> Relation:
        w, i, j = self.model.world, self.model.index[seat], self.model.index[partner]
        controls = w.controls[j, i] if w.supplier == j else 0.0
        return Relation(float(w.trust[i, j]), float(w.tariffs[i, j]), float(w.tariffs[j, i]),
                        float(w.retaliation[i, j]), float(w.retaliation[j, i]), float(controls))

    def surcharges(self, seat: str) -> dict[str, float]:
        """The retaliation surcharge ``seat`` puts on each partner now."""
        row = self.model.world.retaliation[self.model.index[seat]]
        return {c: float(row[j]) for j, c in enumerate(self.model.ids) if c != seat}

    def stockpile(self, seat: str) -> float | None:
        """The seat's rare-earth stockpile now, in months of its consumption: what it may keep
        back this turn; None when it holds none (the supplier, an empty stock, no market)."""
        supply = self.model.supply
        months = 0.0 if supply is None else supply.stock_months(self.model.index[seat])
        return months if months > 0 else None

    def investment_budget(self, seat: str) -> float:
        """What ``seat`` may invest this turn (USD bn): its yearly budget over the turns of a year."""
        return self.scenario.countries[seat].resources.investment_budget / TURNS_PER_YEAR

    def talks(self, turn: int | None = None) -> list[Talk]:
        """Every offer of the talks at ``turn`` (default: this turn) and its verdict, in order."""
        turn = self.turn if turn is None else turn
        return entries(self.model.log, OfferMade, turn)

    def happened(self, turn: int) -> list[Happening]:
        """What changed at ``turn`` besides the talks and events, in the log's order."""
        out: list[Happening] = []
        level: dict[tuple[str, str], float] = {}
        for e in self.model.log:
            if isinstance(e, RetaliationSet):
                pair = (e.country, e.target)
                if e.turn == turn:
                    out.append(Happening(turn, e.kind, *pair, level=e.level, before=level.get(pair, 0.0)))
                level[pair] = e.level
            elif e.turn != turn:
                continue
            elif isinstance(e, Lapse):
                out.append(Happening(turn, e.kind, pledge=e.pledge))
            elif isinstance(e, Breached):
                out.append(Happening(turn, e.kind, country=e.breach.country, pledge=e.breach.pledge))
            elif isinstance(e, Recovered):
                out.append(Happening(turn, e.kind))
            elif isinstance(e, Collapsed):
                out.append(Happening(turn, e.kind, country=e.collapse.country, pledge=e.collapse.pledge))
        return out

    def observation(self, seat: str) -> Observation:
        """What ``seat``'s strategy sees now (a frozen snapshot): the suggestions' reasons read it."""
        return self.model.observe(self.model.index[seat])

    def offer_problem(self, offer: Offer) -> str | None:
        """Why ``offer`` cannot be made this turn, or None when it can."""
        return check_offer(self.model, offer, self.turn)

    def result(self) -> RunResult:
        """The game so far (complete once finished) as a run result."""
        return RunResult.from_model(self.model, self.seed)

    def offers_to(self, seat: str) -> list[Offer]:
        """The offers made to ``seat`` at the opening of this turn's talks."""
        return [o for c in self.model.ids for o in self.offered.get(c, []) if o.receiver == seat]

    def events(self, turn: int) -> list[str]:
        """The texts of the events that fired at ``turn``."""
        return [e.text for e in entries(self.model.log, EventFired, turn) if e.text]

    def pending(self) -> list[Prompt]:
        """The prompts of every seat still to move in this step, in the scenario's order; a
        seat whose move is held (see :meth:`submit_for`) is not listed."""
        prompt = self.prompt
        if prompt is None:
            return []
        if prompt.kind == "answer":
            return [prompt]
        later = [self._prompt_of(prompt.kind, seat) for seat in self._waiting]
        return [p for p in [prompt, *later] if p.seat not in self._held]

    def offer_menus(self, seat: str | None = None) -> tuple[legal.OfferMenu, ...]:
        """At an ``offers`` prompt (of ``seat``, default the current one): per partner, what may
        be offered and the default offer."""
        prompt = self._pending_of(seat, "offers")
        return legal.offer_menus(self, prompt.seat, prompt.default)

    def counter_menu(self) -> legal.OfferMenu:
        """At an ``answer`` prompt: what a counter-offer may hold."""
        assert self.prompt is not None and self.prompt.question is not None
        return legal.counter_menu(self, self.prompt.seat, self.prompt.question)

    def action_limits(self, seat: str | None = None) -> legal.ActionLimits:
        prompt = self._pending_of(seat, "actions")
        return legal.action_limits(self, prompt.seat)

    def _pending_of(self, seat: str | None, kind: str) -> Prompt:
        prompt = self.prompt if seat is None else next((p for p in self.pending() if p.seat == seat), None)
        assert prompt is not None and prompt.kind == kind, f"no {kind} prompt for {seat or 'the current seat'}"
        return prompt

    def digest(self) -> str:
        """A fingerprint of the whole game state, to check that a replay reproduced it."""
        m = self.model
        # the records and log in their plain form (as before they were typed), so old saves verify;
        # a settled renewal's split is derived from the talks already hashed, so it is left out
        state = [m.turn, [r.as_row() for r in m.records], [c.total for c in m.countries], str(m.broken),
                 m.pledge_levels, m.pledge_seen, [_digest_form(e) for e in m.log if not isinstance(e, Settled)],
                 m.world.retaliation, m.world.trust,
                 m.world.allied_share,
                 None if self.prompt is None else [self.prompt.kind, self.prompt.seat, self.prompt.turn]]
        text = json.dumps(_plain(state), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    # --- moving --------------------------------------------------------------------
    def submit(self, move: Any) -> None:
        """Play the current prompt's move; a MoveError leaves the game unchanged."""
        prompt = self.prompt
        if prompt is None:
            raise MoveError("the game is over")
        encoded = self._check(prompt, move)
        self.inputs.append({"turn": prompt.turn, "seat": prompt.seat, "kind": prompt.kind, "move": encoded})
        if prompt.kind == "actions":
            text = _describe_actions(prompt.default, move, self.surcharges(prompt.seat))
            if text:
                self.choices.append(Choice(prompt.turn, prompt.seat, text, len(self.inputs) - 1))
        elif _key(move) != _key(prompt.default):
            self.choices.append(Choice(prompt.turn, prompt.seat, _describe_choice(prompt, move), len(self.inputs) - 1))
        getattr(self, f"_after_{prompt.kind}")(move)

    def submit_for(self, seat: str, move: Any) -> None:
        """Play ``seat``'s move in this step, whether or not its turn in the order has come: a
        later seat's move is checked now and held until the seats before it have moved."""
        prompt = next((p for p in self.pending() if p.seat == seat), None)
        if prompt is None:
            raise MoveError(f"{seat} has no move to make now")
        if prompt is self.prompt:
            self.submit(move)
        else:
            self._check(prompt, move)
            self._held[seat] = move
        while self.prompt is not None and self.prompt.seat in self._held:
            self.submit(self._held.pop(self.prompt.seat))

    def submit_default(self) -> None:
        """Play the seat's strategy's move (what pressing Enter does)."""
        assert self.prompt is not None
        self.submit(self.prompt.default)

    def replay(self, record: dict[str, Any]) -> None:
        """Submit one recorded input, checking it was made at this very prompt."""
        prompt = self.prompt
        where = (record.get("turn"), record.get("seat"), record.get("kind"))
        if prompt is None or where != (prompt.turn, prompt.seat, prompt.kind):
            now = "the end of the game" if prompt is None else f"{prompt.kind} of {prompt.seat} at turn {prompt.turn}"
            raise MoveError(f"a recorded {where[2]} of {where[1]} at turn {where[0]} does not fit: "
                            f"the game is at {now}")
        self.submit(moves.decode(prompt.kind, record.get("move")))

    def _check(self, prompt: Prompt, move: Any) -> Any:
        """Refuse a move that does not fit ``prompt``; the move as plain data otherwise."""
        if prompt.kind == "offers":
            self._check_type(move, list, "a list of offers")
            legal.check_offers(self, prompt.seat, move)
        elif prompt.kind == "answer":
            self._check_type(move, Response, "an answer")
            assert prompt.question is not None  # an answer prompt always holds its question
            legal.check_answer(self, prompt.seat, prompt.question, move)
        else:
            self._check_type(move, Decision, "actions")
            legal.check_decision(self, prompt.seat, move)
        return moves.encode(prompt.kind, move)

    @staticmethod
    def _check_type(move: Any, kind: type, what: str) -> None:
        if not isinstance(move, kind) or (isinstance(move, list) and not all(isinstance(o, Offer) for o in move)):
            raise MoveError(f"expected {what} at this prompt")

    # --- the phases ----------------------------------------------------------------
    def _open_turn(self) -> None:
        if not self.model.running:
            self.prompt = None
            return
        offered = self.model.open_turn()
        if offered is None:
            self.offered = {}
            self._decide()
            return
        self.offered = offered
        self._waiting = list(self.seats)
        self.step += 1
        self._ask_offers()

    def _prompt_of(self, kind: str, seat: str) -> Prompt:
        """The offers or actions prompt of ``seat`` in this step (known for all seats at once)."""
        if kind == "offers":
            return Prompt("offers", seat, self.model.turn, list(self.offered[seat]))
        return Prompt("actions", seat, self.model.turn, self._decisions[self.model.index[seat]])

    def _ask_offers(self) -> None:
        self.prompt = self._prompt_of("offers", self._waiting.pop(0))

    def _after_offers(self, offers: list[Offer]) -> None:
        assert self.prompt is not None
        self.offered[self.prompt.seat] = list(offers)
        if self._waiting:
            self._ask_offers()
            return
        self._talks = self.model.talks(self.offered, frozenset(self.seats))
        self._next_question()

    def _next_question(self) -> None:
        assert self._talks is not None
        question = self._talks.next()
        if question is None:
            self._talks = None
            self._decide()
            return
        self.step += 1
        self.prompt = Prompt("answer", question.offer.receiver, self.model.turn, question.default, question)

    def _after_answer(self, response: Response) -> None:
        assert self._talks is not None
        self._talks.answer(response)
        self._next_question()

    def _decide(self) -> None:
        self._decisions = self.model.decisions()
        self._waiting = list(self.seats)
        self.step += 1
        self._ask_actions()

    def _ask_actions(self) -> None:
        self.prompt = self._prompt_of("actions", self._waiting.pop(0))

    def _after_actions(self, decision: Decision) -> None:
        assert self.prompt is not None
        self._decisions[self.model.index[self.prompt.seat]] = decision
        if self._waiting:
            self._ask_actions()
            return
        self.model.close_turn(self._decisions)
        self._open_turn()


def _key(move: Any) -> Any:
    """A move's identity: the order of concessions in an offer does not matter."""
    if isinstance(move, Offer):
        return move.receiver, frozenset(move.give), frozenset(move.ask)
    if isinstance(move, Response):
        return move.verdict, _key(move.counter)
    if isinstance(move, list):
        return frozenset(_key(o) for o in move)
    return move


def _describe_choice(prompt: Prompt, move: Any) -> str:
    if prompt.kind == "offers":
        made = "; ".join(f"offered {o.receiver} {moves.describe_offer(o).split(' gives: ', 1)[1]}" for o in move)
        return made or "made no offer"
    if prompt.kind == "answer":
        assert prompt.question is not None
        offer = prompt.question.offer
        return f"{move.verdict}ed {offer.proposer}'s offer (suggested: {prompt.default.verdict})"
    return _describe_actions(prompt.default, move, {})


def _describe_actions(default: Decision, move: Decision, now: dict[str, float]) -> str:
    """How the actions differ from the suggestion as a player sees them ('' when they do not):
    a level or surcharge left out is the suggestion's (a surcharge, the one in force), and
    numbers are compared as shown (a level and a surcharge to the point, money to 3 digits), so
    a browser form sent back unchanged is no decision."""
    def level(v: float) -> str:
        return "defect" if v <= 0 else "honour" if v >= 1 else f"at {v:.2g}"

    parts = [f"{pid} {level(v)} (suggested {level(default.levels.get(pid, 1.0))})"
             for pid, v in move.levels.items() if round(v, 2) != round(default.levels.get(pid, 1.0), 2)]
    for p, v in move.retaliation.items():
        was = default.retaliation.get(p, now.get(p, 0.0))
        if round(100 * v) != round(100 * was):
            parts.append(f"surcharge on {p} {100 * v:.0f} points (suggested {100 * was:.0f})")
    if f"{move.invest:.3g}" != f"{default.invest:.3g}":
        parts.append(f"invest {move.invest:.3g} (suggested {default.invest:.3g})")
    if move.hold_stock != default.hold_stock:
        parts.append("hold the stockpile (suggested: draw on it)" if move.hold_stock
                     else "draw on the stockpile (suggested: hold it)")
    return ", ".join(parts)


def _digest_form(entry: LogEntry) -> dict[str, Any]:
    """A log entry as the digest has always hashed it: its plain form, with an offer written as
    the repr of the untyped concession record of earlier versions, so their saves still verify."""
    plain = entry.as_dict()
    if isinstance(entry, OfferMade):
        o = entry.offer
        plain["offer"] = (f"Offer(proposer={o.proposer!r}, receiver={o.receiver!r}, "
                          f"give={_legacy_tuple(o.give)}, ask={_legacy_tuple(o.ask)})")
    return plain


def _legacy_tuple(concessions: tuple[Concession, ...]) -> str:
    items = []
    for c in concessions:
        known: dict[str, Any] = {"pledge": None, "country": None, "target": None, "terms": None, **asdict(c)}
        items.append(f"Concession(kind={c.kind!r}, " + ", ".join(f"{k}={v!r}" for k, v in known.items()) + ")")
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _plain(value: Any) -> Any:
    """JSON-ready data; floats rounded to 9 decimals so a fingerprint survives last-bit noise."""
    if isinstance(value, float | np.floating):
        return round(float(value), 9)
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if is_dataclass(value):
        return repr(value)
    return value
