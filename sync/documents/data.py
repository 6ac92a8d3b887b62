"""A document's data from the records as the phone holds them, for the kinds a phone makes
offline (issue 22: the workflow's ``offline`` documents): one pure function per kind over the
case's fields (the pulled case JSON) and a small ``context`` of what is not on the case:

- ``matter``: the catalogue's matter (``name``, ``legal_basis``, ``penalty_basis``);
- ``officers``: the officers the document names, each ``{name, certificate_no}``, already
  chosen and vouched (art. 42) by the caller: who was there is a rule the server enforces
  (``server.cases.documents._vouched_by``) and the phone checks before offering the kind;
- ``labels``: a penalty kind's Chinese name (the workflow's choice labels);
- ``payment_bank``, ``reconsideration_body``, ``court``: settings and names only the server
  knows, which it sends the phone ahead with its reserved numbers;
- ``place``: where the case is (``place_of`` its clue as pulled: its address, else its
  unit's name);
- ``signing``: the party's signature (the PNG's bytes on the server, a data URL or base64 on
  the phone) or refusal, as ``{party_signature, party_refusal}``;
- for an inspection record (现场检查笔录): ``party``, the case's party; ``photos``, the case's
  photos, each ``{captured_at, note, sha256, author_id}`` (``sha256`` the file held: on the
  server the one it received, else None; on the phone the hash taken at capture); and
  ``signature_sha256``, the SHA-256 of the party's signature PNG when he signed.

The server builds the sealed document's data with these (``server.cases.documents``), the
phone with its copy (``pwa/src/document-data.js``), held equal by the vectors of
``tests/vectors`` (``document_data``): so the paper handed over offline and the sealed PDF
say the same.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sync.documents import phrase

CONFISCATIONS = ("confiscate_gains", "confiscate_property")
OFFLINE_DATA = (
    "correction_order",
    "preservation_notice",
    "summary_decision",
    "inspection_record",
)
# China's time (UTC+8, no summer time): a document states the time people saw.
CHINA = dt.timezone(dt.timedelta(hours=8))
# A photo is an inspection's when one of its officers took it while the inspection ran; a
# phone's clock may be a little off (R9 flags more), so the window is widened by as much.
CAPTURE_SLACK = dt.timedelta(minutes=10)


def party_of(f: Mapping[str, Any]) -> dict[str, Any]:
    """The party's fields that hold something (an empty one prints nothing)."""
    return {k: v for k, v in (f.get("party") or {}).items() if v}


def place_of(clue: Mapping[str, Any]) -> str | None:
    """Where a case is, as a document states it: its clue's address, else the name of the
    clue's unit (the village or community), over the clue as pulled (``unit_name``)."""
    return clue.get("address") or clue.get("unit_name")


def penalty_lines(labels: Mapping[str, str], *penalties: Mapping[str, Any]) -> dict[str, Any]:
    """The penalties a document prints, one line each (art. 9: a decision may carry more
    than one kind, 并处)."""
    printed: dict[str, Any] = {}
    for p in penalties:
        kind, fen = p["kind"], p["amount_fen"]
        if kind == "warning":
            printed["warning"] = True
        elif kind == "fine":
            printed["fine_fen"] = fen
        elif kind in CONFISCATIONS:
            printed["confiscation"] = phrase("confiscation", p)
        else:
            label = labels.get(kind) or kind
            printed["other"] = "；".join(filter(None, (printed.get("other"), label)))
    return printed


def statement_text(f: Mapping[str, Any]) -> str | None:
    """陈述、申辩及采纳情况, as the decision prints it from the case's records: each point the
    party made against the notice the decision follows, the re-check (复核) and whether it
    was adopted (art. 45), or the express waiver (art. 62), or that none came within the
    period the notice named. The law's own list (art. 59) does not name it; the decision
    documents of the departments' procedure rules do (e.g. 《市场监督管理行政处罚程序规定》
    第六十二条), and a 案卷评查 looks for it. Worded in ``sync.documents`` (``statement``)."""
    # On the spot (arts. 44, 45, 51) the party is told and heard the day of the decision.
    notice = f.get("notified_on") or f.get("decided_on")
    answers = [s for s in f.get("statements") or [] if s["notice_on"] == notice]
    heard = f.get("heard_on") if not f.get("hearing_waived") else None
    values = {"answers": answers, "heard_on": heard, "statement_days": f.get("statement_days")}
    # A case notified before the period was kept prints nothing it cannot know.
    return phrase("statement", values) or None


def correction_order(f: Mapping[str, Any], ctx: Mapping[str, Any]) -> dict[str, Any]:
    """责令改正通知书 (行政处罚法 第二十八条)."""
    return {
        "party": party_of(f),
        "facts": f["facts"],
        "legal_basis": ctx["matter"]["legal_basis"],
        "correction": f["correction_requirements"],
        "deadline": f["correct_by"],
        "issued_on": f["correction_ordered_on"],
        "officers": list(ctx["officers"]),
        **ctx["signing"],
    }


# A preserved item is a line, its quantity last: 焚烧工具一套, 秸秆 约20千克, 废旧轮胎 12. A
# number in words needs its measure word (三七粉 is a name); one in digits takes any short unit.
# (Python's \s and \d here are Unicode's: the phone's copy spells the same classes out.)
_MEASURE = "|".join(
    ("千克", "公斤", "立方米", "平方米", *"米吨斤升个件套台辆袋桶箱包张把块根条只瓶盒批堆捆部份")
)
_ITEM = re.compile(
    r"(?P<name>.*?[^\s\d.])[\s，,、：:×*]*"
    rf"(?P<quantity>约?(?:\d+(?:\.\d+)?[^\s\d]{{0,3}}|[一二两三四五六七八九十百千万]+(?:{_MEASURE})))"
)


