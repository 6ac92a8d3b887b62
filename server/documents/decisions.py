"""Bodies of the documents that tell, decide or hand over: the prior notice, the two
penalty decisions and the transfer letter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.platypus import Flowable

from server.documents.layout import Sheet
from server.documents.parts import (
    LAW,
    appeal,
    clause,
    contact,
    days,
    evidence_label,
    officer_signers,
    officers_text,
    party_rows,
    party_signer,
    payment,
    penalty_lines,
    you,
)
from server.documents.text import date_text, time_text


def prior_notice(sheet: Sheet, data: Mapping[str, Any]) -> list[Flowable]:
    """行政处罚事先告知书: the intended penalty with its facts, reasons and basis, and the
    rights to state and defend (第四十四条、第四十五条) and, where the penalty qualifies, to
    ask for a hearing within five days of this notice (第六十三条、第六十四条)."""
    party = you(data)
    period = int(data.get("statement_days") or 5)
    body: list[Flowable] = [sheet.form(party_rows(data)), sheet.gap(0.4)]
    body.append(sheet.para(f"{data['party']['name']}："))
    body += sheet.paras(f"经查，{clause(data['facts'])}。")
    if data.get("evidence"):
        body.append(sheet.para("以上事实有下列证据证明：", "indent"))
        body += [
            sheet.para(f"{i}. {clause(evidence_label(e))}；", "indent")
            for i, e in enumerate(data["evidence"], 1)
        ]
    body += _not_received(sheet, data.get("evidence_missing"), "未列为证据")
    body += sheet.paras(f"本机关认为，{clause(data['reasons'])}。")
    body.append(
        sheet.para(
            f"依据{clause(data['legal_basis'])}的规定，本机关拟对{party}作出如下行政处罚：",
            "indent",
        )
    )
    body += [sheet.para(line, "indent") for line in penalty_lines(data["penalty"])]
    body.append(
        sheet.para(
            f"根据{LAW}第四十四条、第四十五条的规定，{party}有权进行陈述和申辩，可以自收到本告知书"
            f"之日起{days(period)}内向本机关提出；本机关不因{party}的陈述、申辩而给予更重的处罚。"
            "逾期未提出的，视为放弃陈述、申辩的权利。",
            "indent",
        )
    )
    if data["hearing_eligible"] is True:
        body.append(
            sheet.para(
                f"根据{LAW}第六十三条、第六十四条的规定，{party}有权要求举行听证。要求听证的，"
                "应当在本机关告知后五日内提出；逾期未提出的，视为放弃听证的权利。",
                "indent",
            )
        )
    body += contact(sheet, data)
    sheet.close(body, data["agency"], date_text(data["issued_on"]))
    body.append(sheet.signatures(party_signer(data, "当事人（签收）", "签收")))
    return body


def summary_decision(sheet: Sheet, data: Mapping[str, Any]) -> list[Flowable]:
    """当场行政处罚决定书 (简易程序): what 第五十二条 asks of it: the violation, the kind and
    basis of the penalty, the amount, time, place, how to appeal, the agency's name and the
    officers' signatures; the party signs for it or the refusal is noted."""
    rows = party_rows(data)
    rows.append(("违法行为", clause(data["violation"]) + "。"))
    rows.append(("处罚依据", clause(data["legal_basis"])))
    rows.append(("处罚种类和数额", " ".join(penalty_lines(data["penalty"]))))
    rows.append(("时间", time_text(data["decided_at"])))
    rows.append(("地点", data["place"]))
    rows.append(("执法人员", officers_text(data)))
    body: list[Flowable] = [sheet.form(rows), sheet.gap(0.4)]
    body.append(
        sheet.para(
            "执法人员已向当事人出示执法证件，依照简易程序当场作出上述行政处罚决定"
            f"（{LAW}第五十一条、第五十二条）。",
            "indent",
        )
    )
    if data.get("statement"):
        body += sheet.paras(f"当事人陈述、申辩：{clause(data['statement'])}。")
    body += payment(sheet, data)
    body.append(appeal(sheet, data))
    sheet.close(body, data["agency"], date_text(data["decided_at"]))
    body.append(
        sheet.signatures(party_signer(data, "当事人（签收）", "签收") + officer_signers(data))
    )
    return body


