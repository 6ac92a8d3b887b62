"""The reason codes of rejections and conflicts (R1–R6), each with what to tell the person in
the field and what happens to what he sent, zh-CN first. The PWA shows these texts as they are;
``sync.workflow`` adds one code per status of each record type (``clue_closed``…)."""

from __future__ import annotations

from typing import Any

from sync.workflow.vocabulary import label

# Reason codes of rejections and conflicts, with what to tell the person and what to do.
RULE_REASONS: dict[str, dict[str, str]] = {
    "not_found": label("记录不存在或不在您的辖区内。", "No such record in your jurisdiction."),
    "forbidden": label("您的角色不能执行此操作。", "Your role may not do this."),
    "invalid": label("填写的内容有误，请修改后重新提交。", "Some fields are invalid."),
    "id_conflict": label(
        "该编号已被其他记录使用；您手机上的内容已保留，等待指挥室处理。",
        "This id is already used by another record; your phone's content is kept for a supervisor.",
    ),
    "already_taken": label(
        "该任务已被其他队员接单；您的照片和记录已保留并附在线索上。",
        "Another officer took this task first; your evidence is kept.",
    ),
    "not_assignee": label("该任务未交办给您。", "This task is not assigned to you."),
    "already_rated": label("您已评价过。", "You have already rated this."),
    "no_hard_delete": label(
        "现场终端不能删除记录；草稿可撤回，证据由指挥室排除。",
        "Field devices never delete; withdraw a draft instead.",
    ),
    "unknown_transition": label("不支持的操作，请更新应用。", "Unknown action; update the app."),
    "locked": label(
        "该内容已受理或审批，已锁定；您的修改已保留，等待指挥室处理。",
        "Locked after approval; your change is kept for a supervisor.",
    ),
    "concurrent_edit": label(
        "他人同时修改了此项；您的修改已保留，等待指挥室处理。",
        "Someone else changed this meanwhile; your value is kept.",
    ),
    "parent_missing": label("所属线索不存在。", "The parent record does not exist."),
    "mutation_reused": label("操作编号重复，请更新应用。", "Mutation id reused."),
    # R1, R3: answers that keep what the device sent instead of dropping it.
    "mutation_mismatch": label(
        "同一次提交再次送达时内容与第一次不同；您手机上的内容已保留，等待指挥室处理。",
        "The same submission came again with different content; "
        "your phone's content is kept for a supervisor.",
    ),
    "rights_changed": label(
        "记录这条内容之后，您对该记录的权限有变（如调整了网格或岗位）；内容已保留，等待指挥室处理。",
        "Your rights over this record changed since you recorded this (a new grid or role); "
        "it is kept for a supervisor.",
    ),
    "waited_too_long": label(
        "所属的记录一直没有送达（或不在您的范围内）；这条内容已保留，交指挥室处理。",
        "The record this belongs to never reached you; this is kept for a supervisor.",
    ),
    "waiting_parent": label(
        "所属的记录还没有送达服务器；这条内容已保留，等它送达后自动处理。",
        "The record this belongs to has not reached the server yet; "
        "this is kept and applied when it arrives.",
    ),
}
RULE_REASONS["evidence_excluded"] = label(
    "该证据已被排除。", "This evidence has already been excluded."
)
RULE_REASONS["visit_done"] = label(
    "该检查任务已由同组另一名执法人员记录；您的记录已保留，由负责人核对。",
    "The other officer of the pair recorded this visit first; yours is kept for a supervisor.",
)
RULE_REASONS["conflict_stale"] = label(
    "冲突产生后该项又被修改，请查看最新值后重新处理。",
    "The value changed again since the conflict opened; look at it again.",
)
RULE_REASONS["conflict_resolved"] = label(
    "该冲突已由他人处理。", "This conflict has already been resolved."
)
# Refusals of the case rules (sync.cases), each naming the article that forbids the step.
RULE_REASONS.update(
    {
        "procedure_mismatch": label(
            "该步骤不属于本案适用的程序（简易/普通）。",
            "This step is not part of the case's procedure.",
        ),
        "summary_not_allowed_for_matter": label(
            "该执法事项不适用简易程序，请按普通程序办理。",
            "The catalogue does not allow the summary procedure for this matter.",
        ),
        "summary_fine_over_limit": label(
            "当场处罚仅限警告或对公民200元以下、对单位3000元以下罚款（行政处罚法第五十一条）。",
            "On the spot: a warning, or a fine up to 200 yuan (person) or 3,000 (organisation).",
        ),
        "summary_penalty_not_allowed": label(
            "当场处罚只能是警告或罚款（行政处罚法第五十一条）。",
            "On the spot only a warning or a fine (art. 51).",
        ),
        "summary_facts_not_conclusive": label(
            "违法事实不确凿，不能适用简易程序（第五十一条）。", "Facts not conclusive (art. 51)."
        ),
        "summary_no_legal_basis": label(
            "没有法定依据（第五十一条）。", "No legal basis (art. 51)."
        ),
        "certificate_not_shown": label(
            "执法人员应当出示执法证件（行政处罚法第五十二条、第五十五条）。",
            "The officers must show their certificates (arts. 52, 55).",
        ),
        "certificate_not_valid": label(
            "执法人员的执法证在当日无效（行政处罚法第四十二条）。",
            "An officer's certificate is not valid that day (art. 42).",
        ),
        "too_few_officers": label(
            "执法人员不得少于两人（行政处罚法第四十二条）。", "At least two officers (art. 42)."
        ),
        "author_cannot_confirm": label(
            "笔录或当场处罚由您作出，须由其上的另一名执法人员在其本人设备上确认（行政处罚法第四十二条）。",
            "You made it: the other officer named on it confirms on his own device (art. 42).",
        ),
        "not_named_officer": label(
            "您不是其上所列的执法人员，不能确认在场。",
            "You are not named on it: you cannot confirm you were there.",
        ),
        "already_confirmed": label("您已确认在场。", "You have already confirmed."),
        "recorder_not_named": label(
            "记录人须是笔录上的执法人员之一。", "The one recording must be one of the officers."
        ),
        "limitation_expired": label(
            "违法行为已超过追责时效，不再给予行政处罚（行政处罚法第三十六条）。",
            "Past the limitation period: no penalty (art. 36).",
        ),
        "already_preserved": label("本案已先行登记保存。", "Evidence is already preserved."),
        "nothing_preserved": label("本案没有先行登记保存的证据。", "Nothing was preserved."),
        "already_decided": label("已作出处理决定。", "Already decided."),
        "correction_already_ordered": label(
            "本案已责令改正。", "The party has already been ordered to correct."
        ),
        "correction_deadline_before_order": label(
            "改正期限不能早于责令改正之日（行政处罚法第二十八条）。",
            "The day to correct by is before the order (art. 28).",
        ),
        "preservation_decision_late": label(
            "登记保存超过七日未作处理决定，证据应予解除（行政处罚法第五十六条）。",
            "Preserved evidence must be decided on within 7 working days (art. 56).",
        ),
        "steps_missing": label(
            "前置程序未完成（告知、听证或法制审核），不得作出决定（行政处罚法第四十四、五十八、六十二条）。",
            "An earlier step is missing (arts. 44, 58, 62).",
        ),
        "no_penalty_required": label(
            "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚（行政处罚法第三十三条）。",
            "Minor, corrected in time, no harm: no penalty (art. 33).",
        ),
        "penalty_amount": label(
            "罚款、没收须填写金额，其他处罚金额为零。",
            "Fines carry an amount; other penalties none.",
        ),
        "hearing_not_available": label(
            "拟作出的处罚不属于听证范围（行政处罚法第六十三条）。",
            "This penalty gives no right to a hearing (art. 63).",
        ),
        "hearing_request_late": label(
            "当事人应在告知后五个工作日内提出听证（行政处罚法第六十四条）。",
            "A hearing must be asked for within 5 working days (art. 64).",
        ),
        "hearing_notice_too_short": label(
            "应在举行听证七日前通知当事人（行政处罚法第六十四条）。",
            "The party is told of the hearing 7 working days before it (art. 64).",
        ),
        "hearing_request_period_open": label(
            "当事人申请听证的期限尚未届满，不得作出决定（行政处罚法第六十四条）。",
            "The party may still ask for a hearing (art. 64).",
        ),
        "reviewer_investigated": label(
            "法制审核人员不得审核本人调查的案件（行政处罚法第五十八条）。",
            "The reviewer investigated this case himself (art. 58).",
        ),
        "statement_period_open": label(
            "当事人陈述、申辩的期限尚未届满，且未记录其陈述、申辩或明确放弃，不得集体讨论或"
            "作出决定（行政处罚法第四十四条、第四十五条、第六十二条）。",
            "The party's time to state and defend has not run out, and no statement or "
            "waiver is recorded: no discussion or decision yet (arts. 44, 45, 62).",
        ),
        "statement_points": label(
            "陈述、申辩须逐项记录其事实、理由或证据及复核意见；明确放弃的不记录（行政处罚法第四十五条）。",
            "A statement lists each point with its re-check; a waiver lists none (art. 45).",
        ),
        "heavier_than_notified": label(
            "不得作出比告知内容更重的处罚，须重新告知（行政处罚法第四十五条）。",
            "Heavier than the penalty notified: notify again (art. 45).",
        ),
        "decision_overdue": label(
            "已超过立案之日起九十日的办案期限（行政处罚法第六十条）。",
            "Past the 90 days from opening (art. 60).",
        ),
        "nothing_to_pay": label("本决定没有需缴纳的款项。", "Nothing to pay."),
        "payment_amount": label(
            "缴款金额应为罚款加逾期加处罚款（行政处罚法第七十二条）。",
            "The amount must be the fine plus the late surcharge (art. 72).",
        ),
        "not_paid": label(
            "罚款尚未缴纳，也未经人民法院强制执行完毕，不能结案；人民法院不予受理或者裁定不予执行的，"
            "案件仍不结案（行政强制法第五十六条、第五十八条）。",
            "The fine is neither paid nor enforced by the court to the end: the case stays open, "
            "also after the court declined or refused to enforce "
            "(Administrative Compulsion Law arts. 56, 58).",
        ),
        "date_in_future": label("日期不能晚于今天。", "The date is in the future."),
        "date_before_step": label("日期早于前一环节。", "The date is before the step it follows."),
        "calendar_missing": label(
            "系统未录入该年度的节假日安排，请联系管理员。",
            "The holiday calendar for that year is not loaded; ask the administrator.",
        ),
        "decider_not_among_officers": label(
            "当场处罚须由作出决定的执法人员与另一名持证执法人员共同实施（《行政处罚法》第四十二条）。",
            "An on-the-spot decision is made by the deciding officer with a second certified one "
            "(art. 42).",
        ),
        "minor_under_14": label(
            "当事人违法时不满十四周岁，不予行政处罚，应责令监护人加以管教（《行政处罚法》第三十条）。",
            "The party was under 14 at the time of the act: no penalty; the guardian is told to "
            "discipline (art. 30).",
        ),
        "minor_lighter": label(
            "当事人违法时已满十四周岁不满十八周岁，应当从轻或者减轻处罚，只能适用最轻的裁量档次"
            "（《行政处罚法》第三十条）。",
            "The party was 14 to 18 at the time of the act: the penalty is lightened, the "
            "lightest discretion level only (art. 30).",
        ),
        "hearing_host_investigated": label(
            "听证主持人不得是本案调查人员（《行政处罚法》第六十四条）。",
            "The hearing's host may not be an investigator of the case (art. 64).",
        ),
        "education_required": label(
            "依法不予行政处罚的，应当对当事人进行教育：请填写教育情况（《行政处罚法》第三十三条）。",
            "No penalty for this ground comes with the education given to the party (art. 33).",
        ),
        "extension_not_by_rule": label(
            "延长办案期限只能依据本单位适用的规定：{rule}（《行政处罚法》第六十条）。",
            "Only the rule this unit works under extends the period: {rule} (art. 60).",
        ),
        "extension_too_long": label(
            "依该规定最多延长 {max_days} 日。", "That rule allows at most {max_days} days."
        ),
        "extension_beyond_rule": label(
            "依该规定只能延长 {times} 次；仍不能作出决定的，依规定由负责人集体讨论。",
            "That rule allows {times} extension(s); beyond it the heads decide together.",
        ),
        "deadline_past": label("办理期限必须晚于现在。", "The deadline must be later than now."),
        "reviewer_unqualified": label(
            "法制审核人员须取得法律职业资格，账号未登记资格证书编号（《行政处罚法》第五十八条）。",
            "A legal reviewer needs the national legal qualification, and none is recorded on "
            "this account (art. 58).",
        ),
        "electronic_service_without_consent": label(
            "电子送达须当事人事先同意并签订确认书，请登记签订日期（《行政处罚法》第六十一条）。",
            "Electronic service needs the party's signed consent first (art. 61).",
        ),
        "no_eservice_consent": label(
            "当事人没有有效的电子送达确认书，无可撤回。",
            "The party has no standing consent to electronic service to withdraw.",
        ),
        "recused": label(
            "该人员已决定回避，不得参与本案（《行政处罚法》第四十三条）。",
            "This person stood aside from the case (art. 43).",
        ),
        "already_recused": label("该人员已决定回避。", "This person already stood aside."),
        "fined_twice": label(
            "该当事人的同一违法行为已在案件 {case_code} 中处以罚款，不得再次罚款"
            "（《行政处罚法》第二十九条）。",
            "This party was already fined for the same act in case {case_code} (art. 29).",
        ),
        "already_filed": label("该当场处罚决定已备案。", "This decision is already filed."),
        "not_empowered": label(
            "本乡镇（街道）在发现该违法行为时未获赋权办理该事项，不能立案，请移送主管部门"
            "（《行政处罚法》第二十四条、第三十八条）。",
            "The township was not empowered for this matter when the violation was discovered: "
            "no case; transfer it to the competent department (arts. 24, 38).",
        ),
        "empowered_here": label(
            "本乡镇（街道）已获赋权，无需移送。", "The township holds this power: no transfer."
        ),
        "no_department": label(
            "目录未载明该事项的主管部门。", "The catalogue names no department for this matter."
        ),
        "discretion_level_required": label(
            "该事项有公布的裁量基准，请选择适用的裁量阶次（第三十四条）。",
            "This matter has a published discretion standard: name the level that applies "
            "(art. 34).",
        ),
        "discretion_level_unknown": label(
            "该事项的裁量基准中没有这个阶次。",
            "The matter's discretion standard has no such level.",
        ),
        "on_spot_ground_required": label(
            "当场收缴罚款须写明法定情形（第六十八条、第六十九条）。",
            "Collecting on the spot needs one of the grounds arts. 68, 69 name.",
        ),
        "on_spot_not_asked": label(
            "边远、水上、交通不便地区当场收缴须经当事人提出（第六十九条）。",
            "In a remote area, only at the party's request (art. 69).",
        ),
        "on_spot_summary_only": label(
            "该情形只适用于简易程序当场作出的处罚决定（第六十八条）。",
            "That ground is for on-the-spot decisions only (art. 68).",
        ),
        "on_spot_over_100": label(
            "罚款超过一百元，不能依第六十八条第一项当场收缴。",
            "Above 100 yuan: not collected on the spot under art. 68(1).",
        ),
        "instalments_unpaid": label(
            "此前各期尚未缴清，请先记录分期缴款（第六十六条）。",
            "Earlier instalments are unpaid: record them first (art. 66).",
        ),
        "already_paid": label("罚款已缴清。", "The fine is paid."),
        "no_payment_plan": label(
            "该案没有批准的分期缴纳计划。", "The case has no approved instalment plan."
        ),
        "last_instalment": label(
            "这是最后一期，请用“缴款”记录。",
            "This is the last instalment: record it as the payment.",
        ),
        "payment_plan_exists": label(
            "已批准暂缓或分期缴纳（第六十六条）。",
            "A deferral or instalments are already approved.",
        ),
        "instalment_dates": label(
            "各期缴款日期应依次在后，且不早于批准日期。",
            "Each instalment later than the last, none before the approval.",
        ),
        "instalments_total": label(
            "各期金额之和应等于罚款金额。", "The instalments must add up to the fine."
        ),
        "not_collected_on_spot": label(
            "该案罚款不是当场收缴的。", "The fine was not collected on the spot."
        ),
        "already_handed_in": label("已记录交至机关。", "Already handed in."),
        "payment_not_overdue": label(
            "缴款期限尚未届满，不能催告（行政强制法第五十四条）。",
            "The party is not late yet: no demand (Administrative Compulsion Law art. 54).",
        ),
        "demand_first": label(
            "申请人民法院强制执行前应当书面催告当事人（行政强制法第五十四条）。",
            "Serve the written demand before asking the court "
            "(Administrative Compulsion Law art. 54).",
        ),
        "enforcement_outside_window": label(
            "申请强制执行须在催告书送达十个工作日后、当事人申请复议或起诉期限届满后三个月内"
            "（行政强制法第五十三条、第五十四条、第六十九条）。",
            "The court is asked ten working days after the demand, after the time to seek "
            "review or sue, and within three months of it "
            "(Administrative Compulsion Law arts. 53, 54, 69).",
        ),
        "enforcement_already_applied": label(
            "已记录申请人民法院强制执行；人民法院的答复请逐项记录（行政强制法第五十六条至第五十八条）。",
            "The application to the court is already recorded: record the court's answers "
            "(Administrative Compulsion Law arts. 56–58).",
        ),
        "enforcement_not_applied": label(
            "尚未记录申请人民法院强制执行，不能记录人民法院的答复（行政强制法第五十三条）。",
            "No application to the court is recorded: there is no answer to record "
            "(Administrative Compulsion Law art. 53).",
        ),
        "court_acceptance_recorded": label(
            "已记录人民法院受理该申请，不能再记录受理或不予受理（行政强制法第五十六条）。",
            "The court's acceptance is already recorded: no second acceptance, and no refusal "
            "to accept (Administrative Compulsion Law art. 56).",
        ),
        "court_decline_recorded": label(
            "已记录不予受理的裁定；经上一级人民法院复议受理的，请记录“人民法院受理”"
            "（行政强制法第五十六条）。",
            "The refusal to accept is already recorded; an acceptance by the court above on "
            "reconsideration is recorded as an acceptance (Administrative Compulsion Law art. 56).",
        ),
        "court_not_accepted": label(
            "人民法院尚未受理该申请，请先记录受理（行政强制法第五十六条、第五十七条）。",
            "The court has not accepted the application: record its acceptance first "
            "(Administrative Compulsion Law arts. 56, 57).",
        ),
        "court_order_recorded": label(
            "已记录人民法院准予执行的裁定，不能再记录准予执行或不予执行（行政强制法第五十七条）。",
            "The ruling to enforce is already recorded: no second ruling "
            "(Administrative Compulsion Law art. 57).",
        ),
        "court_refusal_recorded": label(
            "已记录不予执行的裁定；经上一级人民法院复议裁定执行的，请记录“人民法院裁定准予执行”"
            "（行政强制法第五十八条）。",
            "The refusal to enforce is already recorded; a ruling to enforce by the court above "
            "on reconsideration is recorded as such (Administrative Compulsion Law art. 58).",
        ),
        "court_not_ordered": label(
            "人民法院尚未裁定准予执行，不能记录执行完毕（行政强制法第五十七条）。",
            "The court has not ruled to enforce: it cannot have enforced "
            "(Administrative Compulsion Law art. 57).",
        ),
        "remedy_sought": label(
            "当事人已申请行政复议或提起行政诉讼，不得申请人民法院强制执行（行政强制法第五十三条）。",
            "The party sought review or sued: the court cannot be asked to enforce (art. 53).",
        ),
        "no_remedy_unconfirmed": label(
            "请先确认当事人在法定期限内未申请行政复议、未提起行政诉讼（行政强制法第五十三条）。",
            "First confirm the party sought neither review nor a suit in time (art. 53).",
        ),
        "remedy_period_open": label(
            "当事人的起诉期限尚未届满，届满后方可确认（行政诉讼法第四十六条）。",
            "The party's time to sue is not over yet: confirm after it (行政诉讼法 art. 46).",
        ),
        "decision_revoked": label(
            "本处罚决定已被复议决定或判决撤销，当事人不再负有缴款义务，可以结案。",
            "The decision was revoked by the review or the court: nothing is owed; close it.",
        ),
        "no_remedy_recorded": label(
            "尚未记录当事人申请复议或起诉。", "No review or suit of the party is recorded."
        ),
        "remedy_result_recorded": label(
            "已记录该复议或诉讼的结果。", "Its outcome is already recorded."
        ),
        "no_remedy_confirmed": label("已确认当事人未申请复议、未起诉。", "Already confirmed."),
        "enforced_by_court": label(
            "人民法院已强制执行完毕：无需再缴款、催告或记录法院的其他答复，可以结案。",
            "The court has enforced it to the end: nothing more to pay, demand or record; "
            "the case can be closed.",
        ),
        "court_enforcement_recorded": label(
            "已记录人民法院执行完毕。", "The enforcement is already recorded as done."
        ),
        "penalty_kind_twice": label(
            "同一决定中每一种处罚只能出现一次（《行政处罚法》第九条、第二十九条）。",
            "Each kind of penalty once in a decision (arts. 9, 29).",
        ),
        "circumstances_level": label(
            "案件记录的从轻、减轻或从重情节不允许适用所选裁量阶次（《行政处罚法》第三十一条、"
            "第三十二条、第四十九条）；请选择允许的阶次或修改情节。",
            "The case's recorded mitigating or aggravating grounds exclude this level "
            "(arts. 31, 32, 49); choose one they allow or correct the grounds.",
        ),
        "outside_discretion": label(
            "罚款金额超出所选裁量阶次的幅度（第三十四条）。",
            "The fine is outside the range of the level chosen (art. 34).",
        ),
        "extension_repeated": label(
            "该期限延长已登记过，未重复延长。",
            "This extension is already recorded: it was not added twice.",
        ),
        "collaboration_already_extended": label(
            "协作申请的反馈期限只能延长一次（5个工作日）。",
            "A collaboration request may be extended once only (5 working days).",
        ),
        "collaboration_extension_late": label(
            "反馈期限已届满，不能再延长。",
            "The period to answer has already run out: it cannot be extended.",
        ),
    }
)


def status_reasons(workflow: dict[str, Any]) -> dict[str, dict[str, str]]:
    """``<type>_<status>``: a transition refused because the record is in that status (R5)."""
    return {
        f"{rtype}_{status}": label(
            f"{spec['label']['zh-CN']}当前状态为“{names['zh-CN']}”，不能执行此操作。",
            f"The {spec['label']['en'].lower()} is {names['en'].lower()}; "
            "this action does not apply.",
        )
        for rtype, spec in workflow.items()
        for status, names in spec.get("statuses", {}).items()
    }
