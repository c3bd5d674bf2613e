"""The rare-earth market: textbook clearing, stockpiles, lead times, the floor, heavy-only controls."""

from __future__ import annotations

import numpy as np
import pytest

from negotiation import load_scenario
from negotiation.config.errors import ConfigError
from negotiation.config.market import MarketConfig, load_market
from negotiation.config.models import Country
from negotiation.market import (
    HEAVY,
    LIGHT,
    MAGNETS,
    MINING,
    REFINING,
    advance,
    clear,
    harm_if,
    initial_state,
    params_from,
    simulate,
    start_project,
    with_changes,
)


def two_countries(stock_months: float = 0.0, **resources_b) -> dict[str, Country]:
    """A supplier A with every plant and B, an importer with half the world's demand and none of its plants."""
    a = Country(id="A", name="A", strategy={"name": "cooperator"}, instruments={"controls_supply": True},
                resources={"mining_share": 1.0, "processing_share": 1.0, "magnet_share": 1.0, "demand_share": 0.5,
                           "export_stakes": {"rare_earth_mine_kt": 120.0}, "reserves_mt": 100.0})
    b = Country(id="B", name="B", strategy={"name": "cooperator"}, resources={"demand_share": 0.5, **resources_b})
    return {"A": a, "B": b}


def market(stock_months: float = 0.0, **changes) -> MarketConfig:
    """The default market file with no growth and, for B, a stock of ``stock_months`` months."""
    data = load_market().model_dump()
    data.update(demand_growth=0.0, supplier_growth=0.0, heavy_shares={"A": {"mining": 1.0, "refining": 1.0}},
                stockpiles={"B": {"initial_months": stock_months, "target_months": stock_months}})
    data.update(changes)
    return MarketConfig.model_validate(data)


@pytest.fixture(scope="module")
def default():
    scenario = load_scenario("busan_truce_2025")
    return params_from(scenario.countries, load_market())


@pytest.mark.parametrize(("cut", "elasticity"), [(0.1, 0.2), (0.3, 0.2), (0.5, 0.5), (0.2, 1.0)])
def test_a_supply_cut_raises_the_price_as_the_clearing_condition_says(cut, elasticity):
    goods = load_market().model_dump()["goods"]
    goods["light"]["elasticity"] = elasticity
    params = params_from(two_countries(), market(goods=goods))
    state = initial_state(params, np.random.default_rng(0))
    before = clear(state, 0.0, params)
    after = clear(state, {"B": cut}, params)
    b = params.ids.index("B")
    # B's supply all passes A's plants, so a control of level x cuts it by x
    assert after.received[b, LIGHT] == pytest.approx((1 - cut) * before.received[b, LIGHT])
    assert after.price[b, LIGHT] / before.price[b, LIGHT] == pytest.approx((1 - cut) ** (-1 / elasticity))
    assert after.price[params.ids.index("A"), LIGHT] == pytest.approx(before.price[0, LIGHT])


def test_a_missing_kilogram_never_costs_more_than_the_choke_price(default):
    state = initial_state(default, np.random.default_rng(0))
    full = clear(state, {"US": 1.0}, default)
    us = default.ids.index("US")
    assert full.price[us] == pytest.approx(default.choke)
    assert full.harm_by_good[us] == pytest.approx(full.shortfall[us] * default.choke * 1e-3)


@pytest.mark.parametrize("months", [1, 2, 4])
def test_a_stockpile_of_k_months_delays_the_shortfall_by_k_months(months):
    params = params_from(two_countries(), market(stock_months=months))
    run = simulate(params, months + 3, np.random.default_rng(0), controls={"B": 1.0})
    b = params.ids.index("B")
    short = [c.shortfall[b, LIGHT] for c in run]
    assert short[:months] == pytest.approx([0.0] * months, abs=1e-9)
    assert short[months:] == pytest.approx([c.allocation[b, LIGHT] for c in run[months:]], rel=1e-6)
    assert [c.harm[b] > 1e-9 for c in run] == [False] * months + [True] * 3
    assert run[0].cover[b, LIGHT] == pytest.approx(months)


