"""The officer's phone as he works a township's cases and tasks (issue 24): the step a case
waits for first; a task that shows what and where."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from server.cases.models import Case, Inspection
from server.clues.models import Clue
from server.core.db import db
from sync.cases import awaited_step
from tests.e2e.kit import api_login, assign_demo_clue, transition, user_id
from tests.e2e.phone import IDB, PHONE, camera_jpeg, shot

pytestmark = pytest.mark.browser


def test_the_step_a_case_waits_for_comes_first_and_stands_out(phones, county):
    with county.app.app_context():
        case = db.session.scalars(
            sa.select(Case).where(Case.status == "investigating", Case.code.like("%330802101%"))
        ).first()
        case_id = case.id
        # What the server's rule says the case waits for (the phone reads the same table).
        expected = awaited_step({**case.data, "status": case.status})
    officer = phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1")
    page.goto(officer.url + f"/#/case/{case_id}")
    page.wait_for_selector(".actions.steps button")
    first = page.locator(".actions.steps button").first
    assert first.get_attribute("data-awaited") == "yes"
    assert "primary" in first.get_attribute("class")
    assert page.locator("[data-awaited]").count() == 1
    if expected == "inspection":  # no inspection record yet (art. 55): the record comes first
        assert first.get_attribute("data-action") == "inspect"
    else:
        assert first.get_attribute("data-transition") == expected
    shot(page, "case-awaited-step")


def _reported_with_photo(phones, county, *, call_back: bool) -> str:
    """A grid worker of 航埠镇 reports with a photo (agreeing or not to be called); the
    command room accepts it and assigns it to hb_officer1. Returns the clue's id."""
    grid = phones("grid", viewport=PHONE)
    page = grid.enter("hb_grid1")
    text = "村口有人焚烧秸秆，浓烟较大。"
    grid.report_clue([camera_jpeg(5)], "ST-0119-01", text, "stopped", save=False)
    if call_back:
        page.check("input[name=call_back]")
    page.click(".actions button.primary")
    page.wait_for_selector("[data-clue]")
    clue_id = page.get_attribute("[data-clue]", "data-clue")
    grid.wait_synced()
    grid.wait_files_held()
    grid.stop()
    s = api_login(county.url, "hb_dispatch")
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    assert transition(s, county.url, clue_id, 1, "accept")["outcome"] == "applied"
    officer_id = user_id(county.app, "hb_officer1")
    args = {"deadline": deadline, "assignee_id": officer_id}
    assert transition(s, county.url, clue_id, 2, "assign", **args)["outcome"] == "applied"
    return clue_id


def test_a_task_shows_the_reporters_photos_the_place_the_way_there_and_his_number(phones, county):
    clue_id = _reported_with_photo(phones, county, call_back=True)
    officer = phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1")
    page.goto(officer.url + f"/#/task/{clue_id}")
    page.wait_for_selector(".reported [data-reporter-photos='1'] img.thumb")
    with county.app.app_context():
        clue = db.session.get(Clue, uuid.UUID(clue_id))
        address, lat, lng = clue.address, clue.lat, clue.lng
    # The place in words, then a map with the point, and links the phone's map apps open.
    assert page.inner_text(".place [data-address]") == (address or "（上报时未填写地点说明）")
    page.wait_for_selector(".place .map[data-map-points='1']")
    geo = page.get_attribute("[data-nav=geo]", "href")
    assert geo.startswith(f"geo:{lat},{lng}?q=")
    assert f"position={lng},{lat}" in page.get_attribute("[data-nav=amap]", "href")
    assert f"location={lat},{lng}" in page.get_attribute("[data-nav=baidu]", "href")
    assert "coord" in page.get_attribute("[data-nav=baidu]", "href")  # WGS84 said, not shifted
    # He agreed to be called: one tap rings him.
    assert page.get_attribute("[data-call]", "href").startswith("tel:1390570")
    shot(page, "task-what-where")


def test_a_reporter_who_did_not_agree_to_be_called_shows_no_number(phones, county):
    clue_id = _reported_with_photo(phones, county, call_back=False)
    officer = phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1")
    page.goto(officer.url + f"/#/task/{clue_id}")
    page.wait_for_selector(".reported [data-reporter-photos='1']")
    assert page.locator("[data-call]").count() == 0
    assert page.locator("a[href^='tel:']").count() == 0


def _missing(page) -> list[str]:
    return page.eval_on_selector_all("[data-missing]", "els => els.map((e) => e.textContent)")


def test_the_handling_form_names_what_is_missing_and_the_party_signs_the_text_last(phones, county):
    clue_id = assign_demo_clue(county.url, county.app, "hb_officer1")
    officer = phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1")
    page.goto(officer.url + f"/#/task/{clue_id}")
    page.click("[data-transition=take]")
    page.wait_for_selector("form.handle [data-missing]")
    assert _missing(page) == [
        "同行执法队员（持证）", "检查情况", "已向当事人出示执法证件", "处置结果",
        "当事人签名（或勾选拒绝签名）",
    ]  # fmt: skip
    # No signature before the record is complete and its outcome chosen.
    assert page.locator(".signature canvas").count() == 0
    page.wait_for_selector("[data-sign-later]")
    shot(page, "handle-missing")

    # The camera app reloads the page: the inspection keeps the time it started.
    start_of = f"""async () => {{ {IDB}
        const d = await idb();
        const v = await one(d, 'meta', 'inspection_start:{clue_id}');
        d.close(); return v; }}"""
    officer.until(start_of)
    started = page.evaluate(start_of)
    page.reload()
    officer.unlock()
    page.wait_for_selector("form.handle")
    assert page.evaluate(start_of) == started

    page.select_option("select[name=co_officer]", label="执法队员 张伟（浙执1010003）")
    page.fill("textarea[name=findings]", "路边堆放砖块约两立方米，占用村道。")
    page.check("input[name=certificates_shown]")
    assert _missing(page) == ["处置结果", "当事人签名（或勾选拒绝签名）"]
    page.select_option("select[name=outcome]", "case_opened")  # named for what it is
    assert page.inner_text("select[name=outcome] option:checked") == "申请立案"
    assert "立案申请：姓名或名称" in _missing(page)
    page.fill(".case-form input[name='party.name']", "李四")
    for name, value in [("id_number", "330802199001011234"), ("address", "北淤村8号"),
                        ("phone", "13800000000")]:  # fmt: skip
        page.fill(f".case-form input[name='party.{name}']", value)
    assert _missing(page) == ["当事人签名（或勾选拒绝签名）"]
    # The party reads the record, then signs below it.
    text = page.inner_text("[data-record-text]")
    assert "路边堆放砖块" in text and "申请立案" in text and "张伟" in text
    page.wait_for_selector(".signature canvas")
    shot(page, "handle-record-before-signature")
    officer.sign()
    page.click("form.handle button[type=submit]:not([disabled])")
    page.wait_for_url("**/#/cases")
    officer.wait_synced()
    with county.app.app_context():
        [inspection] = db.session.scalars(
            sa.select(Inspection).join(Case).where(Case.clue_id == uuid.UUID(clue_id))
        )
        assert inspection.started_at == dt.datetime.fromisoformat(started)
        assert inspection.ended_at > inspection.started_at
