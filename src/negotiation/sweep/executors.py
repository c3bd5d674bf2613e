"""Where chunks run: in this process, a local process pool, or a Dask cluster.

Each executor maps a function over an iterator of chunks and yields results as they
finish, keeping only a few chunks in flight, so neither the queue nor the results ever
hold the whole sweep. Results do not depend on the executor: a run's outcome is a
function of its scenario, parameters and seed only.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

from negotiation.config.errors import ConfigError, Problem

# chunks queued per worker: enough to keep every worker busy while the parent writes files
IN_FLIGHT_PER_WORKER = 2
# seconds between looks at Ctrl-C while chunks run
POLL = 0.2
_END = object()


class Executor(Protocol):
    workers: int
    scheduler: str | None  # where the work goes: a Dask scheduler's address, None for this machine

    def imap(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Interrupt:
    """Ctrl-C as a flag while an executor waits for chunks, acted on between waits.

    A KeyboardInterrupt raised inside ``concurrent.futures.wait`` can leave a future's lock
    held, and the pool's shutdown then deadlocks; so the handler only sets a flag, and the
    executor stops its workers and raises KeyboardInterrupt itself, within ``POLL`` seconds.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._previous: Any = None

    def __enter__(self) -> Interrupt:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, lambda signum, frame: self._event.set())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    @property
    def requested(self) -> bool:
        return self._event.is_set()


class SerialExecutor:
    """Runs chunks one after another in this process (``--workers 1``): no start-up, easy to debug."""

    workers = 1
    scheduler: str | None = None

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

    scheduler: str | None = None

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
        with Interrupt() as interrupt:
            while True:
                try:
                    while len(pending) < window and (item := next(source, _END)) is not _END:
                        pending.add(self._pool.submit(fn, item))
                except Exception:
                    if not interrupt.requested:
                        raise
                    # Ctrl-C reached the process group while workers were starting: stop as asked
                    self.abort()
                    raise KeyboardInterrupt from None
                if not pending:
                    return
                done, pending = wait(pending, timeout=POLL, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in done)  # a Ctrl-C while the caller writes only sets the flag
                if interrupt.requested:
                    # stop the workers now, but hand over the chunks that had already finished
                    finished = [f for f in pending if f.done() and not f.cancelled() and f.exception() is None]
                    self.abort()
                    yield from (f.result() for f in finished)
                    raise KeyboardInterrupt

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
        from distributed import TimeoutError as DaskTimeout
        from distributed import wait as dask_wait

        source = iter(items)
        window = self.workers * IN_FLIGHT_PER_WORKER
        pending: list = []
        with Interrupt() as interrupt:
            while True:
                while len(pending) < window and (item := next(source, _END)) is not _END:
                    # pure=False: two chunks with equal inputs are still two tasks
                    pending.append(self._client.submit(fn, item, pure=False))
                if not pending:
                    return
                with contextlib.suppress(DaskTimeout):  # nothing finished yet: look at Ctrl-C, then wait on
                    dask_wait(pending, timeout=POLL, return_when="FIRST_COMPLETED")
                done = [f for f in pending if f.done()]
                pending = [f for f in pending if not f.done()]
                for future in done:
                    result = future.result()
                    future.release()
                    yield result
                if interrupt.requested:
                    # keep chunks already finished, cancel the rest on the cluster
                    finished = [f for f in pending if f.status == "finished"]
                    self._client.cancel([f for f in pending if f.status != "finished"])
                    yield from (f.result() for f in finished)
                    raise KeyboardInterrupt

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
