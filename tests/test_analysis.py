"""The analysis: intervals, survival, scenario discovery, sensitivity, and the report."""

import numpy as np
import pandas as pd
import pytest

from negotiation.analysis.breaks import breaks_by_region, breaks_overall
from negotiation.analysis.discovery import discover
from negotiation.analysis.holds import hold_map, hold_table, largest_jump, levels, pick, wilson
from negotiation.analysis.survival import kaplan_meier
from negotiation.analysis.talks import talks_table
from negotiation.cli import main
from negotiation.config.resolve import data_root


def test_wilson_intervals_match_the_closed_form_and_stay_inside_0_and_1():
    low, high = wilson(0, 10)
    assert low == pytest.approx(0.0, abs=1e-12) and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson(7, 10)
    z = 1.959964
    centre = (0.7 + z * z / 20) / (1 + z * z / 10)
    half = z / (1 + z * z / 10) * np.sqrt(0.7 * 0.3 / 10 + z * z / 400)
    assert (low, high) == pytest.approx((centre - half, centre + half), abs=1e-5)


def test_hold_table_counts_runs_and_finds_the_largest_jump():
    frame = pd.DataFrame({"x": [0.1] * 4 + [0.2] * 4 + [0.3] * 4,
                          "held": [False] * 4 + [False, False, False, True] + [True] * 4})
    table = hold_table(frame, levels(frame["x"], numeric=True))
    assert table[["level", "runs", "held"]].values.tolist() == [[0.1, 4, 0], [0.2, 4, 1], [0.3, 4, 4]]
    assert largest_jump(table) == (0.2, 0.3, 0.25, 1.0)


def test_many_distinct_values_are_cut_into_quantile_bins_labelled_by_their_range():
    values = pd.Series(np.linspace(0, 1, 400))
    cut = levels(values, numeric=True, bins=4, grid=False)
    assert list(cut.cat.categories) == ["0-0.248", "0.251-0.499", "0.501-0.749", "0.752-1"]
    assert cut.iloc[0] == "0-0.248" and cut.iloc[-1] == "0.752-1"


def test_grid_values_stay_as_they_are_and_sampled_whole_numbers_are_binned_into_whole_ranges():
    grid = pd.Series([0.2, 0.3, 0.4, 0.5, 0.7, 0.9] * 5)
    assert levels(grid, numeric=True, bins=4).equals(grid)  # a grid's own values, not bin middles
    assert pick(grid, 5) == [0.2, 0.3, 0.4, 0.7, 0.9]  # at most 5 curves, evenly spread, each a grid value
    lead = pd.Series(np.random.default_rng(0).integers(6, 49, 300))  # a sampled whole-number parameter
    cut = levels(lead, numeric=True, grid=False)
    assert cut.nunique() == 8 and all(c.replace("-", "").isdigit() for c in cut.cat.categories)
    assert cut.cat.categories[0].startswith("6-") and cut.cat.categories[-1].endswith("-48")


def test_the_map_counts_runs_per_cell_and_leaves_empty_cells_at_zero():
    frame = pd.DataFrame({"x": [1, 1, 2, 2, 2], "y": ["a", "b", "a", "a", "a"], "held": [True, False, True, False,
                                                                                       False]})
    p, n = hold_map(frame, frame["x"], frame["y"])
    assert n.loc["a", 2] == 3 and n.loc["b", 2] == 0 and np.isnan(p.loc["b", 2])
    assert p.loc["a", 2] == pytest.approx(1 / 3)


def test_breakers_and_causes_are_tabulated_overall_and_by_region():
    frame = pd.DataFrame({"x": [0.1] * 4 + [0.9] * 4,
                          "break_turn": pd.array([3, 4, 5, None, 9, None, None, None], dtype="Int64"),
                          "breaker": ["CN", "CN", "US", None, "US", None, None, None],
                          "break_pledge": ["C1", "C1", "U2", None, "U2", None, None, None],
                          "break_cause": ["real", "misread", "event", None, "lapsed", None, None, None]})
    overall = breaks_overall(frame)
    assert overall.iloc[0][["breaker", "break_pledge", "breaches", "real", "misread"]].tolist() == ["CN", "C1", 2, 1, 1]
    assert overall["breaches"].sum() == 4 and overall["share"].sum() == pytest.approx(1.0)
    region = breaks_by_region(frame, frame["x"])
    low, high = region.iloc[0], region.iloc[1]
    assert (low["runs"], low["breached"], low["breaker"], low["pledge"]) == (4, 0.75, "CN (67 %)", "C1 (67 %)")
    assert low["causes"].startswith(("real 33 %", "misread 33 %", "event 33 %"))
    assert (high["breached"], high["breaker"], high["causes"]) == (0.25, "US (100 %)", "lapsed 100 %")
    assert breaks_overall(frame.assign(break_turn=pd.array([None] * 8, dtype="Int64"))) is None


