"""The case life cycle as R5 checks it (sync.cases through sync.rules.decide): each test
names the article of the Administrative Penalty Law (行政处罚法, 2021) it enforces.

A case here comes from a clue in township T1; O1 and O2 are its certified officers, O3's
certificate ran out at the end of 2025, L1 is its leader, R1 its legal reviewer. Days are
2026's, counted with the State Council's 2026 holidays (sync.legal.CALENDAR_2026).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

import pytest

from sync import cases, legal
from sync.types import Actor, Decision, Op, Outcome, RecordState
from sync.workflow import WORKFLOW
from tests.sync.case_kit import Desk, at, case_payload, notified, opened, refused, waive
from tests.sync.kit import D1, L1, O1, O2, O3, R1, R2, UNITS, W1, clue_payload

# -- opening -------------------------------------------------------------------------------------


def test_a_case_comes_from_a_clue_in_its_jurisdiction_and_only_officers_propose_it():
    desk = Desk()
    _case_id, d = desk.propose()
    assert d.outcome == Outcome.APPLIED
    state = d.state
    assert state.unit_path == UNITS["G1"] and state.parent_id == desk.clue
    assert state.fields["status"] == "proposed" and state.fields["reporter_id"] == O1.user_id
    assert state.fields["limitation_expired"] is False and state.fields["inspections"] == 0
    assert refused(desk.propose(W1)[1], "forbidden")  # a grid worker has no enforcement power
    assert refused(desk.propose(O3.__class__(13, O3.roles, UNITS["T2"]))[1], "forbidden")
    orphan = desk.push(O1, "case", uuid.uuid4(), Op.CREATE, case_payload(), uuid.uuid4())
    assert refused(orphan, "parent_missing")


def test_case_fields_are_checked_and_named():
    desk = Desk()
    _, d = desk.propose(party={"kind": "company", "name": ""}, violation_on="2026-02-30")
    assert refused(d, "invalid")
    assert set(d.detail["fields"]) == {"party", "violation_on"}
    assert set(d.detail["fields"]["party"]) == {"kind", "name"}


def test_art_54_opening_is_approved_by_the_leader_and_starts_the_90_days_of_art_60():
    desk = Desk()
    case_id, _ = desk.propose()
    assert refused(desk.step(O1, case_id, "approve_opening"), "forbidden")
    assert refused(desk.step(D1, case_id, "approve_opening"), "forbidden")
    assert desk.step(L1, case_id, "approve_opening").outcome == Outcome.APPLIED
    case = desk.case(case_id)
    assert case["status"] == "investigating" and case["opened_by"] == L1.user_id
    # Opened on 2 March 2026: 90 calendar days later is 31 May.
    assert case["decision_due"] == "2026-05-31"


def test_art_36_a_violation_undiscovered_for_two_years_is_flagged_and_not_opened():
    desk = Desk()
    case_id, d = desk.propose(violation_on="2024-03-01")
    assert d.outcome == Outcome.APPLIED and d.state.fields["limitation_expired"] is True
    assert refused(desk.step(L1, case_id, "approve_opening"), "limitation_expired")
    # Five years where life, health or financial security was endangered with harm.
    case_id, d = desk.propose(violation_on="2024-03-01", life_health_finance=True)
    assert d.state.fields["limitation_expired"] is False
    assert desk.step(L1, case_id, "approve_opening").outcome == Outcome.APPLIED
    # The last day of the two years still counts.
    assert desk.propose(violation_on="2024-03-02")[1].state.fields["limitation_expired"] is False


def test_art_36_the_limitation_counts_to_the_discovery_not_to_the_day_the_case_is_opened():
    """违法行为在二年内未被发现的，不再给予行政处罚: discovered is when the clue reached the
    server. A violation of 2 March 2024 reported on 1 March 2026 was discovered in time: a
    case proposed and opened in April 2026 stands, and is not barred for the months the
    proposal waited."""
    desk = Desk(now=at("2026-04-10"))
    desk.refs.reported[desk.clue] = at("2026-03-01")
    case_id, d = desk.propose(violation_on="2024-03-02")
    assert d.outcome == Outcome.APPLIED, d
    assert d.state.fields["discovered_on"] == "2026-03-01"
    assert d.state.fields["limitation_expired"] is False
    assert desk.step(L1, case_id, "approve_opening").outcome == Outcome.APPLIED
    # Reported a day late, on 3 March 2026: past the two years, whatever the case's day.
    desk.refs.reported[desk.clue] = at("2026-03-03")
    case_id, d = desk.propose(violation_on="2024-03-02")
    assert d.state.fields["limitation_expired"] is True
    assert refused(desk.step(L1, case_id, "approve_opening"), "limitation_expired")


def test_art_24_38_a_township_proposes_a_case_only_for_a_matter_it_was_empowered_for():
    """Art. 24: townships exercise the penalty powers the province gives them; art. 38: a
    penalty by a body without the power is void. A case on a matter the township was not
    empowered for when the clue was discovered is refused (移送 instead); empowerment
    granted after the discovery does not reach back, and one revoked after it still holds."""
    desk = Desk(now=at("2026-04-10"))
    desk.refs.reported[desk.clue] = at("2026-03-01")
    # SR-002: T1 empowered from 1 April 2026 only, after the clue came.
    desk.refs.grants[("SR-002", UNITS["T1"])] = (at("2026-04-01"), None)
    _, d = desk.propose(matter_code="SR-002")
    assert refused(d, "not_empowered") and d.detail["discovered_on"] == "2026-03-01"
    assert "matter_code" in d.detail["fields"]
    # SR-001: granted in 2025, revoked on 15 March 2026, after the discovery: it holds.
    desk.refs.grants[("SR-001", UNITS["T1"])] = (at("2025-01-01"), at("2026-03-15"))
    assert desk.propose(matter_code="SR-001")[1].outcome == Outcome.APPLIED
    # Revoked on 20 February 2026, before: refused.
    desk.refs.grants[("SR-001", UNITS["T1"])] = (at("2025-01-01"), at("2026-02-20"))
    assert refused(desk.propose(matter_code="SR-001")[1], "not_empowered")


# -- the summary procedure -------------------------------------------------------------------------


def test_art_51_a_summary_fine_of_201_yuan_for_a_person_is_refused_and_200_decided():
    desk = Desk()
    case_id, _ = desk.propose(procedure="summary")
    over = desk.decide_on_spot(
        O1,
        case_id,
        penalty={"kind": "fine", "amount_fen": 201_00},
    )
    assert refused(over, "summary_fine_over_limit") and over.detail["limit_fen"] == 200_00
    ok = desk.decide_on_spot(
        O1,
        case_id,
        penalty={"kind": "fine", "amount_fen": 200_00},
    )
    assert ok.outcome == Outcome.APPLIED
    case = desk.case(case_id)
    assert case["status"] == "decided" and case["decided_on"] == "2026-03-02"
    assert case["decided_by"] == O1.user_id and case["penalty"]["amount_fen"] == 200_00


def test_art_51_an_organisation_may_be_fined_3000_yuan_on_the_spot_but_not_more():
    desk = Desk()
    org = {"kind": "organisation", "name": "壶镇某某建材有限公司"}
    case_id, _ = desk.propose(procedure="summary", party=org)
    fine = {"kind": "fine", "amount_fen": 3_000_01}
    d = desk.decide_on_spot(
        O1,
        case_id,
        penalty=fine,
    )
    assert refused(d, "summary_fine_over_limit")
    fine["amount_fen"] = 3_000_00
    d = desk.decide_on_spot(
        O1,
        case_id,
        penalty=fine,
    )
    assert d.outcome == Outcome.APPLIED


def test_art_52_on_the_spot_the_certificate_is_shown_and_valid_that_day():
    desk = Desk()
    case_id, _ = desk.propose(procedure="summary")
    warning = {"kind": "warning", "amount_fen": 0}
    d = desk.decide_on_spot(
        O1,
        case_id,
        penalty=warning,
        certificate_shown=False,
    )
    assert refused(d, "certificate_not_shown")
    # O3 is an officer of another township: his certificate expired on 31 December 2025.
    desk2 = Desk()
    desk2.records[("clue", desk2.clue)] = RecordState(
        "clue",
        desk2.clue,
        1,
        {"status": "in_progress", "matter_code": "SR-001"},
        unit_path=UNITS["G4"],
    )
    desk2.refs.grants[("SR-001", UNITS["T2"])] = (at("2025-01-01"), None)  # T2 empowered
    case_id, d = desk2.propose(O3, procedure="summary")
    assert d.outcome == Outcome.APPLIED
    d = desk2.decide_on_spot(
        O3,
        case_id,
        officers=[13],
        penalty=warning,
    )
    assert refused(d, "certificate_not_valid") and d.detail["officers"] == [13]


def test_art_42_on_the_spot_two_certified_officers_the_decider_among_them():
    """Art. 42: 执法人员不得少于两人，法律另有规定的除外; the summary procedure (arts. 51–52)
    is no such exception: the decision and its inspection record name two officers."""
    desk = Desk()
    case_id, _ = desk.propose(procedure="summary")
    warning = {"kind": "warning", "amount_fen": 0}

    def decide(who, officers):
        return desk.decide_on_spot(
            who,
            case_id,
            officers=officers,
            penalty=warning,
        )

    assert refused(decide(O1, [11]), "too_few_officers")
    assert refused(decide(O1, [11, 11]), "invalid")  # the same officer twice is one
    assert refused(decide(O2, [11, 13]), "invalid")  # 13 is not an officer of this township
    assert desk.case(case_id)["status"] == "proposed"
    desk.now = at("2026-03-02", 11)
    assert refused(
        desk.inspect(O1, case_id, [11], started="2026-03-02T10:00:00+08:00"), ("too_few_officers")
    )
    d = decide(O1, [11, 12])
    assert d.outcome == Outcome.APPLIED, d
    assert desk.case(case_id)["on_spot_officers"] == [11, 12]


def test_art_52_an_on_the_spot_decision_is_filed_with_the_unit_within_its_days():
    """Art. 52: 执法人员当场作出的行政处罚决定，应当报所属行政机关备案. The unit's rules give
    3 working days (the kit's setting): decided Monday 2 March 2026, due Thursday 5 March.
    The desk files it once; a filing after the day is kept, marked late."""
    desk = Desk()
    case_id, _ = desk.propose(procedure="summary")
    warning = {"kind": "warning", "amount_fen": 0}
    d = desk.decide_on_spot(
        O1,
        case_id,
        penalty=warning,
    )
    assert d.outcome == Outcome.APPLIED, d
    assert desk.case(case_id)["filing_due"] == "2026-03-05"
    desk.now = at("2026-03-06")
    assert refused(desk.step(O1, case_id, "file_summary", filed_on="2026-03-06"), "forbidden")
    d = desk.step(D1, case_id, "file_summary", filed_on="2026-03-06")
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert (case["filed_on"], case["filed_by"], case["filed_late"]) == (
        "2026-03-06",
        D1.user_id,
        True,
    )
    assert refused(desk.step(D1, case_id, "file_summary", filed_on="2026-03-06"), "already_filed")
    general = opened(desk)
    assert refused(
        desk.step(D1, general, "file_summary", filed_on="2026-03-06"), "case_investigating"
    )


def test_art_29_the_same_act_of_the_same_party_is_not_fined_twice():
    """Art. 29: 对当事人的同一个违法行为，不得给予两次以上罚款的行政处罚. A second case on the
    same party (id number), matter and day of the act may not fine again; it names the first.
    Another day's act, or a warning, is not the same fine."""
    desk = Desk()
    first, _ = desk.propose(procedure="summary")
    fine = {"kind": "fine", "amount_fen": 100_00}

    def decide(case_id, penalty):
        return desk.decide_on_spot(
            O1,
            case_id,
            penalty=penalty,
        )

    assert decide(first, fine).outcome == Outcome.APPLIED
    # The same id number, typed with stray spaces: the same party.
    party = {"kind": "person", "name": "张三", "id_number": " 330000199001011234 "}
    second, _ = desk.propose(procedure="summary", party=party)
    d = decide(second, fine)
    assert refused(d, "fined_twice") and d.detail["case_code"] == str(first)  # the kit's code
    assert decide(second, {"kind": "warning", "amount_fen": 0}).outcome == Outcome.APPLIED
    other_day, _ = desk.propose(procedure="summary", violation_on="2026-03-01")
    assert decide(other_day, fine).outcome == Outcome.APPLIED


def test_art_30_age_on_the_day_of_the_act_from_the_id_number():
    d = dt.date
    assert legal.age_on("330102201303030016", d(2026, 3, 2)) == 12  # a day before 13
    assert legal.age_on("330102201303030016", d(2026, 3, 3)) == 13
    assert legal.age_on("33010220120229001X", d(2026, 2, 28)) == 13  # born 29 February
    assert legal.age_on("33010220120229001X", d(2026, 3, 1)) == 14
    for not_one in ("91330100MA2XXXXX0X", "330102120303001", "330102201302300016", ""):
        assert legal.age_on(not_one, d(2026, 3, 2)) is None  # nothing decided on a guess


def test_art_30_a_child_under_14_is_not_penalised_and_one_under_18_is_penalised_lighter():
    """Art. 30: 不满十四周岁的未成年人有违法行为的，不予行政处罚; 已满十四周岁不满十八周岁
    的，应当从轻或者减轻行政处罚: the lightest level of the matter's standard only."""
    desk = Desk()
    child = {"kind": "person", "name": "小明", "id_number": "330102201303030016"}
    case_id, _ = desk.propose(procedure="summary", party=child)
    d = desk.decide_on_spot(
        O1,
        case_id,
    )
    assert refused(d, "minor_under_14") and d.detail["age"] == 12

    youth = {"kind": "person", "name": "小刚", "id_number": "330102201001010012"}  # 16
    case_id = opened(desk, matter_code="SR-002", party=youth)
    desk.now = at("2026-03-03", 12)
    assert desk.inspect(O1, case_id, [11, 12]).outcome == Outcome.APPLIED
    fine = {"kind": "fine", "amount_fen": 1_000_00}
    d = desk.step(
        O1, case_id, "notify", penalty=fine, notified_on="2026-03-03", discretion_level="一般"
    )
    assert refused(d, "minor_lighter") and "discretion_level" in d.detail["fields"]
    fine["amount_fen"] = 600_00
    d = desk.step(
        O1, case_id, "notify", penalty=fine, notified_on="2026-03-03", discretion_level="较轻"
    )
    assert d.outcome == Outcome.APPLIED, d


def test_the_summary_procedure_only_for_matters_the_catalogue_allows_it_for():
    desk = Desk()
    assert refused(
        desk.propose(procedure="summary", matter_code="SR-002")[1], "summary_not_allowed_for_matter"
    )
    # A general case cannot be decided on the spot, nor a summary one opened.
    case_id, _ = desk.propose()
    d = desk.decide_on_spot(
        O1,
        case_id,
    )
    assert refused(d, "procedure_mismatch")


# -- investigation: art. 42 --------------------------------------------------------------------


def test_art_42_a_one_officer_inspection_record_is_refused_for_a_general_case():
    desk = Desk()
    case_id = opened(desk)
    desk.now = at("2026-03-03", 12)
    assert refused(desk.inspect(O1, case_id, [11]), "too_few_officers")
    assert desk.case(case_id)["inspections"] == 0
    d = desk.inspect(O1, case_id, [11, 12])
    assert d.outcome == Outcome.APPLIED and d.detail["target_changed"] == (
        "inspections",
        "last_inspection_on",
    )
    assert desk.case(case_id)["inspections"] == 1
    assert desk.case(case_id)["last_inspection_on"] == "2026-03-03"


def test_art_42_each_officer_named_needs_a_certificate_valid_on_the_day_of_the_record():
    desk = Desk()
    case_id = opened(desk)
    # O3 is no officer of T1: not someone this township's record can name.
    d = desk.inspect(O1, case_id, [11, 13])
    assert refused(d, "invalid") and "officers" in d.detail["fields"]
    # The same officer twice is one officer.
    assert refused(desk.inspect(O1, case_id, [11, 11]), "invalid")
    # The record's day counts, not the day it was synced: before their certificates.
    d = desk.inspect(O1, case_id, [11, 12], started="2023-12-31T10:00:00+08:00")
    assert refused(d, "certificate_not_valid") and d.detail["officers"] == [11, 12]
    assert desk.case(case_id)["inspections"] == 0


def test_the_one_recording_is_one_of_the_officers_named_and_they_showed_certificates():
    desk = Desk()
    case_id = opened(desk)
    desk.now = at("2026-03-03", 12)
    assert refused(desk.inspect(O2, case_id, [11]), "recorder_not_named")
    d = desk.push(
        O1,
        "inspection",
        uuid.uuid4(),
        Op.CREATE,
        {
            "officers": [11, 12],
            "started_at": "2026-03-02T09:00:00+08:00",
            "ended_at": "2026-03-02T09:30:00+08:00",
            "place": "大柘村",
            "findings": "现场有焚烧痕迹",
            "certificates_shown": False,
            "party_present": False,
        },
        case_id,
    )
    assert refused(d, "certificate_not_shown")


def test_art_56_preserved_evidence_is_decided_on_within_7_working_days():
    desk = Desk(now=at("2026-09-28"))
    case_id = opened(desk, violation_on="2026-09-27")
    d = desk.step(O1, case_id, "preserve", preserved_on="2026-09-28", items="焚烧工具一套")
    assert d.outcome == Outcome.APPLIED
    # Monday 28 September 2026: the 29th and 30th, then the National Day holidays (1–7
    # October), the 8th, 9th, Saturday the 10th (a make-up working day), the 12th and 13th.
    assert desk.case(case_id)["preservation_due"] == "2026-10-13"
    desk.now = at("2026-10-14")
    late = desk.step(L1, case_id, "decide_preserved", decided_on="2026-10-14", decision="没收")
    assert refused(late, "preservation_decision_late")
    ok = desk.step(L1, case_id, "decide_preserved", decided_on="2026-10-13", decision="退还")
    assert ok.outcome == Outcome.APPLIED


def test_a_date_in_the_future_or_before_the_step_it_follows_is_refused():
    desk = Desk()
    case_id = opened(desk)
    d = desk.step(O1, case_id, "preserve", preserved_on="2026-03-03", items="x")
    assert refused(d, "date_in_future") and "preserved_on" in d.detail["fields"]
    d = desk.step(O1, case_id, "preserve", preserved_on="2026-03-01", items="x")
    assert refused(d, "date_before_step")


def test_art_56_the_notice_states_where_the_items_are_kept_and_the_heads_approval():
    desk = Desk()
    case_id = opened(desk)
    d = desk.step(
        O1,
        case_id,
        "preserve",
        preserved_on="2026-03-02",
        items="焚烧工具 一套",
        storage_place="大柘镇综合行政执法队物品仓库",
        head_approved=True,
    )
    assert d.outcome == Outcome.APPLIED
    case = desk.case(case_id)
    assert case["preservation_place"] == "大柘镇综合行政执法队物品仓库"
    assert case["preservation_approved"] is True and case["preserved_items"] == "焚烧工具 一套"
    again = desk.step(O1, case_id, "preserve", preserved_on="2026-03-02", items="x")
    assert refused(again, "already_preserved")


# -- the order to correct: art. 28 -------------------------------------------------------------


def order(desk: Desk, case_id, who: Actor = O1, **args) -> Decision:
    body = {"requirements": "清理焚烧残留物", "correct_by": "2026-03-05"}
    body["ordered_on"] = "2026-03-02"
    return desk.step(who, case_id, "order_correction", **{**body, **args})


def test_art_28_the_party_is_ordered_to_correct_by_a_day_and_the_case_stays_in_investigation():
    desk = Desk()
    case_id = opened(desk)
    d = order(desk, case_id)
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case["status"] == "investigating"
    assert case["correction_requirements"] == "清理焚烧残留物"
    assert case["correct_by"] == "2026-03-05" and case["correction_ordered_on"] == "2026-03-02"
    # One order per case: its notice is issued once.
    assert refused(order(desk, case_id, correct_by="2026-03-09"), "correction_already_ordered")
    assert desk.case(case_id)["correct_by"] == "2026-03-05"


def test_art_28_the_day_to_correct_by_is_not_before_the_order_and_may_be_the_same_day():
    desk = Desk()
    case_id = opened(desk)
    d = order(desk, case_id, correct_by="2026-03-01")
    assert refused(d, "correction_deadline_before_order") and "correct_by" in d.detail["fields"]
    assert order(desk, case_id, correct_by="2026-03-02").outcome == Outcome.APPLIED


def test_art_28_the_order_is_not_dated_in_the_future_nor_before_the_case_was_opened():
    desk = Desk()
    case_id = opened(desk)
    d = order(desk, case_id, ordered_on="2026-03-03")
    assert refused(d, "date_in_future") and "ordered_on" in d.detail["fields"]
    assert refused(order(desk, case_id, ordered_on="2026-03-01"), "date_before_step")
    assert "correction_ordered_on" not in desk.case(case_id)


def test_art_28_officers_order_correction_while_the_case_is_investigated():
    desk = Desk()
    case_id, _ = desk.propose()
    assert refused(order(desk, case_id), "case_proposed")  # not opened yet
    assert desk.step(L1, case_id, "approve_opening").outcome == Outcome.APPLIED
    assert refused(order(desk, case_id, who=L1), "forbidden")
    assert refused(order(desk, case_id, who=W1), "forbidden")
    case_id = notified(desk)
    assert refused(order(desk, case_id), "case_notified")


# -- prior notice, hearing, review, decision -----------------------------------------------------


def test_the_facts_are_corrected_while_investigating_and_fixed_once_the_party_is_notified():
    """What the prior notice told the party (art. 44) is what is decided on: the facts are
    the officers' to correct until then, and locked afterwards."""
    desk = Desk()
    case_id = opened(desk)
    fix = {"facts": "在大柘村村口露天焚烧秸秆约三十平方米", "minor": True}
    d = desk.push(O1, "case", case_id, Op.UPDATE, fix)
    assert d.outcome == Outcome.APPLIED, d
    assert desk.case(case_id)["facts"] == fix["facts"] and desk.case(case_id)["minor"] is True
    assert refused(desk.push(W1, "case", case_id, Op.UPDATE, {"minor": False}), "forbidden")
    case_id = notified(desk)
    late = desk.push(O1, "case", case_id, Op.UPDATE, {"facts": "改动"})
    # Locked: the change is kept aside for a supervisor (R6), the notified facts stand.
    assert late.outcome == Outcome.CONFLICT and late.reason == "locked", late
    assert desk.case(case_id)["facts"] != "改动"


def test_art_44_no_notice_before_an_investigation_and_no_decision_before_the_notice():
    desk = Desk()
    case_id = opened(desk)
    fine = {"kind": "fine", "amount_fen": 500_00}
    d = desk.step(O1, case_id, "notify", penalty=fine, notified_on="2026-03-02")
    assert refused(d, "steps_missing") and d.detail["missing"] == ["investigation"]
    # The decision is not offered from investigating at all: R5 by status.
    assert refused(desk.step(L1, case_id, "decide", penalty=fine), "case_investigating")


def test_art_63_64_the_hearing_window_runs_five_working_days_and_blocks_the_decision():
    desk = Desk()
    # A fine of 5,000 yuan for a person qualifies for a hearing (the configured threshold).
    case_id = notified(desk, amount_fen=5_000_00)
    case = desk.case(case_id)
    assert case["hearing_grounds"] == ["large_fine"]
    # Notified on Tuesday 3 March: five working days end on Tuesday 10 March.
    assert case["hearing_request_due"] == "2026-03-10"
    # The fine is also a major one (legal review, art. 58): reviewed, it still must wait.
    assert desk.step(R1, case_id, "approve_review", opinion="同意").outcome == Outcome.APPLIED
    desk.now = at("2026-03-10")
    early = desk.step(L1, case_id, "decide", penalty={"kind": "fine", "amount_fen": 5_000_00})
    assert refused(early, "hearing_request_period_open")
    desk.now = at("2026-03-11")
    late = desk.step(O1, case_id, "request_hearing", requested_on="2026-03-11")
    assert refused(late, "hearing_request_late")


def test_art_64_the_hearing_notice_is_given_seven_working_days_before():
    desk = Desk()
    case_id = notified(desk, amount_fen=5_000_00)
    desk.now = at("2026-03-05")
    assert desk.step(O1, case_id, "request_hearing", requested_on="2026-03-05").outcome == (
        Outcome.APPLIED
    )
    desk.now = at("2026-03-20")

    # Notice on Friday 6 March; 7 whole working days (9–13, 16, 17) lie between.
    def hearing(held_on, host=14, attendance="attended"):
        return desk.step(
            O1,
            case_id,
            "record_hearing",
            notice_on="2026-03-06",
            held_on=held_on,
            host=host,
            attendance=attendance,
            summary="当事人陈述",
        )

    d = hearing("2026-03-17")
    assert refused(d, "hearing_notice_too_short") and d.detail["earliest"] == "2026-03-18"
    d = hearing("2026-03-18")
    assert d.outcome == Outcome.APPLIED
    assert desk.case(case_id)["hearing_waived"] is False


def test_art_64_the_host_is_no_investigator_and_a_party_who_stays_away_has_waived():
    """Art. 64(4): 听证由行政机关指定的非本案调查人员主持; (8): 当事人…无正当理由拒不出席
    听证或者未经许可中途退出听证的，视为放弃听证权利."""
    desk = Desk()
    case_id = notified(desk, amount_fen=5_000_00)  # investigated by officers 11 and 12
    desk.now = at("2026-03-05")
    desk.step(O1, case_id, "request_hearing", requested_on="2026-03-05")
    desk.now = at("2026-03-20")

    def hearing(host, attendance="attended"):
        return desk.step(
            O1,
            case_id,
            "record_hearing",
            notice_on="2026-03-06",
            held_on="2026-03-18",
            host=host,
            attendance=attendance,
            summary="当事人未到场",
        )

    for investigator in (11, 12):
        d = hearing(investigator)
        assert refused(d, "hearing_host_investigated") and "host" in d.detail["fields"]
    d = hearing(14, attendance="absent")
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case["hearing_waived"] is True and case["hearing_attendance"] == "absent"


def test_art_43_a_recusal_is_decided_by_the_head_recorded_and_keeps_the_person_away():
    """Art. 43: 当事人认为执法人员与案件有直接利害关系…有权申请回避…由行政机关负责人决定.
    Refused or granted, the decision is on the case; granted, the person is kept from its
    inspection records, its review and its hearing."""
    desk = Desk()
    case_id = opened(desk)
    ask = {
        "person": 12,
        "part": "investigator",
        "asked_by": "party",
        "reason": "系当事人近亲属",
        "decided_on": "2026-03-02",
    }
    assert refused(desk.step(O1, case_id, "recuse", granted=True, **ask), "forbidden")
    assert desk.step(L1, case_id, "recuse", granted=False, **ask).outcome == Outcome.APPLIED
    desk.now = at("2026-03-03", 12)
    assert desk.inspect(O1, case_id, [11, 12]).outcome == Outcome.APPLIED  # not granted
    assert desk.step(L1, case_id, "recuse", granted=True, **ask).outcome == Outcome.APPLIED
    [refusal, grant] = desk.case(case_id)["recusals"]
    assert (refusal["granted"], grant["granted"], grant["decided_by"]) == (False, True, L1.user_id)
    d = desk.inspect(O1, case_id, [11, 12])
    assert refused(d, "recused") and d.detail["people"] == [12]
    assert refused(desk.step(L1, case_id, "recuse", granted=True, **ask), "already_recused")


@pytest.mark.parametrize(
    ("step", "args", "status"),
    [
        (
            "decide_no_penalty",
            {"ground": "first_minor", "education": "当场进行法治宣传教育"},
            "not_penalised",
        ),
        ("decide_no_penalty", {"ground": "under_14"}, "not_penalised"),
        ("find_not_established", {"reason": "现场核实系他人所为"}, "not_established"),
        (
            "transfer_case",
            {"agency": "县市场监督管理局", "reason": "不属本机关管辖", "received_by": "王某"},
            "transferred_out",
        ),
        ("revoke_opening", {"reason": "立案时当事人认定错误"}, "revoked"),
    ],
)
def test_art_57_every_case_can_end_and_each_end_stops_the_90_days(step, args, status):
    """Art. 57: after the investigation the head decides a penalty, no penalty (不予行政处罚,
    art. 33 with the education given, art. 30, art. 31, art. 36), that the violation is not
    established, a transfer, or revokes the opening; a case that is not penalised still
    ends, and its 90 days stop (no clock runs in a closed status)."""
    desk = Desk()
    case_id = opened(desk)
    assert refused(desk.step(O1, case_id, step, decided_on="2026-03-02", **args), "forbidden")
    d = desk.step(L1, case_id, step, decided_on="2026-03-02", **args)
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case["status"] == status and status in WORKFLOW["case"]["closed"]
    assert status not in WORKFLOW["case"]["clocks"]["decision_due"]["running"]
    assert (case["ended_on"], case["ended_by"]) == ("2026-03-02", L1.user_id)


def test_art_33_no_penalty_for_a_minor_act_comes_with_the_education_given():
    desk = Desk()
    case_id = opened(desk)
    d = desk.step(
        L1, case_id, "decide_no_penalty", ground="minor_corrected", decided_on="2026-03-02"
    )
    assert refused(d, "education_required") and "education" in d.detail["fields"]


def test_a_case_handed_to_the_police_comes_back_when_they_decline():
    """行刑衔接 both ways: accepted, the case stays with the police; declined (不予立案), it
    returns to the team's investigation."""
    desk = Desk()
    case_id = opened(desk)
    handed = {
        "police_unit": "县公安局",
        "received_by": "李四",
        "received_at": "2026-03-02T15:00:00+08:00",
    }
    assert desk.step(L1, case_id, "hand_over", **handed).outcome == Outcome.APPLIED
    d = desk.step(L1, case_id, "police_declined", replied_on="2026-03-02", reason="不构成犯罪")
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case["status"] == "investigating" and case["police_decline_reason"] == "不构成犯罪"


def test_art_63_58_the_amounts_are_the_provinces_as_configured_when_the_case_was_opened():
    """Art. 63 leaves 较大数额 to the province, and a major fine for legal review (art. 58)
    is the local catalogue's: configured amounts, kept on the case when it is opened, so a
    case under way is judged by the rule it started under."""
    desk = Desk()
    desk.refs.amounts = legal.thresholds(
        large={"person": 2_000_00, "organisation": 50_000_00},
        major_fine={"person": 3_000_00, "organisation": 50_000_00},
    )
    case_id = notified(desk, amount_fen=3_000_00)
    case = desk.case(case_id)
    assert case["hearing_grounds"] == ["large_fine"]
    assert case["review_required"] == ["major_fine"]
    assert case["thresholds"]["large_amount_fen"]["person"] == 2_000_00

    elsewhere = Desk()  # the defaults: 3,000 yuan is neither
    other = notified(elsewhere, amount_fen=3_000_00)
    assert elsewhere.case(other)["hearing_grounds"] == []
    assert elsewhere.case(other)["review_required"] == []


def test_art_34_a_fine_follows_the_matters_published_discretion_standard():
    """Art. 34: 行政处罚裁量基准应当向社会公布: where the catalogue publishes one for the matter,
    the notice and the decision name the level, and the fine lies within it."""
    desk = Desk()
    case_id = opened(desk, matter_code="SR-002")
    desk.now = at("2026-03-03", 12)
    assert desk.inspect(O1, case_id, [11, 12]).outcome == Outcome.APPLIED
    fine = {"kind": "fine", "amount_fen": 1_000_00}

    def notice(**extra):
        return desk.step(O1, case_id, "notify", penalty=fine, notified_on="2026-03-03", **extra)

    none = notice()
    assert refused(none, "discretion_level_required") and none.detail["levels"] == [
        "较轻",
        "一般",
        "较重",
    ]
    assert refused(notice(discretion_level="特别严重"), "discretion_level_unknown")
    outside = notice(discretion_level="较轻")
    assert refused(outside, "outside_discretion")
    assert (outside.detail["min_fen"], outside.detail["max_fen"]) == (500_00, 800_00)
    assert "penalty" in outside.detail["fields"]
    assert notice(discretion_level="一般").outcome == Outcome.APPLIED
    assert desk.case(case_id)["discretion"]["level"] == "一般"
    waive(desk, case_id)
    # The decision may be lighter, by its own level.
    d = desk.step(L1, case_id, "decide", penalty={"kind": "fine", "amount_fen": 700_00})
    assert refused(d, "discretion_level_required")
    d = desk.step(
        L1, case_id, "decide", penalty={"kind": "fine", "amount_fen": 700_00},
        discretion_level="较轻",
    )  # fmt: skip
    assert d.outcome == Outcome.APPLIED and desk.case(case_id)["discretion"]["fine_fen"] == [
        500_00,
        800_00,
    ]


def test_art_31_32_the_recorded_grounds_decide_the_levels_a_fine_may_take():
    """Art. 32: 当事人有下列情形之一，应当从轻或者减轻行政处罚 (the lightest level, or below
    its floor: 减轻); art. 31's partly capable party 可以 (every level open); a 从重 ground
    (art. 49, the standard's own) rules the lightest level out; both, the officer weighs."""
    levels = [{"level": n} for n in ("较轻", "一般", "较重")]
    allowed = legal.discretion_allowed_art_31_32
    assert allowed(levels, []) == (["较轻", "一般", "较重"], False)
    assert allowed(levels, ["eliminated_harm"]) == (["较轻"], True)
    assert allowed(levels, [], minor=True) == (["较轻"], True)
    assert allowed(levels, ["partial_capacity"]) == (["较轻", "一般", "较重"], True)
    assert allowed(levels, ["emergency_measures"]) == (["一般", "较重"], False)
    assert allowed(levels, ["coerced", "standard_heavier"]) == (["较轻", "一般", "较重"], True)
    assert allowed(levels[:1], ["standard_heavier"]) == (["较轻"], False)

    desk = Desk()
    case_id = opened(desk, matter_code="SR-002", circumstances=["eliminated_harm"])
    desk.now = at("2026-03-03", 12)
    assert desk.inspect(O1, case_id, [11, 12]).outcome == Outcome.APPLIED

    def notice(amount_fen, level):
        fine = {"kind": "fine", "amount_fen": amount_fen}
        return desk.step(
            O1, case_id, "notify", penalty=fine, notified_on="2026-03-03", discretion_level=level
        )

    d = notice(1_000_00, "一般")
    assert refused(d, "circumstances_level") and d.detail["allowed"] == ["较轻"]
    assert "discretion_level" in d.detail["fields"]
    assert notice(300_00, "较轻").outcome == Outcome.APPLIED  # 减轻: below the 500 floor
    kept = desk.case(case_id)["discretion"]
    assert kept["reduced"] is True and kept["circumstances"] == ["eliminated_harm"]

    heavier = opened(desk, matter_code="SR-002", circumstances=["emergency_measures"])
    assert desk.inspect(O1, heavier, [11, 12]).outcome == Outcome.APPLIED
    fine = {"kind": "fine", "amount_fen": 600_00}
    d = desk.step(
        O1, heavier, "notify", penalty=fine, notified_on="2026-03-03", discretion_level="较轻"
    )
    assert refused(d, "circumstances_level") and d.detail["allowed"] == ["一般", "较重"]
    # No ground lightens it: the floor holds.
    d = desk.step(
        O1, heavier, "notify", penalty=fine, notified_on="2026-03-03", discretion_level="一般"
    )
    assert refused(d, "outside_discretion")
    fine["amount_fen"] = 900_00
    d = desk.step(
        O1, heavier, "notify", penalty=fine, notified_on="2026-03-03", discretion_level="一般"
    )
    assert d.outcome == Outcome.APPLIED
    assert desk.case(heavier)["discretion"]["reduced"] is False


def test_art_63_a_small_fine_gives_no_right_to_a_hearing():
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00)
    assert desk.case(case_id)["hearing_grounds"] == []
    d = desk.step(O1, case_id, "request_hearing", requested_on="2026-03-03")
    assert refused(d, "hearing_not_available")
    # Without a hearing right the leader may decide at once.
    d = desk.step(L1, case_id, "decide", penalty={"kind": "fine", "amount_fen": 500_00})
    assert d.outcome == Outcome.APPLIED and desk.case(case_id)["decided_on"] == "2026-03-03"


