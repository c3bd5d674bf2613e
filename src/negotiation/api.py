"""The notebook API: load a scenario, override it, run it, get a result.

>>> from negotiation import load_scenario, run
>>> base = load_scenario("busan_truce_2025")          # read and validated once, then cached
>>> result = run(base, seed=7, overrides={"market.lead_time_scale": 0.5})
>>> result.outcome()["held"]

``run(base, overrides=...)`` applies the overrides to an already resolved scenario; it is
the fast path for loops (no YAML is read). ``load_scenario`` caches by (source,
overrides) and hands out a fresh copy each time, so a caller that edits its scenario
never changes what the next caller gets.
"""

from __future__ import annotations

import json
import operator
import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

from negotiation.config.models import Scenario
from negotiation.config.resolve import DEFAULT_SCENARIO, find_scenario, load_raw, resolve, with_overrides
from negotiation.model import TruceModel
from negotiation.results import RunResult

# resolved scenarios kept per process; a scenario is a few hundred kB at most
CACHE_SIZE = 64
_cache: OrderedDict[tuple[str, str], tuple[Scenario, tuple]] = OrderedDict()


def _stamp(files: list[str]) -> tuple:
    """Size and modification time of every file a scenario was read from: an edit invalidates the cache."""
    out: list[tuple] = []
    for file in files:
        try:
            info = os.stat(file)
        except OSError:
            out.append((file, None))
            continue
        out.append((file, info.st_mtime_ns, info.st_size))
    return tuple(out)


def _cache_key(name_or_path: str | Path, overrides: dict[str, Any] | None) -> tuple[str, str] | None:
    try:
        blob = json.dumps(overrides or {}, sort_keys=True)
    except TypeError:
        return None  # overrides that are not plain data are resolved afresh every time
    return str(find_scenario(name_or_path).resolve()), blob


def load_scenario(name_or_path: str | Path = DEFAULT_SCENARIO, overrides: dict[str, Any] | None = None) -> Scenario:
    """A validated scenario: a built-in name or a YAML path, with dotted-key overrides.

    Cached by (source, overrides) and checked against the files it was read from; each call
    returns its own deep copy.
    """
    key = _cache_key(name_or_path, overrides)
    if key is None:
        return resolve(name_or_path, overrides or None)
    hit = _cache.get(key)
    if hit is not None and _stamp([f for f, *_ in hit[1]]) == hit[1]:
        _cache.move_to_end(key)
        return hit[0].model_copy(deep=True)
    scenario = resolve(name_or_path, overrides or None)
    _, origins = load_raw(name_or_path)
    files = sorted({file for file, _ in origins.values() if Path(file).is_file()} | {key[0]})
    _cache[key] = (scenario, _stamp(files))
    _cache.move_to_end(key)
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return scenario.model_copy(deep=True)


def clear_cache() -> None:
    """Forget every cached scenario."""
    _cache.clear()


def as_seed(seed: Any) -> int:
    """Any integer-like seed (``int``, ``numpy.int64``, ...) as a Python int; a float or text is refused."""
    try:
        return operator.index(seed)
    except TypeError:
        raise TypeError(f"seed must be a whole number (int or numpy integer), got {type(seed).__name__} "
                        f"{seed!r}") from None


def run(scenario: Scenario | str | Path = DEFAULT_SCENARIO, seed: Any = None,
        overrides: dict[str, Any] | None = None, collect: bool = False) -> RunResult:
    """Run one game to its end. ``seed`` (any integer, numpy's included) defaults to the scenario's own seed."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides)
    elif overrides:
        scenario = with_overrides(scenario, overrides)
    seed = scenario.seed if seed is None else as_seed(seed)
    model = TruceModel(scenario, rng=seed, collect=collect)
    model.run()
    return RunResult.from_model(model, seed)
