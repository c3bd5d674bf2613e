"""What a person at a seat sees at the start of their moves, under the instructor's visibility.

A :class:`SeatView` is plain data (``as_dict`` for a browser): the world, the truce, the
seat's partners, the pledges it gives and receives with their compliance record, its
payoffs, this turn's events and the offers on the table. Items the instructor made
``noisy`` are estimates drawn from a generator of their own, so looking never changes the
game; ``hidden`` items are None. :func:`seat_history` is the same seat's sight of the past
turns (for charts); without a seat it is the instructor's exact record.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from negotiation import scoring
from negotiation.config.models import Visibility
from negotiation.play.moves import describe_offer
from negotiation.results import turn_label

if TYPE_CHECKING:
    from negotiation.play.session import Session

HISTORY = 6  # turns of compliance record shown per pledge


@dataclass(frozen=True)
class Reading:
    """A number as the seat sees it: ``value`` is None when hidden; ``sight`` says how it was seen."""

    value: float | None
    sight: str


@dataclass(frozen=True)
class MarketLine:
    """The rare-earth market as a seat sees it (under its ``world`` visibility): the prices of
    light (NdPr) and heavy (Dy/Tb) rare earths outside China last turn, USD/kg, and the seat's
    own stockpile in months of its consumption (None for the supplier, which holds none)."""

    price_light: Reading
    price_heavy: Reading
    cover: float | None


@dataclass(frozen=True)
class PartnerLine:
    country: str
    name: str
    trust: Reading
    tariff_mine: float
    tariff_theirs: Reading
    surcharge_mine: float
    surcharge_theirs: Reading
    controls_on_me: Reading
    total: Reading


@dataclass(frozen=True)
class PledgeLine:
    """A pledge the seat gives or receives; ``record`` is its compliance over the last turns as
    the seat saw it (None: not in force, or hidden)."""

    id: str
    giver: str
    receiver: str
    description: str
    instrument: str
    amount: float
    end: int
    major: bool
    due: bool
    record: tuple[float | None, ...]
    sight: str


@dataclass(frozen=True)
class ObjectiveLine:
    text: str
    so_far: str
    met: bool
    points: float


@dataclass(frozen=True)
class SeatView:
    seat: str
    name: str
    scenario: str
    turn: int
    turns: int
    label: str
    status: str  # holds, strained, breached or collapsed
    truce: str  # the truce line: its status and, when breached or collapsed, how
    breaches: int
    recoveries: int
    events: tuple[str, ...]
    allied_share: Reading
    china_share: Reading
    payoff: float | None
    total: float
    trade_loss: float | None
    security_loss: float | None
    partners: tuple[PartnerLine, ...]
    pledges: tuple[PledgeLine, ...]
    offers: tuple[str, ...]
    talks: tuple[str, ...]
    objectives: tuple[ObjectiveLine, ...]
    last_turn: tuple[str, ...] = ()  # what happened last turn, as the seat saw it (see last_turn)
    market: MarketLine | None = None  # None before the first turn or without a supplier

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class History:
    """Per finished turn, as a seat saw it at the start of the next (None: hidden): every
    country's cumulative payoff and mean tariff imposed, the world's processing shares, and
    the rare-earth prices outside China (``prices``: light and heavy, USD/kg; empty without
    a market)."""

    labels: tuple[str, ...]
    totals: dict[str, tuple[float | None, ...]]
    tariffs: dict[str, tuple[float | None, ...]]
    allied_share: tuple[float | None, ...]
    china_share: tuple[float | None, ...]
    prices: dict[str, tuple[float | None, ...]] = field(default_factory=dict)


class _Eyes:
    """Readings of one seat at one turn under its visibility rules."""

    def __init__(self, seed: int, turn: int, index: int, rules: Visibility):
        self.rules, self.seed = rules, [seed, turn, index]

    def read(self, item: str, key: str, value: float, low: float = 0.0, high: float | None = None) -> Reading:
        sight = getattr(self.rules, item)
        if item == "payoffs":  # an instructor may show or hide each country's payoff apart
            sight = self.rules.payoffs_of.get(key, sight)
        if sight == "hidden":
            return Reading(None, sight)
        if sight == "noisy":
            rng = np.random.default_rng([*self.seed, zlib.crc32(f"{item}.{key}".encode())])
            value = float(np.clip(value * (1.0 + self.rules.noise * rng.standard_normal()), low, high))
        return Reading(float(value), sight)


def seat_view(session: Session, seat: str) -> SeatView:
    """What ``seat`` sees now."""
    sc, t = session.scenario, session.turn
    eyes = _Eyes(session.seed, t, session.countries.index(seat), sc.seat_visibility(seat))
    records = session.records
    last = records[-1] if records else None
    allied, china = session.shares()
    return SeatView(
        seat=seat, name=sc.countries[seat].name, scenario=sc.name, turn=t, turns=sc.turns, label=turn_label(sc, t),
        status=session.status, truce=truce_line(session), breaches=len(session.breaches),
        recoveries=session.recoveries, events=tuple(session.events(t)),
        allied_share=eyes.read("world", "allied", allied, 0.0, 1.0),
        china_share=eyes.read("world", "china", china, 0.0, 1.0),
        payoff=last.countries[seat].payoff if last else None, total=session.total(seat),
        trade_loss=last.countries[seat].trade_loss if last else None,
        security_loss=last.countries[seat].security_loss if last else None,
        partners=tuple(_partner(session, eyes, seat, c) for c in session.countries if c != seat),
        pledges=_pledges(session, seat), offers=tuple(describe_offer(o) for o in session.offers_to(seat)),
        talks=tuple(_talks(session, seat)), objectives=_objectives(session, seat),
        last_turn=tuple(last_turn(session, seat)),
        market=_market(session, eyes, seat))


def _market(session: Session, eyes: _Eyes, seat: str) -> MarketLine | None:
    market = session.market()
    if market is None:
        return None
    return MarketLine(price_light=eyes.read("world", "price_light", market.price_light),
                      price_heavy=eyes.read("world", "price_heavy", market.price_heavy),
                      cover=market.cover.get(seat))


def last_turn(session: Session, seat: str) -> list[str]:
    """What happened last turn, in a few sentences: the seat's own moves and its partners' (as
    it saw them), the tariff moves, the deals, lapses, breaches, and why the truce is strained."""
    t = session.turn - 1
    if t < 0:
        return []
    sc = session.scenario
    thr = sc.world.honour_threshold
    sight = sc.seat_visibility(seat).compliance
    lines = []
    moves: dict[str, dict[str, list[str]]] = {}
    for p in session.pledges():
        if seat not in (p.giver, p.receiver) or t >= len(p.levels) or p.levels[t] is None:
            continue
        mine = p.giver == seat
        if not mine and sight == "hidden":
            continue
        value = p.levels[t] if mine or sight == "exact" else p.seen[t]
        if value is None:
            continue
        word = "honoured" if value >= 1.0 else "defected on" if value < thr else f"kept {100 * value:.0f} % of"
        moves.setdefault("you" if mine else p.giver, {}).setdefault(word, []).append(p.id)
    if moves:
        order = sorted(moves, key=lambda who: who != "you")
        told = "; ".join(f"{who} {_moves_of(moves[who])}" for who in order)
        seen = " (theirs as you saw them)" if sight == "noisy" and any(k != "you" for k in moves) else ""
        lines.append(told + seen)
    for h in session.happened(t):
        if h.kind == "retaliation" and seat in (h.country, h.target):
            who, whom = _who(h.country, seat), "you" if h.target == seat else h.target
            its = "your" if who == "you" else "its"
            lines.append(f"{who} raised {its} tariff surcharge on {whom} to {100 * h.level:.0f} points"
                         if h.level > h.before else
                         f"{who} lifted {its} tariff surcharge on {whom}" if h.level == 0 else
                         f"{who} cut {its} tariff surcharge on {whom} to {100 * h.level:.0f} points")
        elif h.kind == "lapse":
            lines.append(f"{h.pledge} lapsed: it was not renewed in time")
        elif h.kind == "breach":
            lines.append(f"breach: {_who(h.country, seat)} fell below half on {h.pledge}")
        elif h.kind == "recovery":
            lines.append("the breach healed: every major pledge was honoured again")
    for talk in session.talks(t):
        if talk.verdict == "accept" and seat in (talk.offer.proposer, talk.offer.receiver):
            lines.append(f"deal: {describe_offer(talk.offer)}")
    if session.status == "strained":
        lines.append("the truce is strained: " + "; ".join(strained_because(session, seat)))
    return lines


def _moves_of(words: dict[str, list[str]]) -> str:
    """'honoured C1, C5', or with many pledges the exceptions first: 'defected on C2, C5;
    honoured the other 7'."""
    honoured = words.get("honoured", [])
    if len(honoured) > 3 and len(words) == 1:
        return f"honoured all {len(honoured)}"
    if len(honoured) > 3:
        rest = "; ".join(f"{word} {', '.join(ids)}" for word, ids in words.items() if word != "honoured")
        return f"{rest}; honoured the other {len(honoured)}"
    return ", ".join(f"{word} {', '.join(ids)}" for word, ids in words.items())