def test_the_talks_are_tabulated_per_run_with_the_split_of_the_renewal_overall_and_by_level():
    frame = pd.DataFrame({"x": [1, 1, 2, 2], "counter_offers": [0, 0, 2, 4], "renewals_agreed": [0, 1, 1, 1],
                          "renewals_failed": [1, 0, 0, 0], "renewal_turn": pd.array([None, 12, 12, 12], dtype="Int64"),
                          "renewal_surplus": [None, 2.0, 1.0, 3.0],
                          "renewal_share.US": [None, 0.5, 0.9, 0.9], "renewal_share.CN": [None, 0.5, 0.1, 0.1],
                          "renewal_share.JP": [None, None, None, None]})
    overall = talks_table(frame).iloc[0]
    assert (overall["runs"], overall["counters"], overall["agreed"], overall["failed"]) == (4, 1.5, 0.75, 0.25)
    assert overall["renewed"] == 0.75 and overall["low"] < 0.75 < overall["high"]
    assert overall["surplus"] == pytest.approx(2.0)
    # mean shares with a 95 % interval within 0-100 %, countries that never bargained left out
    assert overall["shares"] == "CN 23 % (0-49), US 77 % (51-100)"
    by = talks_table(frame, frame["x"])
    assert by["renewed"].tolist() == [0.5, 1.0]
    assert by["shares"].tolist() == ["CN 50 % (50-50), US 50 % (50-50)", "CN 10 % (10-10), US 90 % (90-90)"]
    assert talks_table(frame.drop(columns="counter_offers")) is None  # a sweep from before the talks columns


def test_survival_is_the_share_still_in_truce_and_censors_truces_that_held():
    same = kaplan_meier(pd.Series([0, 2, None, None], dtype="Int64"), pd.Series([5, 5, 5, 5]))
    assert same.tolist() == [0.75, 0.75, 0.5, 0.5, 0.5]
    # a run that held for only 2 turns leaves the risk set after turn 1
    mixed = kaplan_meier(pd.Series([None, 3, None], dtype="Int64"), pd.Series([2, 5, 5]))
    assert mixed.tolist() == pytest.approx([1.0, 1.0, 1.0, 0.5, 0.5])


def planted(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Breaks where a > 0.6 and b < 0.3, plus 2 % noise; c and s are irrelevant."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.random(n), "b": rng.random(n), "c": rng.random(n),
                          "s": rng.choice(["grim", "tft"], n)})
    broke = ((frame["a"] > 0.6) & (frame["b"] < 0.3)) | (rng.random(n) < 0.02)
    return frame.assign(held=~broke)


@pytest.mark.parametrize("method", ["tree", "prim"])
def test_scenario_discovery_finds_a_planted_rule(method):
    if method == "prim":
        pytest.importorskip("prim")
    box = discover(planted(), ["a", "b", "c", "s"], method, labels={"a": "alpha"})
    assert set(box.bounds) == {"a", "b"}
    assert box.bounds["a"][0] == pytest.approx(0.6, abs=0.03) and box.bounds["a"][1] is None
    assert box.bounds["b"][0] is None and box.bounds["b"][1] == pytest.approx(0.3, abs=0.03)
    assert box.density > 0.9 and box.coverage > 0.8
    sentence = box.sentence()
    assert sentence.startswith(f"the truce breaks in {100 * box.density:.0f} % of runs where alpha > 0.")
    assert f"(covering {100 * box.coverage:.0f} % of breaks" in sentence


def test_discovery_reads_categorical_parameters_as_is_or_is_not():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"x": rng.random(2000), "s": rng.choice(["grim", "tft", "gtft"], 2000)})
    frame["held"] = ~((frame["s"] == "grim") & (frame["x"] < 0.5))
    box = discover(frame, ["x", "s"], "tree", labels={"s": "US strategy"})
    assert "US strategy is grim" in box.conditions() and box.density == 1.0


def test_no_rule_when_the_truce_always_holds():
    frame = planted().assign(held=True)
    assert discover(frame, ["a", "b"], "tree") is None


def run_sweep(path, out) -> None:
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1"]) in (0, 1)


