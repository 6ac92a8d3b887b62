"""Pieces several documents share: the party, the officers, the penalty, how to pay, how
to appeal. The wording of the rights follows the articles named beside it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.platypus import Flowable

from server.documents.layout import Sheet, Signer
from server.documents.money import amount

LAW = "《中华人民共和国行政处罚法》"


def clause(text: Any) -> str:
    """Text to be set inside a sentence: no closing punctuation of its own."""
    return str(text).strip().rstrip("。；;，,.、 ")


def days(n: int) -> str:
    """A short period as documents write it: 三日, 五日; longer ones in digits."""
    return ("一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)) + "日"


def you(data: Mapping[str, Any]) -> str:
    """How a document addresses the party: 你 to a person, 你单位 to an organisation."""
    return "你单位" if (data.get("party") or {}).get("kind") == "organisation" else "你"


def party_rows(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    party = data.get("party") or {}
    organisation = party.get("kind") == "organisation"
    rows = [("当事人", str(party.get("name", "")))]
    if party.get("id_number"):
        rows.append(("统一社会信用代码" if organisation else "身份证号码", party["id_number"]))
    if organisation and party.get("legal_representative"):
        rows.append(("法定代表人（负责人）", party["legal_representative"]))
    if party.get("address"):
        rows.append(("住所（地址）" if organisation else "住址", party["address"]))
    if party.get("phone"):
        rows.append(("联系电话", party["phone"]))
    return rows


def officers_text(data: Mapping[str, Any]) -> str:
    """王建平（执法证号 33112201025）、叶晓峰（执法证号 33112201031）"""
    return "、".join(
        f"{o['name']}（执法证号 {o['certificate_no']}）" for o in data.get("officers") or []
    )


def evidence_label(item: Any) -> str:
    """An item of evidence is a description, or a mapping with its label."""
    return str(item.get("label", "")) if isinstance(item, Mapping) else str(item)


def penalty_lines(penalty: Mapping[str, Any]) -> list[str]:
    lines = []
    if penalty.get("warning"):
        lines.append("警告")
    if penalty.get("fine_fen"):
        lines.append("罚款" + amount(penalty["fine_fen"]))
    if penalty.get("confiscation"):
        lines.append("没收" + clause(penalty["confiscation"]))
    if penalty.get("other"):
        lines.append(clause(penalty["other"]))
    if len(lines) == 1:
        return [lines[0] + "。"]
    return [
        f"{i}. {line}；" if i < len(lines) else f"{i}. {line}。" for i, line in enumerate(lines, 1)
    ]


def payment(sheet: Sheet, data: Mapping[str, Any]) -> list[Flowable]:
    """How and by when a fine is paid (第六十七条), and what a late payment costs (第七十二条)."""
    penalty = data.get("penalty") or {}
    if not penalty.get("fine_fen"):
        return []
    pay = data.get("payment") or {}
    way = f"，或者通过{clause(pay['method'])}缴纳" if pay.get("method") else ""
    return [
        sheet.para(
            f"罚款应当自收到本决定书之日起十五日内缴至{clause(pay['bank'])}{way}"
            f"（{LAW}第六十七条）。到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，"
            f"加处罚款的数额不得超出罚款的数额（{LAW}第七十二条）。",
            "indent",
        )
    ]


def appeal(sheet: Sheet, data: Mapping[str, Any], what: str = "本决定") -> Flowable:
    """The ways and time limits to challenge a decision: reconsideration within sixty days
    (行政复议法 第二十条), a suit within six months (行政诉讼法 第四十六条); the penalty is
    carried out meanwhile (行政处罚法 第七十三条)."""
    return sheet.para(
        f"{you(data)}如不服{what}，可以自收到本决定书之日起六十日内向"
        f"{clause(data['reconsideration_body'])}申请行政复议，或者自收到本决定书之日起六个月内"
        f"依法向{clause(data['court'])}提起行政诉讼。行政复议或者行政诉讼期间，"
        "本决定不停止执行，法律另有规定的除外。",
        "indent",
    )


def contact(sheet: Sheet, data: Mapping[str, Any]) -> list[Flowable]:
    info = data.get("contact") or {}
    labels = (("person", "联系人"), ("phone", "联系电话"), ("address", "地址"))
    parts = [f"{label}：{info[key]}" for key, label in labels if info.get(key)]
    return [sheet.para("　".join(parts), "body")] if parts else []


def party_signer(
    data: Mapping[str, Any], role: str = "当事人", refused: str = "签名"
) -> list[Signer]:
    """The party's box, and the witness's when the party refused (拒绝签名 / 拒绝签收)."""
    name = str((data.get("party") or {}).get("name", ""))
    refusal = data.get("party_refusal")
    if not refusal:
        return [Signer(role, name, data.get("party_signature"))]
    reason = f"原因：{clause(refusal['reason'])}。" if refusal.get("reason") else ""
    witness = refusal.get("witness")
    seen = "" if witness else "无其他人在场见证。"
    signers = [Signer(role, name, note=f"当事人拒绝{refused}。{reason}{seen}")]
    if witness:
        signers.append(Signer("见证人", witness, refusal.get("witness_signature")))
    return signers


def officer_signers(data: Mapping[str, Any]) -> list[Signer]:
    return [
        Signer(
            "执法人员",
            f"{o['name']}（{o['certificate_no']}）",
            o.get("signature"),
            signs_digitally=bool(o.get("signs_digitally")),
        )
        for o in data.get("officers") or []
    ]