def strained_because(session: Session, seat: str) -> list[str]:
    """Why the truce is strained after last turn: a major pledge kept only in part, a major
    pledge its receiver saw as broken (perhaps wrongly: the signals are noisy), or surcharges
    in force between the parties of a major pledge."""
    t = session.turn - 1
    thr = session.scenario.world.honour_threshold
    sight = session.scenario.seat_visibility(seat).compliance
    why: list[str] = []
    parties = set()
    for p in session.pledges():
        if not p.major or t < 0 or t >= len(p.levels) or p.levels[t] is None:
            continue
        parties.add((p.giver, p.receiver))
        level, seen = p.levels[t], p.seen[t]
        if level is None:
            continue
        if seat not in (p.giver, p.receiver):
            if level < 1.0 or (seen is not None and seen < thr):
                why.append(f"a pledge between {p.giver} and {p.receiver} was kept only in part or seen as broken")
        elif level < 1.0 and p.giver == seat:
            why.append(f"you kept only {100 * level:.0f} % of {p.id}")
        elif level < 1.0 and sight != "hidden":
            why.append(f"{p.giver} kept {p.id} only in part")
        elif seen is not None and seen < thr:
            name = p.id
            reader = "you" if p.receiver == seat else p.receiver
            honest = " (you did honour it: the signal was noise)" if p.giver == seat and level >= thr else ""
            why.append(f"{reader} saw {name} as broken{honest}")
    for a, b in sorted(parties):
        if session.relation(a, b).surcharge > 0:
            why.append(f"{_who(a, seat)} {'have' if a == seat else 'has'} a tariff surcharge on "
                       f"{'you' if b == seat else b}")
    return why or ["a major pledge was kept only in part or seen as broken"]


