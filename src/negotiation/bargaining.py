"""Bargaining over concessions: alternating offers, zones of agreement, counters, packages.

Pure functions of plain numbers (no Mesa, no engine state), so the engine's negotiation
can call them with stakes computed from the payoff rules (docs/bargaining.md).

Conventions. Two sides, 0 and 1; side ``first`` proposes in the first round. ``values[k]``
is what side k gets if a deal is struck (before any split of the surplus is arranged through
the package's terms), ``disagreement[k]`` what it gets if the talks fail (its outside
option included). Utility is transferable through the package's instruments, so what is
bargained over is the **surplus** ``sum(values) - sum(disagreement)``: a deal exists only
when it is positive (the zone of agreement is non-empty), and then side k ends with
``disagreement[k] + share[k] * surplus``. Disagreement payoffs are also what each side gets
while talks go on (an inside option), so delay costs each side its discount factor on the
surplus, which is the setting of Rubinstein 1982 (P20) with disagreement points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from scipy.optimize import linprog

#: An offer within this (USD bn) of a side's continuation value is accepted: rounding, not a grievance.
TOLERANCE = 1e-9


def _check_delta(delta: float, name: str, allow_one: bool) -> None:
    hi_ok = delta <= 1.0 if allow_one else delta < 1.0
    if not (delta >= 0.0 and hi_ok):
        raise ValueError(f"{name} must be in [0, 1{']' if allow_one else ')'}, got {delta}")


def rubinstein_share(delta_first: float, delta_second: float) -> float:
    """The first mover's share of the surplus in infinite alternating offers: (1 - d2) / (1 - d1 d2) (P20)."""
    _check_delta(delta_first, "delta_first", allow_one=False)
    _check_delta(delta_second, "delta_second", allow_one=False)
    return (1.0 - delta_second) / (1.0 - delta_first * delta_second)


def finite_rounds_share(delta_first: float, delta_second: float, rounds: int) -> float:
    """The first mover's share when at most ``rounds`` offers can be made (backward induction).

    In the last round the proposer takes the whole surplus; in each earlier round the
    proposer offers the responder exactly the discounted share the responder would get by
    proposing next. As ``rounds`` grows the share converges to :func:`rubinstein_share`.
    """
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds}")
    _check_delta(delta_first, "delta_first", allow_one=True)
    _check_delta(delta_second, "delta_second", allow_one=True)
    share = 1.0  # the proposer's share in the last round
    for r in range(rounds - 1, 0, -1):
        # round r (1-based) is proposed by the first mover when r is odd; its responder proposes at r + 1
        responder_delta = delta_second if r % 2 == 1 else delta_first
        share = 1.0 - responder_delta * share
    return share


def proposer_share(delta_proposer: float, delta_responder: float, rounds: int | None = None) -> float:
    """The proposer's share: Rubinstein when ``rounds`` is None, else the finite-rounds game."""
    if rounds is None:
        return rubinstein_share(delta_proposer, delta_responder)
    return finite_rounds_share(delta_proposer, delta_responder, rounds)


@dataclass(frozen=True)
class Zone:
    """The zone of agreement, as the range of side 0's payoff over all deals both prefer to none."""

    low: float
    high: float

    @property
    def surplus(self) -> float:
        return self.high - self.low

    @property
    def empty(self) -> bool:
        """No deal is better for both than disagreement (a deal that only breaks even is no deal)."""
        return self.surplus <= TOLERANCE


def zone_of_agreement(values: Sequence[float], disagreement: Sequence[float]) -> Zone:
    """Side 0 gets at least its disagreement payoff and at most what leaves side 1 its own."""
    total = float(values[0]) + float(values[1])
    return Zone(low=float(disagreement[0]), high=total - float(disagreement[1]))


@dataclass(frozen=True)
class Split:
    """The subgame-perfect agreement, or ``deal=False`` and the disagreement payoffs."""

    deal: bool
    payoffs: tuple[float, float]
    surplus: float
    shares: tuple[float, float]


