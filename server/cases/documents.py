"""Issuing a document (执法文书) from a case, an inspection record or a clue: its number
(文号) and act code, the PDF rendered from the record's data (``server.documents``), the
exact bytes kept in the media store, and a ``document.issued`` audit entry holding their
SHA-256. A document is issued once: asking again gives the one already issued, with its
number, so a decision never has two numbers.

What a document says comes from the records (the case, its matter in the catalogue, the
township, the officers' certificates, the evidence held); the request only adds what a
person gave on paper: the party's signature (a PNG the phone captured, held as evidence on
the clue, named by its SHA-256), the note that the party refused to sign, or (a copy made
offline) that the party signed the printed paper by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

import sqlalchemy as sa
from flask import current_app

from server.accounts import signing
from server.accounts.models import User
from server.audit import chain as audit
from server.cases.models import Case, DocumentReservation, Inspection, IssuedDocument
from server.clues.models import Clue
from server.core.api import DomainError
from server.core.db import db, next_counter, utcnow
from server.documents import DOCUMENTS, DocumentDataError, rendered, seal
from server.evidence import service as evidence_service
from server.evidence.models import Evidence
from server.evidence.storage import original_key
from server.sync_api.records import clue_state, inspection_fields
from server.units.models import AdminUnit, UnitLevel
from sync import legal
from sync.cases import (
    CHINA,
    on_spot_presence_art_42,
    owed_fen,
    owed_on_art_72,
    presence_art_42,
    today,
)
from sync.documents import data as offline_data
from sync.documents import phrase, phrase_items
from sync.documents.data import penalty_lines, statement_text
from sync.workflow.vocabulary import CHOICE_LABELS

# The act code's two letters for each document (sync.legal.ACT_KINDS).
ACT_KIND = {
    "inspection_record": "JC",
    "correction_order": "ZG",
    "preservation_notice": "DB",
    "prior_notice": "GZ",
    "summary_decision": "CF",
    "penalty_decision": "CF",
    "transfer_letter": "YS",
    "payment_demand": "CG",
    "enforcement_application": "QZ",
}
PUBLIC = ("penalty_decision", "summary_decision")  # art. 48: decisions made public
ZH_LABELS = {kind: label["zh-CN"] for kind, label in CHOICE_LABELS.items()}


def document_key(doc_id: uuid.UUID, public: bool = False) -> str:
    return f"documents/{doc_id}{'-public' if public else ''}.pdf"


def _ancestor(unit: AdminUnit, level: UnitLevel) -> AdminUnit:
    code = unit.ancestor_at(level)
    return db.session.execute(sa.select(AdminUnit).where(AdminUnit.code == code)).scalar_one()


def agency(township: AdminUnit) -> str:
    """Documents are issued in the township's name (乡镇人民政府 / 街道办事处), never a unit's
    (行政处罚法 第二十四条)."""
    name = township.name
    return name if name.endswith(("人民政府", "街道办事处")) else f"{name}人民政府"


def _officer(user_id: int) -> dict[str, Any]:
    user = db.session.get(User, user_id)
    # user_id: whose key signs his box when he gives his passphrase (server.accounts.signing)
    return {"name": user.display_name, "certificate_no": user.certificate_no, "user_id": user_id}


def _penalty(penalty: dict[str, Any], *more: dict[str, Any]) -> dict[str, Any]:
    """The penalties a document prints, one line each (``sync.documents.data``)."""
    return penalty_lines(ZH_LABELS, penalty, *more)


def _performance(*penalties: dict[str, Any]) -> str | None:
    """第五十九条（四）: how a penalty other than a fine is carried out, one sentence each
    (worded in ``sync.documents``: ``performance``)."""
    named = [{**p, "label": CHOICE_LABELS.get(p["kind"], {}).get("zh-CN")} for p in penalties]
    return phrase("performance", {"penalties": named}) or None


def _photos(clue_id: uuid.UUID) -> tuple[list[tuple[Evidence, str]], list[Evidence]]:
    """The clue's included photos the server holds and has verified, each with the SHA-256
    of the best file held (the original, else the compressed copy); and those whose file
    never arrived. A document lists only the first: a hash of bytes nobody received would
    invite the reader to check a file that does not exist."""
    held, missing = [], []
    for e in db.session.execute(
        sa.select(Evidence)
        .where(Evidence.clue_id == clue_id, Evidence.status == "included")
        .order_by(Evidence.captured_at)
    ).scalars():
        if e.original_at is not None:
            held.append((e, e.original_sha256))
        elif e.copy_at is not None:
            held.append((e, e.copy_sha256))
        else:
            missing.append(e)
    return held, missing


def _evidence(clue_id: uuid.UUID, case_id: uuid.UUID | None = None) -> dict[str, Any]:
    """What the record holds as proof: each inspection record by its act code, each photo
    held by its capture time and SHA-256; and the photos still missing, named."""
    items = []
    if case_id is not None:
        for code, started in db.session.execute(
            sa.select(Inspection.code, Inspection.started_at)
            .where(Inspection.case_id == case_id)
            .order_by(Inspection.started_at)
        ):
            values = {"started_at": started.astimezone(CHINA), "code": code}
            items.append({"label": phrase("inspection_evidence", values)})
    held, missing = _photos(clue_id)
    items += [
        {"label": phrase("photo_evidence", {"captured_at": _at(e), "sha256": sha[:16]})}
        for e, sha in held
    ]
    return {
        "evidence": items,
        "evidence_missing": [phrase("photo_missing", {"captured_at": _at(e)}) for e in missing],
    }


def inspection_photos(clue_id: uuid.UUID) -> list[dict[str, Any]]:
    """The case's photos as ``sync.documents.data.inspection_record`` takes them: each
    with its capture time, note, author and the SHA-256 of the file held (None for one not
    yet received), the held first."""
    held, missing = _photos(clue_id)
    return [
        {"captured_at": _at(e), "note": e.note, "sha256": sha, "author_id": e.author_id}
        for e, sha in [*held, *((e, None) for e in missing)]
    ]


def _at(e: Evidence) -> str:
    return e.captured_at.astimezone(CHINA).isoformat()


def _vouched_by(named: list[int], awaiting: list[int], field: str) -> list[dict[str, Any]]:
    """The officers of an on-site act, each with his name and certificate, once every one has
    vouched for it (art. 42, ``sync.cases.vouched_art_42``: who made it by making it, the
    others by confirming). Until then no document prints it as made by two: a document is
    issued once (its number stands), so one printed with a name not yet confirmed would
    stand too. Refused, naming who it awaits."""
    if awaiting:
        names = "、".join(db.session.get(User, o).display_name for o in awaiting)
        why = f"待第二执法人员确认：{names}（行政处罚法第四十二条）"
        raise DomainError(
            f"{field}: {why}", code="awaiting_confirmation", status=409, fields={field: [why]}
        )
    return [_officer(o) for o in named]


def _vouched(i: Inspection) -> list[dict[str, Any]]:
    return _vouched_by(i.officers, presence_art_42(inspection_fields(i))[1], "inspection_id")


def _officers_on(case_id: uuid.UUID, day: str) -> list[dict[str, Any]]:
    """The officers of the case's last inspection record made by ``day``: who was there."""
    last = db.session.execute(
        sa.select(Inspection).where(Inspection.case_id == case_id)
        .order_by(Inspection.started_at.desc())
    ).scalars()  # fmt: skip
    for i in last:
        if i.started_at.astimezone(CHINA).date().isoformat() <= day:
            return _vouched(i)
    return []


