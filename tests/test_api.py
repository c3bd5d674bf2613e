"""The notebook API: cached scenarios that callers cannot corrupt, any integer seed, str paths,
mesa.batch_run without a list wrapper, and a sweep's axes for other tools."""

import mesa
import numpy as np
import pandas as pd
import pytest

from negotiation import TruceModel, load_scenario, run
from negotiation.api import clear_cache
from negotiation.sweep import axes, read_sweep, salib_problem


def test_load_scenario_is_cached_and_every_caller_gets_its_own_copy():
    clear_cache()
    first = load_scenario("busan_truce_2025", {"market.lead_time_scale": 0.5})
    first.market.lead_time_scale = 3.0  # a caller's edit ...
    first.countries["CN"].preferences.patience = 0.1
    second = load_scenario("busan_truce_2025", {"market.lead_time_scale": 0.5})
    assert second.market.lead_time_scale == 0.5  # ... stays theirs
    assert second.countries["CN"].preferences.patience != 0.1
    assert second is not first and second == load_scenario("busan_truce_2025", {"market.lead_time_scale": 0.5})
    assert load_scenario("busan_truce_2025").market.lead_time_scale != 0.5  # overrides are part of the key


def test_an_edited_scenario_file_is_read_again(pd_file):
    path = pd_file(turns=20)
    assert load_scenario(str(path)).turns == 20
    path.write_text(path.read_text().replace("turns: 20", "turns: 12"))
    assert load_scenario(path).turns == 12


def test_seeds_may_be_numpy_integers_and_give_the_same_run_as_ints():
    base = load_scenario("prisoners_dilemma")
    assert run(base, seed=np.int64(3)).outcome() == run(base, seed=3).outcome()
    assert run(base, seed=np.uint32(3)).seed == 3 and type(run(base, seed=np.int64(3)).seed) is int
    with pytest.raises(TypeError, match="seed must be a whole number"):
        run(base, seed=3.5)


def test_run_with_overrides_on_a_resolved_scenario_matches_resolving_them():
    base = load_scenario("busan_truce_2025")
    fast = run(base, seed=4, overrides={"market.lead_time_scale": 0.5})
    slow = run("busan_truce_2025", seed=4, overrides={"market.lead_time_scale": 0.5})
    assert fast.outcome() == slow.outcome()


def test_batch_run_takes_a_resolved_scenario_without_a_list_and_collects_the_outcome_columns():
    base = load_scenario("busan_truce_2025", {"turns": 12})
    rows = mesa.batch_run(TruceModel, parameters={"scenario": base, "market.lead_time_scale": [0.5, 2.0]}, rng=[1, 2],
                          max_steps=100, number_processes=1, display_progress=False)
    frame = pd.DataFrame(rows).drop_duplicates("RunId")
    assert len(frame) == 4
    assert {"held", "break_turn", "breaker", "break_pledge", "break_cause", "turns", "payoff.CN"} <= set(frame.columns)
    assert "misread" not in frame.columns
    for _, r in frame.iterrows():
        expected = run(base, seed=r["rng"], overrides={"market.lead_time_scale": r["market.lead_time_scale"]}).outcome()
        assert r["held"] == expected["held"] and r["turns"] == 12
        assert r["breaker"] == expected["breaker"] or (pd.isna(r["breaker"]) and expected["breaker"] is None)


def test_read_sweep_takes_a_str_path_or_a_shipped_name(sweep_file):
    assert read_sweep(str(sweep_file())).runs == 24
    assert read_sweep("patience_vs_capacity").spec.name == "patience_vs_capacity"


def test_axes_and_the_salib_problem_of_a_sweep():
    info = {a.key: a for a in axes("sobol_screen")}
    spell = info["world.collapse_after"]
    assert (spell.kind, spell.low, spell.high, spell.integer) == ("range", 1.0, 6.0, True)
    assert spell.label == "collapse after"
    assert info["world.noise_scale"].integer is False
    grid = {a.key: a for a in axes("patience_vs_capacity")}
    assert grid["countries.CN.preferences.patience"].values == (0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.99)
    problem = salib_problem("sobol_screen")
    assert problem["num_vars"] == 9 and problem["names"][0] == "countries.CN.preferences.patience"
    assert problem["bounds"][0] == [0.8, 0.99] and "dists" not in problem
    from SALib.sample import sobol

    sample = sobol.sample(problem, 8, calc_second_order=False, seed=1)
    assert sample.shape == (8 * 11, 9) and (sample[:, 5] >= 1).all() and (sample[:, 5] <= 6).all()