def test_the_pd_threshold_report_shows_the_jump_at_one_half(tmp_path, capsys):
    out = tmp_path / "pd"
    run_sweep(data_root() / "configs" / "sweeps" / "pd_threshold.yaml", out)
    assert main(["analyze", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "matters most: A patience" in printed
    assert "largest jump between 0.48 and 0.5: 0.0 % -> 100.0 %" in printed
    report = (out / "report" / "report.md").read_text()
    assert "| 0.48 | 2 | 0 | 0.0 % |" in report and "| 0.5 | 2 | 2 | 100.0 % |" in report
    assert "A patience <=" in report  # the discovered box: low patience breaks the truce
    for name in ("holds.png", "survival.png"):
        assert (out / "report" / name).stat().st_size > 5000


def test_a_sobol_sweep_reports_salib_indices_and_a_map(write, tmp_path, capsys):
    text = """\
name: pd_sobol
scenario: prisoners_dilemma
set: {turns: 20, countries.A.strategy.name: self_enforcing, countries.B.strategy.name: grim_trigger}
parameters:
  countries.A.preferences.patience: {range: [0.0, 0.98], label: A patience}
  countries.B.preferences.patience: {range: [0.0, 0.98], label: B patience}
  world.noise_scale: {range: [0.0, 1.0], label: noise}
design: {kind: sobol, samples: 32}
replications: 2
seed: 3
"""
    out = tmp_path / "sobol"
    run_sweep(write("s.yaml", text), out)
    capsys.readouterr()
    assert main(["analyze", str(out), "--discovery", "tree"]) == 0
    printed = capsys.readouterr().out
    sens_line = printed.splitlines()[1]
    # 32 base samples leave the intervals too wide to call the estimate usable, but A patience stands out
    assert sens_line.startswith("Sobol' total index ST not usable at this size (32 base samples x 2 replications"), \
        printed
    assert "would make it usable. Clearly non-zero even so: A patience 1.00" in " ".join(printed.split())
    assert "B patience" not in sens_line  # B plays grim trigger: its patience cannot matter
    assert "moves P(holds) most: A patience" in printed
    report = (out / "report" / "report.md").read_text()
    assert "| parameter | S1 | S1_low | S1_high | ST | ST_low | ST_high |" in report
    assert "**Not usable at this size.**" in report and "- the widest ST interval is +/-" in report
    assert (out / "report" / "convergence.png").exists()
    assert "Over A patience (across) and B patience (down)" in report  # the two that matter most (ST order)
    assert (out / "report" / "map.png").exists() and (out / "report" / "sensitivity.png").exists()


def test_a_morris_sweep_reports_mu_star(write, tmp_path, capsys):
    text = """\
name: pd_morris
scenario: prisoners_dilemma
set: {turns: 10, countries.A.strategy.name: self_enforcing, countries.B.strategy.name: grim_trigger}
parameters:
  countries.A.preferences.patience: {range: [0.0, 0.98], label: A patience}
  world.noise_scale: {range: [0.0, 1.0], label: noise}
design: {kind: morris, samples: 10}
"""
    out = tmp_path / "morris"
    run_sweep(write("m.yaml", text), out)
    assert main(["analyze", str(out), "--map", "noise", "countries.A.preferences.patience"]) == 0
    assert "Morris mu*" in capsys.readouterr().out
    report = (out / "report" / "report.md").read_text()
    assert "| parameter | mu_star | mu_star_low | mu_star_high | sigma |" in report
    assert "Over noise (across) and A patience (down)" in report


def test_analyze_refuses_what_is_not_a_sweep_folder_and_unknown_map_parameters(sweep_file, tmp_path, capsys):
    assert main(["analyze", str(tmp_path)]) == 2
    assert "is not a sweep folder" in capsys.readouterr().err
    out = tmp_path / "s"
    run_sweep(sweep_file(replications=1), out)
    assert main(["analyze", str(out), "--map", "countries.A.preferences.patiense", "x"]) == 2
    err = capsys.readouterr().err
    assert "(did you mean 'countries.A.preferences.patience'?)" in err and len(err.strip().splitlines()) == 1


def test_when_most_truces_break_the_box_explains_where_it_held():
    frame = planted()
    frame["held"] = ~frame["held"]  # now the truce holds only where a > 0.6 and b < 0.3 (and by noise)
    box = discover(frame, ["a", "b", "c"], "tree")
    assert box.outcome == "holds" and set(box.bounds) == {"a", "b"}
    assert box.sentence().startswith("the truce holds in ") and "of truces that held" in box.sentence()


def test_survival_follows_collapse_when_the_engine_reports_it():
    from negotiation.analysis.survival import by_level, event_column

    frame = pd.DataFrame({"x": [1, 1, 2, 2], "turns": [5] * 4,
                          "break_turn": pd.array([0, 1, 0, None], dtype="Int64"),  # breaches that may heal
                          "collapse_turn": pd.array([None, 3, None, None], dtype="Int64")})
    assert event_column(frame) == "collapse_turn" and event_column(frame.drop(columns="collapse_turn")) == "break_turn"
    curves = by_level(frame, frame["x"])
    assert curves[1].tolist() == [1.0, 1.0, 1.0, 0.5, 0.5] and curves[2].tolist() == [1.0] * 5


def test_without_a_box_the_headline_says_what_the_runs_show_not_that_every_truce_broke():
    from types import SimpleNamespace

    from negotiation.analysis.report import _no_box

    def runs(*held):
        return SimpleNamespace(runs=pd.DataFrame({"held": list(held)}))

    assert _no_box(runs(True, True)) == "the truce held in every run"
    assert _no_box(runs(False, False)) == "the truce collapsed in every run"
    mixed = _no_box(runs(True, False))
    assert "broke in every run" not in mixed and "collapsed in every" not in mixed