def _signature(clue_id: uuid.UUID, sha256: str | None) -> bytes | None:
    if sha256 is None:
        return None
    held = db.session.execute(
        sa.select(Evidence.id).where(
            Evidence.clue_id == clue_id,
            Evidence.original_sha256 == sha256,
            Evidence.original_media_type == "image/png",
            Evidence.original_at.is_not(None),
        )
    ).first()
    if held is None:
        raise DomainError(
            "party_signature: no PNG with this SHA-256 is held on this record",
            code="invalid",
            status=422,
            fields={"party_signature": ["no PNG with this SHA-256 is held on this record"]},
        )
    return evidence_service.store().read(original_key(sha256))


def _discretion(level: dict | None) -> str | None:
    """The level of the published standard the fine was set by (art. 34), as the decision
    gives it for its reasons, with the grounds recorded on the case that lightened or
    aggravated it (arts. 31, 32, 49) and, below the level's range, that it was lightened
    (减轻处罚); worded in ``sync.documents`` (``discretion``)."""
    if not level:
        return None
    low, high = level["fine_fen"]
    grounds = [CHOICE_LABELS[g]["zh-CN"] for g in level.get("circumstances") or []]
    values = {"low_fen": low, "high_fen": high, "grounds": grounds}
    return phrase("discretion", {**level, **values})


