"""The wording of every enforcement document (执法文书), declared once as data.

``SPEC`` is plain JSON: the server composes and prints from it (``server.documents``), the
workflow export carries it to the phone (``sync.workflow.export``), whose composer
(``pwa/src/documents.js``) reads the same declarations, so both say the same words. The
language is ``sync.documents.compose``'s; the articles each kind rests on are in
``server.documents.kinds``.
"""

from __future__ import annotations

from typing import Any

LAW = "《中华人民共和国行政处罚法》"
YOU_SIGN = {"role": "当事人（签收）", "refused": "签收"}  # the party signs for it (签收)

# A part to splice in where the reader's form begins: who the party is.
PARTY_ROWS = {
    "defaults": {"party_label": "当事人"},
    "body": [
        {"label": "{$party_label}", "value": "{party.name}"},
        {
            "when": "party.id_number",
            "label": {
                "when": "party.kind=organisation",
                "text": "统一社会信用代码",
                "else": "身份证号码",
            },
            "value": "{party.id_number}",
        },
        {
            "when": ["party.kind=organisation", "party.legal_representative"],
            "label": "法定代表人（负责人）",
            "value": "{party.legal_representative}",
        },
        {
            "when": "party.address",
            "label": {"when": "party.kind=organisation", "text": "住所（地址）", "else": "住址"},
            "value": "{party.address}",
        },
        {"when": "party.phone", "label": "联系电话", "value": "{party.phone}"},
    ],
}

# The party's box, and the witness's when the party refused (拒绝签名 / 拒绝签收).
PARTY_SIGNER = {
    "defaults": {"role": "当事人", "refused": "签名"},
    "body": [
        {
            "when": "!party_refusal",
            "role": "{$role}",
            "name": "{party.name}",
            "image": "party_signature",
        },
        {
            "when": "party_refusal",
            "role": "{$role}",
            "name": "{party.name}",
            "note": [
                "当事人拒绝{$refused}。",
                {"when": "party_refusal.reason", "text": "原因：{party_refusal.reason|clause}。"},
                {"when": "!party_refusal.witness", "text": "无其他人在场见证。"},
            ],
        },
        {
            "when": ["party_refusal", "party_refusal.witness"],
            "role": "见证人",
            "name": "{party_refusal.witness}",
            "image": "party_refusal.witness_signature",
        },
    ],
}

OFFICER_SIGNERS = {
    "body": [
        {
            "each": "officers",
            "as": "o",
            "role": "执法人员",
            "name": "{$o.name}（{$o.certificate_no}）",
            "image": "$o.signature",
            # He signs this copy with his own key (server.documents.seal): a blank place
            # for his signature's appearance, not a drawn one.
            "digital": "$o.signs_digitally",
        }
    ]
}

# How and by when a fine is paid (第六十七条), and what a late payment costs (第七十二条).
PAYMENT = {
    "body": [
        {
            "when": "penalty.fine_fen",
            "para": [
                "罚款应当自收到本决定书之日起十五日内缴至{payment.bank|clause}",
                {"when": "payment.method", "text": "，或者通过{payment.method|clause}缴纳"},
                "（{$LAW}第六十七条）。到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，"
                "加处罚款的数额不得超出罚款的数额（{$LAW}第七十二条）。",
            ],
            "style": "indent",
        }
    ]
}

# Reconsideration within sixty days (行政复议法 第二十条), a suit within six months (行政诉讼法
# 第四十六条); the penalty is carried out meanwhile (行政处罚法 第七十三条).
APPEAL = {
    "body": [
        {
            "para": "{$you}如不服本决定，可以自收到本决定书之日起六十日内向"
            "{reconsideration_body|clause}申请行政复议，或者自收到本决定书之日起六个月内依法向"
            "{court|clause}提起行政诉讼。行政复议或者行政诉讼期间，本决定不停止执行，"
            "法律另有规定的除外。",
            "style": "indent",
        }
    ]
}

CONTACT = {"body": [{"para": {"list": "contact", "join": "　"}, "style": "body"}]}


