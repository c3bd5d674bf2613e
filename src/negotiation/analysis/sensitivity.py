"""Sobol' and Morris sensitivity indices of P(truce holds), computed by SALib.

The output of a design point is the share of its replications whose truce held. SALib
analyses the design's own unit-cube samples (``u.<key>`` in design.parquet), so the
indices are per full range of each parameter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from negotiation.analysis.data import SweepData
from negotiation.sweep.design import salib_problem


class IncompleteDesign(ValueError):
    """Some design points have no finished run, so the estimator cannot be applied."""


def point_outputs(data: SweepData, points: int) -> np.ndarray:
    """P(holds) per design point, in design order."""
    per_point = data.runs.groupby("point")["held"].mean()
    missing = points - len(per_point)
    if missing:
        raise IncompleteDesign(f"{missing} of {points} design points have no successful run; finish the sweep "
                               "(--resume) or fix the failing runs first")
    return per_point.sort_index().to_numpy(dtype=float)


def indices(data: SweepData, design: pd.DataFrame) -> pd.DataFrame:
    """Sobol' S1/ST or Morris mu*/sigma per parameter, with SALib's 95 % confidence."""
    keys = data.keys
    problem = salib_problem(len(keys), keys)
    y = point_outputs(data, len(design))
    kind = data.spec.design.kind
    if kind == "sobol":
        from SALib.analyze import sobol

        result = sobol.analyze(problem, y, calc_second_order=bool(data.spec.design.second_order), seed=0)
        return pd.DataFrame({"S1": result["S1"], "S1_conf": result["S1_conf"], "ST": result["ST"],
                             "ST_conf": result["ST_conf"]}, index=keys).sort_values("ST", ascending=False)
    from SALib.analyze import morris

    x = design[[f"u.{k}" for k in keys]].to_numpy()
    result = morris.analyze(problem, x, y, num_levels=data.spec.design.levels or 4, seed=0)
    return pd.DataFrame({"mu_star": result["mu_star"], "mu_star_conf": result["mu_star_conf"],
                         "sigma": result["sigma"]}, index=keys).sort_values("mu_star", ascending=False)