def _who(country: str, seat: str) -> str:
    return "you" if country == seat else country


def seat_history(session: Session, seat: str | None = None) -> History:
    """The past turns as ``seat`` saw them (its own numbers exact), or exactly for None. The
    reading of turn t is the one the seat's view showed at turn t + 1, so charts and screen agree."""
    sc, countries, records = session.scenario, session.countries, session.records
    rules = sc.seat_visibility(seat) if seat is not None else Visibility(compliance="exact")
    index = countries.index(seat) if seat is not None else -1
    totals: dict[str, list[float | None]] = {c: [] for c in countries}
    tariffs: dict[str, list[float | None]] = {c: [] for c in countries}
    allied: list[float | None] = []
    china: list[float | None] = []
    prices: dict[str, list[float | None]] = {"NdPr": [], "Dy/Tb": []}
    for row in records:
        eyes = _Eyes(session.seed, row.turn + 1, index, rules)
        for c in countries:
            own, mine = c == seat, row.countries[c]
            totals[c].append(mine.total if own else eyes.read("payoffs", c, mine.total, low=-np.inf).value)
            tariffs[c].append(mine.tariff_out if own else
                              eyes.read("tariffs", f"mean.{c}", mine.tariff_out).value)
        allied.append(eyes.read("world", "allied", row.allied_share, 0.0, 1.0).value)
        china.append(eyes.read("world", "china", row.china_share, 0.0, 1.0).value)
        if row.market is not None:  # the same readings as the seat's market line
            prices["NdPr"].append(eyes.read("world", "price_light", row.market.price_light).value)
            prices["Dy/Tb"].append(eyes.read("world", "price_heavy", row.market.price_heavy).value)
    return History(tuple(turn_label(sc, r.turn) for r in records),
                   {c: tuple(v) for c, v in totals.items()}, {c: tuple(v) for c, v in tariffs.items()},
                   tuple(allied), tuple(china), {k: tuple(v) for k, v in prices.items() if v})


