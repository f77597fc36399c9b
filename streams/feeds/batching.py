"""Commits finished polls to the Store in batches, one transaction at a time, off the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence

from streams.errors import BrokerError
from streams.feeds.state import FeedState
from streams.feeds.store import Store
from streams.records import RawItem

log = logging.getLogger(__name__)

# Polls committed per Kafka transaction at most, and how long a batch waits to fill.
BATCH_MAX = 500
BATCH_LINGER_S = 0.05
# How long a stopping poller waits for a transaction in progress, then for this task.
CLOSE_WAIT_S = 60.0
STOP_WAIT_S = 10.0
SLOW_COMMIT_S = 5.0


class BatchPublisher:
    """Collects (items, state) of finished polls and commits them in batches, in one thread."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._queue: asyncio.Queue[tuple[Sequence[RawItem], FeedState, asyncio.Future[None]]] = (
            asyncio.Queue()
        )
        self._task: asyncio.Task[None] | None = None
        self._busy: asyncio.Future[None] | None = None

    async def publish(self, items: Sequence[RawItem], state: FeedState) -> None:
        """Return once the items and state are committed; BrokerError if that failed."""
        if self._task is None or self._task.done():
            # (Re)started lazily inside the running loop, which owns the queue and the task.
            self._queue = asyncio.Queue()
            self._task = asyncio.create_task(self._run(), name="publisher")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self._queue.put((items, state, done))
        await done

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            # Linger, then take what has arrived. Not wait_for(queue.get()): on Python 3.11 it
            # can swallow a cancellation that arrives as the get completes, and then this task
            # never ends (a stopping poller hung on it in the 10,000-feed benchmark).
            await asyncio.sleep(BATCH_LINGER_S)
            while len(batch) < BATCH_MAX and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            error: BrokerError | None = None
            try:
                pairs = [(items, state) for items, state, _ in batch]
                # Shielded: a stop cancels this task, never a transaction half-way (close()
                # waits for it), so the store is not closed under a running commit.
                started = time.monotonic()
                self._busy = asyncio.ensure_future(asyncio.to_thread(self._store.publish, pairs))
                await asyncio.shield(self._busy)
                took = time.monotonic() - started
                if took > SLOW_COMMIT_S:
                    count = sum(len(items) for items, _ in pairs)
                    log.warning("slow commit: %d feeds, %d items in %.1fs", len(pairs), count, took)
            except BrokerError as exc:
                error = exc  # each poll in the batch fails; the caller decides to stop
            except Exception as exc:  # a store bug is as fatal as a broker failure
                error = BrokerError(f"store failed: {exc!r}")
            for _, _, done in batch:
                if done.done():
                    continue
                if error is None:
                    done.set_result(None)
                else:
                    done.set_exception(error)

    async def close(self) -> None:
        if self._busy is not None and not self._busy.done():
            log.info("waiting for the transaction in progress")
            with contextlib.suppress(Exception):
                await asyncio.wait([self._busy], timeout=CLOSE_WAIT_S)
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait([self._task], timeout=STOP_WAIT_S)