def _common(township, act_code, number, now) -> dict[str, Any]:
    return {
        "agency": agency(township),
        "doc_number": number,
        "act_code": act_code,
        "generated_at": now.astimezone(CHINA).strftime("%Y-%m-%d %H:%M"),
    }


def _issued(case: Case, *kinds: str) -> IssuedDocument | None:
    """The case's document of one of ``kinds`` already issued, if any."""
    return (
        db.session.execute(
            sa.select(IssuedDocument).where(
                IssuedDocument.case_id == case.id, IssuedDocument.kind.in_(kinds)
            )
        )
        .scalars()
        .first()
    )


def _method(code: str | None) -> str | None:
    return CHOICE_LABELS[code]["zh-CN"] if code in CHOICE_LABELS else code


def enforcement_application(case: Case, appeal: dict, party: dict, head: User) -> dict:
    """强制执行申请书 (行政强制法 第五十五条), from the records: the decision as issued (its
    number and act code: the court is given the 行政处罚决定书 itself, so one never issued on
    the platform leaves the application incomplete, naming it), its service, its facts,
    reasons and basis, the party's statements, the demand and its proof, and what is owed on
    the day the application bears (the day recorded by ``apply_enforcement``, else today):
    the fine unpaid and its surcharge (行政处罚法 第七十二条: ``owed_on_art_72``). Signed by
    ``head``, the agency's head who issues it."""
    f = case.data
    matter = case.matter
    day = f.get("enforcement_applied_on") or today(utcnow()).isoformat()
    owed = owed_on_art_72(f, dt.date.fromisoformat(day))
    if owed["owed_fen"] <= 0:
        why = "nothing is owed on the case: a paid fine is not taken to the court"
        raise DomainError(f"kind: {why}", code="nothing_owed", status=409, fields={"kind": [why]})
    decision = _issued(case, "penalty_decision", "summary_decision")
    demand = _issued(case, "payment_demand")
    title = DOCUMENTS[decision.kind if decision else "penalty_decision"].title
    attachments = phrase_items(
        "court_attachments",
        {
            "decision": {
                "doc_number": decision.doc_number if decision else "",
                "title": title,
                "proof": f.get("service_proof"),
            },
            "statement": statement_text(f),
            "demand": {
                "doc_number": demand.doc_number if demand else "",
                "proof": f.get("demand_proof"),
            },
        },
    )
    return {
        "court": f.get("enforcement_court") or appeal["court"],
        "head": {"name": head.display_name},
        "party": party,
        "decision": {
            "doc_number": decision.doc_number if decision else None,
            "act_code": decision.act_code if decision else None,
            "title": title,
            "decided_on": f["decided_on"],
            "served_on": f.get("served_on"),
            "service_method": _method(f.get("service_method")),
            "service_proof": f.get("service_proof"),
        },
        "penalty": _penalty(f["penalty"], *(f.get("additional_penalties") or [])),
        "facts": f["facts"],
        "reasons": phrase("reasons", {"matter": matter.name}),
        "violated": matter.legal_basis,
        "penalty_basis": matter.penalty_basis or matter.legal_basis,
        "statement": statement_text(f),
        "payment_due": f.get("payment_due"),
        "demand": {
            "served_on": f["demand_served_on"],
            "method": _method(f.get("demand_method")),
            "proof": f.get("demand_proof"),
            "doc_number": demand.doc_number if demand else None,
        },
        "owed": owed,
        # 第五十三条: the head's check that no review or suit was sought, and its day.
        "no_remedy_checked_on": f.get("no_remedy_confirmed_on"),
        "attachments": attachments,
        "issued_on": day,
    }


def settings_for_phone(unit: AdminUnit) -> dict[str, str]:
    """What a document made offline prints that only the server knows: where a fine is paid
    (a setting) and the bodies of appeal (the county's government and court). Sent to the
    phone with its reserved numbers (``server.cases.offline``)."""
    county = _ancestor(unit, UnitLevel.COUNTY)
    return {
        "payment_bank": current_app.config["FINE_PAYMENT"],
        "reconsideration_body": f"{county.name}人民政府",
        "court": f"{county.name}人民法院",
    }