def truce_line(session: Session) -> str:
    """The truce now, in a line: 'holds', 'strained', the open breach, or the collapse; with the
    count of breaches so far and how many healed, once there has been one."""
    sc, n, healed = session.scenario, len(session.breaches), session.recoveries
    tally = f"{n} breach{'es' if n != 1 else ''} so far, {healed} healed" if n else ""
    collapse, open_breach = session.collapse, session.open_breach
    if collapse is not None:
        text = collapse.describe(turn_label(sc, collapse.turn))
    elif open_breach is not None:
        text = open_breach.describe(turn_label(sc, open_breach.turn))
        tally = tally if n > 1 else ""  # one breach, the open one: the line already says it
    else:
        text = session.status
    return f"{text} ({tally})" if tally else text


def _partner(session: Session, eyes: _Eyes, seat: str, partner: str) -> PartnerLine:
    r = session.relation(seat, partner)
    return PartnerLine(
        country=partner, name=session.scenario.countries[partner].name,
        trust=eyes.read("trust", partner, r.trust, 0.0, 1.0),
        tariff_mine=r.tariff, tariff_theirs=eyes.read("tariffs", f"on.{partner}", r.tariff_theirs),
        surcharge_mine=r.surcharge,
        surcharge_theirs=eyes.read("tariffs", f"surcharge.{partner}", r.surcharge_theirs),
        controls_on_me=eyes.read("tariffs", f"controls.{partner}", r.controls_on_me, 0.0, 1.0),
        total=eyes.read("payoffs", partner, session.total(partner), low=-np.inf))


def _pledges(session: Session, seat: str) -> tuple[PledgeLine, ...]:
    t, window = session.turn, session.renewal_window
    sight = session.scenario.seat_visibility(seat).compliance
    lines = []
    for p in session.pledges():
        if seat not in (p.giver, p.receiver) or not p.shown_at(t):
            continue
        mine = p.giver == seat
        history: tuple[float | None, ...]
        if mine or sight == "exact":
            history = p.levels
        elif sight == "noisy":
            history = p.seen
        else:
            history = (None,) * t
        lines.append(PledgeLine(
            id=p.id, giver=p.giver, receiver=p.receiver, description=p.description,
            instrument=p.instrument, amount=p.level, end=p.end, major=p.major,
            due=p.renewal_due(t, window), record=history[-HISTORY:],
            sight="exact" if mine else sight))
    return tuple(lines)


def _talks(session: Session, seat: str) -> list[str]:
    """This turn's offers made or answered by the seat, with their outcome."""
    verdicts = {"accept": "accepted", "reject": "rejected", "counter": "countered", "invalid": "void"}
    out = []
    for talk in session.talks():
        if seat not in (talk.offer.proposer, talk.offer.receiver):
            continue
        why = f" ({talk.reason})" if talk.reason else ""
        out.append(f"{describe_offer(talk.offer)} → {talk.offer.receiver} {verdicts[talk.verdict]}{why}")
    return out


def _objectives(session: Session, seat: str) -> tuple[ObjectiveLine, ...]:
    objectives = session.scenario.scoring.objectives.get(seat, [])
    if not objectives:
        return ()
    result = session.result()
    lines = []
    for o in objectives:
        if not result.records:  # nothing played yet: no progress to show
            lines.append(ObjectiveLine(o.text, "-", False, o.points))
            continue
        value = scoring.metric(result, seat, o)
        lines.append(ObjectiveLine(o.text, scoring.format_value(o, value), scoring.met(o, value), o.points))
    return tuple(lines)