@pytest.mark.parametrize(("months", "held"), [(1, 1), (2, 3), (4, 2)])
def test_a_held_stockpile_is_kept_for_later_and_still_covers_k_months_of_the_cut(months, held):
    params = params_from(two_countries(), market(stock_months=months))
    rng = np.random.default_rng(0)
    state = initial_state(params, rng)
    b = params.ids.index("B")
    hold = np.zeros(params.n)
    hold[b] = 1.0
    short, stock = [], []
    for turn in range(held + months + 2):
        clearing = clear(state, {"B": 1.0}, params, hold=hold if turn < held else None)
        short.append(clearing.shortfall[b, LIGHT] / clearing.allocation[b, LIGHT])
        stock.append(state.stock[b, LIGHT])
        state = advance(state, clearing, np.zeros(params.n), rng, params)
    # held: the cut is felt in full and the stock (kt) stays; drawn: it still fills k months of the cut
    # (a little more: substitution under the held months' high prices has shrunk the consumption it covers)
    assert short[:held] == pytest.approx([1.0] * held)
    assert stock[: held + 1] == pytest.approx([stock[0]] * (held + 1))
    assert short[held: held + months] == pytest.approx([0.0] * months, abs=1e-9)
    assert short[-1] == pytest.approx(1.0) and state.stock[b, LIGHT] == pytest.approx(0.0, abs=1e-9)


def test_holding_changes_nothing_for_the_others_or_in_calm_months(default):
    state = initial_state(default, np.random.default_rng(0))
    jp, eu = default.ids.index("JP"), default.ids.index("EU")
    hold = np.zeros(default.n)
    hold[jp] = 1.0
    drawn, held = clear(state, {"JP": 1.0, "EU": 1.0}, default), clear(state, {"JP": 1.0, "EU": 1.0}, default, hold)
    assert drawn.draw[jp].sum() > 0 and held.draw[jp].sum() == 0.0
    assert held.harm[jp] > drawn.harm[jp]
    assert held.harm[eu] == drawn.harm[eu]
    calm, calm_held = clear(state, 0.0, default), clear(state, 0.0, default, hold)
    assert np.array_equal(calm.harm, calm_held.harm) and np.array_equal(calm.draw, calm_held.draw)


def test_stocks_are_built_in_calm_months_and_drawn_when_supply_is_cut(default):
    rng = np.random.default_rng(0)
    state = initial_state(default, rng)
    eu = default.ids.index("EU")
    for _ in range(6):
        state = advance(state, clear(state, 0.0, default), np.zeros(5), rng, default)
    built = state.base.cover[eu, LIGHT]
    assert built == pytest.approx(6 * 0.1, rel=0.05)  # fill_rate_months a month, from empty
    cut = clear(state, {"EU": 1.0}, default)
    assert cut.draw[eu, LIGHT] > 0
    later = advance(state, cut, np.zeros(5), rng, default)
    assert later.base.cover[eu, LIGHT] < built


@pytest.mark.parametrize(("start", "lead"), [(0, 1), (3, 5), (10, 24)])
def test_a_project_started_at_t_with_lead_time_l_adds_capacity_at_t_plus_l(start, lead):
    params = params_from(two_countries(), market())
    rng = np.random.default_rng(0)
    state = initial_state(params, rng)
    for _ in range(start):
        state = advance(state, clear(state, 0.0, params), np.zeros(2), rng, params)
    b = params.ids.index("B")
    state = start_project(state, b, REFINING, LIGHT, 0.7, lead)
    seen = {}
    while state.turn <= start + lead + 1:
        seen[state.turn] = state.capacity[b, REFINING, LIGHT]
        state = advance(state, clear(state, 0.0, params), np.zeros(2), rng, params)
    assert seen[start + lead - 1] == 0.0
    assert seen[start + lead] == pytest.approx(0.7)
    assert seen[start + lead + 1] == pytest.approx(0.7)


def test_a_failed_project_adds_nothing():
    params = params_from(two_countries(), market())
    rng = np.random.default_rng(0)
    state = start_project(initial_state(params, rng), 1, MAGNETS, LIGHT, 0.7, 2, fails=True)
    for _ in range(4):
        state = advance(state, clear(state, 0.0, params), np.zeros(2), rng, params)
    assert state.capacity[1, MAGNETS, LIGHT] == 0.0


