"""Survival of the truce: the share of runs still in truce after each turn.

A run whose truce held is censored at its last turn; runs of different lengths (a sweep
over ``turns``) are handled by the Kaplan-Meier product, which reduces to the plain share
when every run has the same length.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def event_column(frame: pd.DataFrame) -> str:
    """The turn a truce ends: ``collapse_turn`` where the engine reports collapses (a breach can
    heal), else ``break_turn`` (the first breach)."""
    return "collapse_turn" if "collapse_turn" in frame.columns else "break_turn"


def kaplan_meier(break_turn: pd.Series, turns: pd.Series) -> pd.Series:
    """S(t) for t = 0 .. max turns - 1: P(the truce has not ended by the end of turn t)."""
    broke = break_turn.notna().to_numpy()
    last = np.where(broke, break_turn.astype("Float64").fillna(-1).to_numpy(dtype=float),
                    turns.to_numpy(dtype=float) - 1)
    horizon = int(turns.max())
    alive, out = 1.0, []
    for t in range(horizon):
        at_risk = np.sum(last >= t)
        events = np.sum(broke & (last == t))
        if at_risk:
            alive *= 1 - events / at_risk
        out.append(alive)
    return pd.Series(out, index=pd.RangeIndex(horizon, name="turn"), name="surviving")


def by_level(frame: pd.DataFrame, level: pd.Series, only: list | None = None) -> pd.DataFrame:
    """One survival curve per level of a parameter (columns; ``only`` those levels), turns as rows."""
    column = event_column(frame)
    curves = {value: kaplan_meier(group[column], group["turns"])
              for value, group in frame.groupby(level, observed=True, sort=True)
              if only is None or value in only}
    return pd.DataFrame(curves)
