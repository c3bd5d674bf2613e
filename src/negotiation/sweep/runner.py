"""Running a sweep: plan the runs, skip those on disk, execute chunks, write each as it lands.

The parent keeps only counts: every finished chunk is written to the folder at once and
dropped, so memory stays flat however many runs the sweep has.
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from negotiation.sweep import plan
from negotiation.sweep.columns import results_schema, series_schema
from negotiation.sweep.design import make_design
from negotiation.sweep.executors import Executor
from negotiation.sweep.seeds import design_rng
from negotiation.sweep.store import Store, now
from negotiation.sweep.sweepfile import Sweep
from negotiation.sweep.worker import run_chunk

# runs per chunk: at ~10 ms a run, a few hundred keep per-task overhead below 1 %
MAX_CHUNK = 250
Progress = Callable[[int, int], None]  # (runs on disk, runs failed this session)


@dataclass(frozen=True)
class Outcome:
    """What a sweep session did and what the folder now holds."""

    folder: Path
    runs: int  # runs in the sweep
    skipped: int  # already on disk when the session started
    ran: int
    failed: int  # failed runs in the folder, from any session
    state: str


def chunk_size(runs: int, workers: int) -> int:
    """Small enough that every worker gets several chunks (and a kill loses little), at most MAX_CHUNK."""
    return max(1, min(MAX_CHUNK, runs // (workers * 8) or 1))


def run_sweep(sweep: Sweep, folder: Path, executor: Executor, resume: bool = False,
              on_progress: Progress | None = None, size: int | None = None) -> Outcome:
    """Run (or finish, with ``resume``) a sweep into ``folder``."""
    design = make_design(sweep.spec, sweep.axes, design_rng(sweep.spec.seed))
    store = Store.reopen(folder, sweep) if resume else Store.create(folder, sweep, design)
    done = store.done_ids() if resume else set()
    todo = sweep.runs - len(done)
    size = size or chunk_size(todo, executor.workers)
    schema = results_schema(sweep)
    series = series_schema(sweep) if sweep.series else None
    chunks = (plan.Chunk(plan.chunk_name(batch), sweep.base, batch, schema, series)
              for batch in plan.batches(plan.tasks(sweep, design), done, size))
    manifest = store.manifest()
    session = {"started": now(), "ended": None, "executor": type(executor).__name__,
               "workers": executor.workers, "host": platform.node(), "chunk_size": size, "state": "running"}
    manifest["sessions"].append(session)
    _save(store, manifest, "running")
    ran = failed = 0
    state = "interrupted"
    try:
        for result in executor.imap(run_chunk, chunks):
            store.write(result)
            ran += result.results.num_rows
            failed += result.failed
            if on_progress:
                on_progress(len(done) + ran, failed)
        state = "complete"
    finally:
        session.update(ended=now(), state=state, ran=ran, failed=failed)
        counts = _save(store, manifest, state)
    return Outcome(folder, sweep.runs, len(done), ran, counts["failed"], state)


def _save(store: Store, manifest: dict, state: str) -> dict[str, int]:
    counts = {"runs": manifest["counts"]["runs"], **store.counts()}
    manifest.update(state=state, counts=counts, updated=now())
    store.write_manifest(manifest)
    return counts
