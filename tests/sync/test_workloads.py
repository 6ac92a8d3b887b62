"""Random workloads (``tests/workload_kit.py``) on the batch engine over the in-memory store:
a resend answers the first outcome marked replay, a replay with other content is kept, and
no note is lost. ``tests/server/test_workloads_http.py`` plays the same workloads over HTTP
on the SQL store as well, and holds the two to the same answers and state."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tests.sync.memory_side_kit import MemorySide
from tests.workload_kit import check, play, workloads


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workloads())
def test_a_workload_on_the_engine_over_memory(workload):
    check(play(MemorySide(), workload))
