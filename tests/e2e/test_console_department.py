"""A county department answers at its own desk (issue 21), in a real Chromium: the request
a township's officer sent is in the department's inbox; it opens on a page of its own with
the case's facts the request carries (never the case, nor the party's id number); the
department accepts it and answers with the form the workflow declares. The officer's phone
syncs, goes offline, is closed and opened again, and shows the answer."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from server.clues.models import Clue
from server.core.db import db, utcnow
from sync.cases import today
from tests.e2e.kit import a_case, api_login, create, push
from tests.e2e.phone import DESKTOP, take_step

pytestmark = pytest.mark.browser


def test_a_department_answers_a_request_and_the_officer_reads_it_offline(phones, county):
    url = county.url
    day = today(utcnow())
    officer_api, _, case = a_case(county, "赵六")
    case_id = case["record_id"]
    asked = create(
        "collaboration",
        {
            "department": "ZRZY",  # the demo's first department: it has a desk user
            "kind": "determination",
            "question": "请认定涉案地块是否属于永久基本农田",
            "sent_on": day.isoformat(),
        },
        case_id,
    )
    [made] = push(officer_api, url, asked)
    assert made["outcome"] == "applied", made
    ident = asked["record_id"]

    officer = phones("officer")
    officer.enter("hb_officer1")
    officer.page.goto(url + f"/#/case/{case_id}")
    officer.page.wait_for_selector(f"[data-collaboration='{ident}'][data-status=requested]")

    desk = phones("dept", viewport=DESKTOP)
    page = desk.enter("dept_zrzy")
    row = page.wait_for_selector(f"[data-inbox='{ident}'][data-type=collaboration]")
    row.click()
    page.wait_for_selector(f"main[data-collaboration='{ident}']")
    facts = page.inner_text(".case-facts")
    assert "赵六" in facts and "在承包地上建房" in facts
    assert "不涉及当事人身份" in facts  # no id number: the request is not about him
    page.screenshot(path="/tmp/dept-request.png", full_page=True)
    page.click("[data-transition=accept]")
    page.click("[data-step=accept] [data-action=save-step]")
    desk.wait_synced()
    desk.sync_now()
    page.wait_for_selector(f"main[data-collaboration='{ident}'][data-status=accepted]")
    # Its signed letter goes with the answer: a PDF picked from the desk's computer.
    letter = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    page.set_input_files(
        "section.files input[type=file]",
        {"name": "认定意见书.pdf", "mimeType": "application/pdf", "buffer": letter},
    )
    page.wait_for_selector("section.files [data-file][data-side=department]")
    assert "认定意见书.pdf" in page.inner_text("section.files")
    page.click("[data-transition=reply]")
    assert page.input_value("[data-step=reply] input[name=answered_on]") == day.isoformat()
    page.fill("[data-step=reply] textarea[name=answer]", "经核查，该地块属永久基本农田")
    page.click("[data-step=reply] [data-action=save-step]:not([disabled])")
    desk.wait_synced()
    desk.sync_now()
    page.wait_for_selector(f"main[data-collaboration='{ident}'][data-status=answered]")
    page.screenshot(path="/tmp/dept-answered.png", full_page=True)

    # The officer's phone: a sync, then no signal, the app closed and opened again.
    officer.sync_now()
    officer.wait_synced()
    officer.offline()
    officer.reopen()
    officer.unlock()
    officer.page.goto(url + f"/#/case/{case_id}")
    answer = officer.page.wait_for_selector(
        f"[data-collaboration='{ident}'][data-status=answered] [data-answer=in_time]"
    )
    assert "永久基本农田" in answer.inner_text()
    # The department's letter came with it: its name on the phone, offline; reading it needs
    # a network, and the phone says so.
    letter_row = officer.page.wait_for_selector(
        f"[data-collaboration='{ident}'] [data-side=department]"
    )
    assert "认定意见书.pdf" in letter_row.inner_text()
    officer.page.click(f"[data-collaboration='{ident}'] [data-action=open-file]")
    officer.page.wait_for_selector("text=下载附件需要联网")
    officer.page.screenshot(path="/tmp/officer-answer.png", full_page=True)

    # The county command centre's board: the department's answer counted, in time.
    county_desk = phones("county", viewport=DESKTOP)
    board = county_desk.enter("county_dispatch")
    board.goto(url + "/#/departments")
    cell = board.wait_for_selector("[data-department=ZRZY] [data-figure=answered_in_time]")
    assert int(cell.get_attribute("data-count")) >= 1
    board.screenshot(path="/tmp/county-board.png", full_page=True)


def test_a_department_sends_a_transfer_back_and_the_county_arbitrates(phones, county):
    """The demo's transfer waiting for 区农业农村局: its desk sends it back with a reason; the
    county command centre finds it on its board and decides the township handles it; the
    clue leaves the department's inbox and is the township's again."""
    with county.app.app_context():
        ident = str(
            db.session.execute(sa.select(Clue.id).where(Clue.status == "transferred"))
            .scalars()
            .one()
        )
    dept = phones("dept", viewport=DESKTOP)
    page = dept.enter("dept_nync")
    page.click(f"[data-inbox='{ident}']")
    page.wait_for_selector(f"main[data-clue='{ident}']")
    assert "应移送" not in page.inner_text("main")  # the township's warning is not his
    page.click("[data-transition=return_transfer]")
    page.fill("[data-step=return_transfer] textarea[name=reason]", "属林业部门职责，非本局")
    page.click("[data-step=return_transfer] [data-action=save-step]:not([disabled])")
    dept.wait_synced()

    desk = phones("county", viewport=DESKTOP)
    board = desk.enter("county_dispatch")
    board.goto(county.url + "/#/departments")
    board.click(f"[data-open='{ident}'] a")
    board.wait_for_selector(f"main[data-clue='{ident}'] [data-fact=transfer_returned_reason]")
    board.click("[data-transition=arbitrate_to_township]")
    board.fill("[data-step=arbitrate_to_township] textarea[name=note]", "由石梁镇依法处理")
    board.click("[data-step=arbitrate_to_township] [data-action=save-step]:not([disabled])")
    desk.wait_synced()
    with county.app.app_context():
        row = db.session.get(Clue, uuid.UUID(ident))
        assert row.status == "accepted" and row.transferred_to_id is None
        assert row.arbitration_note == "由石梁镇依法处理"

    # The department's next sync takes the clue off its desk.
    dept.sync_now()
    dept.wait_synced()
    page.goto(county.url + "/#/console")
    page.wait_for_selector("main.inbox")
    assert page.locator(f"[data-inbox='{ident}']").count() == 0


def test_the_department_whose_powers_the_townships_hold_reads_the_copies_of_their_outcomes(
    phones, county
):
    """抄告: the 综合行政执法局 reads the demo townships' finished cases on its matters, with
    their outcomes, and nothing of the party; the county's command room reaches the same
    list from the departments board."""
    from server.cases.models import Case
    from server.catalogue.models import Matter
    from server.units.models import Department

    with county.app.app_context():
        finished = (
            db.session.execute(
                sa.select(Case.code)
                .join(Matter, Case.matter_id == Matter.id)
                .join(Department, Matter.department_id == Department.id)
                .where(Department.code == "ZHZF", Case.status == "transferred_out")
            )
            .scalars()
            .all()
        )
    assert finished  # the demo transfers some out
    dept = phones("zhzf", viewport=DESKTOP)
    page = dept.enter("dept_zhzf")
    page.click("a[href='#/copies']")
    for code in finished:
        row = page.locator(f"[data-copy='{code}']")
        row.wait_for()
        assert "移送" in row.inner_text()
    text = page.inner_text("main")
    assert "身份证" not in text and "当事人：" not in text

    desk = phones("county", viewport=DESKTOP)
    board = desk.enter("county_dispatch")
    board.goto(county.url + "/#/departments")
    board.click("[data-department=ZHZF] a[href='#/copies/ZHZF']")
    board.wait_for_selector(f"[data-copy='{finished[0]}']")


def test_a_case_transferred_to_a_department_is_received_and_the_officer_reads_its_number(
    phones, county
):
    """移送 of a case, both ways: the township's head transfers an opened case to the county
    department at his desk; the department finds it in its inbox, receives it and names the
    case it opened; the officer's phone, offline, shows where the matter went."""
    url = county.url
    _, _, case = a_case(county, "钱七")
    case_id = case["record_id"]
    leader_api = api_login(url, "hb_leader")
    opening = {
        "id": str(uuid.uuid4()),
        "record_type": "case",
        "record_id": case_id,
        "op": "transition",
        "payload": {"name": "approve_opening", "args": {}},
    }
    [opened] = push(leader_api, url, opening)
    assert opened["outcome"] == "applied", opened

    head = phones("head", viewport=DESKTOP)
    page = head.enter("hb_leader")
    page.goto(url + f"/#/case/{case_id}")
    take_step(page, "transfer_case")
    form = "[data-step=transfer_case]"
    page.fill(f"{form} input[name=agency]", "区自然资源和规划局")
    page.select_option(f"{form} select[name=department]", "ZRZY")
    page.fill(f"{form} textarea[name=reason]", "经查属非法占用耕地，由自然资源部门管辖")
    page.fill(f"{form} input[name=received_by]", "孙八")
    page.click(f"{form} [data-action=save-step]:not([disabled])")
    head.wait_synced()

    desk = phones("dept", viewport=DESKTOP)
    dept = desk.enter("dept_zrzy")
    dept.click(f"[data-inbox='{case_id}'][data-type=case]")
    take_step(dept, "receive_transfer")
    dept.fill("[data-step=receive_transfer] input[name=case_no]", "柯自然资罚立〔2026〕7号")
    dept.click("[data-step=receive_transfer] [data-action=save-step]:not([disabled])")
    desk.wait_synced()
    dept.screenshot(path="/tmp/dept-received-case.png", full_page=True)

    officer = phones("officer")
    officer.enter("hb_officer1")
    officer.offline()
    officer.page.goto(url + f"/#/case/{case_id}")
    fact = officer.page.wait_for_selector("[data-fact=department_case_no]")
    assert "柯自然资罚立〔2026〕7号" in fact.inner_text()
    officer.page.screenshot(path="/tmp/officer-transfer-received.png", full_page=True)