def test_art_58_a_decision_without_the_required_legal_review_is_refused():
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00, review_grounds=["complex_case"])
    assert desk.case(case_id)["review_required"] == ["complex_case"]
    fine = {"kind": "fine", "amount_fen": 500_00}
    d = desk.step(L1, case_id, "decide", penalty=fine)
    assert refused(d, "steps_missing") and d.detail["missing"] == ["legal_review"]
    # Only a reviewer reviews, and not one who investigated the case himself.
    assert refused(desk.step(L1, case_id, "approve_review", opinion="同意"), "forbidden")
    # O2 was named on the inspection record (notified: officers 11 and 12): were he a
    # reviewer as well, he may not review this case.
    o2_reviewing = Actor(
        user_id=12, roles=frozenset({"officer", "reviewer"}), unit_path=UNITS["T1"]
    )
    d = desk.step(o2_reviewing, case_id, "approve_review", opinion="同意")
    assert refused(d, "reviewer_investigated")
    # A reviewer with no 法律职业资格 recorded may not review at all.
    assert refused(desk.step(R2, case_id, "approve_review", opinion="同意"), "reviewer_unqualified")
    assert desk.step(R1, case_id, "approve_review", opinion="事实清楚，同意").outcome == (
        Outcome.APPLIED
    )
    assert desk.step(L1, case_id, "decide", penalty=fine).outcome == Outcome.APPLIED


