"""抄告 (issue 21): a department reads, without a step to take, the cases townships decided or
ended on matters devolved from it (seeds 004: 案件移送相互抄告, 结果互通); never the party."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sync.cases import today
from tests.server.case_kit import PARTY, case_step, decided_case, opened_case
from tests.server.sync_kit import push_one

URL = "/api/v1/departments/{}/copies"


@pytest.fixture
def app(make_app):
    return make_app(LOGIN_RATE_LIMIT="1000 per minute")


def test_a_department_is_copied_on_the_townships_outcomes_and_never_on_the_party(app, world, login):
    officer, leader = login("officer_a"), login("leader_a")
    department = login("department")  # 县自然资源和规划局 (ZRZY): the world's matters are its
    case_id = opened_case(world, officer, leader)
    # Still under investigation: nothing to copy yet.
    assert department.get(URL.format("ZRZY")).get_json()["total"] == 0
    # Transferred out (移送) to another agency: copied, with where it went.
    step = case_step(
        case_id,
        "transfer_case",
        agency="县市场监督管理局",
        reason="经查属无照经营，不属本机关管辖",
        received_by="李四",
        decided_on=_today(),
    )
    assert push_one(leader, step)["outcome"] == "applied", push_one(leader, step)
    decided_case(world, login("officer_b"), login("leader_b"), township="b")
    copies = department.get(URL.format("ZRZY")).get_json()
    assert copies["department"] == {"code": "ZRZY", "name": "县自然资源和规划局"}
    assert copies["total"] == 2
    by_status = {item["status"]: item for item in copies["items"]}
    assert by_status["transferred_out"]["transferred_agency"] == "县市场监督管理局"
    assert by_status["transferred_out"]["township"] == "大柘镇"
    decided = by_status["decided"]
    assert decided["township"] == "石练镇" and decided["matter_code"] == "SR-001"
    assert decided["penalty"] == {"kind": "fine", "amount_fen": 500_00}
    assert decided["decided_on"]
    # The copy is about the power's use: no name, no id number, anywhere in it.
    text = json.dumps(copies, ensure_ascii=False)
    assert PARTY["name"] not in text and PARTY["id_number"] not in text
    # A page at a time, the latest outcome first.
    page = department.get(URL.format("ZRZY"), query_string={"limit": 1, "offset": 1})
    assert page.get_json()["total"] == 2 and len(page.get_json()["items"]) == 1
    assert page.get_json()["items"][0]["code"] == copies["items"][1]["code"]
    bad = department.get(URL.format("ZRZY"), query_string={"limit": 0})
    assert bad.status_code == 422 and "limit" in json.dumps(bad.get_json())


def test_only_the_department_and_the_countys_staff_read_its_copies(app, world, login):
    decided_case(world, login("officer_a"), login("leader_a"))
    assert login("dispatcher_county").get(URL.format("ZRZY")).get_json()["total"] == 1
    # Another department: its own copies (none), never this one's.
    other = login("department_b")
    assert other.get(URL.format("SCJG")).get_json()["total"] == 0
    assert other.get(URL.format("ZRZY")).status_code == 404
    # A township's staff read their own cases, not a department's copies; no such department.
    assert login("dispatcher_a").get(URL.format("ZRZY")).status_code == 404
    assert login("department").get(URL.format("NOPE")).status_code == 404
    assert login("grid_a").get(URL.format("ZRZY")).status_code == 403


def _today() -> str:
    return today(dt.datetime.now(dt.UTC)).isoformat()
