"""An adapter for the EMA Workbench (``pip install 'negotiation[ema]'``): the truce game as an
``ema_workbench.Model``, with a sweep's parameters as uncertainties and the run's outcome
columns as scalar outcomes.

>>> from ema_workbench import perform_experiments
>>> from negotiation.ema import model
>>> experiments, outcomes = perform_experiments(model("sobol_screen"), scenarios=200)

Each experiment runs ``replications`` seeded games; with more than one, an outcome is the
mean over them (``held`` becomes P(truce holds)). Seeds come from ``seed`` and the
experiment's parameter values, so the same experiment gives the same outcomes under any
EMA evaluator. EMA names must be Python identifiers, so dotted keys are written with
double underscores (``market.lead_time_scale`` -> ``market__lead_time_scale``, ``payoff.US`` ->
``payoff__US``); :func:`key` turns a name back into its dotted key.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from negotiation.config.models import Scenario

# outcome columns kept by default: numbers (held as 0/1; a turn is NaN when there was none)
OUTCOMES = ("held", "break_turn", "allied_share", "china_share")


def _ema():
    try:
        import ema_workbench
    except ImportError:
        raise ImportError("negotiation.ema needs the EMA Workbench: pip install 'negotiation[ema]'") from None
    return ema_workbench


def identifier(key: str) -> str:
    """The EMA name of a dotted scenario key or outcome column."""
    return re.sub(r"\W", "_", key.replace(".", "__"))


def key(name: str) -> str:
    """The dotted key or outcome column of an EMA name (the inverse of :func:`identifier`)."""
    return name.replace("__", ".")


def _number(value: Any) -> float:
    if value is None:
        return math.nan
    return float(value)


class Experiment:
    """The model function EMA calls with one experiment's parameter values (picklable, so EMA's
    multiprocessing evaluator can send it to its workers)."""

    def __init__(self, scenario: Scenario, outcomes: tuple[str, ...], replications: int, seed: int):
        self.scenario, self.outcomes, self.replications, self.seed = scenario, outcomes, replications, seed

    def seeds(self, values: dict[str, Any]) -> list[int]:
        text = json.dumps(values, sort_keys=True, default=str)
        key = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        sequence = np.random.SeedSequence(self.seed, spawn_key=(key,))
        return [int(s) >> 1 for s in sequence.generate_state(self.replications, np.uint64)]

    def __call__(self, **values: Any) -> dict[str, float]:
        from negotiation.api import run

        plain = {key(k): v.item() if hasattr(v, "item") else v for k, v in values.items()}
        rows = []
        for seed in self.seeds(plain):
            result = run(self.scenario, seed=seed, overrides=plain)
            rows.append({**result.outcome(), "turns": len(result.records)})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the mean of no break turns is NaN
            return {identifier(name): float(np.nanmean([_number(r.get(name)) for r in rows]))
                    if self.replications > 1 else _number(rows[0].get(name)) for name in self.outcomes}


def _uncertainty(ema, dotted: str, spec: Any, integer: bool = False):
    name = identifier(dotted)
    if isinstance(spec, tuple) and len(spec) == 2:
        low, high = spec
        if integer or (isinstance(low, int) and isinstance(high, int) and not isinstance(low, bool)):
            return ema.IntegerParameter(name, int(math.ceil(low)), int(math.floor(high)))
        return ema.RealParameter(name, float(low), float(high))
    values = list(spec)
    if all(isinstance(v, bool) for v in values) and len(values) == 2:
        return ema.BooleanParameter(name)
    return ema.CategoricalParameter(name, values)


def _from_sweep(sweep) -> tuple[Scenario, dict[str, Any], set[str]]:
    parameters: dict[str, Any] = {}
    integers = set()
    for axis in sweep.axes:
        p = axis.param
        if p.values is not None:
            parameters[axis.key] = list(p.values)
        elif p.range is not None:
            parameters[axis.key] = (p.range[0], p.range[1])
        else:  # a distribution: uniform over its central 99.9998 %, where the sweep's own designs draw
            low, _, high = axis.from_unit(np.array([0.0, 0.5, 1.0]))
            parameters[axis.key] = (low, high)
        if axis.integer:
            integers.add(axis.key)
    return sweep.base, parameters, integers


def model(source: Any, parameters: dict[str, Any] | None = None, outcomes: tuple[str, ...] | list[str] = OUTCOMES,
          replications: int = 1, seed: int = 0, name: str | None = None):
    """An ``ema_workbench.Model`` of the game.

    ``source`` is a sweep (a :class:`~negotiation.sweep.Sweep`, a sweep file, or a shipped
    sweep's name: its parameters become the uncertainties, its base scenario the model) or a
    scenario (a :class:`Scenario`, a built-in name or a path; then give ``parameters``).
    Names in EMA are :func:`identifier` of the dotted keys. ``parameters`` maps dotted scenario
    keys to ``(low, high)`` (a real or, for two ints, an integer uncertainty) or to a list of
    values (categorical); it adds to or replaces the sweep's. ``outcomes`` are outcome columns
    of ``RunResult.outcome()`` (and ``turns``).
    """
    ema = _ema()
    from negotiation.api import load_scenario
    from negotiation.sweep.sweepfile import Sweep, find_sweep, read_sweep

    integers: set[str] = set()
    found: dict[str, Any] = {}
    if isinstance(source, Sweep):
        scenario, found, integers = _from_sweep(source)
        label = source.spec.name
    elif isinstance(source, Scenario):
        scenario, label = source, source.name
    else:
        text = str(source)
        is_sweep = False
        if text.endswith((".yaml", ".yml")) and Path(text).is_file():
            is_sweep = "parameters" in (Path(text).read_text(encoding="utf-8"))
        else:
            try:
                find_sweep(text)
                is_sweep = True
            except Exception:  # not a sweep: a scenario name
                is_sweep = False
        if is_sweep:
            sweep = read_sweep(text)
            scenario, found, integers = _from_sweep(sweep)
            label = sweep.spec.name
        else:
            scenario = load_scenario(text)
            label = scenario.name
    found.update(parameters or {})
    if not found:
        raise ValueError("no uncertainties: give a sweep, or parameters={'dotted.key': (low, high), ...}")
    m = ema.Model(name or (re.sub(r"[^A-Za-z0-9]", "", label) or "truce"),
                  function=Experiment(scenario, tuple(outcomes), replications, seed))
    m.uncertainties = [_uncertainty(ema, k, spec, k in integers) for k, spec in found.items()]
    m.outcomes = [ema.ScalarOutcome(identifier(name)) for name in outcomes]
    return m
