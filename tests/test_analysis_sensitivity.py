"""Sobol' indices with run-to-run noise separated, bootstrap intervals and plain-word checks,
on outputs whose true indices are known."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.sample import sobol as salib_sobol

from negotiation.analysis.data import SweepData
from negotiation.analysis.sensitivity import CLEAR, indices, sobol_estimates
from negotiation.sweep.design import salib_problem
from negotiation.sweep.spec import SweepSpec


def synthetic(p_of_u, samples: int, replications: int, dims: int = 3, seed: int = 0) -> tuple[SweepData, pd.DataFrame]:
    """A Sobol' sweep whose truce holds with probability p(u) at each design point."""
    keys = [f"x{i}" for i in range(dims)]
    u = salib_sobol.sample(salib_problem(dims, keys), samples, calc_second_order=False, seed=1)
    p = np.clip(p_of_u(u), 0, 1)
    rng = np.random.default_rng(seed)
    held = rng.random((len(u), replications)) < p[:, None]
    runs = pd.DataFrame({"point": np.repeat(np.arange(len(u)), replications),
                         "replication": np.tile(np.arange(replications), len(u)), "held": held.ravel()})
    spec = SweepSpec.model_validate({"name": "synthetic", "scenario": "none",
                                     "parameters": {k: {"range": [0, 1]} for k in keys},
                                     "design": {"kind": "sobol", "samples": samples}, "replications": replications})
    design = pd.DataFrame({f"u.{k}": u[:, i] for i, k in enumerate(keys)})
    manifest = {"design": {"runs": len(runs)}, "scenario": {"turns": 1}}
    return SweepData(Path("."), manifest, spec, runs, 0), design


def test_one_parameter_that_decides_everything_is_named_and_the_others_are_not():
    data, design = synthetic(lambda u: u[:, 0], samples=512, replications=10)
    sens = indices(data, design)
    t = sens.table
    assert sens.clear() == ["x0"]
    assert t.loc["x0", "ST"] == pytest.approx(1.0, abs=0.15) and t.loc["x0", "S1"] == pytest.approx(1.0, abs=0.15)
    assert t.loc["x0", "ST_low"] < t.loc["x0", "ST"] < t.loc["x0", "ST_high"]
    assert abs(t.loc["x1", "ST"]) < 0.05 and abs(t.loc["x2", "ST"]) < 0.05
    assert sens.noise_share == pytest.approx(np.mean([p * (1 - p) for p in np.linspace(0, 1, 1001)]) / 10 /
                                             (1 / 12 + 1 / 60), rel=0.25)


def test_the_noise_of_few_replications_is_taken_out_of_the_total_indices():
    # 3 replications of a coin with p between 0.1 and 0.9: noise is half the variance
    f = lambda u: 0.1 + 0.8 * u[:, 0]  # noqa: E731
    data, design = synthetic(f, samples=1024, replications=3)
    y = data.runs.groupby("point")["held"].mean().to_numpy(dtype=float)
    _, raw_st, _, _ = sobol_estimates(y, np.zeros_like(y), 3, False)
    sens = indices(data, design)
    assert sens.noise_share > 0.5
    assert raw_st[0, 1] > 0.3 and raw_st[0, 2] > 0.3  # without the correction, irrelevant parameters look large
    for irrelevant in ("x1", "x2"):  # estimated near 0 (within the estimator's spread), never "clearly" above
        t = sens.table.loc[irrelevant]
        assert abs(t["ST"]) < 0.2 and t["ST_low"] < CLEAR
    assert sens.table.loc["x0", "ST"] == pytest.approx(1.0, abs=0.15)
    assert sens.clear() == ["x0"]


def test_pure_noise_is_not_usable_names_nothing_and_says_what_sample_would_do():
    data, design = synthetic(lambda u: np.full(len(u), 0.3), samples=32, replications=3)
    sens = indices(data, design)
    assert not sens.usable and sens.clear() == []
    assert sens.needed_samples and sens.needed_samples > 32 and sens.needed_samples & (sens.needed_samples - 1) == 0
    assert sens.summary and all(len(s) < 60 for s in sens.summary)


def test_the_convergence_table_grows_by_powers_of_two_up_to_the_whole_sample():
    data, design = synthetic(lambda u: u[:, 0], samples=64, replications=4)
    conv = indices(data, design).convergence
    assert sorted(conv["samples"].unique()) == [8, 16, 32, 64] and set(conv["key"]) == {"x0", "x1", "x2"}
    widths = conv[conv["key"] == "x0"].set_index("samples").eval("ST_high - ST_low")
    assert widths[64] < widths[8]
