"""The poller process's event loop: stop on signals, bounded clean-up, timed shutdown steps."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import signal
import time
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)

# How long the last clean-up waits for tasks that were cancelled.
SHUTDOWN_WAIT_S = 10.0


def close_loop(loop: asyncio.AbstractEventLoop) -> None:
    """asyncio.run's clean-up, but bounded: a task that does not stop is logged, not awaited
    forever, so a stopping poller always exits."""
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        _, stuck = loop.run_until_complete(asyncio.wait(pending, timeout=SHUTDOWN_WAIT_S))
        for task in stuck:
            log.error("task still running at exit: %s", task_stack(task))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


def task_stack(task: asyncio.Task[Any]) -> str:
    """Where a task is stuck, for the log."""
    out = io.StringIO()
    task.print_stack(limit=12, file=out)
    return out.getvalue()


@contextlib.contextmanager
def timed(what: str) -> Iterator[None]:
    started = time.monotonic()
    yield
    log.info("closed %s in %.1fs", what, time.monotonic() - started)


def stop_on_signals(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> list[signal.Signals]:
    """SIGINT/SIGTERM set `stop`: polls in flight are cancelled, nothing half-committed."""
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, _on_signal, sig, stop)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
            continue
        installed.append(sig)
    return installed


def _on_signal(sig: signal.Signals, stop: asyncio.Event) -> None:
    if stop.is_set():  # a second signal: stop now
        raise KeyboardInterrupt
    log.info("received %s, stopping", sig.name)
    stop.set()
