"""Where chunks run: in this process, a local process pool, or a Dask cluster.

Each executor maps a function over an iterator of chunks and yields results as they
finish, keeping only a few chunks in flight, so neither the queue nor the results ever
hold the whole sweep. Results do not depend on the executor: a run's outcome is a
function of its scenario, parameters and seed only.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

from negotiation.config.errors import ConfigError, Problem

# chunks queued per worker: enough to keep every worker busy while the parent writes files
IN_FLIGHT_PER_WORKER = 2


class Executor(Protocol):
    workers: int
    scheduler: str | None  # where the work goes: a Dask scheduler's address, None for this machine

    def imap(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class SerialExecutor:
    """Runs chunks one after another in this process (``--workers 1``): no start-up, easy to debug."""

    workers = 1
    scheduler = None

    def imap(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            yield fn(item)

    def close(self) -> None:
        pass


def _ignore_interrupt() -> None:
    # Ctrl-C is the parent's to handle: it records the session and stops the pool cleanly
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class PoolExecutor:
    """A local process pool. 'forkserver' children start clean even though the parent runs
    a progress thread (forking a threaded process can deadlock)."""

    scheduler = None

    def __init__(self, workers: int):
        self.workers = workers
        self._aborted = False
        context = multiprocessing.get_context("forkserver")
        # the server imports the engine once; every worker forked from it starts warm
        context.set_forkserver_preload(["negotiation.sweep.worker"])
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_ignore_interrupt)

    def imap(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        pending: set[Future] = set()
        source = iter(items)
        window = self.workers * IN_FLIGHT_PER_WORKER
        try:
            for item in source:
                pending.add(self._pool.submit(fn, item))
                if len(pending) >= window:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    yield from (f.result() for f in done)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in done)
        except KeyboardInterrupt:
            # Ctrl-C: stop the workers now, but hand over the chunks that had already finished
            finished = [f for f in pending if f.done() and not f.cancelled() and f.exception() is None]
            self.abort()
            yield from (f.result() for f in finished)
            raise

    def abort(self) -> None:
        """Stop at once: cancel queued chunks and end the worker processes (their chunks are lost)."""
        self._aborted = True
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()

    def close(self) -> None:
        self._pool.shutdown(wait=not self._aborted, cancel_futures=True)


class DaskExecutor:
    """Dask ``distributed``: a cluster at ``scheduler`` (tcp://host:8786), or a LocalCluster."""

    def __init__(self, scheduler: str | None, workers: int):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ConfigError([Problem("--executor", None, "dask", "needs the optional 'distributed' package: "
                                       "pip install 'negotiation[cluster]'")]) from None
        self._cluster = None
        if scheduler is None:
            # loopback only: a local cluster is nobody else's business
            self._cluster = LocalCluster(host="127.0.0.1", n_workers=workers, threads_per_worker=1,
                                         processes=True, dashboard_address=None)
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(scheduler, timeout="20s")
            except OSError as exc:
                raise ConfigError([Problem("--scheduler", None, scheduler,
                                           f"cannot reach the Dask scheduler: {exc}")]) from None
        self.workers = max(1, sum(self._client.nthreads().values()))
        self.scheduler = self._client.scheduler.address if self._client.scheduler else scheduler

    def imap(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        from distributed import as_completed

        source = iter(items)
        window = self.workers * IN_FLIGHT_PER_WORKER
        # pure=False: two chunks with equal inputs are still two tasks
        first = [self._client.submit(fn, item, pure=False) for _, item in zip(range(window), source, strict=False)]
        running = as_completed(first)
        try:
            for future in running:
                result = future.result()
                future.release()
                nxt = next(source, None)
                if nxt is not None:
                    running.add(self._client.submit(fn, nxt, pure=False))
                yield result
        except KeyboardInterrupt:
            # Ctrl-C: keep chunks already finished, cancel the rest on the cluster
            waiting = list(running.futures)
            finished = [f for f in waiting if f.status == "finished"]
            self._client.cancel([f for f in waiting if f.status != "finished"])
            yield from (f.result() for f in finished)
            raise

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(kind: str, workers: int | None, scheduler: str | None) -> Executor:
    """The executor the command line asked for."""
    if kind == "dask":
        return DaskExecutor(scheduler, workers or default_workers())
    if scheduler is not None:
        raise ConfigError([Problem("--scheduler", None, "", "applies to --executor dask only")])
    workers = workers or default_workers()
    return SerialExecutor() if workers == 1 else PoolExecutor(workers)
