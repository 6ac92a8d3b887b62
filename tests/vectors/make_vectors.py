"""Test vectors for the PWA's copies of the rules, made by the Python code they copy.

The phone applies some rules itself while offline (``pwa/src/rules.js``): who may take a
step (``sync.rules.may``), what a step sets (``sync.rules.step_sets``) and where a record
stands on its clocks (due days counted by ``sync.legal`` on the working calendar, warned by
``sync.legal.deadline_warning`` at the workflow's bands, on China's day: ``sync.cases.today``),
and which step a case waits for (``sync.cases.awaited_step``), and whether a case's document
may be issued on a day (``sync.cases.document_waits``).
This script asks the Python side for the answers on many inputs and writes them, with the
exported workflow, as one JSON file that ``node --test`` (``pwa/test/rules.test.js``) holds the
JavaScript to. Everything is fixed here: no real date, no machine time zone.

    python tests/vectors/make_vectors.py pwa/test/vectors.json   (make test runs it)
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import itertools
import json
import math
import sys
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from server.documents import DOCUMENTS  # noqa: E402
from server.documents.kinds import check  # noqa: E402
from server.documents.redact import public_copy  # noqa: E402
from sync import legal  # noqa: E402
from sync.cases import (  # noqa: E402
    awaited_step,
    document_waits,
    heard_on_the_spot_art_44_45,
    today,
)
from sync.documents import compose, phrase, phrase_items, png_url  # noqa: E402
from sync.documents.data import (  # noqa: E402
    document_data,
    penalty_lines,
    place_of,
    preserved_items,
    statement_text,
)
from sync.documents.formats import FORMATTERS, span_text  # noqa: E402
from sync.rules import RELATIONS, may, step_sets  # noqa: E402
from sync.types import Actor, RecordState  # noqa: E402
from sync.values import BIDI_CONTROLS  # noqa: E402
from sync.workflow import CHOICE_LABELS, SAME, WORKFLOW, export  # noqa: E402
from tests.server.document_cases_kit import OFFICERS, sample, signature  # noqa: E402

COUNTY = "/330802/"
TOWN_A = "/330802/330802101/"
TOWN_B = "/330802/330802102/"
GRID_A = TOWN_A + "330802101201/330802101201001/"
GRID_B = TOWN_B + "330802102201/330802102201001/"
# Every role a person can hold (server/accounts: Role), whether or not a step names it.
ROLES = ("grid_worker", "officer", "dispatcher", "leader", "reviewer", "admin", "department")

# People: (id, roles, home unit). Ids the records below point at, and others.
PEOPLE = [
    Actor(11, frozenset({"grid_worker"}), GRID_A),
    Actor(12, frozenset({"grid_worker"}), GRID_B),
    Actor(21, frozenset({"officer"}), TOWN_A),
    Actor(22, frozenset({"officer"}), TOWN_B),
    Actor(23, frozenset({"officer"}), GRID_A),  # an officer posted below the township
    Actor(31, frozenset({"dispatcher"}), TOWN_A),
    Actor(32, frozenset({"leader", "officer"}), TOWN_A),
    Actor(33, frozenset({"reviewer"}), TOWN_B),
    Actor(34, frozenset({"admin"}), COUNTY),
    Actor(35, frozenset({"dispatcher", "leader"}), TOWN_B),
    Actor(36, frozenset({"dispatcher"}), COUNTY),  # the county command centre
    Actor(37, frozenset({"leader"}), COUNTY, department="ZRZY"),  # a department's leader
    Actor(41, frozenset({"department"}), COUNTY, department="ZRZY"),
    Actor(42, frozenset({"department"}), COUNTY, department="SCJG"),
]
# Records: where, who reported it, to whom it is assigned (None: the township's team), who
# took it. In grid A or in grid B, so that each person is in and out of jurisdiction.
RELATED = [
    {"reporter_id": 11, "assignee_id": None, "taken_by": None},
    {"reporter_id": 12, "assignee_id": 21, "taken_by": 21},
    {"reporter_id": 99, "assignee_id": 32, "taken_by": None},
    {"reporter_id": 11, "assignee_id": None, "taken_by": 23},
    {"reporter_id": 12, "assignee_id": None, "taken_by": None, "transferred_to": "ZRZY"},
    # Decided on the spot by 21 with 32 (art. 42): 32 is yet to confirm, then has.
    {"reporter_id": 21, "decided_by": 21, "on_spot_officers": [21, 32]},
    {
        "reporter_id": 21,
        "decided_by": 21,
        "on_spot_officers": [21, 32, 23],
        "on_spot_confirmations": [{"officer_id": 32, "at": "2026-10-08T16:30:00+00:00"}],
    },
]


def _me(actor: Actor) -> dict:
    """A person as the phone holds him (the /me answer): id, roles, unit with its path,
    department (its code)."""
    return {
        "id": actor.user_id,
        "roles": sorted(actor.roles),
        "unit": {"path": actor.unit_path},
        "department": actor.department,
    }


def _who_lists() -> list[list[str]]:
    """Each relation and role alone, then every ``who`` the workflow declares."""
    lists = [[name] for name in sorted(RELATIONS)] + [[role] for role in ROLES]
    for spec in WORKFLOW.values():
        if "who" in spec.get("create", {}):
            lists.append(spec["create"]["who"])
        lists += [step["who"] for step in spec.get("transitions", {}).values()]
        for field in spec.get("fields", {}).values():
            lists += [rule["who"] for rule in field.get("edit", [])]
    unique: dict[str, list[str]] = {}
    for who in lists:
        unique.setdefault(json.dumps(who), list(who))
    return list(unique.values())


def may_vectors() -> list[dict]:
    out = []
    for who, actor, (where, related) in itertools.product(
        # A township's own record, in a grid or at the township; one of the county's own.
        _who_lists(),
        PEOPLE,
        itertools.product((GRID_A, GRID_B, TOWN_A, COUNTY), RELATED),
    ):
        state = RecordState("clue", uuid.UUID(int=1), 1, related, unit_path=where)
        out.append(
            {
                "who": who,
                "rec": {**related, "unit_path": where},
                "me": _me(actor),
                "addressed": WORKFLOW["clue"]["addressed"],
                "expected": may(who, state, actor),
            }
        )
    return out


def _arg_value(name: str, spec: dict[str, Any]) -> Any:
    kind = spec.get("type")
    if kind == "bool":
        return True
    if kind in ("user", "int", "fen", "rating"):
        return 7
    if kind == "date":
        return "2026-10-09"
    if kind == "choice" and spec.get("choices"):
        return spec["choices"][-1]
    if kind == "object":
        return {"kind": "fine", "amount_fen": 50000}
    return f"{name} 的值"


NOW = "2026-10-08T16:30:00+00:00"  # 00:30 on 9 October in China: the UTC day is another


def step_vectors() -> list[dict]:
    """Every transition of every record type, from each status it leaves, by two people,
    over a record that has or has not yet the fields a ``$first_now`` keeps, with all its
    arguments and with none."""
    out = []
    for rtype, spec in WORKFLOW.items():
        for name, step in spec.get("transitions", {}).items():
            sources = step.get("sets", {})
            kept = {f: "2026-09-01T01:00:00+00:00" for f, s in sources.items() if s == "$first_now"}
            full = {arg: _arg_value(arg, s) for arg, s in step.get("args", {}).items()}
            for status, actor_id, earlier, args in itertools.product(
                step["from"], (21, 31), (False, True), (full, {})
            ):
                fields = {"status": status, **(kept if earlier else {})}
                effect = step_sets(step, fields, args, actor_id, NOW)
                effect["status"] = status if step["to"] == SAME else step["to"]
                out.append(
                    {
                        "record_type": rtype,
                        "transition": name,
                        "current": fields,
                        "args": args,
                        "actor_id": actor_id,
                        "now": NOW,
                        "expected": effect,
                    }
                )
    return out


# -- clocks ----------------------------------------------------------------------------------

CALENDAR = legal.CALENDAR_2026  # the State Council's 2026 notice: 国庆 1–7 Oct, 10 Oct worked
D = dt.date.fromisoformat


def due_days() -> dict[str, dict]:
    """Due days as the case and collaboration steps count them (sync.cases calls these), each
    across the National Day holiday, some onto the make-up working day of 10 October."""
    days = {
        # Art. 60: 90 calendar days from opening.
        "decision_due": legal.decision_due(D("2026-07-15")),
        # Art. 56: 7 working days: 30 Sep, 8, 9, 10 (a Saturday worked), 12, 13, 14 Oct.
        "preservation_due": legal.preservation_decision_due(D("2026-09-29"), CALENDAR),
        # Art. 61: 7 working days from the decision.
        "service_due": legal.service_due(D("2026-09-28"), CALENDAR),
        # Art. 67: 15 calendar days end on 5 Oct, a holiday: the next working day (8 Oct).
        "payment_due": legal.payment_due(D("2026-09-20"), CALENDAR),
        # Seeds 004: 5 working days: 29, 30 Sep, 8, 9 and 10 Oct (the make-up Saturday).
        "due": legal.collaboration_due(D("2026-09-28"), CALENDAR),
    }
    assert days["preservation_due"] == D("2026-10-14"), days
    assert days["payment_due"] == D("2026-10-08"), days
    assert days["due"] == D("2026-10-10"), days
    return {k: v.isoformat() for k, v in days.items()}


CLUE_DEADLINE = "2026-10-09T10:00:00+00:00"  # a moment, not a day


def _instants() -> list[dt.datetime]:
    """Twice a day from 20 Sep to 20 Oct: half an hour after and before China's midnight
    (16:30 and 15:30 UTC), where the UTC day and China's differ or nearly do."""
    start = dt.datetime(2026, 9, 19, 15, 30, tzinfo=dt.UTC)
    return [start + dt.timedelta(hours=h) for h in range(0, 31 * 24, 12)] + [
        start + dt.timedelta(days=d, hours=1) for d in range(31)
    ]