def test_art_58_a_returned_review_goes_back_to_investigation_and_needs_a_new_notice():
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00, review_grounds=["complex_case"])
    d = desk.step(R1, case_id, "return_review", opinion="证据不足，补充调查")
    assert d.outcome == Outcome.APPLIED and desk.case(case_id)["status"] == "investigating"
    fine = {"kind": "fine", "amount_fen": 500_00}
    d = desk.step(O1, case_id, "notify", penalty=fine, notified_on="2026-03-03")
    assert d.outcome == Outcome.APPLIED
    assert refused(desk.step(L1, case_id, "decide", penalty=fine), "steps_missing")


def test_art_57_a_complex_or_major_violation_is_decided_only_after_collective_discussion():
    """Art. 57(2): 对情节复杂或者重大违法行为给予行政处罚，行政机关负责人应当集体讨论决定."""
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00, major_violation=True)
    fine = {"kind": "fine", "amount_fen": 500_00}
    d = desk.step(L1, case_id, "decide", penalty=fine)
    assert refused(d, "steps_missing") and d.detail["missing"] == ["collective_discussion"]
    discussion = {"discussed_on": "2026-03-03", "participants": "李镇长、王副镇长、赵书记",
                  "conclusion": "同意罚款伍佰元"}  # fmt: skip
    # The heads discuss; an officer does not hold the discussion.
    assert refused(desk.step(O1, case_id, "discuss", **discussion), "forbidden")
    d = desk.step(L1, case_id, "discuss", **discussion)
    assert d.outcome == Outcome.APPLIED and desk.case(case_id)["discussed_on"] == "2026-03-03"
    assert desk.case(case_id)["status"] == "discussed"
    assert desk.step(L1, case_id, "decide", penalty=fine).outcome == Outcome.APPLIED


