"""离线出具 of the on-the-spot decision (当场行政处罚决定书, 行政处罚法 第五十一条、第五十二条:
handed over on the spot): the officer, with no signal, makes it from what his phone holds
(the case as pulled, the people, the clue's address, and what the server sent with the
reserved number: where a fine is paid, the bodies of appeal), prints it; back online the
sealed decision takes its place under the same number and act code, and every line of the
paper the party holds is in the sealed PDF."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from server.catalogue.models import Matter
from server.clues.models import Clue
from server.core.db import db, utcnow
from sync.cases import today
from tests.e2e.kit import NOT_TEXT, api_login, create, kept_copy, make_offline, push, user_id
from tests.e2e.phone import DESK, PHONE, shot
from tests.server.documents_kit import text_of

pytestmark = pytest.mark.browser
PARTY = {"kind": "person", "name": "王五", "id_number": "330802198001011234"}


def fined_on_spot(county) -> tuple[str, str]:
    """A fine of 100 yuan decided on the spot by hb_officer1 with hb_officer2, the party
    heard (his point re-checked): through the API, as the phone would. Answers the case and
    its place (the clue's unit)."""
    app = county.app
    me, partner = user_id(app, "hb_officer1"), user_id(app, "hb_officer2")
    with app.app_context():
        clue = (
            db.session.execute(sa.select(Clue).where(Clue.code.like("%330802101%")))
            .scalars()
            .first()
        )
        # Reported by its location only: the decision states its village (its unit's name).
        clue.address = ""
        matter = db.session.get(Matter, clue.matter_id)
        matter.summary_procedure_allowed = True
        clue_id, matter_code, place = str(clue.id), matter.code, clue.unit.name
        db.session.commit()
    officer = api_login(county.url, "hb_officer1")
    case = create(
        "case",
        {
            "procedure": "summary",
            "matter_code": matter_code,
            "party": PARTY,
            "facts": "在村道边焚烧垃圾",
            "violation_on": today(utcnow()).isoformat(),
        },
        clue_id,
    )
    point = {"point": "只烧了一点落叶", "recheck": "现场过火面积约二十平方米", "adopted": False}
    decide = create(
        "case",
        {
            "name": "decide_on_spot",
            "args": {
                "officers": [me, partner],
                "penalty": {"kind": "fine", "amount_fen": 100_00},
                "certificate_shown": True,
                "statement_kind": "oral",
                "statement_points": [point],
            },
        },
        None,
    )
    decide.update(record_id=case["record_id"], op="transition", base_version=1)
    answers = push(officer, county.url, case, decide)
    assert [a["outcome"] for a in answers] == ["applied", "applied"], answers
    return case["record_id"], place


def confirm_on_spot(county, case_id: str) -> None:
    """The partner confirms he was there (art. 42), from his own phone."""
    confirm = create("case", {"name": "confirm_on_spot", "args": {}}, None)
    confirm.update(record_id=case_id, op="transition")
    [confirmed] = push(api_login(county.url, "hb_officer2"), county.url, confirm)
    assert confirmed["outcome"] == "applied", confirmed


def test_an_on_the_spot_decision_printed_offline_says_what_the_sealed_one_says(phones, county):
    app = county.app
    case_id, place = fined_on_spot(county)
    officer = phones("officer", viewport=PHONE)
    page = officer.enter("hb_officer1")
    officer.wait_synced()  # the case, the clue, the people and the reserved numbers
    page.goto(officer.url + f"/#/case/{case_id}")
    row = "[data-document=summary_decision]"
    # Art. 42: not in both names, on paper either, before the partner has confirmed.
    page.wait_for_selector(f"{row} [data-offline-why=awaiting_confirmation]")
    assert page.locator(f"{row} [data-issue-offline]").count() == 0
    shot(page, "offline-decision-awaiting-393", full_page=True)
    confirm_on_spot(county, case_id)
    officer.sync_now()
    officer.wait_synced()
    page.wait_for_selector(f"{row} [data-issue-offline=summary_decision]:not([disabled])")
    shot(page, "offline-decision-row-393", full_page=True)

    officer.offline()
    page.select_option("select[name=print_paper]", "80mm")
    frame, printed = make_offline(page, "summary_decision", "decision")
    assert printed["title"] == "当场行政处罚决定书", printed
    assert re.fullmatch(r"航埠镇综执\S+〔\d{4}〕\d+号", printed["doc_number"]), printed
    assert "-CF-" in printed["act_code"]
    paper_text = frame.inner_text("body")
    frame.evaluate("window.print = () => { window.top.__printed = document.title; }")
    page.click("[data-offline-view] [data-print]")
    assert page.evaluate("window.__printed").startswith(
        "当场行政处罚决定书 " + printed["doc_number"]
    )
    shot(page, "offline-decision-document-393", full_page=False)
    page.click("[data-print-close]")
    page.wait_for_selector(f"{row} [data-offline-copy='{printed['doc_number']}']")

    officer.offline(False)
    officer.sync_now()
    officer.wait_synced()
    page.wait_for_selector(f"{row} [data-offline-sealed='{printed['doc_number']}']")
    shot(page, "offline-decision-sealed-393", full_page=True)
    copy, doc, _html, sealed = kept_copy(app, case_id)
    assert (doc.kind, doc.doc_number, doc.act_code) == (
        "summary_decision",
        printed["doc_number"],
        printed["act_code"],
    )
    pdf = text_of(sealed)
    # Every line of the paper handed over is in the sealed PDF (whitespace aside).
    lines = [x.strip() for x in paper_text.splitlines() if x.strip()]
    missing = [x for x in lines if not NOT_TEXT.match(x) and re.sub(r"\s+", "", x) not in pdf]
    assert not missing, (missing, pdf)
    assert len(lines) > 20, lines  # the whole document, not a blank frame
    for expected in ("王五", "只烧了一点落叶", "壹佰元", "柯城区人民法院", place):
        assert expected in pdf and expected in paper_text, expected

    # The desk's case page lists the paper handed over, by its hash, beside the sealed one.
    desk = phones("desk", viewport=DESK).enter("hb_leader")
    desk.goto(county.url + f"/#/case/{case_id}")
    desk.wait_for_selector(f"[data-offline-sha256='{copy.sha256}']")
    desk.wait_for_selector(f"[data-offline-sealed-doc='{printed['doc_number']}']")
    desk.locator("[data-offline-copies]").scroll_into_view_if_needed()
    shot(desk, "offline-decision-desk-case-1440")
