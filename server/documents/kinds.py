"""The enforcement documents (执法文书): what each needs of its data and the articles it rests
on (its wording is declared in ``sync.documents``), and the check of the plain ``data`` a
document is rendered from.

A required field is a path into ``data``: ``party.name`` (nested), ``officers[].name``
(every element of a list), ``party_signature|party_refusal`` (one of them). A field is
missing when it is absent, ``None``, blank or an empty list or mapping; ``False`` is a value.
``attested`` fields state that a legal step was taken (the certificate was shown, the head
of the agency approved) and must be ``True``: the document says so in print.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PIL import Image

from sync.documents import SPEC
from sync.documents.formats import check_fen as _check_fen
from sync.documents.formats import when

COMMON = ("agency", "doc_number", "act_code", "generated_at")
PARTY = ("party.kind", "party.name", "party.address")
OFFICERS = ("officers", "officers[].name", "officers[].certificate_no")
APPEAL = ("reconsideration_body", "court")
SIGNED = ("party_signature|party_refusal",)
# A document a phone makes offline: or the party signed the printed paper by hand (its box
# left blank for ink, the paper handed over being the one signed).
SIGNED_OR_BY_HAND = ("party_signature|party_refusal|party_signs_paper",)
# Each kind's title is declared with its wording, once (sync.documents.declarations).
TITLE = {kind: declared["title"] for kind, declared in SPEC["kinds"].items()}


@dataclass(frozen=True)
class DocumentKind:
    """One kind of enforcement document: its title, the 文书代字 its numbers carry (当罚 in
    壶镇综执当罚〔2026〕12号), the fields it needs, and the articles it rests on."""

    kind: str
    title: str
    prefix: str
    required: tuple[str, ...]
    attested: tuple[str, ...] = ()
    min_officers: int = 0
    law: str = ""

    @property
    def sealed(self) -> bool:
        """Issued under the agency's seal (the closing names the agency, the seal goes
        beside it); a record the officers and the party sign (笔录) carries none. Declared
        with the document's wording (``sync.documents.declarations``)."""
        return SPEC["kinds"][self.kind]["sealed"]