def _one_clock(field: str, c: dict, fields: dict, now: dt.datetime) -> dict | None:
    """What one clock says, or None when it does not run or is far."""
    due = fields.get(field)
    if not due or fields.get("status") not in c["running"]:
        return None
    if c.get("until") and fields.get(c["until"]):
        return None
    if len(due) == 10:  # a last allowed day (sync.legal), on China's day
        warning = legal.deadline_warning(D(due), today(now), c["warn_days"])
        if warning is None:
            return None
        if warning.level == "overdue":
            return {"late": True}
        return {"soon": warning.band, "left": warning.days_left}
    # A moment (a clue's deadline): past it is overdue (the dashboard: deadline < now).
    left = (dt.datetime.fromisoformat(due) - now) / dt.timedelta(days=1)
    if left < 0:
        return {"late": True}
    bands = [b for b in c["warn_days"] if left <= b]
    return {"soon": min(bands), "left": math.floor(left)} if bands else None


def expected_clock(clocks: dict, fields: dict, now: dt.datetime) -> dict:
    """The most urgent of a record's clocks: late past any, else the narrowest band."""
    worst: dict = {}
    for field, c in clocks.items():
        said = _one_clock(field, c, fields, now)
        if said is None:
            continue
        if said.get("late"):
            return said
        if "soon" not in worst or said["soon"] < worst["soon"]:
            worst = said
    return worst