def test_art_57_the_discussion_comes_after_the_notice_and_the_required_review():
    desk = Desk()
    case_id = notified(
        desk, amount_fen=500_00, major_violation=True, review_grounds=["complex_case"]
    )
    discussion = {
        "discussed_on": "2026-03-03",
        "participants": "李镇长、王副镇长",
        "conclusion": "同意",
    }
    d = desk.step(L1, case_id, "discuss", **discussion)
    assert refused(d, "steps_missing") and d.detail["missing"] == ["legal_review"]
    assert desk.step(R1, case_id, "approve_review", opinion="同意").outcome == Outcome.APPLIED
    future = desk.step(L1, case_id, "discuss", **{**discussion, "discussed_on": "2026-03-04"})
    assert refused(future, "date_in_future")
    before = desk.step(L1, case_id, "discuss", **{**discussion, "discussed_on": "2026-03-02"})
    assert refused(before, "date_before_step")
    assert desk.step(L1, case_id, "discuss", **discussion).outcome == Outcome.APPLIED


def test_art_57_an_ordinary_case_needs_no_discussion_and_is_not_offered_one_after_the_decision():
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00)
    fine = {"kind": "fine", "amount_fen": 500_00}
    assert desk.step(L1, case_id, "decide", penalty=fine).outcome == Outcome.APPLIED
    discussion = {
        "discussed_on": "2026-03-03",
        "participants": "李镇长、王副镇长",
        "conclusion": "同意",
    }
    assert refused(desk.step(L1, case_id, "discuss", **discussion), "case_decided")