DOCUMENTS: dict[str, DocumentKind] = {
    d.kind: d
    for d in (
        DocumentKind(
            "inspection_record",
            TITLE["inspection_record"],
            "检",
            (
                *COMMON,
                "started_at",
                "ended_at",
                "place",
                *PARTY,
                "party.id_number",
                "party.phone",
                *OFFICERS,
                "findings",
                *SIGNED,
            ),
            attested=("certificates_shown",),
            min_officers=2,
            law="行政处罚法 第四十二条（执法人员不少于两人）、第五十五条（出示执法证件、制作笔录）",
        ),
        DocumentKind(
            "payment_demand",
            TITLE["payment_demand"],
            "催告",
            (*COMMON, *PARTY, "decided_on", "owed_fen", "payment", "issued_on"),
            law="行政强制法 第三十五条（催告的内容）、第五十四条（申请人民法院强制执行前催告）",
        ),
        DocumentKind(
            "enforcement_application",
            TITLE["enforcement_application"],
            "强执",
            (
                *COMMON,
                "court",
                "head.name",
                *PARTY,
                "decision.doc_number",
                "decision.decided_on",
                "decision.served_on",
                "penalty",
                "facts",
                "reasons",
                "violated",
                "penalty_basis",
                "demand.served_on",
                "demand.method",
                "demand.proof",
                "owed.parts",
                "owed.parts[].amount_fen",
                "owed.owed_fen",
                "attachments",
                "issued_on",
            ),
            law=(
                "行政强制法 第五十三条、第五十四条（申请的期限、催告在先）、"
                "第五十五条（申请书及材料，负责人签名、机关印章、日期）"
            ),
        ),
        DocumentKind(
            "correction_order",
            TITLE["correction_order"],
            "责改",
            (*COMMON, *PARTY, "facts", "legal_basis", "correction", "deadline", "issued_on"),
            law="行政处罚法 第二十八条（责令改正或者限期改正违法行为）",
        ),
        DocumentKind(
            "preservation_notice",
            TITLE["preservation_notice"],
            "登存",
            (
                *COMMON,
                *PARTY,
                "reason",
                "items",
                "items[].name",
                "items[].quantity",
                "storage_place",
                *OFFICERS,
                "issued_on",
            ),
            attested=("approved",),
            min_officers=2,
            law="行政处罚法 第五十六条（经负责人批准先行登记保存，七日内及时作出处理决定）",
        ),
        DocumentKind(
            "prior_notice",
            TITLE["prior_notice"],
            "罚告",
            (
                *COMMON,
                *PARTY,
                "facts",
                "reasons",
                "legal_basis",
                "penalty",
                "hearing_eligible",
                "issued_on",
            ),
            law="行政处罚法 第四十四条、第四十五条（陈述、申辩）、第六十三条、第六十四条（听证）",
        ),
        DocumentKind(
            "summary_decision",
            TITLE["summary_decision"],
            "当罚",
            (
                *COMMON,
                "party.kind",
                "party.name",
                "party.id_number",
                "violation",
                "legal_basis",
                "penalty",
                "decided_at",
                "place",
                *OFFICERS,
                *APPEAL,
                *SIGNED_OR_BY_HAND,
            ),
            attested=("certificates_shown",),
            min_officers=1,
            law="行政处罚法 第五十一条、第五十二条（简易程序）",
        ),
        DocumentKind(
            "penalty_decision",
            TITLE["penalty_decision"],
            "罚决",
            (
                *COMMON,
                *PARTY,
                "party.id_number",
                "facts",
                "evidence",
                "violated",
                "penalty_basis",
                "penalty",
                *APPEAL,
                "decided_on",
            ),
            law="行政处罚法 第五十九条（决定书应当载明的事项）",
        ),
        DocumentKind(
            "transfer_letter",
            TITLE["transfer_letter"],
            "移",
            (
                *COMMON,
                "receiver",
                "case_summary",
                "reason",
                "attachments",
                "attachments[].name",
                "attachments[].sha256",
                "issued_on",
            ),
            law="行政处罚法 第二十四条（乡镇街道行使处罚权）、第二十七条（涉嫌犯罪的移送）",
        ),
    )
}


def signs_by_hand(kind: str) -> bool:
    """Whether the party may sign ``kind``'s printed paper by hand (``party_signs_paper``):
    not a record whose rule is his signature or the note of his refusal (``SIGNED``: the
    inspection record, 行政处罚法 第五十五条), the one such kind made offline."""
    d = DOCUMENTS.get(kind)
    return d is not None and SIGNED[0] not in d.required


TIMES = (
    "generated_at",
    "started_at",
    "ended_at",
    "deadline",
    "issued_on",
    "decided_at",
    "decided_on",
)
PERIODS = ("objection_days", "statement_days")  # optional: days given to object or answer
SIGNATURES = ("party_signature", "party_refusal.witness_signature", "officers[].signature")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGNATURE_MAX_PIXELS = 4_000_000
SHA256 = re.compile(r"[0-9a-f]{64}")
# 行政处罚法 第五十一条: on the spot, at most 200 yuan for a citizen, 3,000 for an organisation.
SUMMARY_LIMIT_FEN = {"person": 200_00, "organisation": 3_000_00}
# A transfer leaves in the township's own name (乡镇人民政府 / 街道办事处), never a unit's.
TOWNSHIP_NAME = re.compile(r".+(人民政府|街道办事处)$")


class DocumentDataError(ValueError):
    """``data`` cannot make this document. ``fields`` maps each offending path to what is
    wrong with it, for the API's ``{"error": ..., "fields": {...}}`` answer."""

    def __init__(self, kind: str, fields: dict[str, str]):
        self.kind, self.fields = kind, fields
        missing = [path for path, why in fields.items() if why == "missing"]
        other = [f"{path}: {why}" for path, why in fields.items() if why != "missing"]
        parts = ([f"missing required fields: {', '.join(missing)}"] if missing else []) + other
        title = DOCUMENTS[kind].title if kind in DOCUMENTS else kind
        super().__init__(f"{kind} ({title}): " + "; ".join(parts))


def _absent(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | Mapping):
        return len(value) == 0
    return False


