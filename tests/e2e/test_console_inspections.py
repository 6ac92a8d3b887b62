"""双随机一公开 and 综合查一次 at the desk, in a desktop Chromium, on the demo county: the
command centre sees the departments' published draws with their seeds, confirms a proposed
joint visit and sees the figures move; a county administrator's register with a bad row is
refused row by row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.core.db import db
from server.inspections.models import InspectionVisit
from tests.e2e.phone import DESKTOP
from tests.server.inspection_kit import row, workbook

pytestmark = pytest.mark.browser


def test_the_command_centre_sees_the_draws_and_confirms_a_joint_visit(phones, county):
    desk = phones("desk", viewport=DESKTOP)
    page = desk.enter("county_dispatch")
    page.goto(f"{county.url}/#/inspections")
    page.wait_for_selector("tr[data-plan]")
    assert page.locator("tr[data-plan]").count() == 2
    joint_before = int(page.locator("[data-figure=joint_share]").inner_text().split(" / ")[0])

    page.locator("tr[data-plan] a").first.click()
    detail = page.locator(".plan-detail[data-status=published]")
    detail.wait_for()
    assert len(detail.locator("[data-seed]").inner_text()) == 64
    # Thirty drawn, one of them merged into the demo's joint visit, which serves it too.
    assert detail.locator("tr[data-visit]").count() == 31
    assert "联合检查" in detail.inner_text()

    proposals = page.locator("[data-proposal]")
    proposals.first.wait_for()
    before = proposals.count()
    ids = proposals.first.get_attribute("data-proposal")
    proposals.first.locator("[data-action=merge]").click()
    desk.until("(n) => document.querySelectorAll('[data-proposal]').length === n", before - 1)
    with county.app.app_context():
        merged = db.session.execute(
            sa.select(InspectionVisit).where(
                InspectionVisit.id.in_([int(i) for i in ids.split(",")])
            )
        ).scalars()
        assert {v.status for v in merged} == {"merged"}
    page.reload()
    page.wait_for_selector("[data-figure=joint_share]")
    joint_after = int(page.locator("[data-figure=joint_share]").inner_text().split(" / ")[0])
    assert joint_after == joint_before + len(ids.split(","))


def test_a_register_with_a_bad_row_is_refused_row_by_row(phones, county, tmp_path):
    desk = phones("admin", viewport=DESKTOP)
    page = desk.enter("admin")
    page.goto(f"{county.url}/#/inspections")
    page.wait_for_selector("input[name=register]", state="attached")
    town = {"所属乡镇": "航埠镇"}
    bad = workbook([row(1, **town), row(2, **town, **{"风险等级": "极高"})])
    page.set_input_files(
        "input[name=register]",
        files=[{"name": "名录.xlsx", "mimeType": "application/octet-stream", "buffer": bad}],
    )
    page.click("[data-action=import-register]")
    problems = page.locator("[data-problems]")
    problems.wait_for()
    assert "第3行 风险等级" in problems.inner_text()