def test_art_45_the_decision_is_no_heavier_than_the_penalty_notified():
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00)
    heavier = desk.step(L1, case_id, "decide", penalty={"kind": "fine", "amount_fen": 600_00})
    assert refused(heavier, "heavier_than_notified")
    lighter = desk.step(L1, case_id, "decide", penalty={"kind": "fine", "amount_fen": 300_00})
    assert lighter.outcome == Outcome.APPLIED


def test_art_44_45_62_no_decision_before_the_statement_period_ends():
    """Arts. 44, 45, 62: the notice names the party's period to state and defend (the unit's
    5 working days, kept on the case); before it ends nothing is decided unless the party's
    statement or express waiver is recorded."""
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00, waived=False)  # Tuesday 2026-03-03
    case = desk.case(case_id)
    assert (case["statement_days"], case["statement_due"]) == (5, "2026-03-10")
    fine = {"kind": "fine", "amount_fen": 500_00}
    desk.now = at("2026-03-10", 23)
    d = desk.step(L1, case_id, "decide", penalty=fine)
    assert refused(d, "statement_period_open") and d.detail["due"] == "2026-03-10"
    desk.now = at("2026-03-11")
    assert desk.step(L1, case_id, "decide", penalty=fine).outcome == Outcome.APPLIED


def test_art_62_an_express_waiver_lets_the_decision_come_at_once():
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00, waived=False)
    fine = {"kind": "fine", "amount_fen": 500_00}
    assert refused(desk.step(L1, case_id, "decide", penalty=fine), "statement_period_open")
    waive(desk, case_id)
    assert desk.step(L1, case_id, "decide", penalty=fine).outcome == Outcome.APPLIED


def test_art_45_the_statement_is_recorded_point_by_point_with_its_recheck():
    """Art. 45: 对当事人提出的事实、理由和证据，应当进行复核；成立的，应当采纳. Each point the
    party made is kept with the re-check and whether it was adopted; a recorded statement
    lets the decision come before the period ends, and a lighter one is allowed."""
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00, waived=False)
    point = {"point": "系初次焚烧，已自行扑灭", "recheck": "经核实属实", "adopted": True}

    def state(**args):
        return desk.step(O1, case_id, "record_statement", received_on="2026-03-03", **args)

    assert refused(state(kind="written"), "statement_points")
    assert refused(state(kind="waived", points=[point]), "statement_points")
    assert state(kind="oral", points=[{"point": "不服"}]).reason == "invalid"
    early = desk.step(
        O1, case_id, "record_statement", received_on="2026-03-02", kind="oral", points=[point]
    )
    assert refused(early, "date_before_step")
    assert state(kind="oral", points=[point]).outcome == Outcome.APPLIED
    [entry] = desk.case(case_id)["statements"]
    assert entry["kind"] == "oral" and entry["points"] == [point]
    assert entry["notice_on"] == "2026-03-03" and entry["recorded_by"] == O1.user_id
    lighter = desk.step(L1, case_id, "decide", penalty={"kind": "fine", "amount_fen": 300_00})
    assert lighter.outcome == Outcome.APPLIED


def test_art_44_a_new_notice_is_not_answered_by_the_old_statement():
    """A case returned for more work and notified again gives the party a new period; a
    waiver of the first notice does not close it."""
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00)  # waived on 2026-03-03
    desk.now = at("2026-03-04")
    assert desk.step(R1, case_id, "return_review", opinion="补充证据").outcome == Outcome.APPLIED
    fine = {"kind": "fine", "amount_fen": 500_00}
    again = desk.step(O1, case_id, "notify", penalty=fine, notified_on="2026-03-04")
    assert again.outcome == Outcome.APPLIED and desk.case(case_id)["statement_due"] == "2026-03-11"
    assert refused(desk.step(L1, case_id, "decide", penalty=fine), "statement_period_open")


def test_art_33_minor_corrected_and_harmless_is_not_penalised():
    desk = Desk()
    case_id = opened(desk, minor=True, corrected_in_time=True, consequence="none")
    desk.now = at("2026-03-03", 12)
    desk.inspect(O1, case_id, [11, 12])
    d = desk.step(
        O1,
        case_id,
        "notify",
        penalty={"kind": "warning", "amount_fen": 0},
        notified_on="2026-03-03",
    )
    assert refused(d, "no_penalty_required")


def test_art_60_no_decision_after_the_90_days():
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00)
    desk.now = at("2026-06-01")
    d = desk.step(L1, case_id, "decide", penalty={"kind": "fine", "amount_fen": 500_00})
    assert refused(d, "decision_overdue") and d.detail["due"] == "2026-05-31"
    desk.now = at("2026-05-31", 23)
    assert (
        desk.step(L1, case_id, "decide", penalty={"kind": "fine", "amount_fen": 500_00}).outcome
        == Outcome.APPLIED
    )


EXTENSION = {
    "kind": "extension",
    "days": 30,
    "basis": "《市场监督管理行政处罚程序规定》第六十四条",
    "reason": "案情复杂，需补充鉴定",
    "approved_on": "2026-05-20",
}


def test_art_60_the_90_days_are_extended_only_by_the_leader_citing_the_rule_before_they_end():
    """Art. 60: 九十日内作出行政处罚决定。法律、法规、规章另有规定的，从其规定: the period is
    another only where a rule says so, so the leader's approval names that rule, and a
    period already run out is not revived."""
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00)
    desk.now = at("2026-05-20")
    assert refused(desk.step(O1, case_id, "extend_decision", **EXTENSION), "forbidden")
    d = desk.step(L1, case_id, "extend_decision", **EXTENSION)
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case["status"] == "notified"  # the case stays where it was
    assert case["decision_due"] == "2026-06-30"
    [extension] = case["decision_extensions"]
    assert extension["basis"] == EXTENSION["basis"] and extension["from"] == "2026-05-31"
    assert extension["approved_by"] == L1.user_id
    desk.now = at("2026-06-20")
    fine = {"kind": "fine", "amount_fen": 500_00}
    assert desk.step(L1, case_id, "decide", penalty=fine).outcome == Outcome.APPLIED


def test_art_60_an_extension_needs_its_basis_and_comes_before_the_period_runs_out():
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00)
    desk.now = at("2026-05-20")
    # Time left out names the rule that leaves it out.
    bare = {**EXTENSION, "kind": "excluded_time", "basis": ""}
    d = desk.step(L1, case_id, "extend_decision", **bare)
    assert d.outcome == Outcome.REJECTED and "basis" in d.detail.get("fields", {}), d
    future = desk.step(L1, case_id, "extend_decision", **{**EXTENSION, "approved_on": "2026-05-21"})
    assert refused(future, "date_in_future")
    desk.now = at("2026-06-01")
    late = desk.step(L1, case_id, "extend_decision", **{**EXTENSION, "approved_on": "2026-06-01"})
    assert refused(late, "decision_overdue") and late.detail["due"] == "2026-05-31"


