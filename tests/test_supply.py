"""The rare-earth market inside the turn (negotiation.supply): the security and leverage terms,
the pledges' worth and the stakes come from the market's clearing, with textbook numbers
checked through the engine."""

from __future__ import annotations

import numpy as np
import pytest

from negotiation import TruceModel, load_scenario, run
from negotiation.config.market import load_market
from negotiation.market import HEAVY, LIGHT
from negotiation.observation import Decision
from negotiation.play.session import Session
from negotiation.supply import good_levels

# C1 suspended for the rest of the game from turn 2; nothing else fires
SQUEEZE = {"events": [{"turn": 2, "kind": "suspend_pledge", "pledge": "C1", "duration": 40, "source": "C1"}]}


def _model(**overrides) -> TruceModel:
    return TruceModel("busan_truce_2025", rng=3, **{**SQUEEZE, **overrides})


def test_control_level_half_is_the_april_regime_heavy_halted_and_light_flowing():
    # P18: in April 2025 China halted exports of seven heavy rare earths; F2: October's regime covers all
    levels = good_levels(np.array([0.0, 0.25, 0.5, 0.75, 1.0]))
    assert levels[:, LIGHT].tolist() == [0.0, 0.0, 0.0, 0.5, 1.0]
    assert levels[:, HEAVY].tolist() == [0.0, 0.5, 1.0, 1.0, 1.0]


def test_the_security_and_leverage_terms_are_the_market_clearing():
    model = _model()
    for _ in range(3):
        model.step()
    us, cn = model.index["US"], model.index["CN"]
    clearing = model.supply.clearing
    row = model.records[-1]
    harm = clearing.harm[us]
    # the harm is the lost supply at the price the US pays (net of stocks), kt x USD/kg x 1e-3
    assert harm == pytest.approx(float((clearing.shortfall[us] * clearing.price[us]).sum()) * 1e-3)
    assert row.country("US").security_loss == pytest.approx(harm) and harm > 3.0
    # a cut of x of its supply multiplies its price by (1 - x)^(-1/eps) (capped at the choke price)
    eps = load_market().goods["light"].elasticity
    x = clearing.shortfall[us, LIGHT] / clearing.allocation[us, LIGHT]
    expected = min(clearing.world_price[LIGHT] * (1 - x) ** (-1 / eps), 50 * 50.0)
    assert clearing.price[us, LIGHT] == pytest.approx(expected)
    assert model.supply.harm[cn] == 0.0  # the supplier's own supply is never withheld


def test_what_c1_is_worth_to_the_us_is_what_its_suspension_costs_in_that_turn():
    model = _model()
    for _ in range(2):
        model.step()
    c1 = next(p for p in model.world.pledges if p.id == "C1")
    value, cost = model._pledge_worth(c1)  # priced before the turn, from the same market state
    model.step()  # C1 suspended: the full regime on the US
    us = model.index["US"]
    weights = model.world.weights
    assert value == pytest.approx(weights[us, 2] * model.records[-1].country("US").security_loss)
    assert cost == pytest.approx(weights[model.index["CN"], 4] * model.config.world.leverage_capture
                                 * model.records[-1].country("US").security_loss)


@pytest.mark.parametrize("months", [2.0, 4.0])
def test_a_stockpile_of_k_months_delays_the_us_shortfall_by_k_months(months):
    loss = run("busan_truce_2025", seed=3, overrides={**SQUEEZE, "market.stockpile_months": months}
               ).timeline["security_loss.US"].tolist()
    bare = run("busan_truce_2025", seed=3, overrides=SQUEEZE).timeline["security_loss.US"].tolist()
    k = int(months)
    assert bare[2] > 0.0  # without a stock the cut bites at once
    assert loss[2: 2 + k] == [0.0] * k  # the stock covers k months of consumption ...
    assert loss[2 + k] > 0.0  # ... and then the shortfall starts (partly: the last part-month)


def test_an_event_may_control_one_good_only():
    heavy = run("busan_truce_2025", seed=1, overrides={"events": [
        {"turn": 1, "kind": "set_control", "country": "CN", "target": "US", "good": "heavy", "value": 1.0,
         "source": "P18"}]}).timeline
    calm = run("busan_truce_2025", seed=1, overrides={"events": []}).timeline
    assert heavy["security_loss.US"].iloc[0] == 0.0 and heavy["security_loss.US"].iloc[1] > 0.0
    # the heavy-only squeeze costs the US far less than the full regime would
    full = run("busan_truce_2025", seed=1, overrides=SQUEEZE).timeline["security_loss.US"].iloc[3]
    assert heavy["security_loss.US"].iloc[3] < 0.5 * full
    assert heavy["price_heavy"].iloc[1] > 2 * calm["price_heavy"].iloc[1]


def test_the_timeline_shows_prices_cover_and_allied_share_by_stage():
    timeline = run("busan_truce_2025", seed=1).timeline
    for column in ("price_light", "price_heavy", "world_price_light", "cover_months.JP", "leverage",
                   *(f"allied_{s}_{g}" for s in ("mining", "refining", "magnets") for g in ("light", "heavy"))):
        assert timeline[column].notna().all(), column
    # the allied share the engine reports is the allied share of light refining (processing, P3)
    assert timeline["allied_share"].tolist() == pytest.approx(timeline["allied_refining_light"].tolist())
    assert timeline["cover_months.JP"].iloc[0] == pytest.approx(2.0, abs=0.05)  # P17: 60 days


def test_a_scenario_without_a_supplier_runs_without_a_market():
    result = run(load_scenario("prisoners_dilemma"), seed=1)
    assert "price_light" not in result.timeline.columns


def test_a_seat_sees_the_market_on_its_screen_and_in_its_charts():
    from negotiation.play.session import Session
    from negotiation.play.view import seat_history, seat_view
    from negotiation.web.charts import history_charts

    session = Session(load_scenario("classroom_intro"), ["CN"], seed=1)
    assert seat_view(session, "JP").market is None  # nothing cleared yet
    while session.turn < 3:
        session.submit_default() if session.prompt else session.step()
    line = seat_view(session, "JP").market
    last = session.records[-1].market
    assert line is not None and line.price_light.value == pytest.approx(last.price_light)
    assert line.cover == pytest.approx(last.cover["JP"]) and seat_view(session, "CN").market.cover is None
    history = seat_history(session, "JP")
    assert history.prices["NdPr"][-1] == pytest.approx(last.price_light)
    assert "rare-earth prices" in str(history_charts(history, "JP")[-1])


def test_a_us_stockpile_held_through_the_first_cut_months_covers_the_months_after():
    session = Session(load_scenario("busan_truce_2025", {**SQUEEZE, "market.stockpile_months": 2.0}), ["US"])
    while session.turn < 8:
        p = session.prompt
        if p.kind == "actions" and p.turn in (2, 3):  # the cut starts at turn 2: hold the stock two turns
            session.submit(Decision(p.default.levels, p.default.retaliation, p.default.invest, hold_stock=True))
        else:
            session.submit_default()
    loss = [r.country("US").security_loss for r in session.model.records]
    assert loss[2] > 0.0 and loss[3] > 0.0  # held: the cut is felt at once
    assert loss[4:6] == [0.0, 0.0]  # drawn: the two months kept cover the two months after
    assert loss[6] > 0.0