def not_received(path: str, so: str) -> dict[str, Any]:
    """Evidence recorded on a phone whose file the server has not received (or not yet
    verified): named, never listed with a hash nobody can check."""
    return {
        "when": path,
        "para": [
            f"下列材料服务器尚未收到，{so}：",
            {"list": {"items": [{"each": path, "as": "m", "text": "{$m}"}]}, "join": "；"},
            "。",
        ],
        "style": "note",
    }


def signs_for_it(*more: dict) -> dict[str, Any]:
    return {"signatures": [{"part": "party_signer", "with": YOU_SIGN}, *more]}


PARTY_FORM = [{"form": [{"part": "party_rows"}]}, {"gap": 0.4}]
DEAR_PARTY = {"para": "{party.name}："}

KINDS: dict[str, dict[str, Any]] = {
    # 现场检查（勘验）笔录: at least two officers, certificates shown (第四十二条、第五十五条),
    # what was found, the evidence secured, and the party's signature or refusal.
    "inspection_record": {
        "title": "现场检查（勘验）笔录",
        "sealed": False,  # a record the officers and the party sign (笔录) carries no seal
        "blocks": [
            {
                "form": [
                    {"label": "检查（勘验）时间", "value": "{started_at,ended_at|span}"},
                    {"label": "检查（勘验）地点", "value": "{place}"},
                    {"part": "party_rows"},
                    {"label": "执法人员", "value": {"list": "officers", "join": "、"}},
                    {"when": "recorder", "label": "记录人", "value": "{recorder}"},
                ]
            },
            {"gap": 0.4},
            {"para": "执法人员已向当事人出示执法证件，表明执法身份。", "style": "indent"},
            {"heading": "检查（勘验）情况"},
            {"paras": "{findings}"},
            {"heading": "现场照片及其他证据"},
            {
                "when": "evidence",
                "then": [
                    {
                        "table": {
                            "header": ["序号", "内容", "拍摄时间", "SHA-256"],
                            "widths": [0.07, 0.33, 0.2, 0.4],
                            "mono": [3],
                            "rows": [
                                {
                                    "each": "evidence",
                                    "as": "e",
                                    "cells": [
                                        "{$i}",
                                        "{$e|label}",
                                        "{$e.captured_at|stamp}",
                                        "{$e.sha256}",
                                    ],
                                }
                            ],
                        }
                    }
                ],
                "else": [{"para": "无。", "style": "indent"}],
            },
            {
                "when": "party_statement",
                "then": [{"heading": "当事人意见"}, {"paras": "{party_statement}"}],
            },
            {"gap": 0.4},
            {
                "when": "!party_refusal",
                "para": "以上笔录已交当事人核对（或者已向当事人宣读），当事人确认无误。",
                "style": "indent",
            },
            {"signatures": [{"part": "party_signer"}, {"part": "officer_signers"}]},
        ],
    },
    # 催告书 (行政强制法 第三十五条): in writing, with the time to pay, how, the amount, and
    # the party's right to state and defend; ten working days (第五十四条、第六十九条), after
    # which the people's court is asked to enforce.
    "payment_demand": {
        "title": "催告书",
        "sealed": True,
        "blocks": [
            *PARTY_FORM,
            DEAR_PARTY,
            {
                "para": "本机关于{decided_on|date}对{$you}作出的行政处罚决定已经送达，"
                "{$you}至今未履行缴纳罚款{owed_fen|amount}的义务。依据{$COMPULSION_LAW}第三十五条、第五十四条的"
                "规定，现催告{$you}自收到本催告书之日起十个工作日内，将上述款项缴至"
                "{payment.bank|clause}，并依法缴纳加处罚款（{$LAW}第七十二条）。逾期仍不履行的，"
                "本机关将依法申请人民法院强制执行。",
                "style": "indent",
            },
            {
                "para": "{$you}对本催告有异议的，有权进行陈述和申辩，可以自收到本催告书之日起"
                "三日内向本机关提出。",
                "style": "indent",
            },
            {"part": "contact"},
            {"close": "{issued_on|date}"},
            signs_for_it(),
        ],
    },
    # 强制执行申请书 (行政强制法 第五十五条), with what the article asks the court be given:
    # the decision, its facts, reasons and basis (二); the party's opinions and how the demand
    # was made (三); the object of enforcement (四), the fine unpaid and the surcharge of
    # 行政处罚法 第七十二条 on the day; the materials attached. Signed by the head of the
    # agency, under its seal, dated.
    "enforcement_application": {
        "title": "强制执行申请书",
        "sealed": True,
        "blocks": [
            {
                "form": [
                    {"label": "申请人", "value": "{agency}"},
                    {"label": "负责人", "value": "{head.name}"},
                    {"part": "party_rows", "with": {"party_label": "被申请人"}},
                ]
            },
            {"gap": 0.4},
            {"para": "{court|clause}："},
            {
                "para": "申请事项：请求依法强制执行本机关作出的"
                "{decision.doc_number|clause}行政处罚决定，强制被申请人缴纳{owed.owed_fen|amount}。",
                "style": "indent",
            },
            {"heading": "行政处罚决定及送达情况", "numbered": True},
            {
                "para": [
                    "本机关于{decision.decided_on|date}对被申请人作出{decision.doc_number|clause}"
                    "{decision.title|or:行政处罚决定书|clause}",
                    {"when": "decision.act_code", "text": "（行政行为码 {decision.act_code}）"},
                    "，该决定书于{decision.served_on|date}",
                    {
                        "when": "decision.service_method",
                        "text": "以{decision.service_method|clause}方式",
                    },
                    "送达被申请人",
                    {
                        "when": "decision.service_proof",
                        "text": "（送达凭证：{decision.service_proof|clause}）",
                    },
                    "。决定内容：",
                ],
                "style": "indent",
            },
            {"list": "penalty", "style": "indent"},
            {"heading": "作出决定的事实、理由和依据", "numbered": True},
            {"paras": "经查，{facts|clause}。"},
            {
                "para": "本机关认为，{reasons|clause}，违反了{violated|clause}的规定，"
                "依据{penalty_basis|clause}的规定作出上述行政处罚决定。",
                "style": "indent",
            },
            {"heading": "当事人的意见及催告情况", "numbered": True},
            {
                "when": "statement",
                "then": [{"paras": "{statement}"}],
                "else": [{"para": "案卷中没有当事人陈述、申辩的记录。", "style": "indent"}],
            },
            {
                "para": [
                    "被申请人",
                    {"when": "payment_due", "text": "在缴款期限（{payment_due|date}）届满后"},
                    "未缴纳罚款。本机关于{demand.served_on|date}以{demand.method|clause}方式向"
                    "被申请人送达催告书",
                    {"when": "demand.doc_number", "text": "（{demand.doc_number|clause}）"},
                    "（送达凭证：{demand.proof|clause}），催告其履行义务（{$COMPULSION_LAW}第三十五条、"
                    "第五十四条）。催告书送达十个工作日后，被申请人仍未履行；被申请人在法定期限内"
                    "未申请行政复议，也未提起行政诉讼",
                    {
                        "when": "no_remedy_checked_on",
                        "text": "（本机关于{no_remedy_checked_on|date}核实）",
                    },
                    "。",
                ],
                "style": "indent",
            },
            {"heading": "申请强制执行标的", "numbered": True},
            {
                "table": {
                    "header": ["款项", "金额", "缴款期限", "逾期天数", "加处罚款"],
                    "widths": [0.16, 0.17, 0.2, 0.12, 0.35],
                    "rows": [
                        {
                            "each": "owed.parts",
                            "as": "p",
                            "cells": [
                                "未缴款项",
                                "{$p.amount_fen|yuan}元",
                                "{$p.due_on|date}",
                                "{$p.days_late|or:0}",
                                "{$p.surcharge_fen|or:0|yuan}元",
                            ],
                        },
                        {"cells": ["合计", "", "", "", "{owed.owed_fen|amount}"]},
                    ],
                }
            },
            {
                "para": "加处罚款按罚款数额每日百分之三计算，不超出罚款数额（{$LAW}第七十二条）；"
                "计至{issued_on|date}。",
                "style": "note",
            },
            {
                "para": "综上，依据{$COMPULSION_LAW}第五十三条、第五十四条、第五十五条的规定，"
                "特申请人民法院强制执行。",
                "style": "indent",
            },
            {"heading": "附件：（共{attachments|count}项）"},
            {"list": "attachments", "style": "indent"},
            {"part": "contact"},
            {"close": "{issued_on|date}"},
            {"signatures": [{"role": "行政机关负责人（签名）", "name": "{head.name}"}]},
        ],
    },
    # 责令改正通知书: the facts, the rule broken, what to correct and by when (第二十八条), and
    # the right to object (陈述、申辩).
    "correction_order": {
        "title": "责令改正通知书",
        "sealed": True,
        "blocks": [
            *PARTY_FORM,
            DEAR_PARTY,
            {"paras": "经查，{facts|clause}。"},
            {
                "para": [
                    "{$you}的上述行为违反了{legal_basis|clause}的规定。依据",
                    {
                        "when": "order_basis",
                        "text": "{order_basis|clause}",
                        "else": "{$LAW}第二十八条第一款",
                    },
                    "的规定，现责令{$you}于{deadline|date}前改正上述违法行为：{correction|clause}。"
                    "逾期不改正的，本机关将依法处理。",
                ],
                "style": "indent",
            },
            {
                "para": "{$you}如对本通知认定的事实、理由和依据有异议，可以自收到本通知书之日起"
                "{objection_days|or:3|days}内向本机关提出陈述、申辩。",
                "style": "indent",
            },
            {"part": "contact"},
            {"close": "{issued_on|date}"},
            signs_for_it({"part": "officer_signers"}),
        ],
    },
    # 证据先行登记保存通知书: approved by the head of the agency, a decision within seven days,
    # and meanwhile nobody may destroy or move the items (行政处罚法 第五十六条).
    "preservation_notice": {
        "title": "证据先行登记保存通知书",
        "sealed": True,
        "blocks": [
            *PARTY_FORM,
            DEAR_PARTY,
            {
                "para": "{reason|clause}。因证据可能灭失或者以后难以取得，经本机关负责人批准，"
                "依据{$LAW}第五十六条的规定，对{$you}的下列物品予以先行登记保存：",
                "style": "indent",
            },
            {
                "table": {
                    "header": ["序号", "物品名称", "规格", "数量", "备注"],
                    "widths": [0.08, 0.32, 0.2, 0.14, 0.26],
                    "rows": [
                        {
                            "each": "items",
                            "as": "it",
                            "cells": [
                                "{$i}",
                                "{$it.name}",
                                "{$it.spec}",
                                "{$it.quantity}{$it.unit}",
                                "{$it.note}",
                            ],
                        }
                    ],
                }
            },
            {
                "para": [
                    "保存地点：{storage_place|clause}。",
                    {"when": "storage_mode", "text": "保存方式：{storage_mode|clause}。"},
                ],
                "style": "indent",
            },
            {
                "para": "本机关将在七日内及时作出处理决定。在此期间，{$you}或者有关人员不得销毁或者"
                "转移上述证据。",
                "style": "indent",
            },
            {"part": "contact"},
            {"close": "{issued_on|date}"},
            {"signatures": [{"part": "party_signer"}, {"part": "officer_signers"}]},
        ],
    },
    # 行政处罚事先告知书: the intended penalty with its facts, reasons and basis, and the rights
    # to state and defend (第四十四条、第四十五条) and, where the penalty qualifies, to ask for
    # a hearing within five days of this notice (第六十三条、第六十四条).
    "prior_notice": {
        "title": "行政处罚事先告知书",
        "sealed": True,
        "blocks": [
            *PARTY_FORM,
            DEAR_PARTY,
            {"paras": "经查，{facts|clause}。"},
            {
                "when": "evidence",
                "then": [
                    {"para": "以上事实有下列证据证明：", "style": "indent"},
                    {"list": "evidence", "style": "indent"},
                ],
            },
            not_received("evidence_missing", "未列为证据"),
            {"paras": "本机关认为，{reasons|clause}。"},
            {
                "para": "依据{legal_basis|clause}的规定，本机关拟对{$you}作出如下行政处罚：",
                "style": "indent",
            },
            {"list": "penalty", "style": "indent"},
            {
                "para": "根据{$LAW}第四十四条、第四十五条的规定，{$you}有权进行陈述和申辩，可以自"
                "收到本告知书之日起{statement_days|or:5|days}内向本机关提出；本机关不因{$you}的"
                "陈述、申辩而给予更重的处罚。逾期未提出的，视为放弃陈述、申辩的权利。",
                "style": "indent",
            },
            {
                "when": "hearing_eligible",
                "para": "根据{$LAW}第六十三条、第六十四条的规定，{$you}有权要求举行听证。"
                "要求听证的，应当在本机关告知后五日内提出；逾期未提出的，视为放弃听证的权利。",
                "style": "indent",
            },
            {"part": "contact"},
            {"close": "{issued_on|date}"},
            signs_for_it(),
        ],
    },
    # 当场行政处罚决定书 (简易程序): what 第五十二条 asks of it: the violation, the kind and
    # basis of the penalty, the amount, time, place, how to appeal, the agency's name and the
    # officers' signatures; the party signs for it or the refusal is noted.
    "summary_decision": {
        "title": "当场行政处罚决定书",
        "sealed": True,
        "blocks": [
            {
                "form": [
                    {"part": "party_rows"},
                    {"label": "违法行为", "value": "{violation|clause}。"},
                    {"label": "处罚依据", "value": "{legal_basis|clause}"},
                    {"label": "处罚种类和数额", "value": {"list": "penalty", "join": " "}},
                    {"label": "时间", "value": "{decided_at|time}"},
                    {"label": "地点", "value": "{place}"},
                    {"label": "执法人员", "value": {"list": "officers", "join": "、"}},
                ]
            },
            {"gap": 0.4},
            {
                "para": "执法人员已向当事人出示执法证件，依照简易程序当场作出上述行政处罚决定"
                "（{$LAW}第五十一条、第五十二条）。",
                "style": "indent",
            },
            {"when": "statement", "paras": "当事人陈述、申辩：{statement|clause}。"},
            {"part": "payment"},
            {"part": "appeal"},
            {"close": "{decided_at|date}"},
            signs_for_it({"part": "officer_signers"}),
        ],
    },
    # 行政处罚决定书 (一般程序), each item 第五十九条 lists: (一) the party's name and address;
    # (二) the facts and evidence; (三) the kind and basis of the penalty; (四) how and by when
    # it is carried out; (五) the ways and time limits to appeal; (六) the agency's name and
    # the date; and the agency's seal.
    "penalty_decision": {
        "title": "行政处罚决定书",
        "sealed": True,
        "blocks": [
            *PARTY_FORM,
            {"heading": "违法事实和证据", "numbered": True},
            {"paras": "{facts}"},
            {"para": "上述事实有下列证据证明：", "style": "indent"},
            {"list": "evidence", "style": "indent"},
            not_received("evidence_missing", "未列为证据"),
            {
                "when": "statement",
                "then": [
                    {"heading": "陈述、申辩（听证）及采纳情况", "numbered": True},
                    {"paras": "{statement}"},
                ],
            },
            {"heading": "处罚的种类和依据", "numbered": True},
            {"para": "{$you}的上述行为违反了{violated|clause}的规定。", "style": "indent"},
            {"when": "discretion", "paras": "裁量理由：{discretion|clause}。"},
            {
                "para": "依据{penalty_basis|clause}的规定，本机关决定对{$you}作出如下行政处罚：",
                "style": "indent",
            },
            {"list": "penalty", "style": "indent"},
            {"heading": "履行方式和期限", "numbered": True},
            {"part": "payment"},
            {"when": "performance", "paras": "{performance}"},
            {
                "when": ["!penalty.fine_fen", "!performance"],
                "para": "本决定自送达之日起生效。",
                "style": "indent",
            },
            {"heading": "申请行政复议或者提起行政诉讼的途径和期限", "numbered": True},
            {"part": "appeal"},
            {"close": "{decided_on|date}"},
        ],
    },
    # 案件移送书: in the township government's name, to the department that holds the matter,
    # with the case, the reason and every attached file's SHA-256, so the receiver can check
    # that what arrived is what was sent.
    "transfer_letter": {
        "title": "案件移送书",
        "sealed": True,
        "blocks": [
            {"para": "{receiver|clause}："},
            {"paras": "{case_summary}"},
            {"when": "party", "form": [{"part": "party_rows"}]},
            {
                "para": [
                    "经审查，{reason|clause}。",
                    {"when": "legal_basis", "text": "依据{legal_basis|clause}的规定，"},
                    "现将该案件移送你单位依法处理，请于收到本移送书后及时处理，并将处理结果书面告知"
                    "本机关。",
                ],
                "style": "indent",
            },
            {"heading": "附件：案件材料清单（共{attachments|count}件）"},
            {
                "table": {
                    "header": ["序号", "材料名称", "SHA-256"],
                    "widths": [0.08, 0.42, 0.5],
                    "mono": [2],
                    "rows": [
                        {
                            "each": "attachments",
                            "as": "a",
                            "cells": ["{$i}", "{$a.name}", "{$a.sha256}"],
                        }
                    ],
                }
            },
            {
                "para": "电子材料的 SHA-256 校验值列于上表，接收单位可据此核对材料未被改动。",
                "style": "note",
            },
            not_received("missing", "未随本移送书移送"),
            {"part": "contact"},
            {"close": "{issued_on|date}"},
            {"when": "officers", "signatures": [{"part": "officer_signers"}]},
        ],
    },
}

