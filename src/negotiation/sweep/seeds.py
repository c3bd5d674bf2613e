"""Seeds and run ids, all derived from the sweep's one root seed.

A run's seed depends only on (root seed, design point, replication), never on the order
runs are executed in, the executor or the worker count — so any single run can be re-run
alone with ``negotiation run ... --seed SEED``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

_DESIGN_STREAM, _RUN_STREAM, _ORDER_STREAM = 0, 1, 2


def design_rng(root: int) -> np.random.Generator:
    """The generator that draws sampled design points."""
    return np.random.default_rng(np.random.SeedSequence(root, spawn_key=(_DESIGN_STREAM,)))


def point_order(root: int, points: int) -> list[int]:
    """The order design points are run in: a seeded shuffle, so a sweep stopped part-way
    holds a random subsample of the design rather than its first corner."""
    rng = np.random.default_rng(np.random.SeedSequence(root, spawn_key=(_ORDER_STREAM,)))
    return rng.permutation(points).tolist()


def run_seed(root: int, point: int, replication: int) -> int:
    """The seed of one run: a whole number in [0, 2**63), so it fits a signed 64-bit column."""
    sequence = np.random.SeedSequence(root, spawn_key=(_RUN_STREAM, point, replication))
    return int(sequence.generate_state(1, np.uint64)[0] >> np.uint64(1))


def run_id(params: dict[str, Any], seed: int) -> str:
    """A stable id for a run: a hash of its parameters and its seed (stable across resumes)."""
    text = json.dumps({"params": params, "seed": seed}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