def test_art_60_a_longer_period_only_by_the_units_rule_within_its_days_and_times():
    """法律、法规、规章另有规定的，从其规定: the rule the unit works under (its settings) gives
    once 30 days; another rule typed in, 365 days, or a second extension are refused. Left
    blank, the basis recorded is the unit's rule."""
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00)
    desk.now = at("2026-05-20")
    other = desk.step(L1, case_id, "extend_decision", **{**EXTENSION, "basis": "本局内部规定"})
    assert refused(other, "extension_not_by_rule") and other.detail["rule"] == EXTENSION["basis"]
    year = desk.step(L1, case_id, "extend_decision", **{**EXTENSION, "days": 365})
    assert refused(year, "extension_too_long") and year.detail["max_days"] == 30
    d = desk.step(L1, case_id, "extend_decision", **{**EXTENSION, "basis": ""})
    assert d.outcome == Outcome.APPLIED, d
    assert desk.case(case_id)["decision_extensions"][0]["basis"] == EXTENSION["basis"]
    again = desk.step(L1, case_id, "extend_decision", **{**EXTENSION, "reason": "仍需鉴定"})
    assert refused(again, "extension_beyond_rule") and again.detail["times"] == 1


def test_art_60_time_a_rule_leaves_out_moves_the_day_and_extensions_add_up():
    desk = Desk()
    case_id = notified(desk, amount_fen=500_00)
    desk.now = at("2026-05-20")
    appraisal = {**EXTENSION, "kind": "excluded_time", "days": 12, "reason": "技术鉴定期间"}
    assert desk.step(L1, case_id, "extend_decision", **appraisal).outcome == Outcome.APPLIED
    assert desk.step(L1, case_id, "extend_decision", **EXTENSION).outcome == Outcome.APPLIED
    case = desk.case(case_id)
    assert case["decision_due"] == "2026-07-12"  # 31 May + 12 + 30
    assert [e["kind"] for e in case["decision_extensions"]] == ["excluded_time", "extension"]
    # The same approval sent again (a double tap) does not extend twice.
    again = desk.step(L1, case_id, "extend_decision", **EXTENSION)
    assert refused(again, "extension_repeated")
    assert desk.case(case_id)["decision_due"] == "2026-07-12"


# -- service, payment, closing --------------------------------------------------------------------


def decided(desk: Desk, amount_fen=1_000_00) -> uuid.UUID:
    case_id = notified(desk, amount_fen=amount_fen)
    d = desk.step(L1, case_id, "decide", penalty={"kind": "fine", "amount_fen": amount_fen})
    assert d.outcome == Outcome.APPLIED, d
    return case_id


def test_art_61_67_service_starts_the_15_days_to_pay_moved_past_a_rest_day():
    desk = Desk()
    case_id = decided(desk)
    desk.now = at("2026-03-06")
    d = desk.step(
        O1, case_id, "serve", served_on="2026-03-06", method="in_person", proof="送达回证"
    )
    assert d.outcome == Outcome.APPLIED
    case = desk.case(case_id)
    # Decided Tuesday 3 March: service due within 7 working days, by 12 March.
    assert case["service_due"] == "2026-03-12"
    # Served Friday 6 March + 15 days = Saturday 21 March: the party pays by Monday 23rd.
    assert case["payment_due"] == "2026-03-23"


def test_art_61_service_is_proved_and_electronic_only_with_the_partys_signed_consent():
    desk = Desk()
    case_id = decided(desk)
    desk.now = at("2026-03-06")
    bare = desk.step(O1, case_id, "serve", served_on="2026-03-06", method="in_person")
    assert bare.outcome == Outcome.REJECTED and "proof" in bare.detail["fields"]
    mail = {"served_on": "2026-03-06", "method": "electronic", "proof": "电子送达回执 0001"}
    d = desk.step(O1, case_id, "serve", **mail)
    assert refused(d, "electronic_service_without_consent")
    late_consent = desk.step(O1, case_id, "serve", consent_signed_on="2026-03-07", **mail)
    assert refused(late_consent, "electronic_service_without_consent")  # signed after it
    d = desk.step(O1, case_id, "serve", consent_signed_on="2026-03-05", **mail)
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case["service_proof"] == "电子送达回执 0001"
    assert case["service_consent_signed_on"] == "2026-03-05"


def test_art_72_the_late_surcharge_is_3_percent_a_day_and_never_more_than_the_fine():
    desk = Desk()
    case_id = decided(desk)
    desk.now = at("2026-03-06")
    desk.step(O1, case_id, "serve", served_on="2026-03-06", method="in_person", proof="送达回证")
    desk.now = at("2026-03-26")
    # Three days late: 3 × 3% of 1,000 yuan = 90 yuan.
    d = desk.step(O1, case_id, "pay", paid_on="2026-03-26", paid_fen=1_000_00, receipt_no="R1")
    assert refused(d, "payment_amount")
    assert d.detail == {"owed_fen": 1_090_00, "surcharge_fen": 90_00, "days_late": 3}
    assert desk.step(
        O1, case_id, "pay", paid_on="2026-03-26", paid_fen=1_090_00, receipt_no="R1"
    ).outcome == (Outcome.APPLIED)
    assert desk.case(case_id)["surcharge_fen"] == 90_00
    assert legal.late_surcharge(1_000_00, 365) == 1_000_00


def test_a_fine_closes_once_paid_and_a_warning_once_served():
    desk = Desk()
    case_id = decided(desk)
    desk.now = at("2026-03-06")
    desk.step(O1, case_id, "serve", served_on="2026-03-06", method="post", proof="送达回证")
    assert refused(desk.step(L1, case_id, "close"), "not_paid")
    desk.step(O1, case_id, "pay", paid_on="2026-03-06", paid_fen=1_000_00, receipt_no="R1")
    assert desk.step(L1, case_id, "close").outcome == Outcome.APPLIED

    desk = Desk()
    case_id = notified(desk, kind="warning", amount_fen=0)
    desk.step(L1, case_id, "decide", penalty={"kind": "warning", "amount_fen": 0})
    desk.step(O1, case_id, "serve", served_on="2026-03-03", method="in_person", proof="送达回证")
    assert desk.step(L1, case_id, "close").outcome == Outcome.APPLIED


def test_a_suspected_crime_is_handed_to_the_police_with_a_record_of_receipt():
    desk = Desk()
    case_id = opened(desk)
    d = desk.step(
        L1,
        case_id,
        "hand_over",
        police_unit="缙云县公安局壶镇派出所",
        received_by="李四",
        received_at="2026-03-02T15:00:00+08:00",
    )
    assert d.outcome == Outcome.APPLIED
    case = desk.case(case_id)
    assert case["status"] == "handed_over" and case["police_received_by"] == "李四"


def test_a_team_deadline_in_a_year_with_no_calendar_is_estimated_on_weekends_and_said_so():
    """The team is never stopped across the New Year for want of next year's notice: its own
    deadline (art. 56, 7 working days to decide on preserved evidence) is counted on weekends
    alone and the case says which of its days are estimates."""
    desk = Desk(now=at("2027-01-04"))
    case_id = opened(desk, violation_on="2027-01-03")
    d = desk.step(O1, case_id, "preserve", preserved_on="2027-01-04", items="x")
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    # Monday 4 January 2027 + 7 working days, weekends alone: Wednesday 13 January.
    assert case["preservation_due"] == "2027-01-13"
    assert case["calendar_estimated"] == ["preservation_due"]


def test_a_team_deadline_within_a_loaded_year_is_not_marked_estimated():
    desk = Desk()
    case_id = opened(desk)
    assert desk.step(O1, case_id, "preserve", preserved_on="2026-03-02", items="x").outcome == (
        Outcome.APPLIED
    )
    assert desk.case(case_id)["calendar_estimated"] == []


def test_a_period_the_party_has_in_a_year_with_no_calendar_is_refused_not_guessed():
    """Arts. 63–64, 85: the party's 5 working days to ask for a hearing decide his rights; a
    guess that counts a holiday as a working day would cut them short. Refused until the
    year's notice is loaded."""
    desk = Desk(now=at("2027-01-04"))
    case_id = opened(desk, violation_on="2027-01-03")
    assert desk.inspect(O1, case_id, [11, 12], started="2027-01-04T10:00:00+08:00").outcome == (
        Outcome.APPLIED
    )
    big = {"kind": "fine", "amount_fen": 5_000_00}  # a hearing's ground (large_fine)
    d = desk.step(O1, case_id, "notify", penalty=big, notified_on="2027-01-04")
    assert refused(d, "calendar_missing")


def test_a_fine_served_before_its_payment_year_has_a_calendar_is_counted_when_paid():
    """Art. 67: the 15 days to pay are the party's. Served on 21 December 2026 they end in
    2027: the service is recorded, the last day to pay is left open (not guessed), and it is
    counted when the fine is paid, on the calendar loaded by then; with none, the payment
    is refused rather than a surcharge charged on a guess."""
    desk = Desk()
    case_id = decided(desk, amount_fen=500_00)
    late_in_the_year = {**desk.case(case_id), "decided_on": "2026-12-18"}
    desk.records[("case", case_id)] = replace(
        desk.records[("case", case_id)], fields=late_in_the_year
    )
    desk.now = at("2026-12-21")
    d = desk.step(
        O1, case_id, "serve", served_on="2026-12-21", method="in_person", proof="送达回证"
    )
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case.get("payment_due") is None and case["service_due"] == "2026-12-29"
    desk.now = at("2027-01-05")
    d = desk.step(O1, case_id, "pay", paid_on="2027-01-05", paid_fen=500_00, receipt_no="R1")
    assert refused(d, "calendar_missing")


