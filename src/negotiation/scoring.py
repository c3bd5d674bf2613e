"""A player's score: the instructor's weights and per-country objectives applied to a run.

The score is ``scoring.payoff`` points per USD bn of the country's total payoff, plus the
``points`` of every objective met. Pure functions of a :class:`RunResult`, so a finished
game, a replayed save and a counterfactual computer-only run are scored alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from negotiation.config.models import Objective
from negotiation.results import RunResult


@dataclass(frozen=True)
class ObjectiveResult:
    """One objective with the value reached and whether it was met."""

    objective: Objective
    value: float
    met: bool

    def describe(self) -> str:
        reached = format_value(self.objective, self.value)
        return f"{'met' if self.met else 'missed'}: {self.objective.text} (reached {reached})"


@dataclass(frozen=True)
class Score:
    country: str
    payoff: float
    payoff_points: float
    objectives: tuple[ObjectiveResult, ...]

    @property
    def total(self) -> float:
        return self.payoff_points + sum(r.objective.points for r in self.objectives if r.met)

    @property
    def met(self) -> int:
        return sum(r.met for r in self.objectives)


def metric(result: RunResult, country: str, objective: Objective) -> float:
    """The value of an objective's metric for ``country`` in a (possibly unfinished) run."""
    records = result.records
    kind = objective.metric
    if kind == "payoff":
        return result.totals[country]
    if kind == "pledge":
        return _pledge_delivered(result, objective.pledge or "")
    if kind == "truce_turns":
        # turns before the collapse: a breach that heals does not end the truce
        return float(result.collapse.turn if result.collapse else len(records))
    if not records:
        return 0.0
    if kind == "allied_share":
        return float(records[-1].allied_share)
    if kind == "china_share":
        return float(records[-1].china_share)
    column = {"controls_faced": "control_on", "tariff_imposed": "tariff_out", "trade_loss": "trade_loss"}[kind]
    values = [float(getattr(r.countries[country], column)) for r in records]
    return sum(values) if kind == "trade_loss" else sum(values) / len(values)


def _pledge_delivered(result: RunResult, pledge_id: str) -> float:
    spec = next(p for c in result.scenario.countries.values() for p in c.pledges if p.id == pledge_id)
    levels = [v for v in result.pledge_levels.get(pledge_id, []) if v is not None]
    return spec.level * sum(levels) / len(levels) if levels else 0.0


def met(objective: Objective, value: float) -> bool:
    low, high = objective.at_least, objective.at_most
    return (low is None or value >= low - 1e-9) and (high is None or value <= high + 1e-9)


def score(result: RunResult, country: str) -> Score:
    """The country's score in this run under the scenario's scoring rules."""
    rules = result.scenario.scoring
    payoff = result.totals[country]
    results = tuple(ObjectiveResult(o, v, met(o, v))
                    for o in rules.objectives.get(country, []) for v in (metric(result, country, o),))
    return Score(country, payoff, rules.payoff * payoff, results)


def format_value(objective: Objective, value: float) -> str:
    """The value in the metric's unit: '22.4', '63 %', '8 turns', 'USD 12.3 bn'."""
    kind = objective.metric
    if kind in ("allied_share", "china_share", "tariff_imposed"):
        return f"{100 * value:.0f} %"
    if kind == "controls_faced":  # a level from 0 to 1, as the objective states it ('at most 0.2')
        return f"{value:.2f}"
    if kind == "truce_turns":
        return f"{value:.0f} turn{'s' if round(value) != 1 else ''}"
    if kind in ("payoff", "trade_loss"):
        return f"USD {value:,.1f} bn"
    return f"{value:,.1f}"