def offline_context(case: Case, officers: list[dict], signing: dict) -> dict[str, Any]:
    """The context ``sync.documents.data`` takes besides the case's fields, as the server
    knows it; the phone builds the same from what it holds and was sent."""
    matter = case.matter
    return {
        "matter": {
            "name": matter.name,
            "legal_basis": matter.legal_basis,
            "penalty_basis": matter.penalty_basis,
        },
        "officers": officers,
        "labels": ZH_LABELS,
        "place": offline_data.place_of(
            {"address": case.clue.address, "unit_name": case.clue.unit.name}
        ),
        "signing": signing,
        **settings_for_phone(case.unit),
    }


def case_data(
    kind: str, case: Case, inspection: Inspection | None, signed: dict, issuer: User | None = None
) -> dict:
    """The plain data ``server.documents.render`` takes, from the records; ``issuer``, who
    issues it (the head who signs an application to the court)."""
    f = case.data
    matter = case.matter
    county = _ancestor(case.unit, UnitLevel.COUNTY)
    party = {k: v for k, v in f["party"].items() if v}
    appeal = {"reconsideration_body": f"{county.name}人民政府", "court": f"{county.name}人民法院"}
    signature = _signature(case.clue_id, signed.get("party_signature"))
    # The party signed, or refused: on the inspection record itself, or as the request says.
    refusal = inspection.party_refusal if inspection else None
    refusal = refusal or signed.get("party_refusal")
    # Or signed the printed paper by hand (a copy made offline): not a refusal, and nothing
    # to draw; the box is left blank for ink, as on the paper handed over.
    by_hand = signed.get("party_signs_paper") is True and not signature and not refusal
    signing = {
        "party_signature": signature,
        "party_refusal": {"reason": refusal} if refusal and not signature else None,
        "party_signs_paper": True if by_hand else None,
    }
    if kind == "inspection_record":
        # One pure builder, which the phone copies: the paper printed offline says the same.
        ctx = {
            "party": f["party"],
            "officers": _vouched(inspection),
            "photos": inspection_photos(case.clue_id),
            "signature_sha256": signed["party_signature"] if signature else None,
            "signing": signing,
        }
        return offline_data.inspection_record(inspection_fields(inspection), ctx)
    if kind == "enforcement_application":
        return enforcement_application(case, appeal, party, issuer)
    if kind == "payment_demand":
        return {
            "party": party,
            "decided_on": f["decided_on"],
            "owed_fen": owed_fen(f)[0],
            "payment": {"bank": current_app.config["FINE_PAYMENT"]},
            "issued_on": f["demand_served_on"],
            **signing,
        }
    if kind == "correction_order":
        officers = _officers_on(case.id, f["correction_ordered_on"])
        return offline_data.correction_order(f, offline_context(case, officers, signing))
    if kind == "preservation_notice":
        officers = _officers_on(case.id, f["preserved_on"])
        return offline_data.preservation_notice(f, offline_context(case, officers, signing))
    if kind == "prior_notice":
        return {
            "party": party,
            "facts": f["facts"],
            **_evidence(case.clue_id, case.id),
            "reasons": phrase("reasons", {"matter": matter.name}),
            # 依据…拟作出如下行政处罚: the provision that sets the penalty.
            "legal_basis": matter.penalty_basis or matter.legal_basis,
            "penalty": _penalty(f["proposed_penalty"], *(f.get("proposed_additional") or [])),
            "hearing_eligible": bool(f.get("hearing_grounds")),
            "issued_on": f["notified_on"],
        }
    if kind == "penalty_decision":
        return {
            "party": party,
            "facts": f["facts"],
            **_evidence(case.clue_id, case.id),
            "violated": matter.legal_basis,
            "penalty_basis": matter.penalty_basis or matter.legal_basis,
            "penalty": _penalty(f["penalty"], *(f.get("additional_penalties") or [])),
            "performance": _performance(f["penalty"], *(f.get("additional_penalties") or [])),
            "discretion": _discretion(f.get("discretion")),
            "statement": statement_text(f),
            "payment": {"bank": current_app.config["FINE_PAYMENT"]},
            "decided_on": f["decided_on"],
            **appeal,
        }
    if kind == "summary_decision":
        # Art. 42: the two officers on the spot, once the second has confirmed (one, on
        # decisions made before the rule).
        officers = _vouched_by(
            f.get("on_spot_officers") or [f["decided_by"]],
            on_spot_presence_art_42(f)[1],
            "on_spot_officers",
        )
        return offline_data.summary_decision(f, offline_context(case, officers, signing))
    raise DomainError(
        f"kind: {kind} is not issued from a case",
        code="invalid",
        status=422,
        fields={"kind": [f"{kind} is not issued from a case"]},
    )


