"""Truce status and the attribution of a break, as pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

HOLDS, STRAINED, BROKEN = "holds", "strained", "broken"
CAUSES = ("real", "misread", "lapsed", "event")


@dataclass(frozen=True)
class Break:
    """The first defection that broke the truce.

    ``cause``: ``real`` (a deliberate defection), ``misread`` (a defection answering a
    signal of defection that had not happened), ``lapsed`` (a major pledge ran out
    unrenewed) or ``event`` (a scheduled or random event forced it).
    """

    turn: int
    country: str
    pledge: str
    cause: str

    @property
    def misread(self) -> bool:
        return self.cause == "misread"

    def describe(self, label: str = "") -> str:
        when = f"turn {self.turn}" + (f" ({label})" if label else "")
        how = {"real": "a deliberate defection", "misread": "a defection answering a misread signal",
               "lapsed": "the pledge lapsed unrenewed", "event": "forced by an event"}[self.cause]
        return f"broken at {when} by {self.country} over {self.pledge}: {how}"

    def as_dict(self) -> dict:
        return asdict(self)


def status(major_levels: Iterable[float], major_seen: Iterable[float | None], retaliating: bool,
           broken: bool, threshold: float) -> str:
    """Holds, strained or broken for one turn.

    Broken is absorbing. Strained: a major pledge honoured only in part, one seen (perhaps
    wrongly) as defected, or retaliation tariffs in force between the parties.
    """
    if broken:
        return BROKEN
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


def lapse_blame(pledge: str, giver: str, talks: Sequence[tuple[str, str, set[str], str]]) -> str:
    """Who let a pledge lapse: the last country to refuse an offer renewing it this turn, or,
    when nobody refused one, its giver, who did not renew it.

    ``talks`` are this turn's offers as (proposer, receiver, pledges renewed, verdict).
    """
    refusals = [receiver for _, receiver, renewed, verdict in talks
                if pledge in renewed and verdict in ("reject", "counter")]
    return refusals[-1] if refusals else giver
