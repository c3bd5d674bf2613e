"""The rare-earth market: capacities by stage, prices that clear, controls, stockpiles, projects.

A pure, engine-independent model the engine calls once a turn (one turn = one month):

- :func:`clear` - who receives how much of each good, at what price, and what the supplier's
  export controls cost each importer (its *harm*, USD bn a month) and could cost it
  (the supplier's *leverage*: the harm of full controls);
- :func:`advance` - the world one month later: stocks built or drawn, substitution,
  demand and supplier growth, capacity projects started and coming online;
- :func:`harm_if` - the closed-form counterfactual "what would controls x cost importer j
  now, and in k turns if nothing else changes" (no simulated futures).

Two goods (light and heavy rare earths, P18) pass three stages (mining, refining, magnets;
P1, P3, F1, F9, F14). World output of a good is the bottleneck stage's capacity; the part
that never touches the supplier's plants (the *free* supply) is the bottleneck of everyone
else's capacity. Each importer's supply is a pro-rata share of world output; the supplier's
controls withhold their level times the supplier's part of it. Each importer's market then
clears on constant-elasticity demand, ``p = p_w (received / allocation) ** (-1/eps)``,
capped at the good's choke price (the value of a missing kilogram). Randomness comes only
from the numpy ``Generator`` handed to :func:`advance`. See docs/market.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.special import ndtri

from negotiation.config.constants import TURNS_PER_YEAR
from negotiation.config.market import GOODS, STAGES, MarketConfig

USD_BN_PER_KT_USD_KG = 1e-3  # 1 kt at 1 USD/kg = USD 1 m = USD 0.001 bn
REST = "ROW"  # the rest of the world: producers and buyers outside the game
LIGHT, HEAVY = 0, 1
MINING, REFINING, MAGNETS = 0, 1, 2
ONLINE, COUNTRY, SUCCESS, FAILS, AMOUNTS = range(5)  # columns of MarketState.projects (AMOUNTS: 6 of them)
PROJECT_COLUMNS = AMOUNTS + 6


@dataclass(frozen=True, eq=False)
class MarketParams:
    """Every number the market needs, as arrays. Row i is country ``ids[i]``; the last row is the rest of the world.

    Axes: N countries (game countries + rest of world), S = 3 stages, G = 2 goods.
    Quantities are kt of the good per month; prices USD/kg; money USD bn.
    """

    ids: tuple[str, ...]
    supplier: int
    price: np.ndarray  # [G] reference price, USD/kg
    elasticity: np.ndarray  # [G]
    choke: np.ndarray  # [G] USD/kg: no buyer pays more; a missing kg costs at most this
    world_demand: np.ndarray  # [G] kt/month bought at the reference price at turn 0
    demand_share: np.ndarray  # [N]
    demand_growth: float  # per month
    supplier_growth: float  # per month
    capacity: np.ndarray  # [N, S, G] kt/month at turn 0
    mining_limit: np.ndarray  # [N, G] kt/month: reserves / reserve life
    stock_initial: np.ndarray  # [N, G] months of consumption
    stock_target: np.ndarray  # [N, G] months of consumption
    fill_rate: float  # months of consumption bought for the stock per calm month
    unit_cost: np.ndarray  # [S, G] USD bn per kt/month of capacity
    split: np.ndarray  # [N, S] how a country's investment splits over stages
    heavy_investment_share: float
    expansion_share: float
    expansion_months: float
    greenfield_months: float
    lead_sigma: float
    max_speedup: float
    pressure_for_max_speedup: float
    fail_probability: float
    floor_fail_probability: float
    pipeline: np.ndarray  # [N, S, G] kt/month under construction at turn 0
    pipeline_months: int
    pipeline_fail_probability: float
    substitution_rate: float  # most demand displaced per month
    substitution_saturation: float  # price multiple at which that pace is reached
    substitution_cap: float
    floor_price: float  # USD/kg, 0 = no floor
    floor_good: int
    floor_stage: int
    floor_payer: int  # -1 = no floor
    floor_covered: np.ndarray  # [N] bool
    allied: np.ndarray = field(init=False)  # [N] bool: game countries other than the supplier
    targets: np.ndarray = field(init=False)  # [N, G] 1 where the supplier's controls can reach
    base_demand: np.ndarray = field(init=False)  # [N, G] kt/month each country buys at the reference price, turn 0
    no_floor: np.ndarray = field(init=False)  # [N] zeros
    sum_rows: np.ndarray = field(init=False)  # [2, N] ones, then 1.0 for allied rows
    price_list: list = field(init=False)  # the per-good constants as floats, for the scalar part of clearing
    neg_inverse_list: list = field(init=False)
    choke_list: list = field(init=False)
    neg_inverse_elasticity: np.ndarray = field(init=False)  # [G] -1/eps, the exponent of inverse demand
    inverse_price: np.ndarray = field(init=False)  # [G] 1 / reference price
    substitution_slope: float = field(init=False)  # 1 / (saturation multiple - 1)
    substitution_per_price: np.ndarray = field(init=False)  # [G] slope / reference price
    inverse_full_pressure: float = field(init=False)
    lead_shift: float = field(init=False)  # -sigma^2/2: log-normal lead times keep their mean
    capacity_per_bn_flat: np.ndarray = field(init=False)  # [N, S*G] kt/month a USD bn of a country's money buys
    country_fail_list: list = field(init=False)  # [N] chance a new project of the country fails

    def __post_init__(self) -> None:
        n = len(self.ids)
        game = np.arange(n) < n - 1
        allied = game & (np.arange(n) != self.supplier)
        object.__setattr__(self, "allied", allied)
        object.__setattr__(self, "targets", np.repeat(allied[:, None].astype(float), 2, axis=1))
        object.__setattr__(self, "neg_inverse_elasticity", -1.0 / self.elasticity)
        object.__setattr__(self, "inverse_price", 1.0 / self.price)
        object.__setattr__(self, "base_demand", self.demand_share[:, None] * self.world_demand[None, :])
        object.__setattr__(self, "no_floor", np.zeros(n))
        object.__setattr__(self, "sum_rows", np.stack([np.ones(n), allied.astype(float)]))
        object.__setattr__(self, "price_list", self.price.tolist())
        object.__setattr__(self, "neg_inverse_list", (-1.0 / self.elasticity).tolist())
        object.__setattr__(self, "choke_list", self.choke.tolist())
        object.__setattr__(self, "substitution_slope", 1.0 / (self.substitution_saturation - 1.0))
        object.__setattr__(self, "substitution_per_price", self.substitution_slope / self.price)
        object.__setattr__(self, "inverse_full_pressure", 1.0 / self.pressure_for_max_speedup)
        object.__setattr__(self, "lead_shift", -self.lead_sigma ** 2 / 2.0)
        goods = np.array([1.0 - self.heavy_investment_share, self.heavy_investment_share])
        per_bn = self.split[:, :, None] * goods / self.unit_cost[None]
        object.__setattr__(self, "capacity_per_bn_flat", per_bn.reshape(n, 6))
        floor_on = self.floor_payer >= 0 and self.floor_price > 0
        fail = np.where(self.floor_covered & floor_on, self.floor_fail_probability, self.fail_probability)
        object.__setattr__(self, "country_fail_list", fail.tolist())

    @property
    def n(self) -> int:
        return len(self.ids)

    def controls_array(self, controls: np.ndarray | Mapping[str, float] | float) -> np.ndarray:
        """The supplier's controls as an [..., N, G] array from a scalar, a per-country
        vector (game countries, as in the engine's ``supplier_controls()``), a per-country x good
        array, a batch of those, or a mapping ``{country: level}`` or ``{country: (light, heavy)}``.
        Only game countries other than the supplier can be controlled."""
        if isinstance(controls, np.ndarray):  # the engine's fast paths
            if controls.shape == (self.n, 2):
                return np.minimum(np.maximum(controls, 0.0), 1.0) * self.targets
            if controls.shape == (self.n - 1,):
                c = np.zeros((self.n, 2))
                c[:-1] = controls[:, None]
                return np.minimum(np.maximum(c, 0.0), 1.0) * self.targets
        if isinstance(controls, Mapping):  # {country: level} or {country: (light, heavy)}
            by_good = np.zeros((self.n, 2))
            for cid, level in controls.items():
                by_good[self.ids.index(cid)] = level
            return np.clip(by_good, 0.0, 1.0) * self.targets
        c = np.asarray(controls, dtype=float)
        if c.ndim == 0:
            c = np.full((self.n, 2), float(c))
        elif c.shape[-1] != 2 or (c.ndim >= 2 and c.shape[-2] not in (self.n - 1, self.n)):
            c = np.repeat(c[..., None], 2, axis=-1)  # one level per country, both goods
        if c.shape[-2] == self.n - 1:  # the engine's game countries: pad the rest of the world
            c = np.concatenate([c, np.zeros((*c.shape[:-2], 1, 2))], axis=-2)
        return np.clip(c, 0.0, 1.0) * self.targets


@dataclass(eq=False, slots=True)
class Base:
    """The month's market before the supplier's controls: a function of the state alone, so it is
    computed once when the state is made and shared by :func:`clear` and every :func:`harm_if`."""

    demand: np.ndarray  # [N, G] bought at the reference price, net of substitution (kt/month)
    buy: np.ndarray  # [N, G] bought for stocks this month
    output: np.ndarray  # [G] world output: the bottleneck stage
    free: np.ndarray  # [G] output that never passes the supplier's plants
    world_price: np.ndarray  # [G] the clearing price without controls
    allocation: np.ndarray  # [N, G] each country's pro-rata share of output without controls
    exposed: np.ndarray  # [N, G] the part of it that passes the supplier's plants
    full_harm: np.ndarray  # [N, G] harm of full controls on every target
    allied_share: np.ndarray  # [S, G]
    cover: np.ndarray  # [N, G] stock in months of consumption
    floor_received: np.ndarray  # [N]
    floor_cost: np.ndarray  # [N]


@dataclass(eq=False)
class MarketState:
    """What the market carries from month to month (copy with :meth:`copy`). Arrays are never
    changed in place, so a state can be kept for counterfactuals."""

    turn: int
    capacity: np.ndarray  # [N, S, G] kt/month online
    stock: np.ndarray  # [N, G] kt
    substitution: np.ndarray  # [N, G] share of demand displaced for good
    demand_scale: float  # world demand relative to turn 0
    projects: np.ndarray  # [P, 10] one row a project: ONLINE turn, COUNTRY, SUCCESS (its chance when
    #                       started: what others expect), FAILS (1 if its drawn fate is to fail; revealed when
    #                       due), then AMOUNTS: kt/month it adds by stage and good (capacity[c].ravel() order)
    calm: np.ndarray  # [N, G] 1.0 where last month's controls were off (stocks are bought this month), else 0.0
    base: Base
    arrivals: frozenset = frozenset()  # the turns at which some project is due (a cheap test each month)

    def copy(self) -> MarketState:
        return replace(self, capacity=self.capacity.copy(), stock=self.stock.copy(),
                       substitution=self.substitution.copy(), projects=self.projects.copy(), calm=self.calm.copy())

    def pending(self) -> np.ndarray:
        """Mask of projects not yet online."""
        return self.projects[:, ONLINE] > self.turn


@dataclass(eq=False, slots=True)
class Clearing:
    """One month of the market under the supplier's controls. Arrays as in :class:`MarketParams`;
    money in USD bn a month."""

    turn: int
    supplier: int
    controls: np.ndarray  # [N, G] the supplier's controls this month
    base: Base
    price: np.ndarray  # [N, G] the price each country pays, USD/kg
    received: np.ndarray  # [N, G] what it receives (stock draws included)
    shortfall: np.ndarray  # [N, G] allocation - received
    draw: np.ndarray  # [N, G] taken from stocks
    withheld: np.ndarray  # [G] what the controls kept off the market, kt/month
    harm_by_good: np.ndarray  # [N, G] shortfall at the price paid, USD bn

    @property
    def harm(self) -> np.ndarray:
        """[N] what the controls cost each importer this month, USD bn."""
        return self.harm_by_good.sum(axis=1)

    @property
    def leverage(self) -> float:
        """The harm the supplier could impose this month with full controls on every target, USD bn."""
        return float(self.base.full_harm.sum())

    @property
    def full_harm_by_good(self) -> np.ndarray:
        return self.base.full_harm

    @property
    def world_price(self) -> np.ndarray:
        """[G] the price that clears the world market without controls, USD/kg."""
        return self.base.world_price

    @property
    def output(self) -> np.ndarray:
        return self.base.output

    @property
    def free_supply(self) -> np.ndarray:
        return self.base.free

    @property
    def allocation(self) -> np.ndarray:
        return self.base.allocation

    @property
    def buy(self) -> np.ndarray:
        return self.base.buy

    @property
    def allied_share(self) -> np.ndarray:
        """[S, G] allied capacity over world capacity, by stage and good."""
        return self.base.allied_share

    @property
    def cover(self) -> np.ndarray:
        """[N, G] stocks at the start of the month in months of consumption."""
        return self.base.cover

    @property
    def floor_received(self) -> np.ndarray:
        """[N] what a price floor pays each covered producer country this month, USD bn."""
        return self.base.floor_received

    @property
    def floor_cost(self) -> np.ndarray:
        """[N] what the floor costs its payer this month, USD bn."""
        return self.base.floor_cost

    @property
    def lost_exports(self) -> float:
        """What withholding costs the supplier a month at the price without controls, USD bn."""
        return float((self.withheld * self.base.world_price).sum() * USD_BN_PER_KT_USD_KG)

    @property
    def mean_price(self) -> np.ndarray:
        """[G] the price outside the supplier's country, weighted by what each country receives."""
        mask = np.arange(self.price.shape[0]) != self.supplier
        q = self.received[mask]
        return (self.price[mask] * q).sum(axis=0) / np.maximum(q.sum(axis=0), 1e-12)


def params_from(countries: Mapping, config: MarketConfig) -> MarketParams:
    """Build the market's parameters from the scenario's country profiles and a market file.

    ``countries`` is ``Scenario.countries`` (id -> Country). Read from each profile:
    ``resources.mining_share`` / ``processing_share`` / ``magnet_share`` (light capacity by stage),
    ``demand_share``, ``reserves_mt`` (the mining limit), ``capacity_share`` (capacity under
    construction), ``export_stakes.rare_earth_mine_kt`` (the tonnage of the world market) and
    ``instruments.price_floor`` (the floor, as a multiple of the reference price) and
    ``controls_supply`` (who the supplier is).
    """
    ids = (*countries, REST)
    n = len(ids)
    profiles = list(countries.values())
    supplier = next((i for i, c in enumerate(profiles) if c.instruments.controls_supply),
                    int(np.argmax([c.resources.processing_share for c in profiles])))
    price = np.array([config.goods[g].price for g in GOODS])
    content = np.array([config.goods[g].content for g in GOODS])
    mined = [(c.resources.export_stakes.get("rare_earth_mine_kt", 0.0), c.resources.mining_share) for c in profiles]
    stated = sum(s for kt, s in mined if kt > 0)
    if stated <= 0:
        raise ValueError("no country profile states resources.export_stakes.rare_earth_mine_kt with a "
                         "mining_share; the market needs one to know the world's tonnage")
    world_reo = sum(kt for kt, s in mined if kt > 0) / stated  # kt REO a year (P1: 390)
    world = world_reo * content / TURNS_PER_YEAR  # [G] kt/month of each good

    shares = np.zeros((n, 3, 2))
    for i, c in enumerate(profiles):
        r = c.resources
        shares[i, :, LIGHT] = (r.mining_share, r.processing_share, r.magnet_share)
        heavy = config.heavy_shares.get(c.id)
        shares[i, :, HEAVY] = (heavy.mining if heavy else 0.0, heavy.refining if heavy else 0.0, r.magnet_share)
    shares[n - 1] = np.clip(1.0 - shares[: n - 1].sum(axis=0), 0.0, None)  # the rest of the world
    capacity = shares * world[None, None, :]

    demand_share = np.array([c.resources.demand_share for c in profiles] + [0.0])
    demand_share[n - 1] = max(0.0, 1.0 - demand_share.sum())
    demand_share = np.maximum(demand_share, 1e-9)  # a country that buys nothing still has a (tiny) market
    demand_share = demand_share / demand_share.sum()

    p = config.projects
    life_months = p.reserve_life_years * TURNS_PER_YEAR
    reserves = np.array([c.resources.reserves_mt for c in profiles] + [np.inf])
    mining_limit = np.maximum(reserves[:, None] * 1000.0 * content[None, :] / life_months, capacity[:, MINING, :])

    split = np.zeros((n, 3))
    for i, c in enumerate(profiles):
        s = p.split.get(c.id)
        split[i] = (s.mining, s.refining, s.magnets) if s else (1 / 3, 1 / 3, 1 / 3)
    unit_cost = np.array([[getattr(p.unit_cost_bn, st), getattr(p.unit_cost_bn, st) * p.heavy_cost_multiple]
                          for st in STAGES])
    # capacity already under construction (profile capacity_share, F11) arrives by stage like new money would
    pipeline = np.zeros((n, 3, 2))
    for i, c in enumerate(profiles):
        pipeline[i] = c.resources.capacity_share * split[i][:, None] * world[None, :]

    months = np.zeros((n, 2))
    target = np.zeros((n, 2))
    for cid, policy in config.stockpiles.items():
        if cid in ids:
            months[ids.index(cid)] = policy.initial_months
            target[ids.index(cid)] = policy.target_months

    floor = config.price_floor
    payer = next((i for i, c in enumerate(profiles) if c.instruments.price_floor > 0), -1)
    floor_good = GOODS.index(floor.good)
    floor_price = profiles[payer].instruments.price_floor * price[floor_good] if payer >= 0 else 0.0
    covered = np.array([cid in floor.covered for cid in ids])

    sub = config.substitution
    return MarketParams(
        ids=ids, supplier=supplier, price=price,
        elasticity=np.array([config.goods[g].elasticity for g in GOODS]),
        choke=price * np.array([config.goods[g].choke_multiple for g in GOODS]),
        world_demand=world, demand_share=demand_share,
        demand_growth=(1.0 + config.demand_growth) ** (1 / TURNS_PER_YEAR) - 1.0,
        supplier_growth=(1.0 + config.supplier_growth) ** (1 / TURNS_PER_YEAR) - 1.0,
        capacity=capacity, mining_limit=mining_limit, stock_initial=months, stock_target=target,
        fill_rate=config.fill_rate_months, unit_cost=unit_cost, split=split,
        heavy_investment_share=p.heavy_investment_share, expansion_share=p.expansion_share,
        expansion_months=float(p.expansion_months), greenfield_months=float(p.greenfield_months),
        lead_sigma=p.lead_sigma, max_speedup=p.max_speedup, pressure_for_max_speedup=p.pressure_for_max_speedup,
        fail_probability=p.fail_probability, floor_fail_probability=p.floor_fail_probability,
        pipeline=pipeline, pipeline_months=p.pipeline_months, pipeline_fail_probability=p.pipeline_fail_probability,
        substitution_rate=sub.max_rate_per_year / TURNS_PER_YEAR, substitution_saturation=sub.saturation_multiple,
        substitution_cap=sub.cap, floor_price=floor_price, floor_good=floor_good,
        floor_stage=STAGES.index(floor.stage), floor_payer=payer, floor_covered=covered,
    )


def initial_state(params: MarketParams, rng: np.random.Generator) -> MarketState:
    """The market at turn 0: capacity online, stocks at their initial cover, the pipeline under way."""
    fails = rng.random(params.n) < params.pipeline_fail_probability  # fixed shape: stable streams
    who = np.flatnonzero(params.pipeline.reshape(params.n, 6).sum(axis=1) > 0)
    projects = np.empty((len(who), PROJECT_COLUMNS))
    projects[:, ONLINE] = params.pipeline_months
    projects[:, COUNTRY] = who
    projects[:, SUCCESS] = 1.0 - params.pipeline_fail_probability
    projects[:, FAILS] = fails[who]
    projects[:, AMOUNTS:] = params.pipeline.reshape(params.n, 6)[who]
    stock = params.stock_initial * params.base_demand
    calm = np.ones((params.n, 2))
    capacity = params.capacity.copy()
    substitution = np.zeros((params.n, 2))
    return MarketState(0, capacity, stock, substitution, 1.0, projects, calm,
                       _base(params, capacity, stock, substitution, 1.0, calm), frozenset(projects[:, ONLINE].tolist()))


def _base(params: MarketParams, capacity: np.ndarray, stock: np.ndarray, substitution: np.ndarray,
          demand_scale: float, calm: np.ndarray, full: bool = True) -> Base:
    """Everything about the month that does not depend on the controls (closed form).

    It runs once a month and for each forecast of :func:`harm_if`, so it is written for speed:
    per-good scalars are plain floats, sums over countries are one matrix product, and the
    numpy calls on [N, G] arrays are kept to about twenty.
    """
    n, sup = params.n, params.supplier
    cap2d = capacity.reshape(n, 6)
    sums = params.sum_rows @ cap2d  # [2, S*G]: world capacity, allied capacity
    world, mine = sums[0].tolist(), cap2d[sup].tolist()
    output = [min(world[g], world[2 + g], world[4 + g]) for g in (0, 1)]  # the bottleneck stage
    free = [min(world[g] - mine[g], world[2 + g] - mine[2 + g], world[4 + g] - mine[4 + g]) for g in (0, 1)]
    demand = params.base_demand * (demand_scale * (1.0 - substitution))
    buy = np.minimum(params.fill_rate * demand, np.maximum(params.stock_target * demand - stock, 0.0)) * calm
    totals = params.sum_rows[0] @ np.concatenate([demand, buy], axis=1)  # [4]: demand and purchases by good
    d_total, b_total = totals[:2].tolist(), totals[2:].tolist()
    d_sup = demand[sup].tolist()
    ratio, price, share = [], [], []
    for g in (0, 1):
        available = output[g] - b_total[g]
        r = available / d_total[g]
        ratio.append(r)
        price.append(min(params.price_list[g] * r ** params.neg_inverse_list[g], params.choke_list[g]))
        exports = available - d_sup[g] * r
        share.append(max(exports - free[g], 0.0) / exports if exports > 0 else 0.0)  # the supplier's part
    allocation = demand * np.array(ratio)
    exposed = allocation * np.array(share)  # free supply is shared pro rata
    world_price = np.array(price)
    allied = (sums[1] / sums[0]).reshape(3, 2)
    if not full:  # a forecast needs only the allocations and the price (harm_if, harm_paths)
        return Base(demand, buy, np.array(output), np.array(free), world_price, allocation, exposed,
                    params.no_floor, allied, params.no_floor, params.no_floor, params.no_floor)
    full_short = np.maximum(params.targets * exposed - stock, 0.0)
    full_price = np.minimum(world_price * np.maximum(1.0 - full_short / allocation, 1e-9)
                            ** params.neg_inverse_elasticity, params.choke)
    floor_received = floor_cost = params.no_floor
    g = params.floor_good
    gap = params.floor_price - price[g] if params.floor_payer >= 0 else 0.0
    if gap > 0.0:  # the payer tops the market price up to the floor on covered producers' output
        stage = capacity[:, params.floor_stage, g]
        produced = stage * (output[g] / world[params.floor_stage * 2 + g])  # the stage runs at the chain's pace
        floor_received = produced * params.floor_covered * (gap * USD_BN_PER_KT_USD_KG)
        floor_cost = np.zeros(n)
        floor_cost[params.floor_payer] = floor_received.sum()
    return Base(demand, buy, np.array(output), np.array(free), world_price, allocation, exposed,
                full_short * full_price * USD_BN_PER_KT_USD_KG, allied, stock / demand, floor_received, floor_cost)


def _under(params: MarketParams, base: Base, stock: np.ndarray, controls: np.ndarray,
           hold: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(cut, draw, shortfall, price, harm) under ``controls[..., N, G]``: each importer's market
    clears on what reaches it, ``p = p_w (received / allocation) ** (-1/eps)``, capped at the choke.
    Stocks fill the gap while they last, except an importer's whose ``hold`` is set (see :func:`clear`)."""
    cut = controls * base.exposed
    draw = np.minimum(stock, cut)  # stocks fill the gap while they last
    if hold is not None:
        draw = draw * (1.0 - hold[:, None])
    shortfall = cut - draw
    price = np.minimum(base.world_price * np.maximum(1.0 - shortfall / base.allocation, 1e-9)
                       ** params.neg_inverse_elasticity, params.choke)  # nothing received: the choke price
    return cut, draw, shortfall, price, shortfall * price * USD_BN_PER_KT_USD_KG


def clear(state: MarketState, controls: np.ndarray | Mapping[str, float] | float, params: MarketParams,
          hold: np.ndarray | None = None) -> Clearing:
    """Clear this month's market under the supplier's ``controls`` (see :meth:`MarketParams.controls_array`).

    ``hold`` ([N], 1 or 0; None: nobody holds) marks the importers that keep their stockpile this
    month instead of drawing on it: their cut supply is all shortfall, and the stock stays for a
    later month (a k-month stock held for m months still covers k months of the cut after them)."""
    c = params.controls_array(controls)
    base = state.base
    if hold is not None:
        hold = np.asarray(hold, dtype=float).ravel()
        hold = np.concatenate([hold, np.zeros(params.n - len(hold))]) if len(hold) < params.n else hold
    cut, draw, shortfall, price, harm = _under(params, base, state.stock, c, hold)
    return Clearing(state.turn, params.supplier, c, base, price, base.allocation - shortfall, shortfall, draw,
                    params.sum_rows[0] @ cut, harm)


def advance(state: MarketState, clearing: Clearing, investment_bn: np.ndarray | Mapping[str, float],
            rng: np.random.Generator, params: MarketParams) -> MarketState:
    """The market one month on: stocks, substitution, growth, and the month's investment started as projects.

    ``investment_bn`` is what each game country spends on rare-earth capacity this month (USD bn),
    a vector in the order of ``params.ids`` (the rest of the world may be omitted) or a mapping.
    Each country's money becomes one project per stage and good (split by ``projects.split``)
    with a drawn lead time - an expansion (P5) or a new site (P4), shortened by up to
    ``max_speedup`` when its prices are high or controls bite - and a drawn fate (it may fail).
    The same random draws are taken every month whatever is invested, so runs that differ in
    one decision keep the same shocks.
    """
    n = params.n
    if isinstance(investment_bn, Mapping):
        inv = [0.0] * n
        for cid, amount in investment_bn.items():
            inv[params.ids.index(cid)] = float(amount)
    else:
        inv = [float(x) for x in np.asarray(investment_bn, dtype=float).ravel()]
        inv += [0.0] * (n - len(inv))
    turn = state.turn + 1

    stock = state.stock + clearing.base.buy - clearing.draw  # draws never exceed the stock
    rise = clearing.price * params.inverse_price - 1.0  # [N, G] the price rise over the reference
    pace = np.minimum(np.maximum(rise * params.substitution_slope, 0.0), 1.0)
    substitution = np.minimum(state.substitution + params.substitution_rate * pace, params.substitution_cap)
    capacity = state.capacity.copy()
    capacity[params.supplier] *= 1.0 + params.supplier_growth

    u = rng.random((3, n)).tolist()  # per country: kind of project, fate, lead-time quantile (stable streams)
    projects = state.projects
    who = [i for i in range(n) if inv[i] > 0.0]
    if who:
        # a country's month of money is one project; pressure = price rise or control level, whichever is larger
        pressure = np.maximum(rise, clearing.controls).max(axis=1).tolist()
        z = ndtri(np.array([u[2][i] for i in who])).tolist()
        rows = np.empty((len(who), PROJECT_COLUMNS))
        for k, i in enumerate(who):
            mean = params.expansion_months if u[0][i] < params.expansion_share else params.greenfield_months
            push = min(max(pressure[i] * params.inverse_full_pressure, 0.0), 1.0)
            lead = round(mean * math.exp(params.lead_sigma * z[k] + params.lead_shift)
                         * (1.0 - params.max_speedup * push))
            fail_p = params.country_fail_list[i]
            rows[k, :AMOUNTS] = (state.turn + max(lead, 1), i, 1.0 - fail_p, float(u[1][i] < fail_p))
        rows[:, AMOUNTS:] = (params.capacity_per_bn_flat * np.array(inv)[:, None])[who]
        projects = np.concatenate([projects, rows])

    arrivals = state.arrivals
    if who:
        arrivals = arrivals | frozenset(rows[:, ONLINE].tolist())
    if turn in arrivals:
        flat = capacity.reshape(n, 6)
        for row in projects[projects[:, ONLINE] == turn]:  # a few a month: a loop beats np.add.at
            if row[FAILS] == 0.0:
                flat[int(row[COUNTRY])] += row[AMOUNTS:]
        capacity[:, MINING, :] = np.minimum(capacity[:, MINING, :], params.mining_limit)
    scale = state.demand_scale * (1.0 + params.demand_growth)
    calm = (clearing.controls <= 0.0).astype(float)  # a float mask: cheaper to multiply by than a bool one
    return MarketState(turn, capacity, stock, substitution, scale, projects, calm,
                       _base(params, capacity, stock, substitution, scale, calm), arrivals)


def with_changes(state: MarketState, params: MarketParams, *, capacity: np.ndarray | None = None,
                 stock: np.ndarray | None = None) -> MarketState:
    """The state with new capacity or stocks (an event: a mine flooded, a stockpile released),
    its month recomputed."""
    capacity = state.capacity if capacity is None else np.asarray(capacity, dtype=float)
    stock = state.stock if stock is None else np.asarray(stock, dtype=float)
    return replace(state, capacity=capacity, stock=stock,
                   base=_base(params, capacity, stock, state.substitution, state.demand_scale, state.calm))


def start_project(state: MarketState, country: int, stage: int, good: int, amount: float, lead_time: int,
                  fails: bool = False, success: float = 1.0) -> MarketState:
    """A project started at ``state.turn`` that adds ``amount`` kt/month at ``state.turn + lead_time``
    (unless it fails): the deterministic entry point for scenarios and tests."""
    row = np.zeros((1, PROJECT_COLUMNS))
    row[0, :AMOUNTS] = (state.turn + lead_time, country, success, float(fails))
    row[0, AMOUNTS + stage * 2 + good] = amount
    return replace(state, projects=np.concatenate([state.projects, row]),
                   arrivals=state.arrivals | {float(state.turn + lead_time)})


def capacity_ahead(state: MarketState, params: MarketParams, ahead: int) -> np.ndarray:
    """[N, S, G] the capacity expected ``ahead`` turns from now: today's, the supplier's growth, and
    the pending projects due by then, each counted at its chance of success (what a country can
    know, not the drawn fate), mining capped at reserves."""
    capacity = state.capacity.copy()
    capacity[params.supplier] *= (1.0 + params.supplier_growth) ** ahead
    online = state.projects[:, ONLINE]
    due = (online > state.turn) & (online <= state.turn + ahead)
    if due.any():
        coming = state.projects[due]
        np.add.at(capacity.reshape(params.n, 6), coming[:, COUNTRY].astype(int),
                  coming[:, AMOUNTS:] * coming[:, SUCCESS, None])
        capacity[:, MINING, :] = np.minimum(capacity[:, MINING, :], params.mining_limit)
    return capacity


def harm_if(state: MarketState, controls: np.ndarray | Mapping[str, float] | float, params: MarketParams,
            ahead: int = 0) -> np.ndarray:
    """[..., N, G] what ``controls`` would cost each importer a month, USD bn, now (``ahead=0``)
    or ``ahead`` turns from now if they were held from now on and nothing else changed.

    Closed form: the capacity ``ahead`` turns on is :func:`capacity_ahead`; stocks run down at
    today's draw; substitution grows at today's pace; stockpiles are not rebuilt. ``controls``
    may carry leading batch axes. ``harm_if(state, c, p)`` equals ``clear(state, c, p).harm_by_good``.
    """
    c = params.controls_array(controls)
    _, draw, _, price, harm = _under(params, state.base, state.stock, c)
    if ahead <= 0:
        return harm
    capacity = capacity_ahead(state, params, ahead)
    substitution, stock = _held(params, state, draw, price, ahead)
    scale = state.demand_scale * (1.0 + params.demand_growth) ** ahead
    if substitution.ndim > 2:  # a batch of controls: one forecast each
        return np.stack([_under(params, _base(params, capacity, st, sb, scale, state.calm, full=False), st, cc)[4]
                         for st, sb, cc in zip(stock, substitution, c, strict=True)])
    return _under(params, _base(params, capacity, stock, substitution, scale, state.calm, full=False), stock, c)[4]


def _held(params: MarketParams, state: MarketState, draw: np.ndarray, price: np.ndarray,
          ahead: int) -> tuple[np.ndarray, np.ndarray]:
    """(substitution, stock) ``ahead`` turns on when this month's ``draw`` and ``price`` are held."""
    pace = np.minimum(np.maximum(price * params.substitution_per_price - params.substitution_slope, 0.0), 1.0)
    substitution = np.minimum(params.substitution_cap, state.substitution + ahead * params.substitution_rate * pace)
    return substitution, np.maximum(state.stock - ahead * draw, 0.0)


def harm_paths(state: MarketState, controls: np.ndarray, params: MarketParams, ahead: int,
               held: np.ndarray, capacity: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """([P, N, G]) what ``controls`` would cost each importer ``ahead`` turns from now if the
    controls ``held[k]`` (``held`` is [P, N, G]: one path a row) were held until then, and what
    ``held[k]`` cost now.

    A cheaper, approximate :func:`harm_if` for several paths at once: one forecast of the world
    market (capacity as :func:`capacity_ahead`, or ``capacity`` if given; demand growth; today's
    stocks and substitution), then each path's own stocks and substitution enter each importer's
    allocation and stock draw (every path in one pass: the arrays broadcast); what one importer's
    substitution does to the world price is left out. With one path equal to ``controls`` and no
    substitution under way it equals ``harm_if(state, controls, params, ahead)``.
    """
    c = params.controls_array(controls)
    capacity = capacity_ahead(state, params, ahead) if capacity is None else capacity
    scale = state.demand_scale * (1.0 + params.demand_growth) ** ahead
    world = _base(params, capacity, state.stock, state.substitution, scale, state.calm, full=False)
    _, draw, _, price, now = _under(params, state.base, state.stock, held)
    substitution, stock = _held(params, state, draw, price, ahead)
    shrink = (1.0 - substitution) / (1.0 - state.substitution)
    paths = replace(world, allocation=world.allocation * shrink, exposed=world.exposed * shrink)
    return _under(params, paths, stock, c)[4], now


def simulate(params: MarketParams, turns: int, rng: np.random.Generator,
             controls: np.ndarray | Mapping[str, float] | float = 0.0,
             investment_bn: np.ndarray | Mapping[str, float] | None = None) -> list[Clearing]:
    """A standalone run: the same controls and monthly investment every turn; one clearing per turn."""
    state = initial_state(params, rng)
    invest = np.zeros(params.n) if investment_bn is None else investment_bn
    out = []
    for _ in range(turns):
        clearing = clear(state, controls, params)
        out.append(clearing)
        state = advance(state, clearing, invest, rng, params)
    return out
