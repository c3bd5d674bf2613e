"""Truce status, breaches and collapse, as pure functions.

A *breach* is an incident: a major pledge honoured below the threshold (who, which pledge,
and whether it was a real defection, a misread answer, an event or a lapse). Breaches can
heal: a *recovery* is the first turn after a breach in which every major pledge in force is
honoured again. The truce *collapses* when it really ends: mutual defection on the major
pledges sustained for ``collapse_after`` turns, a formal withdrawal, or a major pledge that
lapses unrenewed. Collapse is absorbing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

HOLDS, STRAINED, BREACHED, COLLAPSED = "holds", "strained", "breached", "collapsed"


@dataclass(frozen=True)
class Break:
    """A breach: the first defection of an incident.

    ``cause``: ``real`` (a deliberate defection), ``misread`` (a defection answering a
    signal of defection that had not happened), ``lapsed`` (a major pledge ran out
    unrenewed) or ``event`` (a scheduled or random event forced it).
    """

    turn: int
    country: str
    pledge: str
    cause: str

    def describe(self, label: str = "") -> str:
        when = f"turn {self.turn}" + (f" ({label})" if label else "")
        how = {"real": "a deliberate defection", "misread": "a defection answering a misread signal",
               "lapsed": "the pledge lapsed unrenewed", "event": "forced by an event"}[self.cause]
        return f"breached at {when} by {self.country} over {self.pledge}: {how}"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Collapse:
    """The end of the truce: ``cause`` is ``mutual_defection``, ``withdrawal`` or ``lapsed``;
    ``country`` the one that opened the final spell of defection, withdrew, or let the pledge
    lapse; ``pledge`` the pledge concerned, if one."""

    turn: int
    country: str
    cause: str
    pledge: str = ""

    def describe(self, label: str = "") -> str:
        when = f"turn {self.turn}" + (f" ({label})" if label else "")
        how = {"mutual_defection": "sustained mutual defection", "withdrawal": "a formal withdrawal",
               "lapsed": f"{self.pledge} lapsed unrenewed"}[self.cause]
        return f"collapsed at {when}: {how}, started by {self.country}"

    def as_dict(self) -> dict:
        return asdict(self)


def status(major_levels: Iterable[float], major_seen: Iterable[float | None], retaliating: bool,
           breached: bool, collapsed: bool, threshold: float) -> str:
    """Holds, strained, breached or collapsed for one turn.

    Collapsed is absorbing; breached while a breach is open (a major pledge below the
    threshold); strained while a major pledge is honoured only in part, seen (perhaps wrongly)
    as defected, or retaliation tariffs are in force between the parties.
    """
    if collapsed:
        return COLLAPSED
    if breached:
        return BREACHED
    if retaliating or any(level < 1.0 for level in major_levels):
        return STRAINED
    if any(seen is not None and seen < threshold for seen in major_seen):
        return STRAINED
    return HOLDS


def was_misread(seen_by_defector: Sequence[float | None], actual_of_partner: Sequence[float | None],
                threshold: float) -> bool:
    """Whether a defection answered a false signal.

    True when the defector saw the partner defect at some earlier turn although the
    partner had in fact honoured, and the partner had never really defected towards it.
    """
    if any(a is not None and a < threshold for a in actual_of_partner):
        return False
    return any(s is not None and s < threshold and a is not None and a >= threshold
               for s, a in zip(seen_by_defector, actual_of_partner, strict=False))


def first_defection(moves: Iterable[tuple[str, str, float]], threshold: float) -> tuple[str, str] | None:
    """The first (country, pledge) among (country, pledge, level) moves below the threshold."""
    for country, pledge, level in moves:
        if level < threshold:
            return country, pledge
    return None


def mutual_defection(pair_levels: dict[tuple[int, int], float], parties: Iterable[tuple[int, int]],
                     threshold: float) -> bool:
    """Whether both sides of some truce pair defect this turn: each side's mean level of its
    major pledges to the other is below the threshold."""
    return any(pair_levels.get((a, b), 1.0) < threshold and pair_levels.get((b, a), 1.0) < threshold
               for a, b in parties)


def lapse_blame(pledge: str, giver: str, talks: Sequence[tuple[str, str, set[str], str]]) -> str:
    """Who let a pledge lapse: the last country to refuse an offer renewing it this turn, or,
    when nobody refused one, its giver, who did not renew it.

    ``talks`` are this turn's offers as (proposer, receiver, pledges renewed, verdict).
    """
    refusals = [receiver for _, receiver, renewed, verdict in talks
                if pledge in renewed and verdict in ("reject", "counter")]
    return refusals[-1] if refusals else giver
