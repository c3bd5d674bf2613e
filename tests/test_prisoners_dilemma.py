"""The textbook reduction: the shipped prisoner's-dilemma scenario is the iterated PD exactly."""

import numpy as np
import pytest

from negotiation import load_scenario, run

# 200-turn match scores with T, R, P, S = 5, 3, 1, 0 (row player's score, column player's score),
# as computed by hand and as tabulated by Axelrod-Python for these deterministic strategies.
SCORES = {
    ("cooperator", "cooperator"): (600, 600),
    ("cooperator", "defector"): (0, 1000),
    ("cooperator", "tit_for_tat"): (600, 600),
    ("cooperator", "grim_trigger"): (600, 600),
    ("cooperator", "alternator"): (300, 800),
    ("defector", "defector"): (200, 200),
    ("defector", "tit_for_tat"): (204, 199),
    ("defector", "grim_trigger"): (204, 199),
    ("defector", "alternator"): (600, 100),
    ("tit_for_tat", "tit_for_tat"): (600, 600),
    ("tit_for_tat", "grim_trigger"): (600, 600),
    ("tit_for_tat", "alternator"): (498, 503),
    ("grim_trigger", "grim_trigger"): (600, 600),
    ("grim_trigger", "alternator"): (597, 107),
    ("alternator", "alternator"): (400, 400),
}


@pytest.fixture(scope="module")
def pd():
    return load_scenario("prisoners_dilemma", {"turns": 200})


def match(pd, a: str, b: str, seed: int = 0, **extra):
    return run(pd, seed=seed, overrides={"countries.A.strategy.name": a, "countries.B.strategy.name": b, **extra})


@pytest.mark.parametrize(("pair", "scores"), SCORES.items(), ids=lambda x: "-".join(x) if isinstance(x, tuple) and
                         isinstance(x[0], str) else "")
def test_200_turn_scores_match_the_iterated_prisoners_dilemma(pd, pair, scores):
    result = match(pd, *pair)
    assert (result.totals["A"], result.totals["B"]) == scores
    # and with the seats swapped
    swapped = match(pd, pair[1], pair[0])
    assert (swapped.totals["A"], swapped.totals["B"]) == scores[::-1]


@pytest.mark.parametrize("delta", [0.0, 0.2, 0.45, 0.49, 0.499])
def test_self_enforcing_defects_against_grim_below_half(pd, delta):
    result = match(pd, "self_enforcing", "grim_trigger", **{"countries.A.preferences.patience": delta})
    assert result.compliance.loc["PD_A", 0] == 0.0
    assert result.totals == {"A": 5 + 199, "B": 0 + 199}
    assert result.broken.country == "A" and result.broken.turn == 0


@pytest.mark.parametrize("delta", [0.5, 0.51, 0.7, 0.95])
def test_self_enforcing_honours_against_grim_from_half(pd, delta):
    result = match(pd, "self_enforcing", "grim_trigger", **{"countries.A.preferences.patience": delta})
    assert result.held
    assert result.totals == {"A": 600, "B": 600}


def test_under_noise_generous_tit_for_tat_keeps_cooperation_that_grim_trigger_loses(pd):
    noisy = {"countries.A.pledges.0.noise": 0.05, "countries.B.pledges.0.noise": 0.05}
    rates = {}
    for name in ("generous_tit_for_tat", "grim_trigger"):
        honoured = [match(pd, name, name, seed=s, **noisy).compliance.to_numpy().mean() for s in range(20)]
        rates[name] = float(np.mean(honoured))
    assert rates["generous_tit_for_tat"] > 0.8
    assert rates["grim_trigger"] < 0.3
