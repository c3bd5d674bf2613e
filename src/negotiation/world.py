"""The state of the world: instruments, capacities, pledges and trust, as numpy arrays.

Country i is row i everywhere; ``tariffs[i, j]`` is i's tariff on goods from j.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from negotiation.config.models import Pledge, Scenario
from negotiation.observation import PledgeView


@dataclass
class PledgeState:
    """A pledge in play: its terms plus what renewals and events did to it."""

    spec: Pledge
    giver: int
    receiver: int
    end: int
    start: int
    suspended: bool = False
    renewals: int = 0
    _view: PledgeView | None = field(default=None, repr=False, compare=False)
    id: str = field(init=False)

    def __post_init__(self) -> None:
        self.id = self.spec.id

    def view(self, ids: list[str]) -> PledgeView:
        """The public terms as strategies see them (cached until a renewal moves the end)."""
        if self._view is None or self._view.end != self.end or self._view.start != self.start:
            s = self.spec
            self._view = PledgeView(s.id, ids[self.giver], ids[self.receiver], s.instrument, s.level, s.cost,
                                    s.value, self.start, self.end, s.major, s.renewable)
        return self._view

    def active(self, turn: int) -> bool:
        return self.start <= turn < self.end


@dataclass
class World:
    ids: list[str]
    base_tariffs: np.ndarray
    retaliation: np.ndarray
    base_controls: np.ndarray
    trade: np.ndarray
    demand: np.ndarray
    weights: np.ndarray
    trust: np.ndarray
    allied_share: float
    allied_growth: float
    allied_cap: float
    other_share: float
    supplier: int | None
    pledges: list[PledgeState]
    pipeline: dict[int, float] = field(default_factory=dict)
    tariffs: np.ndarray = field(default=None)  # type: ignore[assignment]
    controls: np.ndarray = field(default=None)  # type: ignore[assignment]

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> World:
        ids = list(scenario.countries)
        index = {c: i for i, c in enumerate(ids)}
        n = len(ids)
        tariffs, controls, trade = np.zeros((n, n)), np.zeros((n, n)), np.zeros((n, n))
        weights = np.zeros((n, 5))
        demand = np.zeros(n)
        supplier = None
        pledges = []
        for i, country in enumerate(scenario.countries.values()):
            inst = country.instruments
            for partner, level in inst.tariffs.items():
                tariffs[i, index[partner]] = level
            for partner, level in inst.export_controls.items():
                controls[i, index[partner]] = level
            for partner, amount in inst.trade_exposure.items():
                trade[i, index[partner]] = amount
            if inst.controls_supply and supplier is None:
                supplier = i
            w = country.preferences.weights
            weights[i] = (w.pledges, w.trade, w.security, w.investment, w.leverage)
            demand[i] = country.resources.demand_share
            for p in country.pledges:
                pledges.append(PledgeState(p, i, index[p.to], end=p.end, start=p.start))
        trust = np.full((n, n), scenario.world.initial_trust)
        np.fill_diagonal(trust, 1.0)
        w = scenario.world
        world = cls(ids, tariffs, np.zeros((n, n)), controls, trade, demand, weights, trust,
                    w.allied_share, w.allied_growth, w.allied_cap, w.other_share, supplier, pledges)
        world.tariffs, world.controls = tariffs.copy(), controls.copy()
        return world

    @property
    def china_share(self) -> float:
        """Share of world processing the supplier controls: what allied capacity has not replaced."""
        return max(0.0, 1.0 - self.allied_share - self.other_share)

    def apply_levels(self, levels: dict[str, float], turn: int) -> None:
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

    def invest(self, amount_bn: float, turn: int, lead_time: int, capacity_per_bn: float) -> None:
        """Money spent now adds allied capacity after the lead time (P4)."""
        if amount_bn > 0:
            self.pipeline[turn + lead_time] = self.pipeline.get(turn + lead_time, 0.0) + amount_bn * capacity_per_bn

    def grow(self, turn: int) -> None:
        """Baseline allied growth (F11) plus investment coming online this turn."""
        added = self.allied_growth + self.pipeline.pop(turn, 0.0)
        self.allied_share = float(min(self.allied_cap, max(0.0, self.allied_share + added)))