# Texts the server (``server.cases.documents``) and the phone make from a case's records to put
# in a document's data, each from the plain values named beside it: ``phrase(name, values)``.
PHRASES: dict[str, Any] = {
    # What is confiscated, as the penalty line names it: {kind, amount_fen}.
    "confiscation": [
        {"when": "kind=confiscate_gains", "text": "违法所得", "else": "非法财物"},
        {"when": "amount_fen", "text": "（{amount_fen|yuan}元）"},
    ],
    # 第五十九条（四）: how a penalty other than a fine is carried out, one sentence each; the
    # money confiscated is paid within the 15 days, as a fine is (第六十七条). {penalties:
    # [{kind, amount_fen, label}]}, label the penalty's name.
    "performance": {
        "list": {
            "items": [
                {
                    "each": "penalties",
                    "as": "p",
                    "when": "$p.kind=confiscate_gains",
                    "text": "没收的违法所得{$p.amount_fen|yuan}元，自收到本决定书之日起十五日内"
                    "缴至指定的银行或者通过电子支付系统缴纳。",
                },
                {
                    "each": "penalties",
                    "as": "p",
                    "when": "$p.kind=confiscate_property",
                    "text": "没收的非法财物由本机关依法处置。",
                },
                {
                    "each": "penalties",
                    "as": "p",
                    "when": [
                        "!$p.kind=fine",
                        "!$p.kind=warning",
                        "!$p.kind=confiscate_gains",
                        "!$p.kind=confiscate_property",
                    ],
                    "text": "{$p.label}自本决定书送达之日起执行。",
                },
            ]
        },
        "join": "\n",
    },
    # The level of the published standard the fine was set by (第三十四条), with the grounds
    # that lightened or aggravated it (第三十一条、第三十二条、第四十九条) and, below the
    # level's range, that it was lightened (减轻处罚): {level, condition, low_fen, high_fen,
    # grounds: [label], reduced}.
    "discretion": [
        "适用本机关公布的裁量基准“{level}”阶次（{condition}，罚款{low_fen|yuan}元至"
        "{high_fen|yuan}元）",
        {
            "when": "grounds",
            "text": [
                "；当事人具有以下情节：",
                {"list": {"items": [{"each": "grounds", "as": "g", "text": "{$g}"}]}, "join": "；"},
            ],
        },
        {"when": "reduced", "text": "，依法减轻处罚"},
    ],
    # 陈述、申辩及采纳情况 (第四十五条、第六十二条), a line each: {answers: [{kind (waived,
    # written, oral), received_on, points: [{point, recheck, adopted}]}] (those to the notice
    # the decision follows), heard_on (a hearing held, not waived), statement_days (the
    # period the notice named, for "none came")}.
    "statement": {
        "list": {
            "items": [
                {
                    "each": "answers",
                    "as": "a",
                    "text": {
                        "when": "$a.kind=waived",
                        "text": "当事人于{$a.received_on|date}明确放弃陈述、申辩权利。",
                        "else": [
                            "当事人于{$a.received_on|date}",
                            {"when": "$a.kind=written", "text": "书面", "else": "口头"},
                            "提出陈述、申辩：",
                            {
                                "list": {
                                    "items": [
                                        {
                                            "each": "$a.points",
                                            "as": "p",
                                            "text": [
                                                "\n{$i}. {$p.point|clause}。经复核，"
                                                "{$p.recheck|clause}，",
                                                {
                                                    "when": "$p.adopted",
                                                    "text": "予以采纳",
                                                    "else": "不予采纳",
                                                },
                                                "。",
                                            ],
                                        }
                                    ]
                                }
                            },
                        ],
                    },
                },
                {
                    "when": "heard_on",
                    "text": "本机关于{heard_on|date}举行听证，当事人进行了申辩和质证。",
                },
                {
                    "when": ["!answers", "!heard_on", "statement_days"],
                    "text": "当事人在告知书规定的{statement_days}个工作日内未提出陈述、申辩。",
                },
            ]
        },
        "join": "\n",
    },
    # Why the act is unlawful, in the matter's catalogue name: {matter}.
    "reasons": "当事人的行为属于“{matter}”",
    # Why evidence is kept (第五十六条): {party, matter}.
    "suspected": "经查，{$you}涉嫌“{matter}”",
    # The evidence a notice or a decision lists: an inspection record {started_at, code}; a
    # photo held {captured_at, sha256: its first digits}; one whose file never arrived.
    "inspection_evidence": "现场检查笔录（{started_at|date}，{code}）",
    "photo_evidence": "现场照片（{captured_at|time}拍摄，SHA-256 {sha256}）",
    "photo_missing": "现场照片（{captured_at|time}拍摄，尚未上传）",
    # An inspection record's evidence: the party's signature, a photo by its note (received
    # or not): {note, received}.
    "signature_item": "当事人签名（手写签名图像）",
    "photo_item": [
        {"when": "note", "text": "{note}", "else": "现场照片"},
        {"when": "!received", "text": "（服务器尚未收到）"},
    ],
    # What goes to the court with an application (行政强制法 第五十五条), an item a line:
    # {decision: {doc_number, title, proof}, statement (any), demand: {doc_number, proof}}.
    "court_attachments": {
        "items": [
            {
                "text": [
                    "{decision.doc_number}{decision.title}及送达凭证",
                    {"when": "decision.proof", "text": "（{decision.proof|clause}）"},
                ]
            },
            {"text": "作出决定的事实、理由和依据及证据材料（现场检查笔录、现场照片等）"},
            {"when": "statement", "text": "当事人陈述、申辩材料"},
            {
                "text": [
                    "催告书{demand.doc_number}及送达凭证",
                    {"when": "demand.proof", "text": "（{demand.proof|clause}）"},
                ]
            },
            {"text": "申请强制执行标的计算清单（见本申请书第四项）"},
        ]
    },
    # A transfer (第二十四条、第二十七条): the clue {code, place, description}, why
    # {matter}, the files attached {captured_at} / {code}, and those not yet received.
    "transfer_summary": "{code}：{place}，{description}",
    "transfer_reason": "“{matter}”不属于本乡镇（街道）赋权事项",
    "transfer_basis": "{$LAW}第二十四条",
    "transfer_photo": "现场照片 {captured_at|stamp}",
    "transfer_clue": "线索登记记录 {code}",
    "transfer_missing": "现场照片 {captured_at|stamp}（尚未上传）",
}

