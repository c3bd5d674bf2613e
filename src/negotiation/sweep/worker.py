"""What a worker does with a chunk: run each game and shape its rows.

A run that raises — a combination of parameter values the scenario refuses, or an
engine error — becomes a row with status 'failed', the error and its traceback; the
other runs of the chunk go on.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from negotiation.api import run
from negotiation.config.models import Scenario
from negotiation.config.resolve import with_overrides
from negotiation.sweep.columns import cell
from negotiation.sweep.plan import Chunk, Task


@dataclass
class ChunkResult:
    name: str
    results: pa.Table
    series: pa.Table | None
    failed: int


def run_chunk(chunk: Chunk) -> ChunkResult:
    """Run every task of the chunk; never raises for a failing run."""
    rows, series, failed = [], [], 0
    want_series = chunk.series_schema is not None
    # replications of a point are consecutive: validate its scenario once, not once per seed
    point: int | None = None
    scenario: Scenario | None = None
    for task in chunk.tasks:
        row = _identity(task, chunk.schema)
        try:
            if task.point != point:
                point = None  # stays unset if the point's parameters are refused
                scenario = with_overrides(chunk.scenario, task.params)
                point = task.point
            assert scenario is not None  # set above for this point, or the run failed there
            result = run(scenario, seed=task.seed)
        except Exception as exc:  # any failure of one run is recorded, not raised
            failed += 1
            row.update(status="failed", error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
            rows.append(row)
            continue
        outcome = {**result.outcome(), "turns": len(result.records)}
        row.update({name: outcome.get(name) for name in chunk.schema.names if name not in row})
        rows.append(row)
        if chunk.series_schema is not None:
            names = chunk.series_schema.names[2:]
            rows_of = [rec.as_row() for rec in result.records]
            series += [{"run_id": task.run_id, "turn": rec["turn"], **{n: rec[n] for n in names}} for rec in rows_of]
    table = pa.Table.from_pylist(rows, schema=chunk.schema)
    series_table = pa.Table.from_pylist(series, schema=chunk.series_schema) if want_series else None
    return ChunkResult(chunk.name, table, series_table, failed)


def _identity(task: Task, schema: pa.Schema) -> dict[str, Any]:
    row: dict[str, Any] = {"run_id": task.run_id, "point": task.point, "replication": task.replication,
                           "seed": task.seed, "status": "ok", "error": None, "traceback": None}
    row.update({key: cell(value, schema.field(key).type) for key, value in task.params.items()})
    return row