def test_investment_starts_projects_whose_lead_times_follow_p4_and_p5(default):
    rng = np.random.default_rng(3)
    state = initial_state(default, rng)
    calm = clear(state, 0.0, default)
    us = default.ids.index("US")
    leads = []
    for _ in range(400):
        before = len(state.projects)
        after = advance(state, calm, {"US": 1.0}, rng, default)
        leads.append(after.projects[before:, 0] - state.turn)
    leads = np.concatenate(leads)
    expansions, greenfield = leads[leads < 50], leads[leads >= 50]
    assert np.median(expansions) == pytest.approx(24, abs=2)  # P5: about two years
    assert np.median(greenfield) == pytest.approx(96, abs=8)  # P4: about eight years
    assert len(expansions) / len(leads) == pytest.approx(0.5, abs=0.08)
    # under full controls projects are fast-tracked: 40 % shorter
    squeezed = clear(state, {"US": 1.0}, default)
    fast = np.concatenate([advance(state, squeezed, {"US": 1.0}, rng, default).projects[-1:, 0] for _ in range(400)])
    assert np.median(fast[fast < 50]) == pytest.approx(0.6 * 24, abs=2)
    assert us in advance(state, calm, {"US": 1.0}, rng, default).projects[:, 1]


def test_the_floor_pays_allied_producers_the_difference_and_costs_its_payer(default):
    state = initial_state(default, np.random.default_rng(0))
    c = clear(state, 0.0, default)
    us, au, jp = (default.ids.index(x) for x in ("US", "AU", "JP"))
    assert default.floor_price == pytest.approx(2.0 * 50.0)  # F10: twice the market price (us.yaml price_floor)
    gap = default.floor_price - c.world_price[LIGHT]
    refined = state.capacity[:, REFINING, LIGHT] * c.output[LIGHT] / state.capacity[:, REFINING, LIGHT].sum()
    assert c.floor_received[au] == pytest.approx(gap * refined[au] * 1e-3)
    assert c.floor_received[us] == pytest.approx(gap * refined[us] * 1e-3)
    assert c.floor_received[jp] == 0.0
    assert c.floor_cost[us] == pytest.approx(c.floor_received.sum())
    assert c.floor_cost.sum() == pytest.approx(c.floor_cost[us])


def test_no_floor_is_paid_when_the_market_price_is_above_it(default):
    state = initial_state(default, np.random.default_rng(0))
    squeezed = with_changes(state, default, capacity=state.capacity * 0.5)  # half the plants gone: prices soar
    c = clear(squeezed, 0.0, default)
    assert c.world_price[LIGHT] > default.floor_price
    assert c.floor_cost.sum() == 0.0


def test_controls_on_heavy_rare_earths_only_leave_light_prices_unchanged(default):
    state = initial_state(default, np.random.default_rng(0))
    calm = clear(state, 0.0, default)
    heavy_only = np.zeros((default.n, 2))
    heavy_only[:, HEAVY] = 1.0
    squeeze = clear(state, heavy_only, default)
    assert np.array_equal(clear(state, {"US": (0.0, 1.0)}, default).price[:, LIGHT], calm.price[:, LIGHT])
    assert np.array_equal(squeeze.price[:, LIGHT], calm.price[:, LIGHT])
    assert np.array_equal(squeeze.harm_by_good[:, LIGHT], calm.harm_by_good[:, LIGHT])
    us = default.ids.index("US")
    assert squeeze.price[us, HEAVY] > 10 * calm.price[us, HEAVY]
    # P18: China separates ~99.9 % of heavy rare earths, so almost all of the US's heavy supply is cut
    assert squeeze.shortfall[us, HEAVY] / squeeze.allocation[us, HEAVY] > 0.99


def test_the_same_seed_gives_the_same_market_and_another_seed_another(default):
    invest = np.array([0.4, 0.0, 0.2, 0.2, 0.3])

    def run(seed):
        out = simulate(default, 36, np.random.default_rng(seed), 0.0, invest)
        return np.array([[*c.world_price, *c.allied_share.ravel(), c.leverage] for c in out])

    assert np.array_equal(run(7), run(7))
    assert not np.array_equal(run(7), run(8))


def test_harm_if_now_is_what_clearing_would_report(default):
    state = initial_state(default, np.random.default_rng(0))
    for level in (0.0, 0.4, 1.0):
        controls = {"US": level, "EU": level / 2}
        assert np.array_equal(harm_if(state, controls, default), clear(state, controls, default).harm_by_good)


def test_harm_if_takes_a_batch_of_controls(default):
    state = initial_state(default, np.random.default_rng(0))
    batch = np.linspace(0, 1, 5)[:, None] * np.ones((5, 5))
    harms = harm_if(state, batch, default, ahead=6)
    assert harms.shape == (5, default.n, 2)
    assert np.allclose(harms[3], harm_if(state, batch[3], default, ahead=6))
    totals = harms.sum(axis=(1, 2))
    assert np.all(np.diff(totals) > 0)  # more control, more harm


