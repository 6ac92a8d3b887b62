"""Bodies of the documents made while a matter is investigated: the on-site inspection
record, the order to correct, the notice of evidence registered and kept; and those of an
unpaid fine: the demand to pay and the application to the court to enforce."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.platypus import Flowable

from server.documents.layout import Sheet, Signer
from server.documents.money import amount, yuan
from server.documents.parts import (
    LAW,
    clause,
    contact,
    days,
    evidence_label,
    officer_signers,
    officers_text,
    party_rows,
    party_signer,
    penalty_lines,
    you,
)
from server.documents.text import date_text, span_text, stamp_text


def inspection_record(sheet: Sheet, data: Mapping[str, Any]) -> list[Flowable]:
    """现场检查（勘验）笔录: at least two officers, certificates shown (第四十二条、第五十五条),
    what was found, the evidence secured, and the party's signature or refusal."""
    rows = [("检查（勘验）时间", span_text(data["started_at"], data["ended_at"]))]
    rows.append(("检查（勘验）地点", data["place"]))
    rows += party_rows(data)
    rows.append(("执法人员", officers_text(data)))
    if data.get("recorder"):
        rows.append(("记录人", data["recorder"]))
    body: list[Flowable] = [sheet.form(rows), sheet.gap(0.4)]
    body.append(sheet.para("执法人员已向当事人出示执法证件，表明执法身份。", "indent"))
    body.append(sheet.heading("检查（勘验）情况"))
    body += sheet.paras(data["findings"])
    body.append(sheet.heading("现场照片及其他证据"))
    evidence = data.get("evidence") or []
    if evidence:
        rows = [_evidence_row(i, e) for i, e in enumerate(evidence, 1)]
        body.append(
            sheet.table(
                ["序号", "内容", "拍摄时间", "SHA-256"], rows, [0.07, 0.33, 0.2, 0.4], mono=[3]
            )
        )
    else:
        body.append(sheet.para("无。", "indent"))
    if data.get("party_statement"):
        body.append(sheet.heading("当事人意见"))
        body += sheet.paras(data["party_statement"])
    body.append(sheet.gap(0.4))
    if not data.get("party_refusal"):
        body.append(
            sheet.para("以上笔录已交当事人核对（或者已向当事人宣读），当事人确认无误。", "indent")
        )
    body.append(sheet.signatures(party_signer(data) + officer_signers(data)))
    return body


def _evidence_row(number: int, item: Any) -> list[str]:
    item = item if isinstance(item, Mapping) else {"label": item}
    taken = stamp_text(item["captured_at"]) if item.get("captured_at") else ""
    return [str(number), evidence_label(item), taken, str(item.get("sha256") or "")]


def payment_demand(sheet: Sheet, data: Mapping[str, Any]) -> list[Flowable]:
    """催告书 (行政强制法 第三十五条): in writing, with the time to pay, how, the amount, and
    the party's right to state and defend; ten working days (第五十四条、第六十九条), after
    which the people's court is asked to enforce."""
    party = you(data)
    pay = data["payment"]
    body: list[Flowable] = [sheet.form(party_rows(data)), sheet.gap(0.4)]
    body.append(sheet.para(f"{data['party']['name']}："))
    body.append(
        sheet.para(
            f"本机关于{date_text(data['decided_on'])}对{party}作出的行政处罚决定已经送达，"
            f"{party}至今未履行缴纳罚款{amount(data['owed_fen'])}的义务。依据《中华人民共和国"
            f"行政强制法》第三十五条、第五十四条的规定，现催告{party}自收到本催告书之日起"
            f"十个工作日内，将上述款项缴至{clause(pay['bank'])}，并依法缴纳加处罚款（{LAW}"
            "第七十二条）。逾期仍不履行的，本机关将依法申请人民法院强制执行。",
            "indent",
        )
    )
    body.append(
        sheet.para(
            f"{party}对本催告有异议的，有权进行陈述和申辩，可以自收到本催告书之日起"
            f"{days(3)}内向本机关提出。",
            "indent",
        )
    )
    body += contact(sheet, data)
    sheet.close(body, data["agency"], date_text(data["issued_on"]))
    body.append(sheet.signatures(party_signer(data, "当事人（签收）", "签收")))
    return body


COMPULSION_LAW = "《中华人民共和国行政强制法》"


