"""What every record type's spec shares: the roles, the "stay where it is" status, and the
labels a screen shows (zh-CN first) for each choice the rules check."""

from __future__ import annotations

from typing import Any

# A transition's "to" that keeps the record in the status it is in.
SAME = "$same"
SUPERVISORS = ["dispatcher", "leader"]
STAFF = ["officer", "dispatcher", "leader", "reviewer"]
# Relations (sync.rules.may) besides reporter, assignee and taker: the department a record
# is addressed to (its spec's ``addressed`` field names it), and the county's command centre
# (a dispatcher or leader of a unit above the record's township: 县指挥中心).
ADDRESSEE = "addressee"
COUNTY_COMMAND = "county_command"
# An officer named on an on-the-spot decision besides the one who made it, who has not yet
# confirmed he was there (art. 42: sync.cases.on_spot_presence_art_42).
ON_SPOT_PARTNER = "on_spot_partner"


def label(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


# What a screen shows for each choice; the values are what the rules check.
CHOICE_LABELS = {
    "stopped": label("已制止", "Stopped"),
    "refused": label("拒不听从", "Refused"),
    "nobody_present": label("现场无人", "Nobody present"),
    # Where a clue's place came from (sync.place).
    "gps": label("手机定位", "Phone location"),
    "map": label("地图选点", "Picked on the map"),
    "address": label("无坐标，仅有地址", "No coordinates, address only"),
    "reconsideration": label("申请行政复议", "Applied for administrative review"),
    "litigation": label("提起行政诉讼", "Sued in the people's court"),
    "upheld": label("维持原决定", "Upheld"),
    "changed": label("变更原决定", "Changed"),
    "revoked": label("撤销原决定", "Revoked"),
    "corrected_on_spot": label("当场整改", "Corrected on the spot"),
    "case_opened": label("申请立案", "Case proposed"),  # the leader approves the opening
    "no_violation": label("不构成违法", "No violation"),
    "transfer_needed": label("需移送部门", "Transfer needed"),
    # Cases: who the party is, what the penalty is (行政处罚法 第九条), how it is decided.
    "person": label("公民", "Person"),
    "organisation": label("法人或其他组织", "Organisation"),
    "warning": label("警告", "Warning"),
    "public_criticism": label("通报批评", "Public criticism"),
    "fine": label("罚款", "Fine"),
    "confiscate_gains": label("没收违法所得", "Confiscate illegal gains"),
    "confiscate_property": label("没收非法财物", "Confiscate illegal property"),
    "suspend_licence": label("暂扣许可证件", "Suspend licence"),
    "lower_qualification": label("降低资质等级", "Lower qualification"),
    "revoke_licence": label("吊销许可证件", "Revoke licence"),
    "limit_business": label("限制开展生产经营活动", "Limit business"),
    "suspend_business": label("责令停产停业", "Suspend business"),
    "order_closure": label("责令关闭", "Order closure"),
    "limit_practice": label("限制从业", "Limit practice"),
    "other": label("其他", "Other"),
    "summary": label("简易程序", "Summary procedure"),
    "general": label("普通程序", "General procedure"),
    "none": label("无危害后果", "No harm"),
    "slight": label("危害后果轻微", "Slight harm"),
    "harmful": label("有危害后果", "Harmful"),
    "major_public_interest": label("涉及重大公共利益", "Major public interest"),
    "major_rights": label("直接关系当事人或第三人重大权益", "Major rights at stake"),
    "complex_case": label("案件情况疑难复杂", "Complex case"),
    "required_by_law": label("法律、法规规定的其他情形", "Required by law"),
    "in_person": label("直接送达", "In person"),
    "left_at_address": label("留置送达", "Left at the address"),
    "post": label("邮寄送达", "By post"),
    "electronic": label("电子送达", "Electronic"),
    "public_notice": label("公告送达", "Public notice"),
    "extension": label("延长期限", "A longer period"),
    "excluded_time": label("不计入期限的时间", "Time not counted"),
    # What a township asks a department for (seeds 004: 认定、技术鉴定、提供咨询意见、提供资料).
    "determination": label("认定", "Determination"),
    "appraisal": label("技术鉴定", "Technical appraisal"),
    "advice": label("提供咨询意见", "Advice"),
    "materials": label("提供资料", "Materials"),
    # Why no penalty (不予行政处罚).
    "minor_corrected": label(
        "违法行为轻微并及时改正，没有造成危害后果（第三十三条第一款）",
        "Minor, corrected in time, no harm (art. 33(1))",
    ),
    "first_minor": label(
        "初次违法且危害后果轻微并及时改正（第三十三条第一款）",
        "First violation, slight harm, corrected in time (art. 33(1))",
    ),
    "no_fault": label(
        "有证据足以证明没有主观过错（第三十三条第二款）", "No fault, proved (art. 33(2))"
    ),
    "under_14": label("不满十四周岁（第三十条）", "Under 14 (art. 30)"),
    "mental_illness": label(
        "精神病人、智力残疾人不能辨认或控制自己行为时违法（第三十一条）",
        "Mental illness or intellectual disability at the time (art. 31)",
    ),
    "limitation": label("超过追责期限（第三十六条）", "Past the limitation (art. 36)"),
    # The grounds that lighten or aggravate a penalty (arts. 31, 32, 49).
    "eliminated_harm": label(
        "主动消除或者减轻违法行为危害后果（第三十二条第一项）",
        "Removed or reduced the harm of his own accord (art. 32(1))",
    ),
    "coerced": label(
        "受他人胁迫或者诱骗实施违法行为（第三十二条第二项）",
        "Coerced or lured into it (art. 32(2))",
    ),
    "confessed": label(
        "主动供述行政机关尚未掌握的违法行为（第三十二条第三项）",
        "Confessed violations the agency did not know of (art. 32(3))",
    ),
    "meritorious": label(
        "配合行政机关查处违法行为有立功表现（第三十二条第四项）",
        "Helped the agency uncover violations (art. 32(4))",
    ),
    "other_lighter": label(
        "法律、法规、规章规定其他应当从轻或者减轻的情形（第三十二条第五项）",
        "Another rule says lighten (art. 32(5))",
    ),
    "partial_capacity": label(
        "尚未完全丧失辨认或者控制自己行为能力的精神病人、智力残疾人（第三十一条）",
        "Mental illness or disability, capacity not wholly lost (art. 31)",
    ),
    "emergency_measures": label(
        "违反突发事件应对措施（第四十九条，从重）",
        "Broke emergency measures (art. 49: heavier)",
    ),
    "standard_heavier": label(
        "裁量基准规定的从重情节", "A ground for a heavier penalty in the published standard"
    ),
    # How a fine was paid (arts. 67–70), and why it was collected on the spot.
    "platform": label("缴款平台缴纳（缴款码）", "Through the payment platform"),
    "on_the_spot": label("当场收缴（专用票据）", "Collected on the spot (official receipt)"),
    "under_100": label("一百元以下罚款（第六十八条第一项）", "A fine up to 100 yuan (art. 68(1))"),
    "hard_to_enforce": label(
        "不当场收缴事后难以执行（第六十八条第二项）", "Hard to enforce later (art. 68(2))"
    ),
    "remote_area": label(
        "边远、水上、交通不便地区，当事人提出（第六十九条）",
        "Remote area, at the party's request (art. 69)",
    ),
    # Whose part a recusal (回避, art. 43) removes someone from, and who asked.
    "investigator": label("调查人员", "Investigator"),
    "reviewer": label("法制审核人员", "Legal reviewer"),
    "hearing_host": label("听证主持人", "Hearing host"),
    "party": label("当事人申请", "Asked by the party"),
    "self": label("本人申请", "Asked by the person"),
    "agency": label("机关决定", "Decided by the agency"),
    # Whether the party came to the hearing (art. 64(8)).
    "attended": label("当事人出席", "The party attended"),
    "absent": label("无正当理由拒不出席", "Did not appear without good reason"),
    "left": label("未经许可中途退出", "Left without leave"),
    # How the party answered the prior notice (arts. 44, 45, 62).
    "written": label("书面陈述、申辩", "In writing"),
    "oral": label("口头陈述、申辩（笔录签名）", "By word, recorded and signed"),
    "waived": label("明确放弃陈述、申辩", "Expressly waived"),
    # Why a court ruled not to enforce (行政强制法 第五十八条).
    "no_factual_basis": label("明显缺乏事实根据", "Clearly without a factual basis"),
    "no_legal_basis": label("明显缺乏法律、法规依据", "Clearly without a legal basis"),
    "clearly_unlawful": label(
        "其他明显违法并损害被执行人合法权益", "Otherwise clearly unlawful, harming the party"
    ),
}


def transfer_dispute(out: str, back: str, back_sets: dict[str, str]) -> dict[str, Any]:
    """争议协调, the same for a clue and a case transferred (移送) to a county department:
    the department sends it back with its reason (status ``transfer_disputed``), and the
    county command centre decides: the transfer stands (back to ``out``), or the township
    handles the matter itself (to ``back``, setting ``back_sets``)."""
    note = {"note": {"type": "text", "max_length": 2000, "required": True}}
    return {
        "return_transfer": {
            "label": label("退回移送", "Send the transfer back"),
            "from": [out],
            "to": "transfer_disputed",
            "who": [ADDRESSEE],
            "args": {"reason": {"type": "text", "max_length": 2000, "required": True}},
            "sets": {"transfer_returned_reason": "reason"},
        },
        "uphold_transfer": {
            "label": label("协调：维持移送", "Arbitrate: the transfer stands"),
            "from": ["transfer_disputed"],
            "to": out,
            "who": [COUNTY_COMMAND],
            "args": note,
            "sets": {"arbitration_note": "note"},
        },
        "arbitrate_to_township": {
            "label": label("协调：交乡镇办理", "Arbitrate: the township handles it"),
            "from": ["transfer_disputed"],
            "to": back,
            "who": [COUNTY_COMMAND],
            "args": note,
            "sets": {"arbitration_note": "note", **back_sets},
        },
    }


def choice_labels(choices: list[str]) -> dict[str, dict[str, str]]:
    return {c: CHOICE_LABELS[c] for c in choices}


def choice(choices: list[str], required: bool = True, **more: Any) -> dict[str, Any]:
    """A field or argument chosen from ``choices``, each shown by its label."""
    spec = {"type": "choice", "choices": choices, "labels": choice_labels(choices)}
    return {**spec, "required": required, **more}