def preserved_items(text: str) -> list[dict[str, Any]]:
    """The items of a preservation, one a line; a line without a quantity keeps its name
    alone, and the notice names it (``items[i].quantity``) rather than guess."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [m.groupdict() if (m := _ITEM.fullmatch(line)) else {"name": line} for line in lines]


def preservation_notice(f: Mapping[str, Any], ctx: Mapping[str, Any]) -> dict[str, Any]:
    """证据先行登记保存通知书 (行政处罚法 第五十六条: 在证据可能灭失或者以后难以取得的情况
    下，经行政机关负责人批准，可以先行登记保存), handed to the party on the spot: the items
    as the preservation step recorded them, where they are kept, that the head approved
    (``approved``, attested in print), and the officers of the last inspection by that day."""
    party = party_of(f)
    return {
        "party": party,
        "reason": phrase("suspected", {"party": party, "matter": ctx["matter"]["name"]}),
        "items": preserved_items(f["preserved_items"]),
        "storage_place": f.get("preservation_place"),
        "approved": f.get("preservation_approved"),
        "officers": list(ctx["officers"]),
        "issued_on": f["preserved_on"],
        **ctx["signing"],
    }


def summary_decision(f: Mapping[str, Any], ctx: Mapping[str, Any]) -> dict[str, Any]:
    """当场行政处罚决定书 (行政处罚法 第五十二条: 载明当事人的违法行为，行政处罚的种类和
    依据、罚款数额、时间、地点，申请行政复议、提起行政诉讼的途径和期限以及行政机关名称，
    并由执法人员签名或者盖章), handed over on the spot."""
    matter = ctx["matter"]
    return {
        "party": party_of(f),
        "violation": f["facts"],
        "legal_basis": matter.get("penalty_basis") or matter["legal_basis"],  # 处罚依据
        "penalty": penalty_lines(
            ctx["labels"], f["penalty"], *(f.get("additional_penalties") or [])
        ),
        # Where a fine is paid (art. 67); it is printed on the spot like the rest.
        "payment": {"bank": ctx["payment_bank"]},
        "decided_at": f["decided_on"],
        "statement": statement_text(f),
        "place": ctx["place"],
        "officers": list(ctx["officers"]),
        "certificates_shown": f.get("certificate_shown") is True,
        "reconsideration_body": ctx["reconsideration_body"],
        "court": ctx["court"],
        **ctx["signing"],
    }


def instant(iso: str) -> dt.datetime:
    """An ISO 8601 time with its offset (``Z`` too), as an aware datetime."""
    return dt.datetime.fromisoformat(iso)


def china_iso(iso: str) -> str:
    """An instant as China's ISO time (``2026-03-14T09:35:00+08:00``; a fraction of a second
    in six digits when there is one): how a document's evidence line carries it."""
    return instant(iso).astimezone(CHINA).isoformat()


def china_minute(iso: str) -> str:
    """An instant to the minute in China's time (``2026-03-14 09:30``)."""
    return instant(iso).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def inspection_evidence(f: Mapping[str, Any], ctx: Mapping[str, Any]) -> list[dict[str, Any]]:
    """现场照片及其他证据 of one inspection record, in capture order: the photos its officers
    took during it (widened by ``CAPTURE_SLACK``), each by its note (one whose file the server
    has not received says so, with no hash), and the party's signature by its hash. The
    phone holds the same photos with the hashes it took at capture, so once they reach the
    server the sealed record lists what the paper did."""
    start = instant(f["started_at"]) - CAPTURE_SLACK
    end = instant(f["ended_at"]) + CAPTURE_SLACK
    signature = ctx.get("signature_sha256")
    items = []
    for p in sorted(ctx.get("photos") or [], key=lambda p: instant(p["captured_at"])):
        at, sha = china_iso(p["captured_at"]), p.get("sha256")
        if signature and sha == signature:
            items.append({"label": phrase("signature_item", {}), "captured_at": at, "sha256": sha})
        elif p.get("author_id") in f["officers"] and start <= instant(p["captured_at"]) <= end:
            label = phrase("photo_item", {"note": p.get("note"), "received": sha is not None})
            # None, not "": a hash of a file nobody received is not printed (nor checked).
            items.append({"label": label, "captured_at": at, "sha256": sha})
    return items


def inspection_record(f: Mapping[str, Any], ctx: Mapping[str, Any]) -> dict[str, Any]:
    """现场检查（勘验）笔录 (行政处罚法 第四十二条、第五十五条): when and where, the officers
    (vouched: art. 42), the certificates shown, what was found, the evidence secured and
    the party's signature or refusal; ``f`` the inspection's fields as pulled."""
    return {
        "started_at": china_minute(f["started_at"]),
        "ended_at": china_minute(f["ended_at"]),
        "place": f["place"],
        "party": party_of({"party": ctx["party"]}),
        "officers": list(ctx["officers"]),
        "findings": f["findings"],
        "certificates_shown": f["certificates_shown"],
        "evidence": inspection_evidence(f, ctx),
        **ctx["signing"],
    }


BUILDERS = {
    "correction_order": correction_order,
    "preservation_notice": preservation_notice,
    "summary_decision": summary_decision,
    "inspection_record": inspection_record,
}


def document_data(kind: str, f: Mapping[str, Any], ctx: Mapping[str, Any]) -> dict[str, Any]:
    """The data of ``kind`` (one of ``OFFLINE_DATA``) from the case's fields and context."""
    return BUILDERS[kind](f, ctx)
