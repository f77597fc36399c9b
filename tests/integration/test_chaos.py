"""Chaos, CI-sized: the real poller and worker are SIGKILLed and the broker restarts while stories flow.

The full-size run (10,000 stories, 5 worker kills, 2 poller kills, a broker restart) is
`python -m tests.benchmarks.chaos_worker`; this is the same scenario on a few hundred stories.
It runs on a broker of its own, because restarting the session's broker would disturb
every other test.
"""

from __future__ import annotations

import pytest

from streams.settings import Settings
from tests.benchmarks.chaos_worker import ChaosPlan, run_chaos

pytestmark = pytest.mark.integration

# Consumer-facing records go through the worker's transactional publisher (wire.outbox), which
# publishes each item and alert once; the stages behind it are at-least-once, so raise this
# only if that boundary is removed.
MAX_DUPLICATES = 0


@pytest.mark.timeout(240)
def test_nothing_lost_across_worker_and_poller_kills_and_a_broker_restart() -> None:
    plan = ChaosPlan(
        items=300,
        rate=10.0,
        worker_kills=2,
        poller_kills=1,
        broker_restarts=1,
        window=300,
        gap=(1.5, 2.0),
        recovery_wait=2.0,  # keep killing while the last kill is still recovering
        drain_timeout=60.0,
        seed=3,
    )
    report = run_chaos(plan, Settings().cache_dir, say=lambda line: print(line, flush=True))
    print("\n".join(report.lines()))

    assert [e.kind for e in report.events].count("worker") == 2
    assert {"poller", "broker"} <= {e.kind for e in report.events}
    # Every kill and the restart happened while stories were still flowing.
    assert all(e.released < plan.items for e in report.events), [e.released for e in report.events]
    assert report.items.expected == plan.items
    assert report.items.lost == 0, report.lines()
    assert report.alerts.lost == 0, report.lines()
    assert report.items.unexpected == 0 and report.alerts.unexpected == 0
    assert report.raw_duplicated == 0  # the poller publishes each item exactly once
    assert report.final_lag == 0  # nothing left waiting on any input of the worker
    assert report.dead_letters == 0
    # Re-sent outputs are recognisable: same key and id as the first copy.
    assert report.duplicates_recognisable
    assert report.items.duplicated + report.alerts.duplicated <= MAX_DUPLICATES, report.lines()
