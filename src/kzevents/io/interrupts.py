"""Clean-up that an interrupt must not cut short: joining a writer thread before its file is closed.

A Ctrl-C (or the command line's SIGTERM handler) raises in the main thread wherever it happens to be, also
inside a ``finally`` that is waiting for a thread. :func:`finish` runs clean-up steps, each to its end and
all of them, whatever arrives meanwhile, then raises the first interrupt it held back.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any


def finish(*steps: Callable[[], object]) -> None:
    """Run every step in order, each to its end (a step cut short by an interrupt is run again, so it must
    be repeatable), holding back interrupts (KeyboardInterrupt and its subclasses) until all are done."""
    held: KeyboardInterrupt | None = None
    for step in steps:
        while True:
            try:
                step()
                break
            except KeyboardInterrupt as exc:
                held = held or exc
    if held is not None:
        raise held


def join(pool: Executor) -> None:
    """Wait for every task of ``pool`` to end (queued ones are cancelled), whatever interrupts arrive."""
    finish(lambda: pool.shutdown(wait=True, cancel_futures=True))


@contextlib.contextmanager
def worker_pool(workers: int, name: str) -> Iterator[ThreadPoolExecutor]:
    """A thread pool whose tasks have all ended when the block is left, whatever interrupts arrive."""
    pool = ThreadPoolExecutor(workers, thread_name_prefix=name)
    try:
        yield pool
    finally:
        join(pool)


class SerialWorker:
    """One thread of its own running tasks in order (a file writer: one write at a time, while the main
    thread prepares the next). Its thread exists before the first task, so :meth:`stop` always knows what
    to wait for (a pool that starts its thread on the first task can be interrupted between starting the
    thread and recording it, and then not wait for it)."""

    def __init__(self, name: str) -> None:
        self._tasks: queue.SimpleQueue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]] | None]
        self._tasks = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while (item := self._tasks.get()) is not None:
            future, fn, args = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:
                future.set_exception(exc)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self._tasks.put((future, fn, args))
        return future

    def stop(self) -> None:
        """Cancel the tasks not started and wait for the running one, whatever interrupts arrive."""

        def drain() -> None:
            with contextlib.suppress(queue.Empty):
                while (item := self._tasks.get_nowait()) is not None:
                    item[0].cancel()
            self._tasks.put(None)

        def wait() -> None:
            if self._thread.ident is not None:
                self._thread.join()

        finish(drain, wait)
