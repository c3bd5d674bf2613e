"""A sweep's axes as plain data, for other tools: names, bounds, whole-number flags, and
SALib's ``problem`` dictionary.

>>> from negotiation.sweep import axes, salib_problem
>>> [a.key for a in axes("sobol_screen")]
>>> salib_problem("sobol_screen")["bounds"][0]
[0.2, 0.95]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from negotiation.sweep.spec import Normal
from negotiation.sweep.sweepfile import Sweep, read_sweep


@dataclass(frozen=True)
class AxisInfo:
    """One varied parameter of a sweep.

    ``kind`` is 'range' (``low``-``high``), 'values' (the list ``values``) or 'distribution'
    (``distribution``: SALib's name and parameters); ``integer`` when the scenario field is a
    whole number.
    """

    key: str
    label: str
    kind: str
    integer: bool
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] | None = None
    distribution: dict[str, Any] | None = None


def _sweep(sweep: Sweep | str | Path) -> Sweep:
    return sweep if isinstance(sweep, Sweep) else read_sweep(sweep)


def axes(sweep: Sweep | str | Path) -> list[AxisInfo]:
    """The sweep's varied parameters in file order (a :class:`Sweep`, a path, or a shipped sweep's name)."""
    sweep = _sweep(sweep)
    out = []
    for axis in sweep.axes:
        p = axis.param
        label = sweep.spec.label(axis.key)
        if p.values is not None:
            numbers = [v for v in p.values if isinstance(v, int | float) and not isinstance(v, bool)]
            low, high = (min(numbers), max(numbers)) if len(numbers) == len(p.values) else (None, None)
            out.append(AxisInfo(axis.key, label, "values", axis.integer, low, high, values=tuple(p.values)))
        elif p.range is not None:
            out.append(AxisInfo(axis.key, label, "range", axis.integer, float(p.range[0]), float(p.range[1])))
        else:
            d = p.distribution
            assert d is not None  # a parameter has values, a range or a distribution
            if isinstance(d, Normal):
                dist = {"name": "normal", "mean": d.mean, "sd": d.sd, "low": d.low, "high": d.high}
            else:
                dist = {"name": "triangular", "low": d.low, "mode": d.mode, "high": d.high}
            out.append(AxisInfo(axis.key, label, "distribution", axis.integer, d.low, d.high, distribution=dist))
    return out


def salib_problem(sweep: Sweep | str | Path) -> dict[str, Any]:
    """SALib's problem for the sweep's parameters, in their own units.

    A range becomes ``bounds: [low, high]``; a normal distribution SALib's ``truncnorm`` (or
    ``norm`` when untruncated); a triangular one ``triang`` (``[low, high, peak as a fraction]``).
    A list of values is indexed: bounds ``[0, n]``, whose whole part picks the value, as the
    sweep's own designs do. Sample with SALib and pass the rows as ``--set``/overrides, or use
    the sweep's own sobol/morris designs, which keep SALib's unit samples in design.parquet.
    """
    infos = axes(sweep)
    bounds, dists = [], []
    for a in infos:
        if a.kind == "range":
            bounds.append([a.low, a.high])
            dists.append("unif")
        elif a.kind == "values":
            bounds.append([0.0, float(len(a.values or ()))])
            dists.append("unif")
        elif a.distribution and a.distribution["name"] == "normal":
            d = a.distribution
            if d["low"] is None and d["high"] is None:
                bounds.append([d["mean"], d["sd"]])
                dists.append("norm")
            else:
                low = d["low"] if d["low"] is not None else d["mean"] - 10 * d["sd"]
                high = d["high"] if d["high"] is not None else d["mean"] + 10 * d["sd"]
                bounds.append([low, high, d["mean"], d["sd"]])
                dists.append("truncnorm")
        else:
            d = a.distribution or {}
            bounds.append([d["low"], d["high"], (d["mode"] - d["low"]) / (d["high"] - d["low"])])
            dists.append("triang")
    problem: dict[str, Any] = {"num_vars": len(infos), "names": [a.key for a in infos], "bounds": bounds}
    if any(d != "unif" for d in dists):
        problem["dists"] = dists
    return problem