# What the party did with a paper made offline when the phone captured no signature, as the
# officer chooses it before printing (pwa/src/offline-view.js): signed the printed paper by
# hand (``party_signs_paper``: the box is left blank for ink, the record says so), or refused
# (``party_refusal``, with its reason, printed in PARTY_SIGNER's note).
PARTY_SIGNING = {
    "paper": "当事人在纸质文书上签名",
    "refused": "当事人拒绝签名",
    "reason": "拒绝签名的原因",
}

SPEC: dict[str, Any] = {
    "kinds": KINDS,
    "party_signing": PARTY_SIGNING,
    "phrases": PHRASES,
    "parts": {
        "party_rows": PARTY_ROWS,
        "party_signer": PARTY_SIGNER,
        "officer_signers": OFFICER_SIGNERS,
        "payment": PAYMENT,
        "appeal": APPEAL,
        "contact": CONTACT,
    },
    # Numbered lists: one item a paragraph (or joined into one text); ``one``/``each``/
    # ``last`` write the item ``$x`` with its number ``$k`` when it is the only one, one of
    # several, the last of several.
    "lists": {
        "penalty": {
            "items": [
                {"when": "penalty.warning", "text": "警告"},
                {"when": "penalty.fine_fen", "text": "罚款{penalty.fine_fen|amount}"},
                {"when": "penalty.confiscation", "text": "没收{penalty.confiscation|clause}"},
                {"when": "penalty.other", "text": "{penalty.other|clause}"},
            ],
            "one": "{$x}。",
            "each": "{$k}. {$x}；",
            "last": "{$k}. {$x}。",
        },
        "evidence": {
            "items": [{"each": "evidence", "as": "e", "text": "{$e|label|clause}"}],
            "each": "{$k}. {$x}；",
        },
        "attachments": {
            "items": [{"each": "attachments", "as": "a", "text": "{$a|clause}"}],
            "each": "{$k}. {$x}；",
            "last": "{$k}. {$x}。",
        },
        "officers": {
            "items": [
                {"each": "officers", "as": "o", "text": "{$o.name}（执法证号 {$o.certificate_no}）"}
            ]
        },
        "contact": {
            "items": [
                {"when": "contact.person", "text": "联系人：{contact.person}"},
                {"when": "contact.phone", "text": "联系电话：{contact.phone}"},
                {"when": "contact.address", "text": "地址：{contact.address}"},
            ]
        },
    },
    "vars": {
        "LAW": LAW,
        "COMPULSION_LAW": "《中华人民共和国行政强制法》",
        # How a document addresses the party: 你 to a person, 你单位 to an organisation.
        "you": {"when": "party.kind=organisation", "text": "你单位", "else": "你"},
    },
    # What every copy carries beside the body: the heading numbers, the act code's line, the
    # generation time, the seal's place when the seal is stamped by hand, the public copy's
    # notes (行政处罚法 第四十八条), the page count of a printed copy.
    "words": {
        "numerals": "一二三四五六七八九十",
        "act_code": "行政行为码：{code}",
        "act_code_short": "行政行为码 {code}",
        "generated": "生成时间：{time}",
        "seal": "（印章）",
        "public": "（公开文本：已依法隐去个人信息）",
        "public_signature": "（公开文本不显示签名）",
        "page": "{number}　第 {page} 页 / 共 {pages} 页",
    },
}