def split_surplus(values: Sequence[float], disagreement: Sequence[float], deltas: Sequence[float],
                  first: int = 0, rounds: int | None = None) -> Split:
    """Each side's payoff in the subgame-perfect equilibrium: agreement in round 1 when a zone exists."""
    zone = zone_of_agreement(values, disagreement)
    d = (float(disagreement[0]), float(disagreement[1]))
    if zone.empty:
        return Split(deal=False, payoffs=d, surplus=max(zone.surplus, 0.0), shares=(0.0, 0.0))
    x = proposer_share(deltas[first], deltas[1 - first], rounds)
    shares = (x, 1.0 - x) if first == 0 else (1.0 - x, x)
    payoffs = (d[0] + shares[0] * zone.surplus, d[1] + shares[1] * zone.surplus)
    return Split(deal=True, payoffs=payoffs, surplus=zone.surplus, shares=shares)


def continuation_value(own_value: float, other_value: float, own_disagreement: float, other_disagreement: float,
                       own_delta: float, other_delta: float, rounds_left: int | None) -> float:
    """What a responder expects if it rejects now and proposes next (USD bn, today's value).

    ``rounds_left`` counts the rounds after this one (None: unbounded). With none left,
    rejecting ends the talks: the responder gets its disagreement payoff.
    """
    if rounds_left is not None and rounds_left <= 0:
        return float(own_disagreement)
    surplus = own_value + other_value - own_disagreement - other_disagreement
    if surplus <= TOLERANCE:
        return float(own_disagreement)
    share = proposer_share(own_delta, other_delta, rounds_left)
    return float(own_disagreement) + own_delta * share * surplus


Response = Literal["accept", "counter", "reject"]
Ending = Literal["agreed", "no zone seen", "rejected"]


def respond(offer: float, continuation: float, disagreement: float, rounds_left: int | None) -> Response:
    """The responder's move: accept at or above its continuation value; otherwise counter while
    rounds remain and a deal can still beat disagreement, else reject (the talks fail)."""
    if offer >= continuation - TOLERANCE:
        return "accept"
    if (rounds_left is None or rounds_left > 0) and continuation > disagreement + TOLERANCE:
        return "counter"
    return "reject"


def should_counter(offer: float, continuation: float) -> bool:
    """A side counters when an offer gives it less than it can expect by proposing itself."""
    return offer < continuation - TOLERANCE


@dataclass(frozen=True)
class View:
    """What one side knows or believes when it bargains (all in USD bn, today's value).

    ``value`` and ``disagreement`` are its own; ``other_value`` and ``other_disagreement``
    its beliefs about the other side's (e.g. an underestimate of the other's outside option).
    """

    value: float
    disagreement: float
    delta: float
    other_value: float
    other_disagreement: float
    other_delta: float


@dataclass(frozen=True)
class Offer:
    """One round's offer: who proposed, what its terms give each side (USD bn, in that
    round's value), the responder's continuation value, and the answer."""

    round: int
    proposer: int
    to_proposer: float
    to_responder: float
    continuation: float
    response: Response


@dataclass(frozen=True)
class Outcome:
    """How talks ended: the agreed round (None: no deal), each side's payoff, the transcript,
    and why they ended ("no zone seen": a proposer saw no surplus and made no offer)."""

    agreed_round: int | None
    payoffs: tuple[float, float]
    offers: tuple[Offer, ...]
    ended: Ending

    @property
    def deal(self) -> bool:
        return self.agreed_round is not None

    @property
    def counters(self) -> int:
        return sum(o.response == "counter" for o in self.offers)


