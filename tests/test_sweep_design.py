"""Designs produce the right points, from one root seed."""

import numpy as np
import pytest
from SALib.sample import morris as salib_morris
from SALib.sample import sobol as salib_sobol

from negotiation.sweep.design import Axis, make_design, point_count, salib_problem
from negotiation.sweep.seeds import design_rng
from negotiation.sweep.spec import Parameter, SweepSpec


def spec(kind: str = "grid", samples: int | None = None, **parameters) -> tuple[SweepSpec, list[Axis]]:
    s = SweepSpec(name="t", scenario="x", parameters=parameters, design={"kind": kind, "samples": samples})
    return s, [Axis(k, p, integer=k.endswith("collapse_after")) for k, p in s.parameters.items()]


def design(kind="grid", samples=None, seed=1, **parameters):
    s, axes = spec(kind, samples, **parameters)
    return make_design(s, axes, design_rng(seed)), s, axes


def test_a_grid_is_every_combination_first_parameter_outermost():
    frame, s, axes = design(a={"values": [1, 2]}, b={"range": [0.0, 1.0], "steps": 3})
    assert frame.values.tolist() == [[1, 0.0], [1, 0.5], [1, 1.0], [2, 0.0], [2, 0.5], [2, 1.0]]
    assert point_count(s, axes) == 6


def test_a_range_over_a_whole_number_field_gives_whole_numbers():
    frame, _, _ = design(**{"world.collapse_after": {"range": [6, 36], "steps": 4}})
    assert frame["world.collapse_after"].tolist() == [6, 16, 26, 36]
    frame, _, _ = design("random", 200, **{"world.collapse_after": {"range": [6, 9]}})
    assert set(frame["world.collapse_after"]) == {6, 7, 8, 9}


def test_random_and_latin_points_stay_in_their_ranges_and_keep_unit_coordinates():
    for kind in ("random", "latin"):
        frame, _, _ = design(kind, 50, a={"range": [2.0, 4.0]}, b={"values": ["x", "y", "z"]})
        assert len(frame) == 50
        assert frame["a"].between(2.0, 4.0).all() and set(frame["b"]) == {"x", "y", "z"}
        assert np.allclose(frame["a"], 2.0 + 2.0 * frame["u.a"])


def test_a_latin_hypercube_puts_one_point_in_each_stratum_of_each_parameter():
    frame, _, _ = design("latin", 20, a={"range": [0.0, 1.0]}, b={"range": [0.0, 1.0]})
    for key in ("a", "b"):
        assert sorted((frame[key] * 20).astype(int)) == list(range(20))


def test_sobol_uses_saltellis_scheme_from_salib():
    frame, s, axes = design("sobol", 8, a={"range": [0.0, 10.0]}, b={"range": [-1.0, 1.0]}, c={"values": [0, 1]})
    assert len(frame) == 8 * (3 + 2) == point_count(s, axes)
    rng = design_rng(1)
    expected = salib_sobol.sample(salib_problem(3), 8, calc_second_order=False, seed=int(rng.integers(2**31)))
    assert np.array_equal(frame[["u.a", "u.b", "u.c"]].to_numpy(), expected)
    assert np.allclose(frame["a"], 10.0 * expected[:, 0])


def test_morris_trajectories_move_one_parameter_at_a_time_on_the_level_grid():
    frame, s, axes = design("morris", 4, a={"range": [0.0, 1.0]}, b={"range": [0.0, 1.0]})
    assert len(frame) == 4 * (2 + 1) == point_count(s, axes)
    assert set(np.round(frame["u.a"], 6)) <= {0.0, round(1 / 3, 6), round(2 / 3, 6), 1.0}
    unit = frame[["u.a", "u.b"]].to_numpy()
    for start in range(0, len(unit), 3):
        steps = np.abs(np.diff(unit[start:start + 3], axis=0)) > 0
        assert (steps.sum(axis=1) == 1).all()
    rng = design_rng(1)
    assert np.array_equal(unit, salib_morris.sample(salib_problem(2), 4, num_levels=4, seed=int(rng.integers(2**31))))


def test_distributions_map_the_unit_interval_through_their_quantiles():
    frame, _, _ = design("random", 500, n={"distribution": {"name": "normal", "mean": 1.0, "sd": 0.5, "low": 0.0}},
                         t={"distribution": {"name": "triangular", "low": 0.0, "mode": 0.2, "high": 1.0}})
    assert frame["n"].min() >= 0.0 and frame["n"].mean() == pytest.approx(1.05, abs=0.1)
    assert frame["t"].between(0.0, 1.0).all() and frame["t"].mean() == pytest.approx(0.4, abs=0.05)


def test_the_same_root_seed_gives_the_same_design_and_another_seed_another():
    first, _, _ = design("latin", 10, seed=3, a={"range": [0.0, 1.0]})
    again, _, _ = design("latin", 10, seed=3, a={"range": [0.0, 1.0]})
    other, _, _ = design("latin", 10, seed=4, a={"range": [0.0, 1.0]})
    assert first.equals(again) and not first.equals(other)


def test_a_parameter_takes_exactly_one_kind_of_values():
    with pytest.raises(ValueError, match="exactly one of"):
        Parameter(values=[1], range=(0, 1))