def clock_vectors() -> list[dict]:
    days = due_days()
    out = []
    for rtype, spec in WORKFLOW.items():
        clocks = spec.get("clocks", {})
        if not clocks:
            continue
        statuses = sorted({s for c in clocks.values() for s in c["running"]})
        statuses.append(spec["closed"][0])  # a status no clock runs in
        fields = {f: days.get(f, CLUE_DEADLINE) for f in clocks}
        variants = [fields]
        untils = [c["until"] for c in clocks.values() if c.get("until")]
        if untils:
            variants.append({**fields, **{u: "2026-10-01" for u in untils}})  # clocks stopped
        variants += [{f: v} for f, v in fields.items() if len(clocks) > 1]  # one clock alone
        for status, values, now in itertools.product(statuses, variants, _instants()):
            rec = {"status": status, **values}
            out.append(
                {
                    "record_type": rtype,
                    "rec": rec,
                    "now": now.isoformat(),
                    "expected": expected_clock(clocks, rec, now),
                }
            )
    return out


def _set(fields: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        fields = fields.setdefault(part, {})
    if value is not _MISSING:
        fields[last] = value


_MISSING = object()


def awaits_vectors() -> list[dict]:
    """The step each case waits for (``sync.cases.awaited_step``), for every combination of
    the values its status's conditions read: missing, empty, set (or each string named)."""
    table = WORKFLOW["case"]["awaits"]
    out = []
    for status, entries in table.items():
        paths: dict[str, set] = {}
        for entry in entries:
            for path, wanted in entry["when"].items():
                values = paths.setdefault(path, {"missing", "empty", "set"})
                if isinstance(wanted, str):
                    values |= {wanted, "other"}
        names = sorted(paths)
        for combo in itertools.product(*(sorted(paths[n]) for n in names)):
            fields: dict = {"status": status}
            for path, choice in zip(names, combo, strict=True):
                value = {"missing": _MISSING, "empty": [], "set": 1, "other": "x"}.get(
                    choice, choice
                )
                _set(fields, path, value)
            out.append({"rec": fields, "expected": awaited_step(fields)})
    return out


# Days around a window that opens on 7 September and closes on 6 December.
WINDOW_DAYS = ("2026-09-06", "2026-09-07", "2026-12-06", "2026-12-07")


def document_vectors() -> list[dict]:
    """Whether each of a case's documents may be issued on a day (``document_waits``): its
    ``after`` field missing or set, and the day it bears (its ``dated`` field, or the day
    itself) before, on, inside and after the days its ``from`` and ``until`` fields hold,
    those missing too."""
    out = []
    for kind, doc in WORKFLOW["case"]["documents"].items():
        named = [doc["after"], *(doc[k] for k in ("dated", "from", "until") if doc.get(k))]
        values = {
            doc["after"]: (_MISSING, "2026-03-24"),
            doc.get("dated"): (_MISSING, "2026-09-07", "2026-12-07"),
            doc.get("from"): (_MISSING, "2026-09-07"),
            doc.get("until"): (_MISSING, "2026-12-06"),
        }
        for combo in itertools.product(*(values[n] for n in named), WINDOW_DAYS):
            *chosen, day = combo
            rec = {n: v for n, v in zip(named, chosen, strict=True) if v is not _MISSING}
            out.append(
                {
                    "kind": kind,
                    "rec": rec,
                    "day": day,
                    "expected": document_waits(doc, rec, D(day)),
                }
            )
    return out


def _json(value: Any) -> Any:
    """Data as the phone holds it: ISO strings for times, data URLs for signature PNGs."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return png_url(value)
    return value


def _variants(kind: str) -> list[tuple[str, dict]]:
    """The test documents of each kind (``tests/server/test_documents.py``'s ``sample``) and
    variants that take every conditional part the other way."""
    base = sample(kind)
    out = [("sample", base)]

    def variant(name: str, change: Any) -> None:
        data = copy.deepcopy(base)
        change(data)
        out.append((name, data))

    refusal = {"reason": "称须请示家人。", "witness": "李秀英", "witness_signature": signature(4)}
    if kind == "inspection_record":
        variant(
            "refused, no evidence, statement",
            lambda d: d.update(
                party_signature=None,
                party_refusal={"reason": "拒签"},
                evidence=[],
                party_statement="我不同意。\n第二行意见",
                recorder=None,
            ),
        )
        variant(
            "witness, overnight, evidence text, utc",
            lambda d: d.update(
                party_signature=None,
                party_refusal={"witness": "李秀英"},
                started_at="2026-03-14T15:30:00Z",
                ended_at="2026-03-14T16:45:00Z",
                evidence=["现场照片一张", {"label": "录像", "captured_at": "2026-03-14"}],
                party=dict(base["party"], kind="organisation", legal_representative="朱卫国"),
            ),
        )
    if kind == "payment_demand":
        variant(
            "organisation, contact, signed",
            lambda d: d.update(
                party=sample("prior_notice")["party"],
                contact={"address": "壶镇镇政府"},
                owed_fen=10_000_01,
                party_signature=signature(5),
            ),
        )
    if kind == "enforcement_application":
        variant(
            "bare",
            lambda d: (
                d.pop("statement"),
                d.pop("payment_due"),
                d.update(
                    no_remedy_checked_on="2026-09-01",
                    attachments=["只有一项"],
                    contact={"person": "吕建平", "phone": "0578-3188110"},
                ),
                d["decision"].update(
                    act_code=None, service_method=None, service_proof=None, title=None
                ),
                d["demand"].update(doc_number=None),
                d["owed"]["parts"].append({"amount_fen": 3000}),
                d["owed"].update(owed_fen=103000),
                d.update(penalty={"warning": True, "fine_fen": 500_00}),
            ),
        )
    if kind == "correction_order":
        variant(
            "own basis, organisation, refused",
            lambda d: d.update(
                order_basis="《某某条例》第十条。",
                objection_days=12,
                contact=None,
                party=sample("prior_notice")["party"],
                party_signature=None,
                party_refusal=refusal,
            ),
        )
    if kind == "preservation_notice":
        variant(
            "person, signed, no mode",
            lambda d: d.update(
                party=sample("summary_decision")["party"],
                storage_mode=None,
                party_refusal=None,
                party_signature=signature(6),
                items=[{"name": "三七粉", "quantity": "约2.5千克"}],
            ),
        )
    if kind == "prior_notice":
        variant(
            "person, no hearing, missing evidence, several penalties",
            lambda d: d.update(
                party=sample("summary_decision")["party"],
                hearing_eligible=False,
                statement_days=7,
                evidence=[],
                evidence_missing=["现场照片（尚未上传）", "录像"],
                penalty={
                    "warning": True,
                    "fine_fen": 10,
                    "confiscation": "违法所得（100.00元）",
                    "other": "责令停产停业。",
                },
            ),
        )
    if kind == "summary_decision":
        variant(
            "warning, refused, statement, no method",
            lambda d: d.update(
                penalty={"warning": True, "fine_fen": 5000},
                party_signature=None,
                party_refusal=refusal,
                statement="不服。\n第二行",
                payment={"bank": "农行"},
                decided_at="2026-03-14T23:40:00-02:00",
            ),
        )
    if kind == "penalty_decision":
        variant(
            "no fine, performance, no statement",
            lambda d: (
                d.pop("statement"),
                d.pop("discretion"),
                d.update(
                    penalty={"confiscation": "非法财物", "other": "责令停产停业"},
                    performance="没收的非法财物由本机关依法处置。\n责令停产停业自本决定书送达之日起执行。",
                    evidence=[{"label": "现场照片（2026年03月14日 09:35拍摄）"}, "询问笔录"],
                    evidence_missing=["现场照片（尚未上传）"],
                ),
            ),
        )
        variant(
            "warning only",
            lambda d: (
                d.pop("statement"),
                d.update(penalty={"warning": True}, party=sample("summary_decision")["party"]),
            ),
        )
    if kind == "transfer_letter":
        variant(
            "no party, basis, missing, officers",
            lambda d: (
                d.pop("party"),
                d.update(
                    legal_basis="《中华人民共和国行政处罚法》第二十四条",
                    missing=["x", "y"],
                    officers=copy.deepcopy(OFFICERS),
                    contact=None,
                ),
            ),
        )
        variant(
            "a party named only", lambda d: d.update(party={"kind": "person", "name": "樊志远"})
        )
    return out


def document_model_vectors() -> list[dict]:
    """Each kind's models (``sync.documents.compose``) from the test documents and their
    variants, and the public copies of the decisions made public (行政处罚法 第四十八条), with
    the data as the phone would hold it: ``pwa/test/documents.test.js`` composes the same."""
    out = []
    for kind in sorted(DOCUMENTS):
        for name, data in _variants(kind):
            check(kind, data)  # every variant is a document the server would print
            phone = _json(data)
            if kind == "payment_demand" and data.get("party_signature"):  # bare base64 too
                phone["party_signature"] = base64.b64encode(data["party_signature"]).decode()
            out.append({"kind": kind, "name": name, "data": phone, "model": compose(kind, data)})
            if kind in ("penalty_decision", "summary_decision", "inspection_record"):
                public = public_copy(data)
                out.append(
                    {
                        "kind": kind,
                        "name": name + " (public copy)",
                        "data": _json(public),
                        "redacted": True,
                        "model": compose(kind, public, redacted=True),
                    }
                )
    return out


def document_data_vectors() -> list[dict]:
    """A document's data from a case's fields and context (``sync.documents.data``: the
    kinds a phone makes offline), on cases as the workflow's steps leave them: an order to
    correct, and on-the-spot decisions whose statements the step itself recorded
    (``heard_on_the_spot_art_44_45``), with a warning, a fine, both (art. 51 allows no
    other), a waiver, a refusal to sign: ``pwa/test/document-data.test.js`` builds the same;
    and the lines of penalties besides, as a general decision prints them (labels from the
    workflow)."""
    actor = Actor(user_id=7, roles=frozenset({"officer"}), unit_path="/33/08/02/101/")
    labels = {k: v["zh-CN"] for k, v in CHOICE_LABELS.items()}
    party = {
        "kind": "person",
        "name": "王五",
        "id_number": "330802198001011234",
        "phone": "",
        "address": "航埠镇北淤村8号",
    }
    officers = [
        {"name": "张三", "certificate_no": "33080212345"},
        {"name": "李四", "certificate_no": "33080254321"},
    ]
    base_ctx = {
        "matter": {"legal_basis": "《浙江省村庄规划建设管理条例》第二十条", "penalty_basis": None},
        "officers": officers,
        "labels": labels,
        "payment_bank": "浙江省统一公共支付平台（凭决定书缴款码缴纳）",
        "reconsideration_body": "柯城区人民政府",
        "court": "柯城区人民法院",
        "place": "航埠镇北淤村村口",
        "signing": {"party_signature": signature(3), "party_refusal": None},
    }
    day = dt.date(2026, 3, 14)
    point = {"point": "初犯，马上清理。", "recheck": "属实。", "adopted": True}
    out = []
    corr = {
        "party": party,
        "facts": "在承包地上建房",
        "correction_requirements": "拆除新建房屋，恢复土地原状",
        "correct_by": "2026-03-24",
        "correction_ordered_on": day.isoformat(),
    }
    refused = {"party_signature": None, "party_refusal": {"reason": "当事人拒绝签名"}}
    out.append({"kind": "correction_order", "name": "ordered", "fields": corr, "ctx": base_ctx})
    out.append(
        {
            "kind": "correction_order",
            "name": "refused to sign",
            "fields": corr,
            "ctx": {**base_ctx, "signing": refused},
        }
    )
    penalties = {
        "warning": ({"kind": "warning", "amount_fen": 0}, []),
        "fine": ({"kind": "fine", "amount_fen": 20000}, []),
        "fine and warning": (
            {"kind": "fine", "amount_fen": 5000},
            [{"kind": "warning", "amount_fen": 0}],
        ),
    }
    heard = {"stated": ("oral", [point]), "waived": ("waived", [])}
    for (pname, (penalty, more)), (hname, (kind, points)) in itertools.product(
        penalties.items(), heard.items()
    ):
        fields = {
            "party": party,
            "facts": "占道堆放建筑材料",
            "penalty": penalty,
            "on_spot_officers": [7, 8],
            "certificate_shown": True,
            "decided_by": 7,
            "decided_on": day.isoformat(),
        }
        if more:
            fields["additional_penalties"] = more
        state = RecordState("case", uuid.UUID(int=1), 1, fields)
        args = {"statement_kind": kind, "statement_points": points}
        fields.update(heard_on_the_spot_art_44_45(state, args, actor, day))
        ctx = base_ctx
        if pname == "fine":
            ctx = {**base_ctx, "matter": {**base_ctx["matter"], "penalty_basis": "第四十条"}}
        if hname == "waived":
            ctx = {**ctx, "signing": refused, "officers": officers[:1]}
        name = f"{pname}, {hname}"
        out.append({"kind": "summary_decision", "name": name, "fields": fields, "ctx": ctx})
    # An organisation, its representative named (a party's empty fields print nothing).
    org = {"kind": "organisation", "name": "衢州市某建材有限公司", "legal_representative": "赵六"}
    org.update(id_number="91330802MA2XXXXX1X", address="", phone="")
    firm = {**out[-1]["fields"], "party": org}
    out.append(
        {"kind": "summary_decision", "name": "organisation", "fields": firm, "ctx": base_ctx}
    )
    # 现场检查笔录 (officers 7 and 8): photos during it (one noted, one whose file the
    # server lacks, one a fraction of a second in, one in UTC), the signature, and photos
    # it does not list: another's, and one taken long after.
    inspection = {
        "officers": [7, 8],
        "started_at": "2026-03-14T01:30:00+00:00",
        "ended_at": "2026-03-14T10:15:00+08:00",
        "place": "航埠镇北淤村8号门前",
        "findings": "当事人在村道上堆放建筑材料。\n占用道路长约十二米。",
        "certificates_shown": True,
        "party_refusal": None,
    }
    sig = "ab" * 32
    photos = [
        {"captured_at": "2026-03-14T09:40:00+08:00", "note": "现场全景", "sha256": "1f" * 32},
        {"captured_at": "2026-03-14T01:25:00.250Z", "note": None, "sha256": "2e" * 32},
        {"captured_at": "2026-03-14T10:20:00+08:00", "note": "", "sha256": None},
        {"captured_at": "2026-03-14T10:05:00+08:00", "note": None, "sha256": sig},
        {"captured_at": "2026-03-14T09:50:00+08:00", "note": "他人所摄", "sha256": "3d" * 32},
        {"captured_at": "2026-03-14T11:00:00+08:00", "note": "事后", "sha256": "4c" * 32},
    ]
    authors = [7, 8, 7, 7, 9, 7]
    ictx = {
        "party": {**party, "phone": "13800000000"},  # the record names how he is reached
        "officers": officers,
        "photos": [{**p, "author_id": a} for p, a in zip(photos, authors, strict=True)],
        "signature_sha256": sig,
        "signing": base_ctx["signing"],
    }
    out.append({"kind": "inspection_record", "name": "signed", "fields": inspection, "ctx": ictx})
    bare = {**ictx, "photos": [], "signature_sha256": None, "signing": refused}
    out.append(
        {
            "kind": "inspection_record",
            "name": "refused, no photo",
            "fields": inspection,
            "ctx": bare,
        }
    )
    # 先行登记保存 (第五十六条), as the preserve step leaves the case: a person and an
    # organisation (你 / 你单位 in the reason), the party signing on the phone, refusing, or
    # signing the paper by hand; and a step queued by an older app (no place, no approval),
    # which the phone does not make offline and the server does not print (``printable``).
    kept = {
        "party": party,
        "preserved_on": day.isoformat(),
        "preserved_items": "焚烧工具一套\n秸秆 约20千克\n\n废旧轮胎 12",
        "preservation_place": "航埠镇综合行政执法队证据保管室",
        "preservation_approved": True,
    }
    pctx = {**base_ctx, "matter": {**base_ctx["matter"], "name": "露天焚烧秸秆"}}
    by_hand = {"party_signature": None, "party_refusal": None, "party_signs_paper": True}
    older = {
        k: v for k, v in kept.items() if k not in ("preservation_place", "preservation_approved")
    }
    for name, fields, ctx, printable in (
        ("kept", kept, pctx, True),
        ("refused to sign", kept, {**pctx, "signing": refused}, True),
        ("signed the paper by hand", kept, {**pctx, "signing": by_hand}, True),
        ("organisation", {**kept, "party": {**org, "address": "航埠镇工业园区1号"}}, pctx, True),
        ("queued by an older app", older, pctx, False),
    ):
        v = {"kind": "preservation_notice", "name": name, "fields": fields, "ctx": ctx}
        out.append(v if printable else {**v, "printable": False})
    more = [
        {"kind": "fine", "amount_fen": 5000},
        {"kind": "warning", "amount_fen": 0},
        {"kind": "confiscate_gains", "amount_fen": 12345},
        {"kind": "suspend_business", "amount_fen": 0},
        {"kind": "limit_practice", "amount_fen": 0},
    ]
    lines = [{"penalties": more[:n], "lines": penalty_lines(labels, *more[:n])} for n in (1, 5)]
    for v in out:
        data = document_data(v["kind"], v["fields"], v["ctx"])
        # every one a document the server would print, under a number of its kind
        if v.get("printable", True):
            check(v["kind"], {**sample(v["kind"]), **data})
        v.update(data=_json(data), ctx=_json(v["ctx"]))
    clues = [
        {"address": "航埠镇北淤村村口", "unit_name": "北淤村"},
        {"address": None, "unit_name": "北淤村"},
        {"address": "", "unit_name": "北淤村"},
        {},
    ]
    places = [{"kind": "place", "clue": c, "place": place_of(c)} for c in clues]
    # 陈述、申辩 after a prior notice (the general procedure): answered, heard or not.
    said = {"notice_on": "2026-03-10", "received_on": "2026-03-12", "kind": "written"}
    said["points"] = [point]
    notice = {"notified_on": "2026-03-10", "statement_days": 5, "statements": [said]}
    variants = [
        notice,
        {**notice, "heard_on": "2026-03-20"},
        {**notice, "heard_on": "2026-03-20", "hearing_waived": True},
        {**notice, "notified_on": "2026-03-11"},  # answered an earlier notice only
    ]
    places += [{"kind": "statement", "fields": f, "text": statement_text(f)} for f in variants]
    # The items of a preservation, one a line, its quantity last: in words with its measure
    # word, in digits (Unicode's too) with a short unit or none; a name alone; the whitespace
    # and line breaks Python's str knows (JS's differ at the edges).
    texts = [
        "焚烧工具一套\n秸秆 约20千克\n废旧轮胎 12",
        "三七粉\n三七粉 五袋\n砖块：约500块\n钢管×12根\n木板 2.5立方米",
        "水泥 １２袋\n１２袋水泥\n9\n版本2.0 3台\n编号A.7",
        "  秸秆 20千克  \r\n\r\n铁锹 两把\u2028塑料桶 3个\x85电瓶车 1辆\x1c液化气罐\x1f2只",
        "\u3000编织袋\u3000十个\u3000\n\ufeff铁桶 4个\ufeff\n\v\f",
    ]
    items = [{"kind": "preserved_items", "text": t, "items": preserved_items(t)} for t in texts]
    return out + [{"kind": "penalty_lines", "labels": labels, **x} for x in lines] + places + items


def phrase_vectors() -> list[dict]:
    """The texts the records make for a document's data (``sync.documents.phrase``), on
    values that take each of their branches."""
    points = [
        {"point": "没钱。", "recheck": "理由不成立", "adopted": False},
        {"point": "初犯", "recheck": "属实。", "adopted": True},
    ]
    answers = [
        {"kind": "written", "received_on": "2026-03-16", "points": points},
        {"kind": "oral", "received_on": "2026-03-17T10:00:00Z", "points": points[:1]},
        {"kind": "waived", "received_on": "2026-03-18"},
    ]
    values: list[tuple[str, dict]] = [
        ("confiscation", {"kind": "confiscate_gains", "amount_fen": 12345}),
        ("confiscation", {"kind": "confiscate_property", "amount_fen": 0}),
        ("performance", {"penalties": []}),
        ("reasons", {"matter": "擅自占用道路堆放物料"}),
        ("suspected", {"party": {"kind": "person"}, "matter": "露天焚烧"}),
        ("suspected", {"party": {"kind": "organisation"}, "matter": "露天焚烧"}),
    ]
    kinds = ("fine", "warning", "confiscate_gains", "confiscate_property", "suspend_business")
    for n in range(1, 4):
        for combo in itertools.combinations(kinds, n):
            penalties = [{"kind": k, "amount_fen": 5000, "label": k.upper()} for k in combo]
            values.append(("performance", {"penalties": penalties}))
    for grounds in ([], ["初次违法"], ["初次违法", "主动消除危害后果"]):
        for reduced in (False, True):
            level = {"level": "较轻", "condition": "首次", "low_fen": 20000, "high_fen": 80000}
            values.append(("discretion", {**level, "grounds": grounds, "reduced": reduced}))
    for n in range(len(answers) + 1):
        for heard in (None, "2026-03-20"):
            for days in (None, 5):
                given = {"answers": answers[:n], "heard_on": heard, "statement_days": days}
                values.append(("statement", given))
    shot = {"captured_at": "2026-03-14T01:35:00Z"}
    values += [
        ("inspection_evidence", {"started_at": "2026-03-14T09:30:00+08:00", "code": "JC-1"}),
        ("photo_evidence", {**shot, "sha256": "9f2c1e7a4b3d8c6e"}),
        ("photo_missing", shot),
        ("signature_item", {}),
        ("photo_item", {"note": "堆放物近景", "received": True}),
        ("photo_item", {"note": None, "received": False}),
        ("transfer_summary", {"code": "XS-1", "place": "岩背村", "description": "占用耕地建房"}),
        ("transfer_reason", {"matter": "非法占用耕地"}),
        ("transfer_basis", {}),
        ("transfer_photo", shot),
        ("transfer_clue", {"code": "XS-1"}),
        ("transfer_missing", shot),
    ]
    out = [{"name": n, "values": v, "expected": phrase(n, v)} for n, v in values]
    for proof in (None, "送达回证。"):
        for statement in (None, "当事人放弃陈述"):
            given = {
                "decision": {"doc_number": "壶镇综执罚决〔2026〕7号", "title": "行政处罚决定书",
                             "proof": proof},
                "statement": statement,
                "demand": {"doc_number": "", "proof": proof},
            }  # fmt: skip
            out.append({"name": "court_attachments", "values": given, "items": True,
                        "expected": phrase_items("court_attachments", given)})  # fmt: skip
    return out


def formatter_vectors() -> list[dict]:
    """The formatters on the edges: money in capitals, times in every offset."""
    out = []
    for fen in (
        0,
        1,
        10,
        100,
        1000,
        1001,
        10_00,
        100_05,
        300_050,
        1_000_00,
        1_002_00,
        100_000_200,
        100_002_00,
        1_640_902,
        1_234_567,
        20_000_50,
        10_000_000_00,
        100_000_000_00,
        123_456_789_012,
        99_999_999_999_99,
    ):
        for name in ("yuan", "capitals", "amount"):
            out.append({"formatter": name, "value": fen, "expected": FORMATTERS[name](fen)})
    times = (
        "2026-03-14",
        "2026-03-14T09:05",
        "2026-03-14 09:05:59",
        "2026-03-14T23:30:00Z",
        "2026-03-14T16:00:00+00:00",
        "2026-12-31T20:00:00-05:00",
        "2026-03-14T09:05:00.123456+08:00",
        "2026-02-28T17:59:59Z",
        "2028-02-28T18:00Z",
    )
    for t in times:
        for name in ("date", "time", "stamp"):
            out.append({"formatter": name, "value": t, "expected": FORMATTERS[name](t)})
    for pair in (times[1:3], times[3:5], times[2:4], times[0:2]):
        out.append({"formatter": "span", "value": list(pair), "expected": span_text(*pair)})
    for n in (1, 3, 5, 10, 11, 60):
        out.append({"formatter": "days", "value": n, "expected": FORMATTERS["days"](n)})
    for v in ("文字。", "文字；;，, .、 ", " 中间。文字 "):
        out.append({"formatter": "clause", "value": v, "expected": FORMATTERS["clause"](v)})
    return out


def address_vectors() -> list[dict]:
    """Addresses a party may give for electronic service, each as ``sync.eservice`` judges
    it: the phone refuses the same ones before he signs."""
    from sync.eservice import EMAIL, MOBILE

    mobiles = ["13912345678", "1391234567", "139123456789", "12912345678", "+8613912345678",
               "1391234567８", "13912345678\n", " 13912345678", "19999999999"]  # fmt: skip
    emails = ["zhang@example.cn", "zhang.san+case@town-a.example.gov.cn", "zhang@", "@x.cn",
              "zhang@localhost", "zhang san@example.cn", "张三@example.cn", "a@b.c\n",
              "<a@b.cn>", "a@@b.cn"]  # fmt: skip
    return [
        {"channel": "mobile", "value": v, "expected": MOBILE.fullmatch(v) is not None}
        for v in mobiles
    ] + [
        {"channel": "email", "value": v, "expected": EMAIL.fullmatch(v) is not None} for v in emails
    ]


def vectors() -> dict:
    return {
        "about": "made by tests/vectors/make_vectors.py from sync/; do not edit",
        "workflow": export(),
        "due_days": due_days(),
        "may": may_vectors(),
        "step_effects": step_vectors(),
        "clocks": clock_vectors(),
        "awaits": awaits_vectors(),
        "documents": document_vectors(),
        "document_models": document_model_vectors(),
        "document_formatters": formatter_vectors(),
        "document_phrases": phrase_vectors(),
        "document_data": document_data_vectors(),
        "eservice_addresses": address_vectors(),
        # The characters every text refuses, which the app neutralises on display.
        "bidi_controls": [f"{ord(c):04X}" for c in BIDI_CONTROLS],
    }


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        sys.exit(f"usage: {argv[0]} OUTPUT.json")
    data = vectors()
    Path(argv[1]).write_text(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
    counts = {k: len(v) for k, v in data.items() if isinstance(v, list)}
    print(f"{argv[1]}: {counts}")


if __name__ == "__main__":
    main(sys.argv)
