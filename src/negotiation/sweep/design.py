"""Design points: a full grid, or samples of the unit hypercube mapped onto each parameter.

Sampled designs (random, Latin hypercube, Sobol'/Saltelli, Morris) first draw points in
[0, 1]^D — SALib for Sobol' and Morris, as the sensitivity analysis expects its own
samples — and each parameter then maps its unit coordinate onto its values, range or
distribution. The unit coordinates are kept (columns ``u.<key>``) for SALib's analysis.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from negotiation.sweep.spec import Normal, Parameter, SweepSpec

# ppf(0) of an unbounded distribution is infinite; Morris levels include 0 and 1 exactly
_EDGE = 1e-6


@dataclass(frozen=True)
class Axis:
    """One varied parameter and how its values are produced."""

    key: str
    param: Parameter
    integer: bool  # the scenario field is a whole number (e.g. world.collapse_after)

    def grid(self) -> list[Any]:
        if self.param.values is not None:
            return list(self.param.values)
        assert self.param.range is not None and self.param.steps is not None  # a grid range has steps (SweepSpec)
        low, high = self.param.range
        points = np.linspace(low, high, self.param.steps)
        return sorted({round(v) for v in points.tolist()}) if self.integer else points.tolist()

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Values for unit coordinates ``u`` (uniform in [0, 1])."""
        p = self.param
        if p.values is not None:
            index = np.minimum((u * len(p.values)).astype(int), len(p.values) - 1)
            return [p.values[i] for i in index.tolist()]
        if p.range is not None:
            low, high = p.range
            if self.integer:
                # every whole number in [low, high] equally likely
                lo, hi = math.ceil(low), math.floor(high)
                return np.minimum(lo + np.floor(u * (hi - lo + 1)), hi).astype(int).tolist()
            return (low + u * (high - low)).tolist()
        values = self._distribution().ppf(np.clip(u, _EDGE, 1 - _EDGE))
        return np.rint(values).astype(int).tolist() if self.integer else values.tolist()

    def _distribution(self):
        d = self.param.distribution
        if isinstance(d, Normal):
            low = -np.inf if d.low is None else (d.low - d.mean) / d.sd
            high = np.inf if d.high is None else (d.high - d.mean) / d.sd
            return stats.truncnorm(low, high, loc=d.mean, scale=d.sd)
        return stats.triang((d.mode - d.low) / (d.high - d.low), loc=d.low, scale=d.high - d.low)

    def probes(self) -> list[tuple[Any, tuple]]:
        """Values to check against the scenario before running, each with where it is written."""
        p = self.param
        if p.values is not None:
            return [(v, ("values", i)) for i, v in enumerate(p.values)]
        if p.range is not None:
            low, high = p.range
            if self.integer:
                return [(math.ceil(low), ("range", 0)), (math.floor(high), ("range", 1))]
            return [(low, ("range", 0)), (high, ("range", 1))]
        edges = self.from_unit(np.array([0.0, 0.5, 1.0]))
        return [(v, ("distribution",)) for v in edges]


def point_count(spec: SweepSpec, axes: list[Axis]) -> int:
    """How many design points the spec makes (without making them)."""
    d, n = spec.design, spec.design.samples
    if d.kind == "grid":
        return math.prod(len(a.grid()) for a in axes)
    assert n is not None  # a sampled design has samples (checked by SweepSpec)
    if d.kind == "sobol":
        return n * (2 * len(axes) + 2 if d.second_order else len(axes) + 2)
    if d.kind == "morris":
        return n * (len(axes) + 1)
    return n


def make_design(spec: SweepSpec, axes: list[Axis], rng: np.random.Generator) -> pd.DataFrame:
    """One row per design point: the parameter values, and the unit coordinates of sampled designs."""
    if spec.design.kind == "grid":
        rows = list(itertools.product(*(a.grid() for a in axes)))
        return pd.DataFrame(rows, columns=[a.key for a in axes])
    unit = unit_sample(spec, len(axes), rng)
    frame = pd.DataFrame({a.key: pd.Series(a.from_unit(unit[:, i]), dtype=object) for i, a in enumerate(axes)})
    for i, a in enumerate(axes):
        frame[f"u.{a.key}"] = unit[:, i]
    return frame


def unit_sample(spec: SweepSpec, dims: int, rng: np.random.Generator) -> np.ndarray:
    """Points in [0, 1]^dims for a sampled design."""
    d, n = spec.design, spec.design.samples
    assert n is not None  # a sampled design has samples (checked by SweepSpec)
    if d.kind == "random":
        return rng.random((n, dims))
    if d.kind == "latin":
        return qmc.LatinHypercube(d=dims, rng=rng).random(n)
    problem = salib_problem(dims)
    seed = int(rng.integers(2**31))
    if d.kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, n, calc_second_order=bool(d.second_order), seed=seed)
    from SALib.sample import morris

    return morris.sample(problem, n, num_levels=d.levels or 4, seed=seed)


def salib_problem(dims: int, names: list[str] | None = None) -> dict[str, Any]:
    """SALib's problem over the unit hypercube, where the design's samples live."""
    return {"num_vars": dims, "names": names or [f"x{i}" for i in range(dims)], "bounds": [[0.0, 1.0]] * dims}
