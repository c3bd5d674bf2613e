"""The state of the world: instruments, capacities, pledges and trust, as numpy arrays.

Country i is row i everywhere; ``tariffs[i, j]`` is i's tariff on goods from j.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from negotiation.config.constants import TURNS_PER_YEAR
from negotiation.config.models import Pledge, Scenario
from negotiation.observation import PledgeView


@dataclass
class PledgeState:
    """A pledge in play: its terms plus what renewals and events did to it.

    ``suspended_until``: an event forces the pledge to defection on turns before this one.
    """

    spec: Pledge
    giver: int
    receiver: int
    end: int
    start: int
    suspended_until: int = -1
    renewals: int = 0
    id: str = field(init=False)

    def __post_init__(self) -> None:
        self.id = self.spec.id

    def view(self, ids: list[str], value: float, cost: float) -> PledgeView:
        """The public terms as strategies see them, with this turn's worth to each side."""
        s = self.spec
        return PledgeView(s.id, ids[self.giver], ids[self.receiver], s.instrument, s.level, cost, value,
                          self.start, self.end, s.major, s.renewable)

    def active(self, turn: int) -> bool:
        return self.start <= turn < self.end

    def suspended(self, turn: int) -> bool:
        return turn < self.suspended_until


@dataclass
class World:
    ids: list[str]
    base_tariffs: np.ndarray
    retaliation: np.ndarray
    base_controls: np.ndarray
    trade_weight: np.ndarray
    gdp: np.ndarray
    demand: np.ndarray
    weights: np.ndarray
    trust: np.ndarray
    allied_share: float
    other_share: float
    supplier: int | None
    pledges: list[PledgeState]
    tariffs: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    controls: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> World:
        ids = list(scenario.countries)
        index = {c: i for i, c in enumerate(ids)}
        n = len(ids)
        tariffs, controls, weight = np.zeros((n, n)), np.zeros((n, n)), np.zeros((n, n))
        weights = np.zeros((n, 5))
        demand, gdp, processing = np.zeros(n), np.zeros(n), np.zeros(n)
        supplier = None
        pledges = []
        for i, country in enumerate(scenario.countries.values()):
            inst, res = country.instruments, country.resources
            for partner, level in inst.tariffs.items():
                tariffs[i, index[partner]] = level
            for partner, level in inst.export_controls.items():
                controls[i, index[partner]] = level
            for partner, amount in inst.trade_exposure.items():
                weight[i, index[partner]] = amount / res.trade_total if res.trade_total > 0 else 0.0
            if inst.controls_supply and supplier is None:
                supplier = i
            w = country.preferences.weights
            weights[i] = (w.pledges, w.trade, w.security, w.investment, w.leverage)
            demand[i], processing[i] = res.demand_share, res.processing_share
            gdp[i] = res.gdp * 1000.0 / TURNS_PER_YEAR  # USD tn a year -> USD bn a turn
            for p in country.pledges:
                pledges.append(PledgeState(p, i, index[p.to], end=p.end, start=p.start))
        trust = np.full((n, n), scenario.world.initial_trust)
        np.fill_diagonal(trust, 1.0)
        # the supplier's processing share is everyone's dependency; the other countries of the
        # scenario are the allied chain; the rest of the world is neither (F1, P3, F11)
        china = processing[supplier] if supplier is not None else 0.0
        allied = float(processing.sum() - china)
        other = max(0.0, 1.0 - china - allied)
        world = cls(ids, tariffs, np.zeros((n, n)), controls, weight, gdp, demand, weights, trust,
                    allied, other, supplier, pledges)
        world.tariffs, world.controls = tariffs.copy(), controls.copy()
        return world

    @property
    def china_share(self) -> float:
        """Share of world processing the supplier holds (what the market leaves to it)."""
        return float(max(0.0, 1.0 - self.allied_share - self.other_share))

    def apply_levels(self, levels: dict[str, float]) -> None:
        """Set tariffs and export controls from base levels, retaliation and pledge compliance."""
        tariffs = self.base_tariffs + self.retaliation
        controls = self.base_controls.copy()
        for p in self.pledges:
            level = levels.get(p.id)
            if level is None:
                continue
            if p.spec.instrument == "tariff":
                tariffs[p.giver, p.receiver] -= level * p.spec.level
            elif p.spec.instrument == "export_control":
                controls[p.giver, p.receiver] -= level * p.spec.level
        self.tariffs = np.clip(tariffs, 0.0, None)
        self.controls = np.clip(controls, 0.0, 1.0)

    def supplier_controls(self) -> np.ndarray:
        """The supplier's export-control level towards each country (zeros without a supplier)."""
        if self.supplier is None:
            return np.zeros(len(self.ids))
        out = self.controls[self.supplier].copy()
        out[self.supplier] = 0.0
        return out