def negotiate(views: Sequence[View], first: int = 0, rounds: int = 3, reveal: bool = True) -> Outcome:
    """Alternating offers between two sides that each act on their own view, for at most ``rounds``.

    Each proposer offers the responder what it believes the responder's continuation value
    is (the subgame-perfect offer under its beliefs) and keeps the rest; the responder
    accepts if that meets its own continuation value, counters if not, and rejects (ending
    the talks with both at disagreement) when no round remains or it sees no zone. With
    common knowledge the first offer is accepted (Rubinstein); a side that underrates the
    other's outside option gets countered; when the true zone is empty, no deal is struck.
    With ``reveal`` a counter carries its reason: the countering side's disagreement payoff
    (its outside option, which it can show), and the other side corrects its belief; without
    it beliefs stay put and a persistent misreading can end the talks with no deal.
    Payoffs are in round-1 value: an agreement in round r is discounted by delta**(r-1) on
    the surplus, each side's disagreement payoff accruing meanwhile.
    """
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds}")
    if len(views) != 2 or first not in (0, 1):
        raise ValueError("negotiate takes two views and first = 0 or 1")
    views = list(views)
    ended: Ending = "rejected"
    transcript: list[Offer] = []
    proposer = first
    discount = [1.0, 1.0]
    for r in range(1, rounds + 1):
        p, q = views[proposer], views[1 - proposer]
        rounds_after = rounds - r
        believed_surplus = p.value + p.other_value - p.disagreement - p.other_disagreement
        if believed_surplus <= TOLERANCE:
            ended = "no zone seen"  # the proposer sees no zone of agreement and walks away
            break
        believed_cont = continuation_value(p.other_value, p.value, p.other_disagreement, p.disagreement,
                                           p.other_delta, p.delta, rounds_after)
        # terms that give the responder what the proposer believes it can get by rejecting;
        # the proposer keeps the rest of the joint value (transferable through the package)
        to_responder = believed_cont
        to_proposer = p.value + q.value - to_responder
        cont = continuation_value(q.value, q.other_value, q.disagreement, q.other_disagreement,
                                  q.delta, q.other_delta, rounds_after)
        answer = respond(to_responder, cont, q.disagreement, rounds_after)
        transcript.append(Offer(r, proposer, to_proposer, to_responder, cont, answer))
        if answer == "accept":
            got = [0.0, 0.0]
            got[proposer], got[1 - proposer] = to_proposer, to_responder
            d = (views[0].disagreement, views[1].disagreement)
            pay = tuple(d[k] + discount[k] * (got[k] - d[k]) for k in (0, 1))
            return Outcome(agreed_round=r, payoffs=(pay[0], pay[1]), offers=tuple(transcript), ended="agreed")
        if answer == "reject":
            break
        if reveal:
            views[proposer] = replace(p, other_disagreement=q.disagreement)
        discount = [discount[0] * views[0].delta, discount[1] * views[1].delta]
        proposer = 1 - proposer
    return Outcome(agreed_round=None, payoffs=(views[0].disagreement, views[1].disagreement),
                   offers=tuple(transcript), ended=ended)


# --- package deals -------------------------------------------------------------------------

@dataclass(frozen=True)
class Concession:
    """One linkable concession: per unit, it costs its giver ``cost`` and is worth ``value`` to
    the other side (USD bn, today's value), up to ``max_units`` units (e.g. Mt of soybeans,
    points of tariff). Non-linear stakes enter as several concessions, one per step."""

    name: str
    giver: int
    value: float
    cost: float
    max_units: float


@dataclass(frozen=True)
class Package:
    """The units of each concession in a package, what it gives each side (vs no package), the
    joint surplus it was built to split, and whether both sides' constraints could be met."""

    units: dict[str, float]
    proposer_gain: float
    receiver_gain: float
    surplus: float
    feasible: bool


