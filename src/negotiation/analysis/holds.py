"""The probability that the truce holds, by parameter value or bin, with Wilson intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binomtest

# a numeric parameter with more distinct values than this (a sampled design) is cut into quantile bins
MAX_LEVELS = 50
BINS = 8


def wilson(held: int, runs: int, level: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for a proportion (sound near 0 and 1, unlike the normal one)."""
    ci = binomtest(held, runs).proportion_ci(confidence_level=level, method="wilson")
    return float(ci.low), float(ci.high)


def levels(values: pd.Series, numeric: bool, most: int = MAX_LEVELS, bins: int = BINS) -> pd.Series:
    """Each run's level of a parameter: its value, or, past ``most`` distinct numbers, its bin's middle."""
    if not numeric or values.nunique() <= most:
        return values
    cut = pd.qcut(values.astype(float), q=bins, duplicates="drop")
    return cut.map(lambda interval: interval.mid).astype(float)


def hold_table(frame: pd.DataFrame, by: pd.Series) -> pd.DataFrame:
    """Runs, truces held, P(holds) and its 95 % interval per level of ``by``."""
    grouped = frame.groupby(by.rename("level"), observed=True, sort=True)["held"]
    table = pd.DataFrame({"runs": grouped.size(), "held": grouped.sum().astype(int)}).reset_index()
    table["p"] = table["held"] / table["runs"]
    bounds = [wilson(h, n) for h, n in zip(table["held"], table["runs"], strict=True)]
    table["low"], table["high"] = [b[0] for b in bounds], [b[1] for b in bounds]
    return table


def largest_jump(table: pd.DataFrame) -> tuple[object, object, float, float] | None:
    """The neighbouring levels between which P(holds) changes most: (before, after, p before, p after)."""
    if len(table) < 2:
        return None
    steps = np.abs(np.diff(table["p"].to_numpy()))
    i = int(np.argmax(steps))
    return table["level"].iloc[i], table["level"].iloc[i + 1], table["p"].iloc[i], table["p"].iloc[i + 1]


def spread(table: pd.DataFrame) -> float:
    """How much P(holds) moves across the levels of a parameter (its main-effect range)."""
    return float(table["p"].max() - table["p"].min()) if len(table) else 0.0


def hold_map(frame: pd.DataFrame, x: pd.Series, y: pd.Series) -> pd.DataFrame:
    """P(holds) over two parameters: rows are levels of ``y``, columns levels of ``x``."""
    held = frame["held"].groupby([y.rename("y"), x.rename("x")], observed=True).mean()
    return held.unstack("x").sort_index(ascending=False)
