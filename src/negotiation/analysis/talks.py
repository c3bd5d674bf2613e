"""The talks of a sweep's runs (issue 9): counter-offers, renewals agreed and failed, and the
surplus of the first renewal of a major pledge and each side's share of it, overall and by
level of a parameter."""

from __future__ import annotations

import math

import pandas as pd

from negotiation.analysis.holds import wilson
from negotiation.history import SHARE_COLUMN

#: the outcome columns the talks are read from (RunResult.bargaining)
COLUMNS = ("counter_offers", "renewals_agreed", "renewals_failed", "renewal_turn", "renewal_surplus")


def mean_interval(values: pd.Series) -> tuple[float, float, float]:
    """The mean and its 95 % normal interval (nan when empty; the mean alone for one value)."""
    x = pd.to_numeric(values, errors="coerce").dropna()
    if not len(x):
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    half = 1.96 * float(x.std(ddof=1)) / math.sqrt(len(x)) if len(x) > 1 else 0.0
    return mean, mean - half, mean + half


def shares_text(group: pd.DataFrame) -> str:
    """Each bargaining country's mean share of the surplus over the runs it renewed in, with its
    95 % interval (clipped to 0-100 %): 'CN 62 % (60-64), US 38 % (36-40)'; '-' when no run renewed."""
    parts = []
    for column in sorted(c for c in group if c.startswith(f"{SHARE_COLUMN}.")):
        mean, low, high = mean_interval(group[column])
        if not math.isnan(mean):
            low, high = max(low, 0.0), min(high, 1.0)
            parts.append(f"{column.split('.', 1)[1]} {100 * mean:.0f} % ({100 * low:.0f}-{100 * high:.0f})")
    return ", ".join(parts) or "-"


def talks_table(frame: pd.DataFrame, level: pd.Series | None = None) -> pd.DataFrame | None:
    """Per level (one row 'all' without ``level``): runs, counter-offers, renewals agreed and
    failed per run, the share of runs that renewed a major pledge with its 95 % Wilson interval,
    and the mean surplus a month of that renewal with each side's share of it. None when the
    sweep has no talks columns."""
    if any(c not in frame for c in COLUMNS):
        return None
    groups = [("all", frame)] if level is None else frame.groupby(level.rename("level"), observed=True, sort=True)
    rows = []
    for value, group in groups:
        runs = len(group)
        if not runs:
            continue
        renewed = int(group["renewal_turn"].notna().sum())
        low, high = wilson(renewed, runs)
        rows.append({"level": value, "runs": runs, "counters": float(group["counter_offers"].mean()),
                     "agreed": float(group["renewals_agreed"].mean()), "failed": float(group["renewals_failed"].mean()),
                     "renewed": renewed / runs, "low": low, "high": high,
                     "surplus": mean_interval(group["renewal_surplus"])[0], "shares": shares_text(group)})
    return pd.DataFrame(rows)
