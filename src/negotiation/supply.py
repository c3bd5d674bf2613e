"""The rare-earth market inside the turn: the engine's link to :mod:`negotiation.market`.

One :class:`Supply` per run holds the market's parameters (the scenario's country profiles,
its market file and its ``market:`` settings), its state, this turn's clearing and its own
random stream. Each turn the engine

1. :meth:`Supply.clear` s the market under the supplier's export controls (the harm of the
   controls to each importer is the payoffs' security term; ``leverage_capture`` of it is the
   supplier's leverage term; a price floor's net cost is its payer's investment term);
2. prices pledges and stakes from the same market: :meth:`Supply.harm_of` (what a control
   level costs an importer now, closed form) and :meth:`Supply.outlook` (how that harm is
   expected to move on the calm and on the punishment path, from ``market.harm_if``);
3. :meth:`Supply.advance` s the market with the month's investment (countries' decisions and
   pledged funds), which starts capacity projects with drawn lead times.

**Control levels.** The engine's export-control level towards an importer is one number
(0 open, 1 the full October 2025 regime, F2). The market has two goods; a level ``c`` withholds
``min(1, 2c)`` of the importer's exposed heavy rare earths and ``max(0, 2c - 1)`` of its light
ones. So level 0.5 — China's standing licensing towards Japan, Australia and the EU — is the
April 2025 regime, which halted exports of seven medium and heavy rare earths (P18) and left
light ones (NdPr) flowing; level 1 adds the October regime's controls on everything (F2).
A ``set_control`` event may also name a good: that good's control is then set on its own
(``configs/scenarios/heavy_rare_earth_squeeze.yaml``), outside the pledges' accounting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache, wraps
from types import MappingProxyType
from typing import Any

import numpy as np

from negotiation.config.market import GOODS, MarketConfig, load_market
from negotiation.config.models import Scenario
from negotiation.history import MarketTurn
from negotiation.market import (
    HEAVY,
    LIGHT,
    MAGNETS,
    MINING,
    REFINING,
    Clearing,
    MarketParams,
    MarketState,
    advance,
    capacity_ahead,
    clear,
    harm_if,
    harm_paths,
    initial_state,
    params_from,
    with_changes,
)

APRIL_REGIME = 0.5  # the control level of the April 2025 licensing: heavy rare earths halted (P18)
OUTLOOK_TURNS = 12  # the stakes' harm outlook looks a year ahead (F3's 12-24 month window)
OUTLOOK_EVERY = 6  # and is revised every half year (or when the pledges in force change)


def _timed[F: Callable[..., Any]](method: F) -> F:
    """Add the time spent in a :class:`Supply` method to ``Supply.seconds`` (outermost calls only),
    so ``benchmarks/run_speed.py`` measures the market's share of a run within the run itself.
    Every method that computes is timed; a lookup of what this month already computed (a dict
    access) is not, as timing it would cost more than it does."""

    @wraps(method)
    def timed(self: Supply, *args: Any, **kwargs: Any) -> Any:
        if self._inside:
            return method(self, *args, **kwargs)
        self._inside = True
        start = time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start
            self._inside = False

    return timed  # type: ignore[return-value]


@lru_cache(maxsize=8)
def _market_file(name: str) -> MarketConfig:
    return load_market(name)


# level c withholds (c - offset) * slope of each good, within 0..1: light from the April regime up, heavy up to it
_SLOPES = np.array([1.0 / (1.0 - APRIL_REGIME), 1.0 / APRIL_REGIME])
_OFFSETS = np.array([APRIL_REGIME / (1.0 - APRIL_REGIME), 0.0])


def good_levels(levels: np.ndarray) -> np.ndarray:
    """[..., 2] the (light, heavy) shares withheld at engine control levels ``levels`` (0..1)."""
    return np.minimum(np.maximum(np.asarray(levels, dtype=float)[..., None] * _SLOPES - _OFFSETS, 0.0), 1.0)


def market_params(scenario: Scenario) -> MarketParams:
    """The market's parameters for a scenario: its profiles, its market file and its settings.

    ``market.lead_time_scale`` multiplies every mean lead time (expansions, new sites and the
    capacity already under construction); ``market.stockpile_months`` adds months of
    consumption to every importer's stockpile (initially and as its target); the ``leverage_decay``
    channel off freezes capacity (no supplier growth, no projects); ``investment_response`` off
    takes away the speed-up of projects under pressure.
    """
    settings, channels = scenario.market, scenario.world.channels
    params = params_from(scenario.countries, _market_file(settings.file))
    scale = settings.lead_time_scale
    changes: dict[str, Any] = {}
    if scale != 1.0:
        changes.update(expansion_months=params.expansion_months * scale,
                       greenfield_months=params.greenfield_months * scale,
                       pipeline_months=max(1, round(params.pipeline_months * scale)))
    if settings.stockpile_months > 0:
        added = params.allied[:, None] * settings.stockpile_months
        changes.update(stock_initial=params.stock_initial + added, stock_target=params.stock_target + added)
    if not channels.leverage_decay:
        changes.update(supplier_growth=0.0, pipeline=np.zeros_like(params.pipeline))
    if not channels.investment_response:
        changes.update(max_speedup=0.0)
    return replace(params, **changes) if changes else params


class Supply:
    """The market of one run (see the module's docstring)."""

    seconds = 0.0  # time spent in the market's methods during this run (see _timed)
    _inside = False

    @_timed
    def __init__(self, scenario: Scenario, rng: np.random.Generator):
        self.params = market_params(scenario)
        self.rng = rng
        self.n = len(scenario.countries)
        self.frozen = not scenario.world.channels.leverage_decay
        self.state: MarketState = initial_state(self.params, rng)
        self.extra = np.zeros((self.params.n, 2))  # per-good controls set by events
        self._importers = [i for i in range(self.n) if self.params.allied[i]]
        self._buyers = (np.arange(self.params.n) != self.params.supplier).astype(float)
        self._growth: float | None = None
        self._capacity: np.ndarray | None = None
        self._harm: dict[float, list[float]] = {}
        self._outlook_turn = 0
        self._outlook: dict[tuple[tuple[float, ...], tuple[float, ...]], np.ndarray] = {}
        self.clearing: Clearing = clear(self.state, self.controls(np.zeros(self.n)), self.params)

    # --- the supplier's controls ----------------------------------------------------
    @_timed
    def controls(self, levels: np.ndarray) -> np.ndarray:
        """[N, 2] the market's controls from the engine's levels towards each game country."""
        c = self.extra.copy()
        c[: self.n] = np.maximum(c[: self.n], good_levels(levels))
        return c

    @_timed
    def set_control(self, target: int, good: str, level: float) -> None:
        """An event's control on one good of one importer, kept until another event changes it."""
        self.extra[target, GOODS.index(good)] = float(np.clip(level, 0.0, 1.0))
        self._changed(revise=True)

    # --- the month ----------------------------------------------------------------------
    @_timed
    def clear(self, levels: np.ndarray, hold: np.ndarray | None = None) -> Clearing:
        """Clear this month's market under the supplier's control levels towards each game country;
        the game countries marked in ``hold`` keep their stockpiles this month (no draw)."""
        self.clearing = clear(self.state, self.controls(levels), self.params,
                              None if hold is None or not np.any(hold) else hold)
        return self.clearing

    @_timed
    def advance(self, invest_bn: np.ndarray) -> None:
        """The market one month on, with the month's investment by country (USD bn)."""
        if self.frozen:
            invest_bn = np.zeros_like(invest_bn)
        self.state = advance(self.state, self.clearing, invest_bn, self.rng, self.params)
        self._changed()

    @_timed
    def shock(self, value: float) -> None:
        """A capacity shock: allied refining capacity moves by ``value`` of world refining
        capacity (shared pro rata over the allied countries' plants, both goods)."""
        cap = self.state.capacity.copy()
        allied = self.params.allied
        stage = cap[:, REFINING, :]
        held = stage[allied].sum(axis=0)
        world = stage.sum(axis=0)
        add = value * world
        weights = np.where(held > 0, stage[allied] / np.maximum(held, 1e-12), 1.0 / allied.sum())
        stage[allied] = np.maximum(stage[allied] + weights * add, 0.0)
        self.state = with_changes(self.state, self.params, capacity=cap)
        self._changed(revise=True)

    def _changed(self, revise: bool = False) -> None:
        """Forget what depended on the old state; the outlook only when it is due (or ``revise``)."""
        self._harm.clear()
        if revise or self.state.turn >= self._outlook_turn + OUTLOOK_EVERY:
            self._outlook.clear()
            self._growth = self._capacity = None
            self._outlook_turn = self.state.turn

    # --- what the controls cost ---------------------------------------------------------
    @property
    @_timed
    def harm(self) -> np.ndarray:
        """[n] what this month's controls cost each game country, USD bn."""
        return self.clearing.harm[: self.n]

    def harm_of(self, importer: int, level: float) -> float:
        """What the supplier's control ``level`` towards game country ``importer`` costs it this month
        (no resale between importers: each importer's harm depends on its own level only)."""
        harm = self._harm.get(level)  # a cached lookup is not timed; computing it is
        return (self._harm_level(level) if harm is None else harm)[importer]

    @_timed
    def _harm_level(self, level: float) -> list[float]:
        """[n] the harm of ``level`` on every importer at once (their harms are independent)."""
        if level >= 1.0:  # full controls on both goods: the month's base has it already
            harm = self.state.base.full_harm.sum(axis=1)[: self.n].tolist()
        elif level <= 0.0 and not self.extra.any():  # no controls at all
            harm = [0.0] * self.n
        else:
            harm = harm_if(self.state, self.controls(np.full(self.n, level)), self.params).sum(axis=1)[
                : self.n].tolist()
        self._harm[level] = harm
        return harm

    @_timed
    def floor_net(self) -> np.ndarray:
        """[n] what a price floor costs each game country this month net of what it pays its
        producers (the payer's cost less its own producers' receipts; a covered producer's gain)."""
        c = self.clearing
        return (c.floor_cost - c.floor_received)[: self.n]

    def outlook(self, calm: np.ndarray, war: np.ndarray) -> np.ndarray:
        """[2, n] the harm of controls ``war`` on each importer ``OUTLOOK_TURNS`` turns from now,
        as a multiple of its harm now: if ``calm`` is held until then (row 0), and if ``war`` is
        (row 1: stocks run down, substitution grows), by ``market.harm_paths``: projects due
        count at their chance of success; one importer's path does not move the others' prices.
        1 where the harm now is zero. Revised every ``OUTLOOK_EVERY`` turns, like a half-yearly
        market outlook, and whenever the control paths change (a pledge lapses or is renewed)."""
        key = (tuple(np.asarray(calm, dtype=float).tolist()), tuple(np.asarray(war, dtype=float).tolist()))
        out = self._outlook.get(key)  # a cached lookup is not timed; computing it is
        return self._forecast(key) if out is None else out

    @_timed
    def _forecast(self, key: tuple[tuple[float, ...], tuple[float, ...]]) -> np.ndarray:
        c_war, c_calm = self.controls(np.asarray(key[1])), self.controls(np.asarray(key[0]))
        later, harm = harm_paths(self.state, c_war, self.params, OUTLOOK_TURNS, np.stack([c_calm, c_war]),
                                 self._ahead())
        now = harm[1, : self.n].sum(axis=1)  # the war path's controls now
        ratio = later[:, : self.n].sum(axis=2) / np.maximum(now, 1e-12)
        out = self._outlook[key] = np.where(now > 0, ratio, 1.0)
        return out

    def _ahead(self) -> np.ndarray:
        """The capacity expected ``OUTLOOK_TURNS`` from now (revised with the outlook)."""
        if self._capacity is None:
            self._capacity = capacity_ahead(self.state, self.params, OUTLOOK_TURNS)
        return self._capacity

    # --- what the run shows -------------------------------------------------------------
    def stock_months(self, importer: int) -> float:
        """Game country ``importer``'s stockpile now, in months of its light consumption
        (0 for the supplier, which holds none)."""
        return float(self.state.base.cover[importer, LIGHT]) if self.params.allied[importer] else 0.0

    @_timed
    def shares(self) -> tuple[float, float]:
        """(allied, rest of the world) shares of world light refining capacity (processing, P3):
        what the engine reports as the allied share and, with the supplier's, its dependency."""
        cap = self.state.capacity[:, REFINING, LIGHT].tolist()
        world = sum(cap)
        return sum(cap[i] for i in self._importers) / world, cap[-1] / world

    def allied_growth(self) -> float:
        """The allied share of light refining expected to be added a turn over the next year
        (from the half-yearly outlook's capacity forecast)."""
        return self._allied_growth() if self._growth is None else self._growth

    @_timed
    def _allied_growth(self) -> float:
        ahead = self._ahead()[:, REFINING, LIGHT]
        now, _ = self.shares()
        self._growth = max(0.0, (float(ahead[self.params.allied].sum()) / float(ahead.sum()) - now) / OUTLOOK_TURNS)
        return self._growth

    @_timed
    def record(self) -> MarketTurn:
        """This turn's market for the run's records: the prices it cleared at (outside the
        supplier, weighted by what each importer would buy without controls, so a squeeze on
        one importer shows; and the world price without controls),
        and, as the turn leaves the market, the allied share of capacity by stage and good, the
        supplier's leverage and each importer's stock in months of its light consumption."""
        c = self.clearing
        after = self.state.base  # the market after this month: capacity and stocks as the turn leaves them
        # weighted by what each buyer but the supplier would get without controls
        price = (self._buyers @ (c.price * c.allocation) / (self._buyers @ c.allocation)).tolist()
        world, allied = c.world_price.tolist(), after.allied_share.tolist()
        cover = after.cover[:, LIGHT].tolist()
        return MarketTurn(price_light=price[LIGHT], price_heavy=price[HEAVY], world_price_light=world[LIGHT],
                          world_price_heavy=world[HEAVY], allied_mining_light=allied[MINING][LIGHT],
                          allied_mining_heavy=allied[MINING][HEAVY], allied_refining_light=allied[REFINING][LIGHT],
                          allied_refining_heavy=allied[REFINING][HEAVY], allied_magnets_light=allied[MAGNETS][LIGHT],
                          allied_magnets_heavy=allied[MAGNETS][HEAVY], leverage=c.leverage,
                          cover=MappingProxyType({self.params.ids[i]: cover[i] for i in self._importers}))


__all__ = ["APRIL_REGIME", "HEAVY", "LIGHT", "OUTLOOK_TURNS", "Supply", "good_levels", "market_params"]