# -- transfers (移送) ------------------------------------------------------------------------------


def clue_in(desk: Desk, grid: str, matter: str, status: str = "accepted") -> uuid.UUID:
    ident = uuid.uuid4()
    desk.records[("clue", ident)] = RecordState(
        "clue",
        ident,
        1,
        {**clue_payload(matter_code=matter), "status": status},
        unit_path=UNITS[grid],
    )
    return ident


def test_a_clue_the_township_is_not_empowered_for_goes_to_the_catalogue_department():
    desk = Desk()
    # SR-001 is empowered in T1, not in T2: T2's clue goes to the department that holds it.
    t2 = clue_in(desk, "G4", "SR-001")
    from tests.sync.kit import D2

    d = desk.push(D2, "clue", t2, Op.TRANSITION, {"name": "transfer", "args": {"note": "无权"}})
    assert d.outcome == Outcome.APPLIED
    fields = desk.records[("clue", t2)].fields
    assert fields["status"] == "transferred" and fields["transferred_to"] == "D-ENV"
    # T1 holds the power: no transfer.
    t1 = clue_in(desk, "G1", "SR-001")
    d = desk.push(D1, "clue", t1, Op.TRANSITION, {"name": "transfer", "args": {}})
    assert refused(d, "empowered_here")
    # A matter the catalogue names no department for cannot be transferred anywhere.
    orphan = clue_in(desk, "G4", "CG-010")
    d = desk.push(D2, "clue", orphan, Op.TRANSITION, {"name": "transfer", "args": {}})
    assert refused(d, "no_department")


@pytest.mark.parametrize(
    "reason",
    sorted(
        {
            "summary_fine_over_limit",
            "too_few_officers",
            "certificate_not_valid",
            "steps_missing",
            "hearing_request_late",
            "hearing_notice_too_short",
            "decision_overdue",
            "payment_amount",
            "limitation_expired",
            "no_penalty_required",
            "preservation_decision_late",
            "heavier_than_notified",
            "hearing_request_period_open",
            "calendar_missing",
            "empowered_here",
            "not_empowered",
            "decider_not_among_officers",
            "already_filed",
            "fined_twice",
            "hearing_host_investigated",
            "recused",
            "electronic_service_without_consent",
            "reviewer_unqualified",
            "extension_not_by_rule",
            "extension_too_long",
            "extension_beyond_rule",
            "education_required",
            "already_recused",
            "minor_under_14",
            "minor_lighter",
            "no_department",
            "reviewer_investigated",
            "correction_already_ordered",
            "correction_deadline_before_order",
            "extension_repeated",
            "discretion_level_required",
            "discretion_level_unknown",
            "outside_discretion",
        }
    ),
)
def test_every_refusal_is_explained_to_the_person_in_both_languages(reason):
    from sync.workflow import REASONS

    assert REASONS[reason]["zh-CN"] and REASONS[reason]["en"]


@pytest.mark.parametrize("record_type", [t for t, s in WORKFLOW.items() if "clocks" in s])
def test_every_declared_clock_names_a_field_statuses_and_a_stop_the_record_has(record_type):
    """The phone and the console read the clocks (which day, in which statuses, stopped by
    which field, warned how early) from the workflow: a misspelt one would silently never
    warn."""
    spec = WORKFLOW[record_type]
    known = {*spec["fields"], *spec.get("read_only", ())}
    for name, c in spec["clocks"].items():
        assert name in known, name
        assert set(c["running"]) <= set(spec["statuses"]), (name, c["running"])
        assert c.get("until") is None or c["until"] in known, (name, c["until"])
        assert c["warn_days"] and all(d > 0 for d in c["warn_days"]), name
        # Every clock stops: a status it does not run in is reached by some step.
        reachable = {s["to"] for s in spec["transitions"].values()} - {"$same"}
        assert reachable - set(c["running"]), name


# -- the step a case waits for -------------------------------------------------------------------


def test_each_status_names_the_step_it_waits_for_and_it_is_one_the_status_allows():
    """``awaits`` (exported with the workflow) names, per status, the step a screen offers
    first: every step it names leaves that status (or is the inspection record)."""
    transitions = WORKFLOW["case"]["transitions"]
    for status, entries in WORKFLOW["case"]["awaits"].items():
        assert status in WORKFLOW["case"]["statuses"]
        for entry in entries:
            step = entry["step"]
            assert step == "inspection" or status in transitions[step]["from"], (status, step)
        # An open case always waits for something: the last entry holds unconditionally.
        assert status == "closed" or entries[-1]["when"] == {}, status


def test_a_case_waits_for_the_step_its_status_and_records_call_for():
    desk = Desk()

    def waits(case_id):
        return cases.awaited_step(desk.case(case_id))

    case_id, _ = desk.propose()
    assert waits(case_id) == "approve_opening"
    desk.step(L1, case_id, "approve_opening")
    assert waits(case_id) == "inspection"
    desk.now = at("2026-03-03", 12)
    desk.inspect(O1, case_id, [11, 12])
    assert waits(case_id) == "notify"
    fine = {"kind": "fine", "amount_fen": 500_00}
    desk.step(O1, case_id, "notify", penalty=fine, notified_on="2026-03-03")
    assert waits(case_id) == "record_statement"
    waive(desk, case_id)
    assert waits(case_id) == "decide"
    assert desk.step(L1, case_id, "decide", penalty=fine).outcome == Outcome.APPLIED
    assert waits(case_id) == "serve"
    desk.step(O1, case_id, "serve", served_on="2026-03-03", method="in_person", proof="送达回证")
    assert waits(case_id) == "pay"

    major = notified(desk, major_violation=True)
    assert waits(major) == "discuss"
    on_spot, _ = desk.propose(procedure="summary")
    assert waits(on_spot) == "decide_on_spot"


def test_art_44_45_on_the_spot_the_party_is_heard_and_recorded_without_a_waiting_period():
    """Arts. 44, 45 hold in the summary procedure too: the party is told and heard on the
    spot, his statement recorded with the decision (art. 52: handed over 当场), and no
    period to state and defend is waited for."""
    desk = Desk()
    case_id, _ = desk.propose(procedure="summary")
    warning = {"kind": "warning", "amount_fen": 0}
    spot = {"officers": [11, 12], "penalty": warning, "certificate_shown": True}
    d = desk.step(O1, case_id, "decide_on_spot", **spot)  # the party's statement unrecorded
    assert refused(d, "invalid") and "statement_kind" in d.detail["fields"]
    d = desk.decide_on_spot(O1, case_id, statement_kind="oral", **spot)
    assert refused(d, "statement_points") and "statement_points" in d.detail["fields"]
    point = {"point": "不知道不能烧", "recheck": "村里已广播禁烧通告", "adopted": False}
    d = desk.decide_on_spot(O1, case_id, statement_kind="oral", statement_points=[point], **spot)
    assert d.outcome == Outcome.APPLIED, d
    [heard] = desk.case(case_id)["statements"]
    assert heard["notice_on"] == heard["received_on"] == desk.case(case_id)["decided_on"]
    assert heard["points"] == [point] and "statement_due" not in desk.case(case_id)


def test_art_44_45_62_the_heads_discuss_only_once_the_party_has_been_heard():
    """Art. 57(2)'s collective discussion weighs what the party said: it waits, as the
    decision does, for his statement or waiver, or for the period the notice named."""
    desk = Desk()
    case_id = notified(desk, waived=False, major_violation=True)
    d = desk.step(
        L1, case_id, "discuss", discussed_on="2026-03-03", participants="甲、乙", conclusion="罚"
    )
    assert refused(d, "statement_period_open")
    waive(desk, case_id)
    d = desk.step(
        L1, case_id, "discuss", discussed_on="2026-03-03", participants="甲、乙", conclusion="罚"
    )
    assert d.outcome == Outcome.APPLIED, d


# -- an unpaid fine (arts. 66–72; 行政强制法 arts. 53, 54) -----------------------------------------


def served(desk: Desk, amount_fen=1_000_00) -> uuid.UUID:
    """A fine decided and served on Friday 6 March 2026: to be paid by Monday 23 March."""
    case_id = decided(desk, amount_fen)
    desk.now = at("2026-03-06")
    d = desk.step(
        O1, case_id, "serve", served_on="2026-03-06", method="in_person", proof="送达回证"
    )
    assert d.outcome == Outcome.APPLIED and desk.case(case_id)["payment_due"] == "2026-03-23"
    return case_id


def test_art_67_70_a_payment_is_confirmed_by_its_receipt_and_collected_on_the_spot_by_law():
    """Arts. 67–71: a payment names its receipt (the platform's 缴款码 or the 专用票据 an
    officer issues), never "paid" alone; on the spot only on a ground of arts. 68, 69 (a
    general decision: a remote area, at the party's request), the money handed in within 2
    working days, a later hand-in kept and marked late."""
    desk = Desk()
    case_id = served(desk)
    desk.now = at("2026-03-10")
    pay = {"paid_on": "2026-03-10", "paid_fen": 1_000_00}
    d = desk.step(O1, case_id, "pay", **pay)
    assert refused(d, "invalid") and "receipt_no" in d.detail["fields"]
    d = desk.step(O1, case_id, "pay", receipt_no="  ", **pay)
    assert refused(d, "invalid") and "receipt_no" in d.detail["fields"]
    spot = {**pay, "receipt_no": "浙财 No.0012345", "payment_method": "on_the_spot"}
    assert refused(desk.step(O1, case_id, "pay", **spot), "on_spot_ground_required")
    d = desk.step(O1, case_id, "pay", on_spot_ground="under_100", **spot)
    assert refused(d, "on_spot_summary_only")  # art. 68: on-the-spot decisions only
    d = desk.step(O1, case_id, "pay", on_spot_ground="remote_area", **spot)
    assert refused(d, "on_spot_not_asked")
    d = desk.step(O1, case_id, "pay", on_spot_ground="remote_area", party_asked=True, **spot)
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case["receipt_no"] == "浙财 No.0012345" and case["hand_in_due"] == "2026-03-12"
    assert cases.awaited_step(case) == "hand_in"
    assert case["payments"][0]["method"] == "on_the_spot"
    desk.now = at("2026-03-13")
    d = desk.step(O1, case_id, "hand_in", handed_in_on="2026-03-13")
    assert d.outcome == Outcome.APPLIED and desk.case(case_id)["handed_in_late"] is True
    assert refused(
        desk.step(O1, case_id, "hand_in", handed_in_on="2026-03-13"), "already_handed_in"
    )

    assert legal.on_spot_collection_refusal("under_100", "summary", 100_00, False) is None
    assert legal.on_spot_collection_refusal("under_100", "summary", 100_01, False) == (
        "on_spot_over_100"
    )
    assert legal.on_spot_collection_refusal("hard_to_enforce", "summary", 200_00, False) is None