def transfer_data(clue: Clue) -> dict[str, Any]:
    """案件移送书: to the department the catalogue names, in the township's name, with the
    evidence attached by hash."""
    held, missing = _photos(clue.id)
    attachments = [
        {"name": phrase("transfer_photo", {"captured_at": _at(e)}), "sha256": sha}
        for e, sha in held
    ]
    # The clue itself goes first: its record as the server holds it, hashed like a file.
    record = json.dumps(
        clue_state(clue).fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    attachments.insert(
        0,
        {
            "name": phrase("transfer_clue", {"code": clue.code}),
            "sha256": hashlib.sha256(record.encode()).hexdigest(),
        },
    )
    summary = {"code": clue.code, "place": clue.address or clue.unit.name}
    return {
        "receiver": clue.transferred_to.name,
        "case_summary": phrase("transfer_summary", {**summary, "description": clue.description}),
        "reason": phrase("transfer_reason", {"matter": clue.matter.name}),
        "legal_basis": phrase("transfer_basis", {}),
        "attachments": attachments,
        "missing": [phrase("transfer_missing", {"captured_at": _at(e)}) for e in missing],
        "issued_on": utcnow().astimezone(CHINA).date().isoformat(),
    }


def _party_signing(data: dict[str, Any]) -> str | None:
    if "party_signature" not in data:  # a document the party does not sign
        return None
    if data["party_signature"]:
        return "signed"
    if data.get("party_refusal"):
        return "refused"
    return "paper" if data.get("party_signs_paper") else "missing"


def township_of(unit: AdminUnit) -> AdminUnit:
    return _ancestor(unit, UnitLevel.TOWNSHIP)


def take_numbers(
    kind: str, township: AdminUnit, now: dt.datetime, ahead: bool = False
) -> tuple[str, str]:
    """The next act code and document number (文号) of ``kind`` from the township's counters
    of China's year: the one place they are counted, for a document issued now and for one
    reserved ahead for a phone (``ahead``). An inspection record carries its record's own
    act code (JC, drawn when the record is pushed): issued now, none is drawn here; ahead,
    one is drawn from the records' own counter, which the record made offline takes
    (``server.sync_api.store``), so the paper and the record carry one code."""
    year = now.astimezone(CHINA).year
    prefix = DOCUMENTS[kind].prefix
    act_code = ""
    if kind != "inspection_record" or ahead:
        n = next_counter(f"act:{township.code}:{year}:{ACT_KIND[kind]}")
        act_code = legal.make_act_code(township.code, year, ACT_KIND[kind], n)
    number = next_counter(f"docno:{township.code}:{year}:{prefix}")
    return act_code, f"{township.name}综执{prefix}〔{year}〕{number}号"


def reservation_of(act_code: str | None) -> DocumentReservation | None:
    """The reservation an inspection record's act code was taken from, when it was recorded
    offline under one (its document number was reserved with it)."""
    if not act_code:
        return None
    return db.session.execute(
        sa.select(DocumentReservation).where(
            DocumentReservation.act_code == act_code,
            DocumentReservation.kind == "inspection_record",
        )
    ).scalar_one_or_none()


def issue(
    kind: str,
    *,
    unit: AdminUnit,
    clue_id: uuid.UUID,
    case: Case | None,
    data: dict[str, Any],
    subject: tuple[str, uuid.UUID],
    issued_by: int,
    inspection: Inspection | None = None,
    passphrases: dict[str, str] | None = None,
    reserved: tuple[str, str] | None = None,
) -> tuple[IssuedDocument, bool]:
    """Issue ``kind`` once per subject: (the document, whether it is new). ``passphrases``
    (officer's account id → his passphrase) open the keys of the officers who sign it with
    their own (``server.accounts.signing``); they are used for this document and dropped.
    ``reserved``: the act code and number taken ahead for a copy made offline
    (``server.cases.offline``)."""
    stmt = sa.select(IssuedDocument).where(
        IssuedDocument.kind == kind, IssuedDocument.clue_id == clue_id
    )
    stmt = stmt.where(
        IssuedDocument.case_id == case.id if case else IssuedDocument.case_id.is_(None)
    )
    if inspection is not None:  # one record per inspection, not per case
        stmt = stmt.where(IssuedDocument.act_code == inspection.code)
    existing = db.session.execute(stmt).scalars().first()
    if existing is not None:
        return existing, False

    now = utcnow()
    township = _ancestor(unit, UnitLevel.TOWNSHIP)
    spec = DOCUMENTS[kind]
    if reserved is not None:  # taken ahead for a copy made offline: the same number
        act_code, doc_number = reserved
    elif kind == "inspection_record":
        act_code = inspection.code  # the record's own act code (…-JC-…)
        # Recorded offline under a reserved code: the number reserved with it.
        taken = reservation_of(act_code)
        doc_number = taken.doc_number if taken else take_numbers(kind, township, now)[1]
    else:
        act_code, doc_number = take_numbers(kind, township, now)
    full = {**_common(township, act_code, doc_number, now), **data}
    keys = signing.keys_for(full.get("officers") or [], passphrases or {}, now)
    if full.get("officers"):
        pairs = zip(full["officers"], keys, strict=True)
        full["officers"] = [{**o, "signs_digitally": key is not None} for o, key in pairs]
    sealer = _sealer(township) if spec.sealed else None
    try:
        pdf = _made(kind, full, sealer, [k for k in keys if k is not None])
        public = _made(kind, full, sealer, [], redacted=True) if kind in PUBLIC else None
    except DocumentDataError as exc:
        raise DomainError(
            f"{kind}: the record lacks what the document needs",
            code="document_incomplete",
            status=422,
            fields={path: [why] for path, why in exc.fields.items()},
        ) from None
    doc = IssuedDocument(
        id=uuid.uuid4(),
        kind=kind,
        act_code=act_code,
        doc_number=doc_number,
        case_id=case.id if case else None,
        clue_id=clue_id,
        unit_id=unit.id,
        sha256=hashlib.sha256(pdf.pdf).hexdigest(),
        size=len(pdf.pdf),
        public_sha256=hashlib.sha256(public.pdf).hexdigest() if public else None,
        party_signing=_party_signing(data),
        sealed_by=sealer.sealed_by if sealer else None,
        seal_timestamped=pdf.timestamped if sealer else None,
        issued_by=issued_by,
        issued_at=now,
    )
    store = evidence_service.store()
    store.put(document_key(doc.id), pdf.pdf)
    if public is not None:
        store.put(document_key(doc.id, public=True), public.pdf)
    db.session.add(doc)
    if kind == "inspection_record" and (taken := reservation_of(act_code)) is not None:
        db.session.flush()  # the document's row first: the reservation names it
        taken.used_by = doc.id
    audit.record(
        "document.issued",
        subject[0],
        subject[1],
        {
            "document": str(doc.id),
            "kind": kind,
            "act_code": act_code,
            "doc_number": doc_number,
            "sha256": doc.sha256,
            "size": doc.size,
            "public_sha256": doc.public_sha256,
            "sealed_by": doc.sealed_by,
            # The officers who signed it with their own keys: their certificates.
            "signed_by": list(pdf.signed_by),
        },
    )
    return doc, True


def _sealer(township: AdminUnit) -> seal.Sealer | None:
    cfg = current_app.config
    token = None
    if cfg["ESEAL_PKCS11_MODULE"]:
        token = seal.Token(
            cfg["ESEAL_PKCS11_MODULE"],
            cfg["ESEAL_PKCS11_TOKEN"],
            cfg["ESEAL_PKCS11_PIN"],
            cfg["ESEAL_PKCS11_KEY"],
        )
    return seal.sealer_for(
        cfg["ESEAL_KEYSTORE"], cfg["ESEAL_PASSPHRASE"], township.code, cfg["TSA_URL"], token
    )


def _made(
    kind: str,
    data: dict,
    sealer: seal.Sealer | None,
    keys: list[seal.OfficerKey],
    redacted: bool = False,
) -> seal.Sealed:
    """The document's PDF, signed by the officers who sign with their own keys (``keys``,
    in the order the document names them; none on the public copy, which shows no
    signature) and under the township's seal when it has a key."""
    made = rendered(kind, data, redacted=redacted, sealed=sealer is not None)
    return seal.signed(
        made.pdf, list(zip(keys, made.signatures, strict=True)), sealer, made.seal, data["agency"]
    )