def test_a_stockpile_only_buys_time_harm_if_sees_it_run_out(default):
    state = initial_state(default, np.random.default_rng(0))
    jp = default.ids.index("JP")
    assert harm_if(state, {"JP": 1.0}, default)[jp].sum() == 0.0  # Japan's 60 days (P17) cover this month
    assert harm_if(state, {"JP": 1.0}, default, ahead=6)[jp].sum() > 0.0


def test_the_card_wastes_as_allied_capacity_comes_online(default):
    rng = np.random.default_rng(0)
    state = initial_state(default, rng)
    us = default.ids.index("US")
    now = harm_if(state, {"US": 1.0}, default)[us, LIGHT]
    for stage in (MINING, REFINING, MAGNETS):  # an allied chain of 1 kt/month, ~15 % of the world
        state = start_project(state, us, stage, LIGHT, 1.0, 6)
    assert harm_if(state, {"US": 1.0}, default, ahead=5)[us, LIGHT] == pytest.approx(now, rel=0.05)
    assert harm_if(state, {"US": 1.0}, default, ahead=6)[us, LIGHT] < 0.9 * now
    for _ in range(6):
        state = advance(state, clear(state, 0.0, default), np.zeros(5), rng, default)
    assert clear(state, {"US": 1.0}, default).harm_by_good[us, LIGHT] < 0.9 * now


def test_substitution_grows_at_most_p5s_pace_when_prices_stay_high(default):
    run = simulate(default, 13, np.random.default_rng(0), controls={"US": 1.0})
    us = default.ids.index("US")
    assert run[0].price[us, LIGHT] >= 3 * default.price[LIGHT]
    final = 1.0 - run[12].base.demand[us, LIGHT] / (default.base_demand[us, LIGHT] * 1.05)
    assert final == pytest.approx(0.10, abs=0.01)  # P5: about 10 % of demand in a year, no faster


def test_the_market_reads_the_country_profiles(default):
    scenario = load_scenario("busan_truce_2025")
    cn, us = default.ids.index("CN"), default.ids.index("US")
    world = default.capacity.sum(axis=0)
    assert default.capacity[cn, REFINING, LIGHT] / world[REFINING, LIGHT] == pytest.approx(0.91)  # P3
    assert default.capacity[cn, MAGNETS, LIGHT] / world[MAGNETS, LIGHT] == pytest.approx(0.94)  # P3
    assert default.capacity[cn, REFINING, HEAVY] / world[REFINING, HEAVY] == pytest.approx(0.999)  # P18
    assert default.demand_share[us] == pytest.approx(0.40)  # F10
    # P1: ~390 kt REO a year, from the mined tonnes and mining shares of CN (270 kt) and AU (13 kt)
    assert default.world_demand[LIGHT] * 12 / 0.20 == pytest.approx((270 + 13) / (0.69 + 0.033))
    assert default.supplier == cn
    changed = dict(scenario.countries)
    changed["US"] = scenario.countries["US"].model_copy(
        update={"resources": scenario.countries["US"].resources.model_copy(update={"demand_share": 0.2})})
    assert params_from(changed, load_market()).demand_share[us] < default.demand_share[us]


def test_a_misspelt_market_key_is_reported_with_its_line(tmp_path):
    text = (load_market.__globals__["find_market"]("rare_earths")).read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("fill_rate_months:", "fill_rate_month:"), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_market(bad)
    line = next(n for n, row in enumerate(bad.read_text().splitlines(), 1) if row.startswith("fill_rate_month:"))
    assert f"{bad}:{line}: fill_rate_month: unknown field (did you mean 'fill_rate_months'?)" in str(err.value)


def test_investment_splits_must_add_up(tmp_path):
    data = load_market().model_dump()
    data["projects"]["split"]["US"]["magnets"] = 0.9
    with pytest.raises(ValueError, match="split.US: shares sum to 1.400"):
        MarketConfig.model_validate(data)


def test_every_market_field_is_documented_in_market_md():
    import re

    from negotiation.config import market as cfg
    from negotiation.config.resolve import data_root

    text = (data_root() / "docs" / "market.md").read_text(encoding="utf-8")
    models = [cfg.MarketConfig, cfg.Good, cfg.Projects, cfg.Substitution, cfg.PriceFloor, cfg.Stockpile,
              cfg.HeavyShares, cfg.StageCosts]
    missing = [f"{m.__name__}.{f}" for m in models for f in m.model_fields if not re.search(rf"`{f}`", text)]
    assert missing == []
