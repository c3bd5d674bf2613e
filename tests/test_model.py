"""The engine as a Mesa model: seeding, the datacollector, batch_run, and the turn protocol."""

import re

import mesa
import numpy as np
import pandas as pd
import pytest

from negotiation import TruceModel, load_scenario, run


def test_same_seed_same_run_different_seeds_can_differ():
    a, b = run("busan_truce_2025", seed=5), run("busan_truce_2025", seed=5)
    pd.testing.assert_frame_equal(a.timeline, b.timeline)
    assert a.totals == b.totals
    outcomes = {(r.broken.turn if r.broken else None) for r in (run("busan_truce_2025", seed=s) for s in range(30))}
    assert len(outcomes) > 1


def test_the_model_accepts_rng_and_uses_the_scenario_seed_without_it():
    scenario = load_scenario("busan_truce_2025")
    plain = TruceModel(scenario)
    plain.run()
    seeded = TruceModel(scenario, rng=scenario.seed)
    seeded.run()
    assert [c.total for c in plain.countries] == [c.total for c in seeded.countries]
    other = TruceModel(scenario, rng=np.random.default_rng(123))
    other.run()
    assert other.turn == scenario.turns


def test_countries_are_mesa_agents_registered_with_the_model():
    model = TruceModel("busan_truce_2025")
    assert len(model.agents) == 5
    assert sorted(a.cid for a in model.agents) == ["AU", "CN", "EU", "JP", "US"]


def test_the_datacollector_keeps_one_row_per_turn_and_agent():
    model = TruceModel("busan_truce_2025", collect=True)
    model.run()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 36 and {"status", "allied_share", "china_share"} <= set(frame.columns)
    agents = model.datacollector.get_agent_vars_dataframe()
    assert len(agents) == 36 * 5


def test_the_model_runs_under_mesa_batch_run_with_dotted_overrides():
    results = mesa.batch_run(
        TruceModel,
        parameters={"scenario": "busan_truce_2025", "market.lead_time_scale": [0.25, 4.0]},
        rng=[1, 2], max_steps=100, number_processes=1, data_collection_period=-1, display_progress=False,
    )
    frame = pd.DataFrame(results).drop_duplicates("RunId")
    assert len(frame) == 4
    assert set(frame["market.lead_time_scale"]) == {0.25, 4.0}
    fast = frame[frame["market.lead_time_scale"] == 0.25]["allied_share"]
    slow = frame[frame["market.lead_time_scale"] == 4.0]["allied_share"]
    assert fast.min() > slow.max()


QUIET = {"countries.JP.pledges": [], "countries.US.pledges": [], "countries.EU.pledges": [],
         "countries.AU.pledges": [], "countries.CN.pledges": [], "events": [],
         "negotiation.links": []}  # links extend pledges: none left to extend


def test_dependency_starts_at_chinas_processing_share_and_falls_as_allied_projects_arrive():
    result = run("busan_truce_2025", overrides=QUIET)
    first = result.timeline.iloc[0]
    # P3: China 91 % of processing; the allies (US 1, JP 1, AU 4, EU 1) 7 %; the rest 2 %
    assert TruceModel("busan_truce_2025").world.china_share == pytest.approx(0.91)
    assert first["allied_share"] + first["china_share"] == pytest.approx(0.98, abs=0.002)
    # the capacity under construction (F11) arrives after a year, then the projects the
    # countries' budgets start (expansions ~2 years, P5); China's own plants grow 5 % a year
    grown = [run("busan_truce_2025", overrides=QUIET, seed=s).timeline["allied_share"].iloc[-1] - 0.07
             for s in range(20)]
    assert 0.03 < sum(grown) / len(grown) < 0.20


def test_money_invested_at_turn_t_adds_capacity_at_t_plus_the_lead_time(tmp_path):
    from negotiation.config.market import find_market

    text = find_market("rare_earths").read_text()
    for key, value in {"lead_sigma": 0.0, "expansion_share": 1.0, "expansion_months": 7, "max_speedup": 0.0,
                       "fail_probability": 0.0, "floor_fail_probability": 0.0, "pipeline_months": 30}.items():
        text = re.sub(rf"(\n  {key}:) [^\n]+", rf"\1 {value}", text)
    market = tmp_path / "exact.yaml"
    market.write_text(text)
    quiet = {**QUIET, "market.file": str(market), **{f"countries.{c}.preferences.invest_share": 0.0
                                                    for c in ("US", "JP", "AU", "EU")}}
    idle = run("busan_truce_2025", overrides=quiet).timeline["allied_refining_light"].tolist()
    funded = {**quiet, "countries.JP.pledges": load_scenario("busan_truce_2025").countries["JP"].model_dump()[
        "pledges"][:1]}  # JP_US_FUND: USD 1 bn a year from turn 0, built in the US
    busy = run("busan_truce_2025", overrides=funded).timeline["allied_refining_light"].tolist()
    # money spent in turn 0 is capacity in the market of turn 7: the row after turn 6
    assert busy[:6] == pytest.approx(idle[:6], abs=1e-12)
    assert busy[6] > idle[6] + 1e-4


def test_the_one_year_pledges_are_renewed_at_turn_12_when_both_sides_trust_each_other():
    result = run("busan_truce_2025", overrides={"events": []})
    renewals = [e for e in result.negotiations() if e["verdict"] == "accept" and e["turn"] == 12]
    renewed = {c for e in renewals for c in e["give"] + e["ask"]}
    assert {"renew C1", "renew U1"} <= renewed
    assert result.compliance.loc["C1", 12] == 1.0


def test_without_negotiation_the_one_year_clocks_lapse_and_collapse_the_truce():
    result = run("busan_truce_2025", overrides={"events": [], "negotiation.enabled": False})
    assert result.collapse.turn == 12 and result.collapse.cause == "lapsed"


def test_a_defector_in_chinas_seat_breaks_the_truce_at_once_and_is_refused_renewal():
    result = run("busan_truce_2025", overrides={"countries.CN.strategy.name": "defector"})
    assert (result.broken.turn, result.broken.country, result.broken.cause) == (0, "CN", "real")
    assert not [e for e in result.negotiations() if e["verdict"] == "accept" and "CN" in (e["from"], e["to"])]


def test_retaliation_raises_tariffs_after_a_defection():
    result = run("busan_truce_2025", overrides={"countries.CN.strategy.name": "defector", "events": []})
    us_tariffs = result.timeline["tariff_out.US"]
    assert us_tariffs.iloc[3] > us_tariffs.iloc[0]


def test_a_set_tariff_event_sets_a_new_level_or_adds_to_the_level_in_force():
    from negotiation.config.models import Event

    sc = load_scenario("classroom_intro")  # the US tariff on China is 51 % before the cut of U1
    slaps = Event(turn=0, kind="set_tariff", country="US", target="CN", add=0.25, text="Washington slaps a 25 % tariff")
    sets = Event(turn=0, kind="set_tariff", country="US", target="CN", value=0.25)
    cuts = Event(turn=0, kind="set_control", country="CN", target="US", add=-2.0)
    for event, grid, pair, expected in ((slaps, "base_tariffs", ("US", "CN"), 0.76),
                                        (sets, "base_tariffs", ("US", "CN"), 0.25),
                                        (cuts, "base_controls", ("CN", "US"), 0.0)):  # a control stays in 0-1
        model = TruceModel(sc.model_copy(update={"events": [event]}), rng=1)
        model.step()
        i, j = (model.index[c] for c in pair)
        assert getattr(model.world, grid)[i, j] == pytest.approx(expected), event