def enforcement_application(sheet: Sheet, data: Mapping[str, Any]) -> list[Flowable]:
    """强制执行申请书 (行政强制法 第五十五条), with what the article asks the court be given:
    the decision, its facts, reasons and basis (二); the party's opinions and how the demand
    was made (三); the object of enforcement (四), the fine unpaid and the surcharge of
    行政处罚法 第七十二条 on the day; the materials attached. Signed by the head of the agency,
    under its seal, dated (由行政机关负责人签名，加盖行政机关的印章，并注明日期)."""
    decision, demand, owed = data["decision"], data["demand"], data["owed"]
    number = clause(decision["doc_number"])
    rows = [("申请人", data["agency"]), ("负责人", data["head"]["name"])]
    rows += [("被申请人" if k == "当事人" else k, v) for k, v in party_rows(data)]
    body: list[Flowable] = [sheet.form(rows), sheet.gap(0.4)]
    body.append(sheet.para(f"{clause(data['court'])}："))
    body.append(
        sheet.para(
            f"申请事项：请求依法强制执行本机关作出的{number}行政处罚决定，强制被申请人缴纳"
            f"{amount(owed['owed_fen'])}。",
            "indent",
        )
    )
    body.append(sheet.heading("一、行政处罚决定及送达情况"))
    served = f"，该决定书于{date_text(decision['served_on'])}"
    if decision.get("service_method"):
        served += f"以{clause(decision['service_method'])}方式"
    served += "送达被申请人"
    if decision.get("service_proof"):
        served += f"（送达凭证：{clause(decision['service_proof'])}）"
    body.append(
        sheet.para(
            f"本机关于{date_text(decision['decided_on'])}对被申请人作出{number}"
            f"{clause(decision.get('title') or '行政处罚决定书')}"
            + (f"（行政行为码 {decision['act_code']}）" if decision.get("act_code") else "")
            + f"{served}。决定内容：",
            "indent",
        )
    )
    body += [sheet.para(line, "indent") for line in penalty_lines(data["penalty"])]
    body.append(sheet.heading("二、作出决定的事实、理由和依据"))
    body += sheet.paras(f"经查，{clause(data['facts'])}。")
    body.append(
        sheet.para(
            f"本机关认为，{clause(data['reasons'])}，违反了{clause(data['violated'])}的规定，"
            f"依据{clause(data['penalty_basis'])}的规定作出上述行政处罚决定。",
            "indent",
        )
    )
    body.append(sheet.heading("三、当事人的意见及催告情况"))
    if data.get("statement"):
        body += sheet.paras(data["statement"])
    else:
        body.append(sheet.para("案卷中没有当事人陈述、申辩的记录。", "indent"))
    due = f"在缴款期限（{date_text(data['payment_due'])}）届满后" if data.get("payment_due") else ""
    letter = f"（{clause(demand['doc_number'])}）" if demand.get("doc_number") else ""
    checked = data.get("no_remedy_checked_on")
    checked = f"（本机关于{date_text(checked)}核实）" if checked else ""
    body.append(
        sheet.para(
            f"被申请人{due}未缴纳罚款。本机关于{date_text(demand['served_on'])}以"
            f"{clause(demand['method'])}方式向被申请人送达催告书{letter}（送达凭证："
            f"{clause(demand['proof'])}），催告其履行义务（{COMPULSION_LAW}第三十五条、"
            "第五十四条）。催告书送达十个工作日后，被申请人仍未履行；被申请人在法定期限内未申请"
            f"行政复议，也未提起行政诉讼{checked}。",
            "indent",
        )
    )
    body.append(sheet.heading("四、申请强制执行标的"))
    body.append(_owed_table(sheet, owed))
    body.append(
        sheet.para(
            f"加处罚款按罚款数额每日百分之三计算，不超出罚款数额（{LAW}第七十二条）；"
            f"计至{date_text(data['issued_on'])}。",
            "note",
        )
    )
    body.append(
        sheet.para(
            f"综上，依据{COMPULSION_LAW}第五十三条、第五十四条、第五十五条的规定，"
            "特申请人民法院强制执行。",
            "indent",
        )
    )
    body.append(sheet.heading(f"附件：（共{len(data['attachments'])}项）"))
    body += [
        sheet.para(f"{i}. {clause(a)}；" if i < len(data["attachments"]) else f"{i}. {clause(a)}。",
                   "indent")
        for i, a in enumerate(data["attachments"], 1)
    ]  # fmt: skip
    body += contact(sheet, data)
    sheet.close(body, data["agency"], date_text(data["issued_on"]))
    body.append(sheet.signatures([Signer("行政机关负责人（签名）", data["head"]["name"])]))
    return body


