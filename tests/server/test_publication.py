# ruff: noqa: F811 (the app fixture is imported: a weekends-only working calendar)
"""Art. 48 (行政处罚法 第四十八条): a decision with a certain social impact is made public by
the head, redacted, to anyone without a login; changed or revoked, it is withdrawn and the
public sees why. Another township's decision is not published from here (404)."""

from __future__ import annotations

import uuid

from server.documents.redact import REMOVED, public_copy
from tests.server.calendar_kit import app  # noqa: F401 (a weekends-only calendar)
from tests.server.case_kit import decided_case
from tests.server.documents_kit import text_of


def test_the_redaction_takes_out_what_identifies_a_person_and_a_home():
    data = {
        "party": {
            "kind": "person",
            "name": "张三丰",
            "id_number": "330823199001011234",
            "phone": "13800001111",
            "address": "大柘村3组12号",
        },
        "facts": "张三丰（电话 13800001111）在大柘村3组12号门前堆放木材",
        "place": "大柘村3组12号门前",
        "legal_basis": "《浙江省城市市容和环境卫生管理条例》，国务院令第588号",
    }
    public = public_copy(data)
    assert public["party"]["name"] == "张**" and public["party"]["id_number"] == REMOVED
    assert "phone" not in public["party"] and public["party"]["address"] == REMOVED
    assert "张三丰" not in public["facts"] and "13800001111" not in public["facts"]
    assert public["place"] == f"大柘村{REMOVED}门前"  # the village stays, the house goes
    assert "第588号" in public["legal_basis"]  # a number in a legal basis is no house
    org = public_copy({"party": {"kind": "organisation", "name": "某公司", "address": "工业区5幢"}})
    assert org["party"]["address"] == "工业区5幢"  # an organisation's registered address


def test_the_head_publishes_a_decision_anyone_reads_it_and_a_withdrawal_says_why(
    app, world, login, client
):
    officer, leader = login("officer_a"), login("leader_a")
    case_id = decided_case(world, officer, leader)
    r = leader.post(f"/api/v1/cases/{case_id}/documents", json={"kind": "penalty_decision"})
    assert r.status_code == 201, r.get_json()
    doc = r.get_json()
    unpublished = client.get(f"/api/v1/public/decisions/{doc['id']}.pdf")
    assert unpublished.status_code == 404  # nothing public before the head says so
    assert officer.post(f"/api/v1/documents/{doc['id']}/publish").status_code == 403
    assert login("leader_b").post(f"/api/v1/documents/{doc['id']}/publish").status_code == 404

    r = leader.post(f"/api/v1/documents/{doc['id']}/publish")
    assert r.status_code == 200 and r.get_json()["published_at"], r.get_json()
    listed = client.get("/api/v1/public/decisions")  # no login
    assert listed.status_code == 200
    [entry] = [e for e in listed.get_json() if e["id"] == doc["id"]]
    assert entry["act_code"] == doc["act_code"] and "party" not in entry
    # The issuing agency, as the decision names it (art. 24), not the grid of the case.
    assert entry["unit"] == f"{world.units['town_a'].name}人民政府", entry["unit"]
    pdf = client.get(f"/api/v1/public/decisions/{doc['id']}.pdf")
    assert pdf.status_code == 200 and pdf.headers["X-Content-SHA256"] == doc["public_sha256"]
    text = text_of(pdf.data)
    assert "张三" not in text and "330000199001011234" not in text

    r = leader.post(f"/api/v1/documents/{doc['id']}/withdraw", json={"reason": "决定已被依法撤销"})
    assert r.status_code == 200 and r.get_json()["withdrawal_reason"] == "决定已被依法撤销"
    gone = client.get(f"/api/v1/public/decisions/{doc['id']}.pdf")
    assert gone.status_code == 410 and "决定已被依法撤销" in gone.get_json()["message"]
    [entry] = [e for e in client.get("/api/v1/public/decisions").get_json() if e["id"] == doc["id"]]
    assert entry["withdrawal_reason"] == "决定已被依法撤销"


def test_a_case_lists_its_documents_and_whether_each_decision_is_public(app, world, login):
    """The desk's view of a case (GET /cases/<id>/documents): every document issued for it,
    the decisions with their public copy, and where publication stands; for whoever sees
    the case, and as if none for another township or an unknown id."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id = decided_case(world, officer, leader)
    url = f"/api/v1/cases/{case_id}/documents"
    assert officer.get(url).get_json() == []  # nothing issued yet
    notice = officer.post(f"/api/v1/cases/{case_id}/documents", json={"kind": "prior_notice"})
    decision = leader.post(f"/api/v1/cases/{case_id}/documents", json={"kind": "penalty_decision"})
    assert notice.status_code == decision.status_code == 201, decision.get_json()
    doc_id = decision.get_json()["id"]

    listed = {d["kind"]: d for d in login("reviewer_a").get(url).get_json()}
    assert set(listed) == {"prior_notice", "penalty_decision"}
    assert listed["prior_notice"]["public_sha256"] is None  # a notice is never made public
    assert (
        listed["penalty_decision"]["public_sha256"]
        and not listed["penalty_decision"]["published_at"]
    )

    assert leader.post(f"/api/v1/documents/{doc_id}/publish").status_code == 200
    [shown] = [d for d in officer.get(url).get_json() if d["id"] == doc_id]
    assert shown["published_at"] and shown["withdrawn_at"] is None
    r = leader.post(f"/api/v1/documents/{doc_id}/withdraw", json={"reason": "复议决定撤销"})
    assert r.status_code == 200
    [shown] = [d for d in officer.get(url).get_json() if d["id"] == doc_id]
    assert shown["withdrawn_at"] and shown["withdrawal_reason"] == "复议决定撤销"

    assert login("leader_b").get(url).status_code == 404  # another township's: as if none
    assert login("grid_a").get(url).status_code == 404  # a grid worker sees no case
    assert officer.get(f"/api/v1/cases/{uuid.uuid4()}/documents").status_code == 404