def lookup(data: Any, path: str) -> list[tuple[str, Any]]:
    """Every (concrete path, value) ``path`` names in ``data``; ``None`` where absent."""
    found = [("", data)]
    for part in path.split("."):
        many = part.endswith("[]")
        key = part.removesuffix("[]")
        step = []
        for where, node in found:
            value = node.get(key) if isinstance(node, Mapping) else None
            here = f"{where}.{key}" if where else key
            if many:
                items = value if isinstance(value, list | tuple) else []
                step += [(f"{here}[{i}]", item) for i, item in enumerate(items)]
            else:
                step.append((here, value))
        found = step
    return found


def check(kind: str, data: Mapping[str, Any]) -> DocumentKind:
    """The kind, if ``data`` can make it; ``DocumentDataError`` naming every bad field if not."""
    if kind not in DOCUMENTS:
        raise ValueError(f"unknown document kind {kind!r}; known: {', '.join(DOCUMENTS)}")
    if not isinstance(data, Mapping):
        raise TypeError("data is a mapping of field names to values")
    doc = DOCUMENTS[kind]
    problems: dict[str, str] = {}
    for required in doc.required:
        options = [(o, lookup(data, o)) for o in required.split("|")]
        if len(options) == 1:
            problems.update({p: "missing" for p, v in options[0][1] if _absent(v)})
        elif not any(found and not any(_absent(v) for _, v in found) for _, found in options):
            problems[" or ".join(o for o, _ in options)] = "missing"
    for path in doc.attested:
        if data.get(path) is not True:
            problems[path] = "missing" if data.get(path) is None else "must be true"
    problems.update(_values(doc, data, problems))
    if problems:
        raise DocumentDataError(kind, problems)
    return doc


def _values(doc: DocumentKind, data: Mapping[str, Any], known: dict[str, str]) -> dict[str, str]:
    """What is present but wrong."""
    bad: dict[str, str] = {}
    number = data.get("doc_number")
    pattern = rf".+{re.escape(doc.prefix)}〔\d{{4}}〕\d+号"
    if isinstance(number, str) and number.strip() and not re.fullmatch(pattern, number.strip()):
        bad["doc_number"] = f"a {doc.title} is numbered like X镇综执{doc.prefix}〔2026〕12号"
    for field in ("act_code", "agency"):
        if field not in known and not isinstance(data.get(field), str):
            bad[field] = "must be text"
    for path in TIMES:
        value = data.get(path)
        if not _absent(value):
            try:
                when(value)
            except (ValueError, TypeError):
                bad[path] = "not a date or time (ISO 8601)"
    start, end = data.get("started_at"), data.get("ended_at")
    if start and end and not {"started_at", "ended_at"} & set(bad) and _before(end, start):
        bad["ended_at"] = "ends before it starts"
    party = data.get("party")
    if isinstance(party, Mapping) and party.get("kind") not in (None, "person", "organisation"):
        bad["party.kind"] = "person or organisation"
    officers = data.get("officers")
    if isinstance(officers, list) and officers and len(officers) < doc.min_officers:
        bad["officers"] = f"at least {doc.min_officers} certified officers (行政处罚法 第四十二条)"
    for path in SIGNATURES:
        for where, value in lookup(data, path):
            if value is not None and not _png(value):
                bad[where] = (
                    f"a signature is a whole PNG image of at most {SIGNATURE_MAX_PIXELS} pixels"
                )
    for key in PERIODS:
        value = data.get(key)
        if value is not None and not (isinstance(value, int) and 1 <= value <= 60):
            bad[key] = "a whole number of days, 1 to 60"
    if "hearing_eligible" in data and not isinstance(data["hearing_eligible"], bool):
        bad["hearing_eligible"] = "true or false"
    for where, item in lookup(data, "evidence[]"):
        label = item.get("label") if isinstance(item, Mapping) else item
        if _absent(label) or not isinstance(label, str):
            bad[where] = "a description, or a mapping with label (captured_at, sha256)"
    if "penalty" in data and not _absent(data.get("penalty")):
        bad.update(_penalty(doc, data))
    for where, value in lookup(data, "attachments[].sha256") + lookup(data, "evidence[].sha256"):
        if value is not None and not (isinstance(value, str) and SHA256.fullmatch(value)):
            bad[where] = "64 lowercase hexadecimal digits"
    if doc.kind == "enforcement_application" and "owed.owed_fen" not in known:
        bad.update(_owed(data["owed"]))
    agency = data.get("agency")
    township = TOWNSHIP_NAME.fullmatch(str(agency or "").strip())
    if doc.kind == "transfer_letter" and "agency" not in known and not township:
        bad["agency"] = (
            "a case is transferred in the township's own name (…人民政府 or …街道办事处), "
            "not an internal unit's"
        )
    return bad