def _owed_table(sheet: Sheet, owed: Mapping[str, Any]) -> Flowable:
    """Each unpaid part, the day it was due, the days late and its surcharge; the sum asked."""
    rows = []
    for part in owed["parts"]:
        due = date_text(part["due_on"]) if part.get("due_on") else ""
        rows.append(
            [
                "未缴款项",
                f"{yuan(part['amount_fen'])}元",
                due,
                str(part.get("days_late", 0)),
                f"{yuan(part.get('surcharge_fen', 0))}元",
            ]
        )
    rows.append(["合计", "", "", "", amount(owed["owed_fen"])])
    return sheet.table(
        ["款项", "金额", "缴款期限", "逾期天数", "加处罚款"], rows, [0.16, 0.17, 0.2, 0.12, 0.35]
    )


def correction_order(sheet: Sheet, data: Mapping[str, Any]) -> list[Flowable]:
    """责令改正通知书: the facts, the rule broken, what to correct and by when (第二十八条),
    and the right to object (陈述、申辩)."""
    party = you(data)
    basis = data.get("order_basis") or f"{LAW}第二十八条第一款"
    period = int(data.get("objection_days") or 3)
    body: list[Flowable] = [sheet.form(party_rows(data)), sheet.gap(0.4)]
    body.append(sheet.para(f"{data['party']['name']}："))
    body += sheet.paras(f"经查，{clause(data['facts'])}。")
    body.append(
        sheet.para(
            f"{party}的上述行为违反了{clause(data['legal_basis'])}的规定。依据{clause(basis)}"
            f"的规定，现责令{party}于{date_text(data['deadline'])}前改正上述违法行为："
            f"{clause(data['correction'])}。逾期不改正的，本机关将依法处理。",
            "indent",
        )
    )
    body.append(
        sheet.para(
            f"{party}如对本通知认定的事实、理由和依据有异议，可以自收到本通知书之日起{days(period)}内"
            "向本机关提出陈述、申辩。",
            "indent",
        )
    )
    body += contact(sheet, data)
    sheet.close(body, data["agency"], date_text(data["issued_on"]))
    signers = party_signer(data, "当事人（签收）", "签收")
    body.append(sheet.signatures(signers + officer_signers(data)))
    return body


def preservation_notice(sheet: Sheet, data: Mapping[str, Any]) -> list[Flowable]:
    """证据先行登记保存通知书: approved by the head of the agency, a decision within seven
    days, and meanwhile nobody may destroy or move the items (行政处罚法 第五十六条)."""
    party = you(data)
    body: list[Flowable] = [sheet.form(party_rows(data)), sheet.gap(0.4)]
    body.append(sheet.para(f"{data['party']['name']}："))
    body.append(
        sheet.para(
            f"{clause(data['reason'])}。因证据可能灭失或者以后难以取得，经本机关负责人批准，"
            f"依据{LAW}第五十六条的规定，对{party}的下列物品予以先行登记保存：",
            "indent",
        )
    )
    items = data["items"]
    rows = [
        [
            str(i),
            it["name"],
            it.get("spec", ""),
            f"{it['quantity']}{it.get('unit', '')}",
            it.get("note", ""),
        ]
        for i, it in enumerate(items, 1)
    ]
    body.append(
        sheet.table(
            ["序号", "物品名称", "规格", "数量", "备注"], rows, [0.08, 0.32, 0.2, 0.14, 0.26]
        )
    )
    kept = f"保存地点：{clause(data['storage_place'])}。"
    if data.get("storage_mode"):
        kept += f"保存方式：{clause(data['storage_mode'])}。"
    body.append(sheet.para(kept, "indent"))
    body.append(
        sheet.para(
            "本机关将在七日内及时作出处理决定。在此期间，"
            f"{party}或者有关人员不得销毁或者转移上述证据。",
            "indent",
        )
    )
    body += contact(sheet, data)
    sheet.close(body, data["agency"], date_text(data["issued_on"]))
    body.append(sheet.signatures(party_signer(data) + officer_signers(data)))
    return body
