"""Schemathesis against the app's own OpenAPI document, as each kind of user and as nobody:
every operation gets requests generated from its declared parameters and bodies (valid and
not), and no answer may be a server error, nor break the response schema the document
declares, nor carry another township's records.

``FUZZ_EXAMPLES`` sets how many requests each operation gets per user (CI: a few; a longer
run: ``FUZZ_EXAMPLES=200 .venv/bin/pytest tests/server/test_fuzz_api.py``).
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.server.inspection_kit import drawn_plan, import_register

PLAN_B_TITLE = "石练镇专项抽查-fuzz-7f3a"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
# Who fuzzes: a grid worker, an officer, a dispatcher and an admin of township A, the
# county's dispatcher, and nobody.
USERS = ("grid_a", "officer_a", "dispatcher_a", "admin_a", "dispatcher_county", None)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Operations that end the session the fuzzer is using (they are tested on their own).
SPARED = {("POST", "/api/v1/auth/logout"), ("POST", "/api/v1/devices/{device_id}/revoke")}


@pytest.fixture
def app(make_app):
    # The fuzzer logs in many times from one client, and pushes refusals by the hundred:
    # lift the login limits and the refusal limit.
    return make_app(
        LOGIN_RATE_LIMIT="10000 per minute",
        LOGIN_USER_RATE_LIMIT="10000 per minute",
        PUSH_REFUSED_RATE_LIMIT="100000 per minute",
    )


@pytest.mark.parametrize("user", USERS, ids=lambda u: u or "anonymous")
def test_no_generated_request_gets_a_server_error_or_another_townships_data(
    app, world, login, user
):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {}
    if user is not None:
        headers = {"Authorization": f"Bearer {login(user).token}"}
    # Township B's clue, and its inspection plan (drawn, not published): neither may reach
    # township A's people, whatever they ask.
    assert import_register(login("admin_county"), 12, "331123103").status_code == 200
    plan_b = drawn_plan(login, "b", title=PLAN_B_TITLE, object_count=3, shares={"high": "1"})
    assert plan_b["title"] == PLAN_B_TITLE
    foreign = {str(world.clues["clue_b"]), PLAN_B_TITLE} if user and user.endswith("_a") else set()
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) > 40  # the document lists the API, not a stub of it
    tried, failures = 0, []
    for operation in operations:
        if (operation.method.upper(), operation.path) in SPARED:
            continue

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)
            if foreign and response.status_code < 300 and response.content:
                body = response.content.decode("utf-8", "replace")
                leaked = [code for code in foreign if code in body]
                assert not leaked, (case.path, leaked, json.dumps(body)[:300])

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # every operation's findings, then fail
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
        tried += 1
    assert not failures, "\n\n".join(failures)
    assert tried >= len(operations) - len(SPARED)
