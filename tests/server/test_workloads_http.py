"""The random workloads of ``tests/workload_kit.py`` played twice, on the batch engine over
the in-memory store and over HTTP against the SQL store (SQLite and PostgreSQL): every
answer (outcome, reason, replay, flags, version), the clues' fields, the notes held and
the open conflicts' contents must be the same on both, and each side on its own keeps
what ``check`` asks. A difference is a bug in one of the stores (docs/DESIGN.md decides
which), pinned afterwards by a fixed scenario in ``tests/scenarios.py``.

The server is built once per database and kept across examples: each example makes its
own clues (fresh ids) and moves its grid worker back at the end, and is compared only on
what it made.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, note, settings

from tests.server.http_side_kit import HttpSide
from tests.sync.memory_side_kit import MemorySide
from tests.workload_kit import check, play, transcript, workloads


@pytest.fixture
def http_side(app, world, login):
    return HttpSide(app, world, login)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(workload=workloads())
def test_a_workload_answers_alike_on_both_stores(http_side, workload):
    note(repr(workload))
    memory, http = play(MemorySide(), workload), play(http_side, workload)
    check(memory)
    check(http)
    assert transcript(http) == transcript(memory)
