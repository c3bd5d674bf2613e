"""The probability that the truce holds, by parameter value or bin, with Wilson intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binomtest

# a numeric parameter of a sampled design (or a grid with more values than this) is cut into quantile bins
MAX_LEVELS = 50
BINS = 8


def wilson(held: int, runs: int, level: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for a proportion (sound near 0 and 1, unlike the normal one)."""
    ci = binomtest(held, runs).proportion_ci(confidence_level=level, method="wilson")
    return float(ci.low), float(ci.high)


def _number(x: float, integer: bool) -> str:
    return str(int(x)) if integer else f"{x:.3g}"


def levels(values: pd.Series, numeric: bool, bins: int = BINS, grid: bool = True) -> pd.Series:
    """Each run's level of a parameter: a grid's own values (up to MAX_LEVELS of them), or for
    sampled designs its quantile bin, labelled by the smallest and largest value in it ('6-13'
    for whole numbers)."""
    distinct = values.nunique()
    if not numeric or distinct <= (MAX_LEVELS if grid else bins):
        return values
    integer = pd.api.types.is_integer_dtype(values)
    numbers = values.astype(float)
    codes = pd.qcut(numbers, q=bins, labels=False, duplicates="drop")
    bounds = numbers.groupby(codes).agg(["min", "max"])
    names = {c: (_number(lo, integer) if lo == hi else f"{_number(lo, integer)}-{_number(hi, integer)}")
             for c, (lo, hi) in bounds.iterrows()}
    order = [names[c] for c in sorted(names)]
    return pd.Series(pd.Categorical(codes.map(names), categories=order, ordered=True), index=values.index,
                     name=values.name)


def pick(values: pd.Series, most: int) -> list:
    """At most ``most`` of the distinct values, evenly spread from the first to the last (for curves)."""
    distinct = list(values.cat.categories) if isinstance(values.dtype, pd.CategoricalDtype) else \
        sorted(values.dropna().unique().tolist())
    if len(distinct) <= most:
        return distinct
    index = np.unique(np.round(np.linspace(0, len(distinct) - 1, most)).astype(int))
    return [distinct[i] for i in index]


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


def _apart(held_a: int, runs_a: int, held_b: int, runs_b: int) -> bool:
    (low_a, high_a), (low_b, high_b) = wilson(held_a, runs_a), wilson(held_b, runs_b)
    return low_a > high_b or low_b > high_a


def clearly_moves(table: pd.DataFrame, ordered: bool = True) -> bool:
    """Whether P(holds) differs beyond 95 % intervals: between two levels, or (for ordered
    levels) between the runs below and above some level, so a step shows even with few runs
    per grid value."""
    if len(table) < 2:
        return False
    if table["low"].max() > table["high"].min():
        return True
    held, runs = table["held"].to_numpy(), table["runs"].to_numpy()
    if ordered:
        return any(_apart(int(held[:i].sum()), int(runs[:i].sum()), int(held[i:].sum()), int(runs[i:].sum()))
                   for i in range(1, len(table)))
    return any(_apart(int(held[i]), int(runs[i]), int(held.sum() - held[i]), int(runs.sum() - runs[i]))
               for i in range(len(table)))


def hold_map(frame: pd.DataFrame, x: pd.Series, y: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """P(holds) and the number of runs over two parameters: rows are levels of ``y``, columns of ``x``.
    Cells without runs have P = NaN and n = 0."""
    grouped = frame["held"].groupby([y.rename("y"), x.rename("x")], observed=False)
    p = grouped.mean().unstack("x").sort_index(ascending=False)
    n = grouped.size().unstack("x").reindex(index=p.index, columns=p.columns).fillna(0).astype(int)
    return p, n
