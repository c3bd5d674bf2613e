"""Sobol' and Morris sensitivity of P(truce holds), with the run-to-run noise separated out,
bootstrap intervals, and checks that say in plain words when the estimate is not usable.

The output of a design point is the share of its replications whose truce held. That mean
still carries run-to-run noise (a binary outcome over a few seeds), and noise inflates
Sobol' estimates: it adds to the variance of the output, and to every total index about
noise / variance (the Jansen estimator squares differences of noisy values). Here the
noise variance of each point's mean is estimated from its replications (s^2 / R) and
taken out: the indices are those of the underlying P(holds), not of its noisy estimate.

Sobol': Saltelli's first-order estimator and Jansen's total-effect estimator (as in SALib,
Saltelli et al. 2010) on SALib's own sample (``u.<key>`` in design.parquet), with
percentile intervals from resampling the base rows. Morris: SALib's mu* and sigma.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from negotiation.analysis.data import SweepData
from negotiation.sweep.design import salib_problem

# an index is "clearly non-zero" when its whole 95 % interval lies above this
CLEAR = 0.05
# the estimate is usable when every total index is known within +/- this
TARGET_HALF_WIDTH = 0.1
BOOTSTRAP = 1000
# noise above this share of the output's variance is reported with the replications that would halve it
NOISY = 0.5


class IncompleteDesign(ValueError):
    """Some design points have no finished run, so the estimator cannot be applied."""


@dataclass(frozen=True)
class Sensitivity:
    """Indices per parameter (``table``, most influential first) and what to make of them."""

    kind: str  # 'sobol' or 'morris'
    table: pd.DataFrame
    samples: int  # base sample N (sobol) or trajectories (morris)
    replications: int
    runs: int
    noise_share: float | None  # share of the variance between points that is run-to-run noise
    checks: list[str] = field(default_factory=list)  # plain-word reasons the estimate is not usable
    usable: bool = False
    needed_samples: int | None = None
    needed_replications: int | None = None
    convergence: pd.DataFrame | None = None
    summary: list[str] = field(default_factory=list)  # the checks in a few words each, for the headline

    @property
    def index(self) -> str:
        return "ST" if self.kind == "sobol" else "mu_star"

    def clear(self) -> list[str]:
        """Parameters whose index is clearly above zero (its 95 % interval lies above CLEAR)."""
        low = self.table[f"{self.index}_low"]
        return [k for k in self.table.index if low[k] > CLEAR]

    def needed_runs(self, dims: int) -> int | None:
        if self.needed_samples is None:
            return None
        reps = max(self.replications, self.needed_replications or 0)
        return self.needed_samples * (dims + 2) * reps


def point_outputs(data: SweepData, points: int) -> tuple[np.ndarray, np.ndarray, int]:
    """P(holds) per design point in design order, the noise variance of each (s^2 / R; 0 with
    one replication), and the replications per point."""
    grouped = data.runs.groupby("point")["held"]
    per_point = grouped.mean()
    missing = points - len(per_point)
    if missing:
        raise IncompleteDesign(f"{missing} of {points} design points have no successful run; finish the sweep "
                               "(--resume) or fix the failing runs first")
    counts = grouped.size().sort_index().to_numpy()
    var = grouped.var(ddof=1).sort_index().fillna(0.0).to_numpy(dtype=float)
    noise = np.where(counts > 1, var / np.maximum(counts, 1), 0.0)
    return per_point.sort_index().to_numpy(dtype=float), noise, int(counts.min())


def sobol_estimates(y: np.ndarray, noise: np.ndarray, dims: int, second_order: bool,
                    rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(S1, ST, observed variance, noise variance) from Saltelli-ordered outputs; ``rows``
    (shape (B, n)) resamples the base rows, giving B estimates of each index at once. The noise
    variance of each point's mean is subtracted from the output's variance (the denominator)
    and from Jansen's squared differences (the total effects' numerator)."""
    step = 2 * dims + 2 if second_order else dims + 2
    y, noise = y.reshape(-1, step), noise.reshape(-1, step)
    if rows is None:
        rows = np.arange(len(y))[None, :]
    a, b, ab = y[rows, 0], y[rows, -1], y[rows, 1:dims + 1]
    na, nab = noise[rows, 0], noise[rows, 1:dims + 1]
    # every point of the design is a uniform draw of the cube, so all of them (not only A and B)
    # estimate the output's variance and its noise: a steadier denominator for small samples
    everything = y[rows].reshape(len(rows), -1)
    observed = np.var(everything, axis=1)
    noise_var = np.mean(noise[rows].reshape(len(rows), -1), axis=1)
    signal = observed - noise_var
    with np.errstate(divide="ignore", invalid="ignore"):
        s1 = np.mean(b[..., None] * (ab - a[..., None]), axis=1) / signal[:, None]
        total = 0.5 * np.mean((a[..., None] - ab) ** 2, axis=1) - 0.5 * np.mean(na[..., None] + nab, axis=1)
        st = total / signal[:, None]
    bad = signal <= 0
    s1[bad], st[bad] = np.nan, np.nan
    return s1, st, observed, noise_var