def test_art_66_deferral_or_instalments_applied_for_and_approved_set_the_new_days():
    """Art. 66: 经当事人申请和行政机关批准，可以暂缓或者分期缴纳: the head approves the
    party's application with its days; the instalments add up to the fine; each is paid
    with its receipt, and the surcharge (art. 72) runs from its own day."""
    desk = Desk()
    case_id = served(desk)
    desk.now = at("2026-03-11")
    plan = {"applied_on": "2026-03-10", "approved_on": "2026-03-11", "reason": "经营困难"}
    parts = [{"due_on": "2026-04-10", "amount_fen": 600_00}]
    d = desk.step(L1, case_id, "defer_payment", instalments=parts, **plan)
    assert refused(d, "instalments_total") and "instalments" in d.detail["fields"]
    late_first = [{"due_on": "2026-05-11", "amount_fen": 600_00}, *parts]
    late_first[1] = {"due_on": "2026-04-10", "amount_fen": 400_00}
    d = desk.step(L1, case_id, "defer_payment", instalments=late_first, **plan)
    assert refused(d, "instalment_dates")
    assert refused(
        desk.step(O1, case_id, "defer_payment", instalments=parts, **plan), "forbidden"
    )  # the agency approves, not the officer
    parts.append({"due_on": "2026-05-11", "amount_fen": 400_00})
    d = desk.step(L1, case_id, "defer_payment", instalments=parts, **plan)
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case["payment_plan"]["kind"] == "instalments" and case["payment_due"] == "2026-04-10"
    assert refused(
        desk.step(L1, case_id, "defer_payment", instalments=parts, **plan), "payment_plan_exists"
    )

    desk.now = at("2026-04-10")
    first = {"paid_on": "2026-04-10", "paid_fen": 600_00, "receipt_no": "3311230000000001"}
    assert refused(desk.step(O1, case_id, "pay", **first), "instalments_unpaid")
    d = desk.step(O1, case_id, "pay_instalment", **first)
    assert d.outcome == Outcome.APPLIED, d
    assert desk.case(case_id)["payment_due"] == "2026-05-11"  # not late: no surcharge
    desk.now = at("2026-05-13")
    last = {"paid_on": "2026-05-13", "receipt_no": "3311230000000002"}
    assert refused(
        desk.step(O1, case_id, "pay_instalment", paid_fen=400_00, **last), ("last_instalment")
    )
    # Two days after its own day: 2 × 3% of 400 yuan.
    d = desk.step(O1, case_id, "pay", paid_fen=400_00, **last)
    assert refused(d, "payment_amount") and d.detail["surcharge_fen"] == 24_00
    d = desk.step(O1, case_id, "pay", paid_fen=424_00, **last)
    assert d.outcome == Outcome.APPLIED, d
    case = desk.case(case_id)
    assert case["status"] == "paid" and len(case["payments"]) == 2
    assert case["surcharge_fen"] == 24_00


def test_enforcement_law_art_53_54_the_court_is_asked_after_a_written_demand_in_its_window():
    """行政强制法 第五十四条: 申请人民法院强制执行前，应当催告当事人履行义务。催告书送达十日后
    (ten working days, 第六十九条)…可以…申请强制执行; 第五十三条: 当事人在法定期限内不申请行政
    复议或者提起行政诉讼…可以自期限届满之日起三个月内…申请. Served 6 March 2026: six months
    to sue (行政诉讼法 第四十六条) end on 6 September; the court is asked 7 September to 6
    December."""
    desk = Desk()
    case_id = served(desk)
    desk.now = at("2026-03-23")
    demand = {"method": "in_person", "proof": "催告书送达回证"}
    d = desk.step(O1, case_id, "demand_payment", served_on="2026-03-23", **demand)
    assert refused(d, "payment_not_overdue")  # the last day to pay is not over
    desk.now = at("2026-09-07")
    court = {"court": "大柘县人民法院", "court_receipt": "法院收件回执"}
    d = desk.step(L1, case_id, "apply_enforcement", applied_on="2026-09-07", **court)
    assert refused(d, "demand_first")
    d = desk.step(O1, case_id, "demand_payment", served_on="2026-03-24", **demand)
    assert d.outcome == Outcome.APPLIED, d
    assert cases.awaited_step(desk.case(case_id)) == "confirm_no_remedy"
    case = desk.case(case_id)
    # Served on 6 March: six months end on Sunday 6 September, so the party may sue until
    # Monday the 7th (民事诉讼法 第八十五条); the court is asked from the 8th until Monday 7
    # December (the 3 months ending on the 7th, a working day).
    assert (case["enforcement_from"], case["enforcement_by"]) == ("2026-09-08", "2026-12-07")
    assert not case.get("calendar_estimated")
    # 第五十三条: the head checks no review or suit was sought, once the time to sue is over.
    d = desk.step(L1, case_id, "apply_enforcement", applied_on="2026-09-07", **court)
    assert refused(d, "no_remedy_unconfirmed")
    d = desk.step(L1, case_id, "confirm_no_remedy", checked_on="2026-09-07")
    assert refused(d, "remedy_period_open") and d.detail["remedies_end"] == "2026-09-07"
    desk.now = at("2026-09-08")
    assert desk.step(L1, case_id, "confirm_no_remedy", checked_on="2026-09-08").outcome == (
        Outcome.APPLIED
    )
    assert cases.awaited_step(desk.case(case_id)) == "apply_enforcement"
    d = desk.step(L1, case_id, "apply_enforcement", applied_on="2026-09-07", **court)
    assert refused(d, "enforcement_outside_window") and "applied_on" in d.detail["fields"]
    d = desk.step(L1, case_id, "apply_enforcement", applied_on="2026-09-08", **court)
    assert d.outcome == Outcome.APPLIED, d
    assert desk.case(case_id)["enforcement_court"] == "大柘县人民法院"
    # A demand served late pushes the first day: ten working days after it.
    first, last = legal.enforcement_window(
        dt.date(2026, 3, 6), dt.date(2026, 9, 1), legal.CALENDAR_2026
    )
    assert (first, last) == (dt.date(2026, 9, 16), dt.date(2026, 12, 7))
    assert legal.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_art_9_a_decision_carries_more_than_one_penalty_each_checked_and_paid_together():
    """Art. 9's kinds, imposed together where the provision says 并处 (a fine and the
    confiscation of illegal gains): each checked on its own, no kind twice (art. 29), none
    decided that was not notified (art. 45); the party pays both, and art. 72's surcharge
    runs on the fine alone (每日按罚款数额的百分之三加处罚款)."""
    desk = Desk()
    case_id = opened(desk)
    desk.now = at("2026-03-03", 12)
    assert desk.inspect(O1, case_id, [11, 12]).outcome == Outcome.APPLIED
    fine = {"kind": "fine", "amount_fen": 1_000_00}
    gains = {"kind": "confiscate_gains", "amount_fen": 300_00}

    def notice(*additional):
        return desk.step(
            O1,
            case_id,
            "notify",
            penalty=fine,
            additional=list(additional),
            notified_on="2026-03-03",
        )

    assert refused(notice({"kind": "fine", "amount_fen": 500_00}), "penalty_kind_twice")
    d = notice({"kind": "warning", "amount_fen": 100})
    assert refused(d, "penalty_amount") and "additional" in d.detail["fields"]
    assert notice(gains).outcome == Outcome.APPLIED
    assert desk.case(case_id)["proposed_additional"] == [gains]
    waive(desk, case_id)
    warning = {"kind": "warning", "amount_fen": 0}
    d = desk.step(L1, case_id, "decide", penalty=fine, additional=[gains, warning])
    assert refused(d, "heavier_than_notified")  # a kind not notified
    d = desk.step(L1, case_id, "decide", penalty=fine, additional=[gains])
    assert d.outcome == Outcome.APPLIED, d
    assert desk.case(case_id)["additional_penalties"] == [gains]

    desk.now = at("2026-03-06")
    desk.step(O1, case_id, "serve", served_on="2026-03-06", method="in_person", proof="送达回证")
    desk.now = at("2026-03-26")
    # Three days late: 1,300 yuan and 3 × 3% of the 1,000-yuan fine.
    d = desk.step(O1, case_id, "pay", paid_on="2026-03-26", paid_fen=1_300_00, receipt_no="R1")
    assert refused(d, "payment_amount") and d.detail["owed_fen"] == 1_390_00
    d = desk.step(O1, case_id, "pay", paid_on="2026-03-26", paid_fen=1_390_00, receipt_no="R1")
    assert d.outcome == Outcome.APPLIED, d