def penalty_decision(sheet: Sheet, data: Mapping[str, Any]) -> list[Flowable]:
    """行政处罚决定书 (一般程序), each item 第五十九条 lists: (一) the party's name and address;
    (二) the facts and evidence; (三) the kind and basis of the penalty; (四) how and by when
    it is carried out; (五) the ways and time limits to appeal; (六) the agency's name and
    the date; and the agency's seal."""
    party = you(data)
    body: list[Flowable] = [sheet.form(party_rows(data)), sheet.gap(0.4)]
    body.append(sheet.heading("一、违法事实和证据"))
    body += sheet.paras(data["facts"])
    body.append(sheet.para("上述事实有下列证据证明：", "indent"))
    body += [
        sheet.para(f"{i}. {clause(evidence_label(e))}；", "indent")
        for i, e in enumerate(data["evidence"], 1)
    ]
    body += _not_received(sheet, data.get("evidence_missing"), "未列为证据")
    if data.get("statement"):
        body.append(sheet.heading("二、陈述、申辩（听证）及采纳情况"))
        body += sheet.paras(data["statement"])
    n = 3 if data.get("statement") else 2
    numerals = "一二三四五六七"
    body.append(sheet.heading(f"{numerals[n - 1]}、处罚的种类和依据"))
    body.append(sheet.para(f"{party}的上述行为违反了{clause(data['violated'])}的规定。", "indent"))
    if data.get("discretion"):
        body += sheet.paras(f"裁量理由：{clause(data['discretion'])}。")
    body.append(
        sheet.para(
            f"依据{clause(data['penalty_basis'])}的规定，本机关决定对{party}作出如下行政处罚：",
            "indent",
        )
    )
    body += [sheet.para(line, "indent") for line in penalty_lines(data["penalty"])]
    body.append(sheet.heading(f"{numerals[n]}、履行方式和期限"))
    body += payment(sheet, data)
    if data.get("performance"):
        body += sheet.paras(data["performance"])
    if not data["penalty"].get("fine_fen") and not data.get("performance"):
        body.append(sheet.para("本决定自送达之日起生效。", "indent"))
    body.append(sheet.heading(f"{numerals[n + 1]}、申请行政复议或者提起行政诉讼的途径和期限"))
    body.append(appeal(sheet, data))
    sheet.close(body, data["agency"], date_text(data["decided_on"]))
    return body


def transfer_letter(sheet: Sheet, data: Mapping[str, Any]) -> list[Flowable]:
    """案件移送书: in the township government's name, to the department that holds the
    matter, with the case, the reason and every attached file's SHA-256, so the receiver
    can check that what arrived is what was sent."""
    body: list[Flowable] = [sheet.para(f"{clause(data['receiver'])}：")]
    body += sheet.paras(data["case_summary"])
    if data.get("party"):
        body.append(sheet.form(party_rows(data)))
    basis = f"依据{clause(data['legal_basis'])}的规定，" if data.get("legal_basis") else ""
    body.append(
        sheet.para(
            f"经审查，{clause(data['reason'])}。{basis}现将该案件移送你单位依法处理，"
            "请于收到本移送书后及时处理，并将处理结果书面告知本机关。",
            "indent",
        )
    )
    attachments = data["attachments"]
    body.append(sheet.heading(f"附件：案件材料清单（共{len(attachments)}件）"))
    rows = [[str(i), a["name"], a["sha256"]] for i, a in enumerate(attachments, 1)]
    body.append(sheet.table(["序号", "材料名称", "SHA-256"], rows, [0.08, 0.42, 0.5], mono=[2]))
    body.append(
        sheet.para("电子材料的 SHA-256 校验值列于上表，接收单位可据此核对材料未被改动。", "note")
    )
    body += _not_received(sheet, data.get("missing"), "未随本移送书移送")
    body += contact(sheet, data)
    sheet.close(body, data["agency"], date_text(data["issued_on"]))
    if data.get("officers"):
        body.append(sheet.signatures(officer_signers(data)))
    return body


def _not_received(sheet: Sheet, missing: list[str] | None, so: str) -> list[Flowable]:
    """Evidence recorded on a phone whose file the server has not received (or not yet
    verified): named, never listed with a hash nobody can check."""
    if not missing:
        return []
    return [sheet.para(f"下列材料服务器尚未收到，{so}：{'；'.join(missing)}。", "note")]
