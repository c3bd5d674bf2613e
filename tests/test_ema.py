"""The EMA Workbench adapter: a sweep or a scenario as an ema_workbench.Model (needs the [ema] extra)."""

import math
import warnings

import numpy as np
import pytest

ema_workbench = pytest.importorskip("ema_workbench", reason="the [ema] extra is not installed")

from negotiation import run  # noqa: E402
from negotiation.ema import key, model  # noqa: E402


def _experiments(m, n):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ema_workbench.SequentialEvaluator(m) as evaluator:
            return evaluator.perform_experiments(scenarios=n)


def test_a_sweep_becomes_a_model_with_its_parameters_as_uncertainties(sweep_file):
    m = model(sweep_file())
    names = {key(u.name): u for u in m.uncertainties}
    assert set(names) == {"countries.A.preferences.patience", "countries.B.strategy.name"}
    assert all(u.name.isidentifier() for u in m.uncertainties)  # EMA 3 wants identifiers
    assert [o.name for o in m.outcomes] == ["held", "break_turn", "allied_share", "china_share"]
    shipped = {key(u.name): u for u in model("sobol_screen").uncertainties}
    assert isinstance(shipped["world.collapse_after"], ema_workbench.IntegerParameter)
    assert (shipped["world.collapse_after"].lower_bound, shipped["world.collapse_after"].upper_bound) == (1, 6)
    assert isinstance(shipped["world.noise_scale"], ema_workbench.RealParameter)


def test_perform_experiments_runs_the_game_and_prim_finds_where_the_truce_breaks(pd_file):
    # the prisoner's dilemma against grim trigger: a self-enforcing A cooperates iff patience >= 0.5 (P13)
    from negotiation import load_scenario

    base = load_scenario("prisoners_dilemma", {"countries.A.strategy.name": "self_enforcing",
                                               "countries.B.strategy.name": "grim_trigger", "turns": 12})
    m = model(base, parameters={"countries.A.preferences.patience": (0.0, 0.98)}, seed=5)
    experiments, outcomes = _experiments(m, 60)
    patience = experiments["countries__A__preferences__patience"].to_numpy()
    held = outcomes["held"]
    assert set(np.unique(held)) == {0.0, 1.0}
    assert (held[patience >= 0.51] == 1).all() and (held[patience < 0.49] == 0).all()
    # an experiment's outcome is the game's own outcome, seed included
    seed = m.function.seeds({"countries.A.preferences.patience": float(patience[0])})[0]
    again = run(base, seed=seed, overrides={"countries.A.preferences.patience": float(patience[0])})
    assert bool(held[0]) == again.outcome()["held"]
    assert all(math.isnan(t) for t in outcomes["break_turn"][held == 1])

    from ema_workbench.analysis import prim

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = prim.Prim(experiments[["countries__A__preferences__patience"]], held == 0, peel_alpha=0.1).find_box()
    limits = box.box_lims[-1]
    assert limits["countries__A__preferences__patience"].iloc[1] < 0.52  # the box of broken truces ends near 0.5


def test_replications_average_the_outcome_into_a_probability(pd_file):
    m = model("prisoners_dilemma", parameters={"countries.A.pledges.0.noise": (0.2, 0.4)}, replications=4, seed=1)
    _, outcomes = _experiments(m, 6)
    assert all(v in {0.0, 0.25, 0.5, 0.75, 1.0} for v in outcomes["held"])
