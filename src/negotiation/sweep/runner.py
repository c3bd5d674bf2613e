"""Running a sweep: plan the runs, skip those on disk, execute chunks, write each as it lands.

The parent keeps only counts: every finished chunk is written to the folder at once and
dropped, so memory stays flat however many runs the sweep has.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from negotiation.config.errors import ConfigError, Problem
from negotiation.sweep import plan
from negotiation.sweep.columns import results_schema, series_schema
from negotiation.sweep.design import make_design
from negotiation.sweep.executors import Executor
from negotiation.sweep.seeds import design_rng
from negotiation.sweep.store import Store, git_dirty, now
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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _close_abandoned(manifest: dict, folder: Path) -> None:
    """Sessions still marked running were killed (kill -9, a lost machine): mark them abandoned.
    A session whose process is alive on this machine is still running: refuse to run beside it."""
    for session in manifest["sessions"]:
        if session.get("state") != "running":
            continue
        pid = session.get("pid")
        if session.get("host") == platform.node() and pid and pid != os.getpid() and _alive(pid):
            raise ConfigError([Problem(str(folder), None, "--resume", f"another session (pid {pid}, started "
                                       f"{session.get('started')}) is still running in this folder")])
        session.update(state="abandoned", noticed=now())


def run_sweep(sweep: Sweep, folder: str | Path, executor: Executor, resume: bool = False,
              on_progress: Progress | None = None, size: int | None = None,
              command: list[str] | None = None) -> Outcome:
    """Run (or finish, with ``resume``) a sweep into ``folder``; ``command`` (the command line
    that started it, if any) is recorded in the manifest's session."""
    folder = Path(folder)
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
    _close_abandoned(manifest, folder)
    session = {"started": now(), "ended": None, "command": command, "executor": type(executor).__name__,
               "scheduler": getattr(executor, "scheduler", None), "workers": executor.workers,
               "host": platform.node(), "pid": os.getpid(), "git_dirty": git_dirty(), "chunk_size": size,
               "state": "running"}
    manifest["sessions"].append(session)
    _save(store, manifest, "running")
    ran = failed = 0
    if on_progress:
        on_progress(len(done), 0)  # where this session starts: the rate counts only its own runs
    state = "interrupted"
    results = executor.imap(run_chunk, chunks)
    try:
        for result in results:
            store.write(result)
            ran += result.results.num_rows
            failed += result.failed
            if on_progress:
                on_progress(len(done) + ran, failed)
        state = "complete"
    finally:
        if hasattr(results, "close"):
            results.close()  # the executor restores the Ctrl-C handler it installed
        session.update(ended=now(), state=state, ran=ran, failed=failed)
        counts = _save(store, manifest, state)
    return Outcome(folder, sweep.runs, len(done), ran, counts["failed"], state)


def _save(store: Store, manifest: dict, state: str) -> dict[str, int]:
    counts = {"runs": manifest["counts"]["runs"], **store.counts()}
    manifest.update(state=state, counts=counts, updated=now())
    store.write_manifest(manifest)
    return counts
