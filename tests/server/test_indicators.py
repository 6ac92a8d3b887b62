# ruff: noqa: F811
"""The province's "4 × 100 %" indicators, counted from the records: each figure is checked
against a count made here from the rows, and each moves when the records do."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from server.cases.models import Case, Inspection, IssuedDocument
from server.clues.models import Clue
from server.core.db import db, utcnow
from sync.cases import today
from tests.server.calendar_kit import app  # noqa: F401 (a weekends-only calendar)
from tests.server.case_kit import decided_case, request_for
from tests.server.sync_kit import push_one


def figures(session, code: str, **period) -> dict:
    query = "&".join(f"{k}={v}" for k, v in period.items())
    r = session.get(f"/api/v1/units/{code}/indicators?{query}")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_the_four_figures_follow_the_records(app, world, login):
    officer, leader, dispatcher = login("officer_a"), login("leader_a"), login("dispatcher_a")
    case_id = decided_case(world, officer, leader)
    with app.app_context():
        [inspection_id] = db.session.execute(
            sa.select(Inspection.id).where(Inspection.case_id == uuid.UUID(case_id))
        ).scalars()
    for body in (
        {"kind": "prior_notice"},
        {"kind": "inspection_record", "inspection_id": str(inspection_id)},
    ):
        assert officer.post(f"/api/v1/cases/{case_id}/documents", json=body).status_code == 201
    town = world.units["town_a"].code
    day = today(utcnow()).isoformat()
    got = figures(dispatcher, town, **{"from": day, "to": day})

    # Acts: the case, its inspection record, the prior notice (the inspection record's
    # document carries the record's own code: the same act).
    assert got["coded"] == {"count": 3, "of": 3, "share": 1.0}
    # The party refused to sign the inspection record; the prior notice, which the party
    # does not sign, needs the agency's seal, and the township has no seal key here.
    assert got["e_signed"] == {
        "count": 0,
        "of": 2,
        "share": 0.0,
        "party": {"count": 0, "of": 1, "share": 0.0},
        "seal": {"count": 0, "of": 1, "share": 0.0},
        "refused": 1,
    }
    # Notified and decided: the prior notice was issued here, the decision not yet.
    assert got["issued_on_platform"]["by_kind"] == {
        "prior_notice": {"count": 1, "of": 1, "share": 1.0},
        "penalty_decision": {"count": 0, "of": 1, "share": 0.0},
    }
    with app.app_context():
        clues = (
            db.session.execute(
                sa.select(Clue.status).where(Clue.unit_id.in_([world.units["grid_a"].id]))
            )
            .scalars()
            .all()
        )
    counted = [s for s in clues if s not in ("rejected", "duplicate", "withdrawn")]
    disposed = [s for s in counted if s in ("handled", "closed", "transferred")]
    assert got["clue_disposal"]["count"] == len(disposed)
    assert got["clue_disposal"]["of"] == len(counted) > 0

    # The decision issued: 2 of 2 on the platform, and one act more.
    assert (
        officer.post(
            f"/api/v1/cases/{case_id}/documents", json={"kind": "penalty_decision"}
        ).status_code
        == 201
    )
    got = figures(dispatcher, town, **{"from": day, "to": day})
    assert got["issued_on_platform"]["count"] == got["issued_on_platform"]["of"] == 2
    assert got["coded"] == {"count": 4, "of": 4, "share": 1.0}
    # A collaboration request to a department is an act of its own (XZ), coded too.
    ask = request_for(case_id, sent_on=day)
    assert push_one(officer, ask)["outcome"] == "applied"
    got = figures(dispatcher, town, **{"from": day, "to": day})
    assert got["coded"] == {"count": 5, "of": 5, "share": 1.0}
    # A code that does not check (an import, a hand edit) is counted as not coded.
    with app.app_context():
        case = db.session.get(Case, uuid.UUID(case_id))
        case.code = case.code[:-2] + ("00" if not case.code.endswith("00") else "01")
        db.session.commit()
    assert figures(dispatcher, town, **{"from": day, "to": day})["coded"]["count"] == 4
    # The county sees the township's figures in its own; the other township has none of them.
    county = figures(
        login("dispatcher_county"), world.units["county"].code, **{"from": day, "to": day}
    )
    assert county["coded"]["of"] == 5
    other = figures(login("dispatcher_b"), world.units["town_b"].code, **{"from": day, "to": day})
    assert other["coded"] == {"count": 0, "of": 0, "share": None}
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(IssuedDocument.party_signing).where(
                    IssuedDocument.kind == "inspection_record"
                )
            ).scalar_one()
            == "refused"
        )


def test_a_period_before_anything_has_no_share_rather_than_a_hundred_percent(world, login):
    got = figures(
        login("leader_a"), world.units["town_a"].code, **{"from": "2020-01-01", "to": "2020-12-31"}
    )
    for figure in ("coded", "e_signed", "issued_on_platform", "clue_disposal"):
        assert got[figure]["of"] == 0 and got[figure]["share"] is None, figure


def test_a_period_that_cannot_be_is_refused_naming_the_field(world, login):
    leader = login("leader_a")
    town = world.units["town_a"].code
    for query, field in (
        ("from=2026-05-01&to=2026-04-01", "to"),
        ("from=2026-13-01", "from"),
        ("from=2010-01-01&to=2026-01-01", "to"),
    ):
        r = leader.get(f"/api/v1/units/{town}/indicators?{query}")
        assert r.status_code == 422 and field in r.get_json()["fields"], (query, r.get_json())
    assert leader.get("/api/v1/units/331123199/indicators").status_code == 404
    assert login("officer_a").get(f"/api/v1/units/{town}/indicators").status_code == 403
