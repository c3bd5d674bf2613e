"""Scenario discovery: a box of parameter values in which the truce mostly breaks.

PRIM (Friedman & Fisher 1999, via the ``prim`` package, as in the EMA Workbench) peels
the parameter space towards the breaks; a decision tree (scikit-learn) offers its leaves
as boxes. Either way each candidate box is scored by its **density** (the share of runs
in the box whose truce broke) and its **coverage** (the share of all breaks that fall in
the box), and the box with the best balance of the two (their harmonic mean) is reported.
When most truces break, the rare outcome is the one worth explaining, so the box is then
sought for the truces that held instead. Categorical parameters enter as one 0/1 column
per value.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import binom

MAX_DEPTH = 3


@dataclass(frozen=True)
class Box:
    """Bounds per column: numbers (low, high) with None for open ends; 0/1 columns as (v, v)."""

    bounds: dict[str, tuple[float | None, float | None]]
    coverage: float
    density: float
    runs: int
    method: str
    outcome: str = "breaks"  # or 'holds', when most truces broke
    labels: dict[str, str] = field(default_factory=dict)
    # per restricted column: the quasi-p value of keeping its restriction (Bryant & Lempert 2010)
    qp: dict[str, float] = field(default_factory=dict)
    # PRIM's peeling trajectory (coverage, density, res dim, mass per step) and the step chosen
    trajectory: pd.DataFrame | None = None
    step: int | None = None

    def name(self, column: str) -> str:
        """A column as the report names it: a parameter's label, or 'label is value'."""
        if "=" in column:
            key, value = column.split("=", 1)
            return f"{self.labels.get(key, key)} = {value}"
        return self.labels.get(column, column)

    def conditions(self) -> list[str]:
        out = []
        for column, (low, high) in self.bounds.items():
            if "=" in column:  # a one-hot column 'key=value'
                key, value = column.split("=", 1)
                name = self.labels.get(key, key)
                out.append(f"{name} is {value}" if (low or 0) >= 0.5 else f"{name} is not {value}")
                continue
            name = self.labels.get(column, column)
            if low is not None and high is not None:
                out.append(f"{_num(low)} < {name} <= {_num(high)}")
            elif low is not None:
                out.append(f"{name} > {_num(low)}")
            elif high is not None:
                out.append(f"{name} <= {_num(high)}")
        return out

    def sentence(self) -> str:
        where = " and ".join(self.conditions()) or "anywhere"
        covered = "breaks" if self.outcome == "breaks" else "truces that held"
        return (f"the truce {self.outcome} in {100 * self.density:.0f} % of runs where {where} "
                f"(covering {100 * self.coverage:.0f} % of {covered}; {self.runs:,} runs, {self.method})")


def _num(x: float) -> str:
    return f"{x:.3g}"