def test_a_department_sends_a_case_back_and_the_county_gives_it_to_the_township(phones, county):
    """争议协调 of a case: the department sends the transferred case back at its desk with
    its reason; the county command room finds it on the departments board, in dispute, and
    gives it to the township; the officer's phone shows the case under investigation again
    with the department's reason and the county's decision."""
    url = county.url
    _, _, case = a_case(county, "孙九")
    case_id = case["record_id"]
    leader_api = api_login(url, "hb_leader")
    day = today(utcnow()).isoformat()
    steps = [
        ("approve_opening", {}),
        (
            "transfer_case",
            {
                "agency": "区自然资源和规划局",
                "department": "ZRZY",
                "reason": "经查属非法占用耕地",
                "received_by": "孙八",
                "decided_on": day,
            },
        ),
    ]
    for name, args in steps:
        step = {
            "id": str(uuid.uuid4()),
            "record_type": "case",
            "record_id": case_id,
            "op": "transition",
            "payload": {"name": name, "args": args},
        }
        [done] = push(leader_api, url, step)
        assert done["outcome"] == "applied", done

    desk = phones("dept", viewport=DESKTOP)
    dept = desk.enter("dept_zrzy")
    dept.click(f"[data-inbox='{case_id}'][data-type=case]")
    take_step(dept, "return_transfer")
    dept.fill("[data-step=return_transfer] textarea[name=reason]", "现场为村道堆放，不涉及耕地")
    dept.click("[data-step=return_transfer] [data-action=save-step]:not([disabled])")
    desk.wait_synced()

    room = phones("county", viewport=DESKTOP)
    board = room.enter("county_dispatch")
    board.goto(url + "/#/departments")
    row = board.locator(f"[data-open='{case_id}'][data-kind=case_transfer]")
    assert "待县级协调" in row.inner_text()
    board.screenshot(path="/tmp/county-board-case-transfer.png", full_page=True)
    row.locator("a").click()
    take_step(board, "arbitrate_to_township")
    board.fill("[data-step=arbitrate_to_township] textarea[name=note]", "由乡镇继续办理")
    board.click("[data-step=arbitrate_to_township] [data-action=save-step]:not([disabled])")
    room.wait_synced()
    board.screenshot(path="/tmp/county-arbitrated-case.png", full_page=True)

    officer = phones("officer")
    officer.enter("hb_officer1")
    officer.offline()
    officer.page.goto(url + f"/#/case/{case_id}")
    reason = officer.page.wait_for_selector("[data-fact=transfer_returned_reason]")
    assert "不涉及耕地" in reason.inner_text()
    note = officer.page.locator("[data-fact=arbitration_note]").inner_text()
    assert "由乡镇继续办理" in note
    assert "调查取证" in officer.page.inner_text("main")
    officer.page.screenshot(path="/tmp/officer-case-given-back.png", full_page=True)
