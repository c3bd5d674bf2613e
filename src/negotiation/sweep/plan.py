"""The runs of a sweep, in a fixed order, grouped into chunks for the executors.

Design points run in a seeded shuffled order (replications of a point together), so an
interrupted sweep holds a random subsample of the design. The order and every run's seed
and id depend on the sweep alone, so a resumed sweep skips exactly the runs already on disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from negotiation.config.models import Scenario
from negotiation.sweep.seeds import point_order, run_id, run_seed
from negotiation.sweep.sweepfile import Sweep


@dataclass(frozen=True)
class Task:
    """One run: its place in the design, its seed and its parameter values."""

    index: int
    point: int
    replication: int
    seed: int
    run_id: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Chunk:
    """Runs sent to a worker together, with everything needed to run them and shape the rows."""

    name: str
    scenario: Scenario
    tasks: list[Task]
    schema: pa.Schema
    series_schema: pa.Schema | None


def _plain(value: Any) -> Any:
    # numpy scalars from the design table would hash and serialise differently from Python ones
    return value.item() if hasattr(value, "item") else value


def tasks(sweep: Sweep, design: pd.DataFrame) -> Iterator[Task]:
    """Every run of the sweep: points in the sweep's shuffled order, each point's replications in turn."""
    keys = [axis.key for axis in sweep.axes]
    reps, root = sweep.spec.replications, sweep.spec.seed
    rows = list(design[keys].itertuples(index=False, name=None))
    for point in point_order(root, len(rows)):
        params = {k: _plain(v) for k, v in zip(keys, rows[point], strict=True)}
        for rep in range(reps):
            seed = run_seed(root, point, rep)
            yield Task(point * reps + rep, point, rep, seed, run_id(params, seed), params)


def batches(todo: Iterable[Task], done: set[str], size: int) -> Iterator[list[Task]]:
    """Consecutive runs not yet done, ``size`` at a time."""
    batch: list[Task] = []
    for task in todo:
        if task.run_id in done:
            continue
        batch.append(task)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def chunk_name(batch: list[Task]) -> str:
    """Named by its first run's index: unique, since that run is not on disk yet."""
    return f"chunk-{batch[0].index:010d}"