def encode(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Parameters as numbers: numeric ones as they are, the others one 0/1 column per value."""
    columns = {}
    for key in keys:
        values = frame[key]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            columns[key] = values.astype(float)
        else:
            for value in sorted(values.astype(str).unique()):
                columns[f"{key}={value}"] = (values.astype(str) == value).astype(float)
    return pd.DataFrame(columns, index=frame.index)


def score(x: pd.DataFrame, broke: np.ndarray, bounds: dict) -> tuple[float, float, int]:
    """(coverage, density, runs) of the box ``bounds`` over the data."""
    inside = np.ones(len(x), dtype=bool)
    for column, (low, high) in bounds.items():
        values = x[column].to_numpy()
        if low is not None:
            inside &= values > low if "=" not in column else values >= low
        if high is not None:
            inside &= values <= high
    runs = int(inside.sum())
    hits = int((broke & inside).sum())
    return hits / max(1, int(broke.sum())), hits / max(1, runs), runs


def quasi_p(x: pd.DataFrame, hit: np.ndarray, bounds: dict) -> dict[str, float]:
    """For each restriction of the box: the one-sided binomial probability of finding at least
    the box's hits among its runs if that restriction were dropped (Bryant & Lempert 2010).
    Small (< 0.05) means the restriction really concentrates the outcome."""
    _, density, runs = score(x, hit, bounds)
    hits = int(round(density * runs))
    out = {}
    for column in bounds:
        rest = {c: b for c, b in bounds.items() if c != column}
        _, density, _ = score(x, hit, rest) if rest else (0.0, float(hit.mean()), len(x))
        out[column] = float(binom.sf(hits - 1, runs, density)) if runs else 1.0
    return out


def discover(frame: pd.DataFrame, keys: list[str], method: str = "auto",
             labels: dict[str, str] | None = None) -> Box | None:
    """The box that best singles out broken truces (or, when most broke, those that held);
    None when every run broke or none did."""
    held = frame["held"].to_numpy(dtype=bool)
    if held.all() or not held.any():
        return None
    outcome = "breaks" if held.mean() >= 0.5 else "holds"
    broke = ~held if outcome == "breaks" else held  # the outcome the box should contain
    x = encode(frame, keys)
    if method == "auto":
        method = "prim" if importlib.util.find_spec("prim") else "tree"
    trajectory = None
    if method == "prim":
        candidates, trajectory = _prim_boxes(x, broke)
    else:
        candidates = _tree_boxes(x, broke)
    best, best_f, best_step = None, -1.0, None
    for step, found in enumerate(candidates):
        bounds = {c: found[c] for c in x.columns if c in found}  # in the order of the parameters
        if not bounds:
            continue  # the whole space is no rule
        coverage, density, runs = score(x, broke, bounds)
        f = 2 * coverage * density / (coverage + density) if coverage + density else 0.0
        if f > best_f:
            best, best_f, best_step = Box(bounds, coverage, density, runs, method, outcome, labels or {}), f, step
    if best is None:
        return None
    return Box(best.bounds, best.coverage, best.density, best.runs, method, outcome, labels or {},
               quasi_p(x, broke, best.bounds), trajectory, best_step if trajectory is not None else None)


def _tree_boxes(x: pd.DataFrame, broke: np.ndarray) -> list[dict]:
    from sklearn.tree import DecisionTreeClassifier

    leaf = max(10, len(x) // 50)
    tree = DecisionTreeClassifier(max_depth=MAX_DEPTH, min_samples_leaf=leaf, random_state=0).fit(x, broke)
    t = tree.tree_
    boxes: list[dict] = []

    def walk(node: int, bounds: dict) -> None:
        if t.children_left[node] == -1:
            boxes.append(bounds)
            return
        column, cut = x.columns[t.feature[node]], float(t.threshold[node])
        low, high = bounds.get(column, (None, None))
        walk(t.children_left[node], {**bounds, column: (low, cut if high is None else min(high, cut))})
        walk(t.children_right[node], {**bounds, column: (cut if low is None else max(low, cut), high)})

    walk(0, {})
    return [_tidy(b) for b in boxes]


def _tidy(bounds: dict) -> dict:
    """One-hot columns as (1, 1) for 'is' and (0, 0) for 'is not'."""
    out = {}
    for column, (low, high) in bounds.items():
        if "=" in column:
            out[column] = (1.0, 1.0) if low is not None and low >= 0.5 else (0.0, 0.0)
        else:
            out[column] = (low, high)
    return out


def _prim_boxes(x: pd.DataFrame, broke: np.ndarray) -> tuple[list[dict], pd.DataFrame]:
    import prim

    # threshold: the base rate, so peeling goes on while it concentrates breaks at all
    box = prim.Prim(x.reset_index(drop=True), broke, threshold=float(broke.mean()), threshold_type=">").find_box()
    lows, highs = x.min(), x.max()
    boxes = []
    for i in range(len(box.peeling_trajectory)):
        box.select(i)
        bounds: dict[str, tuple[float | None, float | None]] = {}
        for column, row in box.limits.iterrows():
            low = None if math.isclose(row["min"], lows[column]) else float(row["min"])
            high = None if math.isclose(row["max"], highs[column]) else float(row["max"])
            if "=" in column:
                bounds[column] = (1.0, 1.0) if row["min"] >= 0.5 else (0.0, 0.0)
            elif low is not None or high is not None:
                # PRIM's box includes its lower limit; nudge it so 'x > low' keeps the same runs
                bounds[column] = (np.nextafter(low, -np.inf) if low is not None else None, high)
        boxes.append(bounds)
    trajectory = box.peeling_trajectory[["coverage", "density", "res dim", "mass"]].astype(float)
    return boxes, trajectory.reset_index(drop=True)