def _sobol_table(y: np.ndarray, noise: np.ndarray, keys: list[str], second_order: bool,
                 seed: int = 0) -> tuple[pd.DataFrame, float, float]:
    """Indices with 95 % percentile intervals, and ``ST_spread``: the robust (interquartile-based)
    half-width of the ST interval, which extrapolates to other sample sizes even when a few
    resamples with a near-zero variance blow the percentile interval up."""
    dims = len(keys)
    s1, st, observed, noise_var = sobol_estimates(y, noise, dims, second_order)
    n = len(y) // (2 * dims + 2 if second_order else dims + 2)
    rows = np.random.default_rng(seed).integers(0, n, size=(BOOTSTRAP, n))
    # in batches: a resample of a large design is a (batch, n, dims) array
    batch = max(1, 2_000_000 // max(1, n * dims))
    parts = [sobol_estimates(y, noise, dims, second_order, rows[i:i + batch]) for i in range(0, BOOTSTRAP, batch)]
    b1, bt = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns when no resample has any signal
        q1 = np.nanpercentile(b1, [2.5, 97.5], axis=0)
        qt = np.nanpercentile(bt, [2.5, 25, 75, 97.5], axis=0)
    table = pd.DataFrame({"S1": s1[0], "S1_low": q1[0], "S1_high": q1[1], "ST": st[0], "ST_low": qt[0],
                          "ST_high": qt[3], "ST_spread": (qt[2] - qt[1]) / 1.349 * 1.96}, index=keys)
    return table, float(observed[0]), float(noise_var[0])


def convergence(y: np.ndarray, noise: np.ndarray, keys: list[str], second_order: bool) -> pd.DataFrame:
    """The indices on the first n base rows, for n = 8, 16, ... up to the whole sample (Sobol'
    sequences are balanced at powers of two): one row per (n, parameter)."""
    step = 2 * len(keys) + 2 if second_order else len(keys) + 2
    total = len(y) // step
    sizes = [n for n in (2 ** k for k in range(3, 31)) if n < total] + [total]
    frames = []
    for n in sizes:
        table, _, _ = _sobol_table(y[: n * step], noise[: n * step], keys, second_order)
        table = table.drop(columns="ST_spread")
        frames.append(table.assign(samples=n).rename_axis("key").reset_index())
    return pd.concat(frames, ignore_index=True)


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _next_power_of_two(x: float) -> int:
    return 1 << max(0, math.ceil(math.log2(max(1.0, x))))


def sobol(data: SweepData, design: pd.DataFrame) -> Sensitivity:
    keys = data.keys
    second = bool(data.spec.design.second_order)
    y, noise, reps = point_outputs(data, len(design))
    table, observed, noise_var = _sobol_table(y, noise, keys, second)
    spread = table.pop("ST_spread")
    table = table.sort_values("ST", ascending=False, na_position="last")
    n = data.spec.design.samples or len(y) // (len(keys) + 2)
    checks: list[str] = []
    summary: list[str] = []
    share = noise_var / observed if observed > 0 else None
    signal = observed - noise_var
    if reps < 2:
        checks.append("one replication per design point: run-to-run noise cannot be told apart from the "
                      "parameters' effects (use --replications 2 or more)")
        summary.append("one replication per point")
    if observed <= 0 or signal <= 0:
        checks.append("P(holds) varies between design points no more than run-to-run noise makes it vary: no "
                      "parameter's effect is detectable")
        summary.append("no variation beyond run-to-run noise")
        return Sensitivity("sobol", table, n, reps, len(data.runs), share, checks, False, n * 4,
                           max(reps * 4, 2), None, summary)
    # replications that bring the noise down to a third of the signal (noise share 25 %)
    needed_reps = math.ceil(3 * reps * noise_var / signal) if share is not None and share > NOISY else None
    if needed_reps:
        assert share is not None
        checks.append(f"run-to-run noise is {_pct(share)} of the variance of P(holds) between design points "
                      f"({reps} replications per point): taken out of the indices, but it widens their intervals")
        summary.append(f"noise {_pct(share)} of the variance")
    zero = [k for k in keys if not table.loc[k, "S1_low"] > 0]
    if len(zero) == len(keys):
        checks.append("every first-order (S1) interval includes 0")
        summary.append("every S1 interval includes 0")
    st_sum = float(table["ST"].sum())
    if st_sum > 1.5:
        checks.append(f"total indices (ST) sum to {st_sum:.2f}, far above 1 (possible only with strong "
                      "interactions; more often a sign of estimation error)")
        summary.append(f"ST sums to {st_sum:.2f}")
    above = [data.label(k) for k in table.index if table.loc[k, "ST"] > 1]
    if above:
        checks.append(f"ST above 1 for {', '.join(above)}: impossible for a well-estimated index")
        summary.append(f"ST > 1 for {len(above)}")
    negative = [data.label(k) for k in table.index if table.loc[k, "ST"] < -TARGET_HALF_WIDTH]
    if negative:
        checks.append(f"ST well below 0 for {', '.join(negative)}: estimation noise")
        summary.append(f"ST < 0 for {len(negative)}")
    half = float(((table["ST_high"] - table["ST_low"]) / 2).max())
    needed = None
    if not half <= TARGET_HALF_WIDTH:
        checks.append(f"the widest ST interval is +/- {half:.2f} (usable: within +/- {TARGET_HALF_WIDTH})")
        summary.append(f"widest ST interval +/- {half:.2f}")
        # the interval shrinks as 1/sqrt(N), and with less noise in proportion to (signal + noise) / signal
        robust = float(spread.max()) if math.isfinite(spread.max()) else half
        factor = 1.0 if not needed_reps else (signal + noise_var * reps / needed_reps) / observed
        needed = _next_power_of_two(n * (robust * factor / TARGET_HALF_WIDTH) ** 2)
    usable = needed is None and not above and not negative
    if not usable and needed is None:
        needed = n * 4
    conv = convergence(y, noise, keys, second) if n >= 8 else None
    return Sensitivity("sobol", table, n, reps, len(data.runs), share, checks, usable, needed,
                       needed_reps if needed_reps and needed_reps > reps else None, conv, summary)


def morris(data: SweepData, design: pd.DataFrame) -> Sensitivity:
    from SALib.analyze import morris as salib_morris

    keys = data.keys
    problem = salib_problem(len(keys), keys)
    y, noise, reps = point_outputs(data, len(design))
    x = design[[f"u.{k}" for k in keys]].to_numpy()
    result = salib_morris.analyze(problem, x, y, num_levels=data.spec.design.levels or 4, seed=0)
    table = pd.DataFrame({"mu_star": result["mu_star"], "mu_star_low": result["mu_star"] - result["mu_star_conf"],
                          "mu_star_high": result["mu_star"] + result["mu_star_conf"], "sigma": result["sigma"]},
                         index=keys).sort_values("mu_star", ascending=False)
    observed = float(np.var(y))
    share = float(np.mean(noise) / observed) if observed > 0 else None
    checks = []
    if reps < 2:
        checks.append("one replication per design point: run-to-run noise cannot be told apart from the "
                      "parameters' effects (use --replications 2 or more)")
    elif share is not None and share > NOISY:
        checks.append(f"run-to-run noise is {_pct(share)} of the variance of P(holds) between design points "
                      f"({reps} replications per point): elementary effects are mostly noise")
    wide = [k for k in keys if not table.loc[k, "mu_star_low"] > 0]
    if wide:
        checks.append(f"{len(wide)} of {len(keys)} mu* intervals include 0")
    n = data.spec.design.samples or 0
    usable = not checks
    summary = [c.split(":")[0].split(" (")[0] for c in checks]
    return Sensitivity("morris", table, n, reps, len(data.runs), share, checks, usable,
                       None if usable else n * 4, None, None, summary)


def indices(data: SweepData, design: pd.DataFrame) -> Sensitivity:
    """Sobol' S1/ST (noise separated, bootstrap intervals) or Morris mu*/sigma, with checks."""
    return sobol(data, design) if data.spec.design.kind == "sobol" else morris(data, design)
