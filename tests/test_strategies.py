"""Every strategy in the registry: its contract, and its moves against scripted opponents."""

import re

import numpy as np
import pytest

from negotiation import run
from negotiation.strategies import REGISTRY, make_strategy

CLASSIFIER_KEYS = {"stochastic", "memory_depth", "forward_looking", "needs_person"}
CITES = re.compile(r"\(([A-Z][\w-]+.*\d{4}|P\d+|F\d+|classroom|Axelrod)")


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_strategy_has_a_name_a_cited_docstring_and_a_classifier(name):
    cls = REGISTRY[name]
    assert cls.name == name
    assert set(cls.classifier) == CLASSIFIER_KEYS
    assert cls.__doc__ and CITES.search(cls.__doc__), f"{name}'s docstring should cite its source"
    assert isinstance(cls.classifier["stochastic"], bool)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_strategy_builds_with_its_defaults_and_refuses_unknown_parameters(name):
    assert make_strategy({"name": name}).params == REGISTRY[name].defaults
    with pytest.raises(TypeError, match="no parameter"):
        make_strategy({"name": name, "params": {"bogus": 1}})


@pytest.mark.parametrize("name", [n for n in REGISTRY if n != "human"])
def test_every_strategy_is_reproducible_under_a_seed_even_under_noise(pd_file, name):
    path = pd_file(name, "generous_tit_for_tat", turns=30, noise=0.1)
    first, again = run(path, seed=11), run(path, seed=11)
    assert first.totals == again.totals
    assert first.compliance.equals(again.compliance)


def moves(pd_file, name, script, **params):
    """The levels `name` (seat A) plays against a scripted seat B."""
    path = pd_file(name, "scripted", turns=len(script))
    overrides = {"countries.B.strategy.params": {"moves": script}}
    if params:
        overrides["countries.A.strategy.params"] = params
    return run(path, overrides=overrides).compliance.loc["a"].tolist()


SCRIPT = ["C", "D", "C", "C", "D", "D", "C", "C"]


def test_cooperator_always_honours(pd_file):
    assert moves(pd_file, "cooperator", SCRIPT) == [1.0] * 8


def test_defector_never_honours(pd_file):
    assert moves(pd_file, "defector", SCRIPT) == [0.0] * 8


def test_tit_for_tat_copies_the_last_move(pd_file):
    assert moves(pd_file, "tit_for_tat", SCRIPT) == [1, 1, 0, 1, 1, 0, 0, 1]


def test_grim_trigger_never_forgives(pd_file):
    assert moves(pd_file, "grim_trigger", SCRIPT) == [1, 1, 0, 0, 0, 0, 0, 0]


def test_alternator_alternates_from_honour(pd_file):
    assert moves(pd_file, "alternator", SCRIPT) == [1, 0, 1, 0, 1, 0, 1, 0]


def test_generous_tit_for_tat_with_no_forgiveness_is_tit_for_tat(pd_file):
    assert moves(pd_file, "generous_tit_for_tat", SCRIPT, forgiveness=0.0) == [1, 1, 0, 1, 1, 0, 0, 1]


def test_generous_tit_for_tat_forgives_about_a_third_of_defections(pd_file):
    path = pd_file("generous_tit_for_tat", "defector", turns=400)
    levels = np.array(run(path, seed=3).compliance.loc["a"].tolist())
    assert levels[0] == 1.0
    assert 0.27 < levels[1:].mean() < 0.40


def test_self_enforcing_punishes_a_seen_defection_for_one_turn(pd_file):
    assert moves(pd_file, "self_enforcing", SCRIPT) == [1, 1, 0, 1, 1, 0, 0, 1]


def test_scripted_plays_its_script_and_repeats_the_last_move(pd_file):
    path = pd_file("scripted", "cooperator", turns=5)
    result = run(path, overrides={"countries.A.strategy.params": {"moves": ["D", 0.5, "C"]}})
    assert result.compliance.loc["a"].tolist() == [0.0, 0.5, 1.0, 1.0, 1.0]


def test_human_seat_without_a_person_plays_its_default_strategy(pd_file):
    path = pd_file("human", "scripted", turns=4)
    result = run(path, overrides={"countries.B.strategy.params": {"moves": ["D", "C"]},
                                  "countries.A.strategy.params": {"default": "grim_trigger"}})
    assert result.compliance.loc["a"].tolist() == [1.0, 0.0, 0.0, 0.0]


def _opportunist_game(capture: float):
    from negotiation.model import TruceModel

    strategy = {"name": "opportunist", "params": {"horizon": 12}}
    model = TruceModel("busan_truce_2025", **{"countries.CN.strategy": strategy, "events": [],
                                             "world.leverage_capture": capture})
    cn, us = model.index["CN"], model.index["US"]
    timeline = []
    while model.running:
        offered = model.open_turn()
        if offered is not None:
            model.talks(offered).next()
        decisions = model.decisions()
        schedule = model.observe(cn).stakes["US"].schedule
        timeline.append((schedule, decisions[cn].levels.get("C1")))
        model.close_turn(decisions)
    return model, timeline, us


@pytest.mark.parametrize("capture", [0.2, 0.3, 0.5])
def test_opportunist_strikes_when_now_is_the_best_moment_and_then_defects_for_good(capture):
    model, timeline, _ = _opportunist_game(capture)
    best_now = [bool(s) and s[0] > 0 and s[0] >= max(s[1:]) for s, _ in timeline]
    levels = [level for _, level in timeline]
    struck = next((t for t, level in enumerate(levels) if level is not None and level < 0.5), None)
    assert struck == next((t for t, best in enumerate(best_now) if best), None)
    if struck is not None:
        assert all(level == 0.0 for level in levels[struck:] if level is not None)
        assert model.broken.country == "CN" and model.broken.cause == "real"


def test_opportunist_waits_while_its_card_is_too_weak_to_pay():
    _, timeline, _ = _opportunist_game(0.05)
    assert all(level == 1.0 for _, level in timeline[:12])


@pytest.mark.parametrize(("params", "message"), [
    ({"forgiveness": 1.5}, "forgiveness"),
    ({"forgiveness": "lots"}, "must be float"),
])
def test_bad_parameters_are_refused_with_what_is_allowed(params, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make_strategy({"name": "generous_tit_for_tat", "params": params})