def _gains(concessions: Sequence[Concession], proposer: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-unit gain of each concession to the proposer and to the receiver."""
    to_p = np.array([c.value if c.giver != proposer else -c.cost for c in concessions], dtype=float)
    to_r = np.array([c.value if c.giver == proposer else -c.cost for c in concessions], dtype=float)
    return to_p, to_r


def package_for_target(concessions: Sequence[Concession], receiver_target: float, proposer: int = 0) -> Package:
    """The units that maximise the proposer's gain subject to the receiver gaining at least
    ``receiver_target`` (its participation constraint). An LP over the units (HiGHS, deterministic);
    ``feasible=False`` and no units when the instruments cannot give the receiver that much."""
    if any(c.giver not in (0, 1) or c.max_units < 0 for c in concessions):
        raise ValueError("each concession needs giver 0 or 1 and non-negative max_units")
    zero = {c.name: 0.0 for c in concessions}
    if not concessions:
        return Package(zero, 0.0, 0.0, 0.0, receiver_target <= TOLERANCE)
    to_p, to_r = _gains(concessions, proposer)
    caps = np.array([c.max_units for c in concessions], dtype=float)
    res = linprog(-to_p, A_ub=[-to_r], b_ub=[-receiver_target], bounds=[(0.0, float(c)) for c in caps],
                  method="highs")
    if not res.success:
        return Package(zero, 0.0, 0.0, 0.0, False)
    units = _on_target(np.clip(res.x, 0.0, caps), to_r, caps, receiver_target)
    gain_p, gain_r = float(to_p @ units), float(to_r @ units)
    return Package(units={c.name: float(u) for c, u in zip(concessions, units, strict=True)},
                   proposer_gain=gain_p, receiver_gain=gain_r, surplus=gain_p + gain_r, feasible=True)


def _on_target(units: np.ndarray, to_r: np.ndarray, caps: np.ndarray, target: float) -> np.ndarray:
    """The LP's units with a binding target met exactly: the solver stops within its feasibility
    tolerance (1e-7), and a split must be exact (the Rubinstein check holds to 1e-9); the gap is
    closed on a unit that is off its bounds."""
    gap = target - float(to_r @ units)
    if gap == 0.0 or abs(gap) > 1e-6:
        return units
    for k in np.flatnonzero((units > 0.0) & (units < caps) & (to_r != 0.0)):
        fixed = units.copy()
        fixed[k] += gap / to_r[k]
        if 0.0 <= fixed[k] <= caps[k]:
            return fixed
    return units


def max_joint_gain(concessions: Sequence[Concession]) -> float:
    """The most the linked concessions can add to both sides together: every unit worth more than it costs."""
    return float(sum(max(c.value - c.cost, 0.0) * c.max_units for c in concessions))


def propose_package(concessions: Sequence[Concession], disagreement: Sequence[float], share: float,
                    proposer: int = 0) -> Package:
    """The package a proposer offers: the receiver gets its disagreement payoff plus ``1 - share``
    of the most the concessions can add over both disagreement payoffs; the proposer keeps the rest.

    Gains are measured against no package; ``disagreement`` is (proposer's, receiver's) in the
    same units (0 when failing just means no package; positive when an outside option beats
    it). ``share`` is the proposer's share from :func:`proposer_share`. When a concession
    transfers at par (value = cost, e.g. a side payment) with room to spare, the proposer
    gets exactly ``disagreement + share * surplus``; with only lossy instruments the frontier
    is curved and it gets less (what it takes to meet the receiver's target costs more).
    ``feasible=False`` when the zone of agreement is empty or the target cannot be met.
    """
    surplus = max_joint_gain(concessions) - float(disagreement[0]) - float(disagreement[1])
    if surplus <= TOLERANCE:
        return Package({c.name: 0.0 for c in concessions}, 0.0, 0.0, max(surplus, 0.0), False)
    package = package_for_target(concessions, float(disagreement[1]) + (1.0 - share) * surplus, proposer)
    if package.feasible and package.proposer_gain < float(disagreement[0]) - TOLERANCE:
        # meeting the receiver's share would leave the proposer below its own disagreement payoff
        return Package(package.units, package.proposer_gain, package.receiver_gain, surplus, False)
    return Package(package.units, package.proposer_gain, package.receiver_gain, surplus, package.feasible)
