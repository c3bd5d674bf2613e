"""A finished run: totals, the truce outcome and the per-turn timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from negotiation.config.constants import MONTHS_PER_TURN, MONTHS_PER_YEAR
from negotiation.config.models import Scenario
from negotiation.history import (
    COVER_COLUMN,
    MARKET_SHARES,
    SHARE_COLUMN,
    CountryTurn,
    Lapse,
    LogEntry,
    OfferMade,
    Settled,
    TurnRecord,
    entries,
)
from negotiation.observation import NewPledge, Renew, renewable_now
from negotiation.truce import Break, Collapse

if TYPE_CHECKING:
    from negotiation.model import TruceModel


def turn_label(scenario: Scenario, turn: int) -> str:
    """The instructor's label of the turn if the scenario has labels, else '2026-11' for monthly
    scenarios and 'round 12' otherwise (turns count from 0)."""
    if turn < len(scenario.labels):
        return scenario.labels[turn]
    if scenario.turn_label == "round":
        return f"round {turn}"
    year, month = (int(x) for x in scenario.start.split("-")[:2])
    months = year * MONTHS_PER_YEAR + month - 1 + turn * MONTHS_PER_TURN
    return f"{months // MONTHS_PER_YEAR}-{months % MONTHS_PER_YEAR + 1:02d}"


@dataclass
class RunResult:
    scenario: Scenario
    seed: int
    records: list[TurnRecord]
    pledge_levels: dict[str, list[float | None]]
    pledge_seen: dict[str, list[float | None]]
    broken: Break | None
    totals: dict[str, float]
    log: list[LogEntry] = field(default_factory=list)
    collapse: Collapse | None = None
    breaches: list[Break] = field(default_factory=list)
    recoveries: int = 0
    cooperation_rate: float = 1.0
    mutual_defection_turns: int = 0

    @classmethod
    def from_model(cls, model: TruceModel, seed: int) -> RunResult:
        return cls(model.config, seed, model.records, model.pledge_levels, model.pledge_seen, model.broken,
                   {c.cid: c.total for c in model.countries}, model.log, model.collapse, list(model.breaches),
                   model.recoveries, model.cooperation_rate, model.mutual_turns)

    @property
    def held(self) -> bool:
        """The truce never collapsed (breaches may have happened and healed)."""
        return self.collapse is None

    def turns(self) -> list[int]:
        """The turns played, in order."""
        return [r.turn for r in self.records]

    def path(self, country: str) -> list[CountryTurn]:
        """One country's figures turn by turn."""
        return [r.countries[country] for r in self.records]

    @property
    def timeline(self) -> pd.DataFrame:
        """One row per turn: status, allied share, China's share, and per-country columns."""
        frame = pd.DataFrame.from_records([r.as_row() for r in self.records])
        frame.insert(1, "date", [turn_label(self.scenario, t) for t in frame["turn"]])
        return frame

    @property
    def compliance(self) -> pd.DataFrame:
        """Pledges x turns: the level each pledge was honoured at (NaN when not in force)."""
        frame = pd.DataFrame({pid: pd.Series(levels, dtype="float64") for pid, levels in self.pledge_levels.items()})
        return frame.T

    def outcome(self) -> dict[str, Any]:
        """The flat outcome of the run, as kept in sweep tables."""
        last = self.records[-1] if self.records else None
        c = self.collapse
        row: dict[str, Any] = {
            "held": self.held,
            "collapsed": c is not None,
            "collapse_turn": c.turn if c else None,
            "collapse_cause": c.cause if c else None,
            "collapse_country": c.country if c else None,
            "breaches": len(self.breaches),
            "recoveries": self.recoveries,
            "cooperation_rate": self.cooperation_rate,
            "mutual_defection_turns": self.mutual_defection_turns,
            "break_turn": self.broken.turn if self.broken else None,
            "breaker": self.broken.country if self.broken else None,
            "break_pledge": self.broken.pledge if self.broken else None,
            "break_cause": self.broken.cause if self.broken else None,
            "allied_share": last.allied_share if last else None,
            "china_share": last.china_share if last else None,
        }
        row.update(self.bargaining())
        row.update({f"payoff.{c}": v for c, v in self.totals.items()})
        markets = [r.market for r in self.records if r.market is not None]
        if markets:  # the rare-earth market: prices over the run, allied shares and stocks at its end
            end = markets[-1]
            for good in ("light", "heavy"):  # history.MARKET_PRICES
                prices = [getattr(m, f"price_{good}") for m in markets]
                row[f"mean_price_{good}"] = sum(prices) / len(prices)
                row[f"peak_price_{good}"] = max(prices)
            row.update({name: getattr(end, name) for name in MARKET_SHARES})
            row.update({f"{COVER_COLUMN}.{cid}": months for cid, months in end.cover.items()})
        return row

    def bargaining(self) -> dict[str, Any]:
        """The talks of the run in outcome columns (issue 9): counter-offers, renewal deals agreed,
        renewals failed (talks were held but the pledges up lapsed unrenewed), and the first
        renewal of a major pledge: its turn, the linked units it carried, the surplus it split
        and each country's share of it (null for countries not party to it)."""
        talks = [e for e in entries(self.log, OfferMade) if e.verdict != "invalid"]
        renewing = [e for e in talks if any(isinstance(c, Renew) for c in e.offer.give + e.offer.ask)]
        window = self.scenario.negotiation.renewal_window
        # a failed renewal: the pledges a pair's talks offered to renew lapsed at the end they were
        # up at (one per pair and lapse turn, however many pledges the package held)
        failed = {(lapse.turn, frozenset((e.offer.proposer, e.offer.receiver)))
                  for lapse in entries(self.log, Lapse) for e in renewing
                  if renewable_now(lapse.turn, e.turn, window)
                  and Renew(lapse.pledge) in e.offer.give + e.offer.ask}
        major = {p.id for country in self.scenario.countries.values() for p in country.pledges if p.major}
        first = next((e for e in renewing if e.verdict == "accept" and any(
            isinstance(c, Renew) and c.pledge in major for c in e.offer.give + e.offer.ask)), None)
        linked = [c for c in first.offer.give + first.offer.ask
                  if isinstance(c, NewPledge) and c.extends is not None] if first else []
        pair = {first.offer.proposer, first.offer.receiver} if first else set()
        split = next((s for s in entries(self.log, Settled, first.turn) if {s.proposer, s.receiver} == pair),
                     None) if first else None
        return {"counter_offers": sum(e.verdict == "counter" for e in talks),
                "renewals_agreed": sum(e.verdict == "accept" for e in renewing),
                "renewals_failed": len(failed),
                "renewal_turn": first.turn if first else None,
                "renewal_links": "; ".join(c.short() for c in linked)
                if first else None,
                "renewal_surplus": split.surplus if split else None,
                **{f"{SHARE_COLUMN}.{cid}": split.share(cid) if split else None for cid in self.scenario.countries}}

    def summary(self) -> dict[str, Any]:
        """What ``summary.json`` holds."""
        return {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "turns": len(self.records),
            "truce": {"held": self.held, "collapse": self.collapse.as_dict() if self.collapse else None,
                      "first_breach": self.broken.as_dict() if self.broken else None,
                      "breaches": len(self.breaches), "recoveries": self.recoveries,
                      "cooperation_rate": self.cooperation_rate,
                      "mutual_defection_turns": self.mutual_defection_turns, "text": self.describe_truce()},
            "payoffs": self.totals,
            "final": self._final(),
            "renewals": [e for e in self.negotiations() if e["verdict"] == "accept"],
        }

    def describe_truce(self) -> str:
        """One or two sentences: whether the truce collapsed, and its breaches."""
        n = len(self.breaches)
        healed = f"; {self.recoveries} healed" if n else ""
        incidents = ""
        if self.broken:
            first = self.broken.describe(self._label(self.broken.turn))
            incidents = f" ({n} breach{'es' if n != 1 else ''}{healed}; first {first})"
        if self.collapse is None:
            return f"The truce held for all {len(self.records)} turns{incidents}."
        return "The truce " + self.collapse.describe(self._label(self.collapse.turn)) + f"{incidents}."

    def _final(self) -> dict[str, Any]:
        """The last turn's row without the payoffs (``payoffs`` holds the totals)."""
        if not self.records:
            return {}
        return {k: v for k, v in self.records[-1].as_row().items() if not k.startswith(("payoff.", "total."))}

    def _label(self, turn: int) -> str:
        return turn_label(self.scenario, turn)

    def negotiations(self) -> list[dict[str, Any]]:
        """Every offer made, as plain dicts: turn, from, to, gives, asks, verdict."""
        return [{"turn": e.turn, "from": e.offer.proposer, "to": e.offer.receiver,
                 "give": [c.short() for c in e.offer.give], "ask": [c.short() for c in e.offer.ask],
                 "verdict": e.verdict}
                for e in entries(self.log, OfferMade)]