def _owed(owed: Any) -> dict[str, str]:
    """The object of an application to the court (行政强制法 第五十五条（四）): whole fen, each
    part with its surcharge (行政处罚法 第七十二条), adding up to the sum asked for, which is
    more than nothing (a paid fine is not taken to court)."""
    if not isinstance(owed, Mapping) or not isinstance(owed.get("parts"), list):
        return {"owed": "a mapping: parts, owed_fen"}
    total = 0
    for i, part in enumerate(owed["parts"]):
        for key in ("amount_fen", "surcharge_fen"):
            try:
                total += _check_fen(part.get(key, 0) if isinstance(part, Mapping) else None)
            except (TypeError, ValueError) as e:
                return {f"owed.parts[{i}].{key}": str(e)}
    if owed.get("owed_fen") != total:
        return {"owed.owed_fen": f"must be the sum of the parts and their surcharges ({total})"}
    if total <= 0:
        return {"owed.owed_fen": "nothing is owed: a paid fine is not taken to the court"}
    return {}


def _png(value: Any) -> bool:
    """Whole PNG bytes of a sensible size (a signature from the pad, not a bomb)."""
    if not isinstance(value, bytes | bytearray) or bytes(value[:8]) != PNG_MAGIC:
        return False
    try:
        with Image.open(io.BytesIO(value), formats=["PNG"]) as image:
            if image.width * image.height > SIGNATURE_MAX_PIXELS:
                return False
            image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False
    return True


def _before(a: Any, b: Any) -> bool:
    x, y = when(a), when(b)
    if isinstance(x, dt.datetime) != isinstance(y, dt.datetime):
        x, y = (v.date() if isinstance(v, dt.datetime) else v for v in (x, y))
    elif isinstance(x, dt.datetime) and (x.tzinfo is None) != (y.tzinfo is None):
        x, y = x.replace(tzinfo=None), y.replace(tzinfo=None)
    return x < y


def _penalty(doc: DocumentKind, data: Mapping[str, Any]) -> dict[str, str]:
    penalty = data["penalty"]
    if not isinstance(penalty, Mapping):
        return {"penalty": "a mapping: warning, fine_fen, confiscation, other"}
    bad: dict[str, str] = {}
    fine = penalty.get("fine_fen")
    if fine is not None:
        try:
            _check_fen(fine)
        except (TypeError, ValueError) as e:
            bad["penalty.fine_fen"] = str(e)
    named = penalty.get("warning") is True or fine or penalty.get("confiscation")
    if not (named or penalty.get("other")):
        bad["penalty"] = "names no penalty (warning, fine_fen, confiscation or other)"
    if doc.kind == "summary_decision" and not bad:
        if penalty.get("confiscation") or penalty.get("other"):
            bad["penalty"] = "the summary procedure gives only a warning or a fine (第五十一条)"
        party_kind = (data.get("party") or {}).get("kind")
        limit = SUMMARY_LIMIT_FEN.get(party_kind)
        if fine and limit is not None and fine > limit:
            bad["penalty.fine_fen"] = (
                f"on the spot a fine is at most {limit // 100} yuan for this party "
                "(行政处罚法 第五十一条): use the general procedure"
            )
    # 第五十九条（四）: how and by when a penalty other than a fine is carried out.
    beyond_fine = penalty.get("confiscation") or penalty.get("other")
    if doc.kind == "penalty_decision" and beyond_fine and _absent(data.get("performance")):
        bad["performance"] = "missing"
    if fine and doc.kind in ("summary_decision", "penalty_decision"):
        payment = data.get("payment")
        if not isinstance(payment, Mapping) or _absent(payment.get("bank")):
            bad["payment.bank"] = "missing"
    return bad
