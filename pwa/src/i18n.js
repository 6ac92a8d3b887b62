// zh-CN first, English second. Labels of statuses, actions and reasons come from the
// workflow the server declares ({ "zh-CN": …, en: … }); the rest of the screen text is here.
import { CHINA_ZONE } from './rules.js';

const STRINGS = {
  'zh-CN': {
    app: '综合执法', login: '登录', username: '账号', password: '密码',
    login_failed: '账号或密码错误', login_offline: '首次登录需要网络，请到有信号的地方再试。',
    set_pin: '设置解锁PIN', pin_hint: '4–8位数字。离线时用它打开应用；忘记则需联网重新登录。',
    pin: 'PIN', pin_again: '再输一次', pin_mismatch: '两次输入不一致', save: '保存',
    unlock: '解锁', wrong_pin: 'PIN错误，还可尝试 {n} 次', pin_erased: '错误次数过多，请联网重新登录（未发送的记录仍保留在手机上）。',
    report: '上报线索', my_reports: '我的上报', tasks: '我的任务', outbox: '发件箱',
    sync_now: '立即同步', syncing: '正在同步…', last_sync: '上次同步：{t}', never_synced: '尚未同步',
    online: '在线', offline: '离线', logout: '退出登录', lang: 'English',
    waiting_n: '{n} 条待发送', attention_n: '{n} 条需处理', all_sent: '全部已送达',
    step: '第 {n} / 3 步', next: '下一步', back: '上一步', submit: '保存并上报',
    photos: '现场照片', take_photo: '拍照', photo_n: '已拍 {n} 张', photo_bad: '不是照片文件，已忽略',
    location: '位置', locating: '正在定位…', accuracy: '精度 {m} 米', loc_poor: '定位精度较差（超过50米），建议到开阔处重新定位',
    loc_suspect: '定位精度为0，可能是模拟定位；已标注供指挥室核实', loc_denied: '无法获取定位：请在手机设置中允许定位',
    relocate: '重新定位', matter: '事项类别', choose: '请选择', address: '地点说明', description: '情况描述',
    '*': '整条记录（手机所发内容）', whole_server: '以上方记录为准（标黄的是手机内容不同之处）',
    voice_hint: '可用输入法的语音输入', dissuasion: '劝阻', dissuaded: '已现场劝阻', not_dissuaded: '未劝阻',
    result: '劝阻结果', saved_on_phone: '已保存在手机', sending: '发送中', on_server: '已送达', needs_attention: '需处理', held_waiting: '已送达，待生效',
    saved_toast: '已保存到手机，联网后自动上报', saved_sending: '已保存，正在上报', required: '必填', no_reports: '还没有上报记录',
    no_tasks: '暂无任务', deadline: '期限 {t}', overdue: '已超期', period_over: '期限已届满', due_soon: '即将到期', take: '接单', handle: '现场处置',
    co_officer: '同行执法队员（持证）', findings: '检查情况', signature: '当事人签名', sign_clear: '重写',
    party_refused: '当事人拒绝签名', outcome: '处置结果', note: '备注', evidence: '证据照片',
    handled_toast: '处置记录已保存，联网后自动上报', feedback: '指挥室反馈', handling: '处置情况',
    rate: '评价', rating: '满意度', comment: '意见', photo_state: '照片', copy: '压缩图', original: '原图',
    export: '导出未发送记录', logout_refused: '还有 {n} 条记录未送达，不能退出。请先同步，或导出到文件。',
    exported: '已导出，可退出登录', update_ready: '新版本已就绪', update_now: '更新', later: '稍后',
    discretion_level: '裁量阶次', discretion_hint: '按本事项公布的裁量基准选择，罚款须在该阶次幅度内', edit_facts: '修改案件事实', calendar: '工作日历', waiting_list: '待归属记录', waiting_list_hint: '这些备注和照片所属的线索尚未送达，或作者无权查看该线索。等待超过规定天数后，转为同步冲突交指挥室处理，不会丢弃。', waiting_list_empty: '没有等待中的记录', waited_days: '已等 {n} 天', waited_today: '今天送达', arrived_at: '送达于', year: '年份', calendar_source: '通知名称', holidays: '放假日期', workdays: '调休上班日期', published_at: '发布时间',
    calendar_publish: '发布年度日历', calendar_published: '{year} 年工作日历已发布', calendar_missing_years: '{years} 年的工作日历尚未发布：当事人的期限（申请听证、陈述申辩、缴款）算到该年时将无法办理，本单位的期限按周末估算。请县级管理员尽快发布。',
    calendar_days_hint: '按国务院办公厅通知填写，日期以逗号或换行分隔，连续日期可写作 2027-10-01~2027-10-07',
    storage_full: '未能保存：手机存储空间已满。填写的内容仍在本页，请清理空间后再点保存', not_saved: '未能保存到手机。填写的内容仍在本页，请再点一次保存',
    storage_low: '手机存储空间不足（剩余约 {mb} MB），请同步后清理空间', storage_not_persisted: '浏览器未授予持久存储，请勿清除浏览器数据',
    what_to_do: '怎么办', conflict_kept: '已送达；与他人的修改冲突，您的内容已保留，等待指挥室处理。',
    waiting_note: '服务器已收到，不会重发；它所属的记录到达服务器后即生效。',
    retry_in: '{s} 秒后重试', clue: '线索', status: '状态', reporter: '上报人', home: '首页',
    kind_clue: '线索上报', kind_evidence: '证据照片', kind_note: '备注', kind_transition: '操作',
    signature_needed: '请当事人签名，或勾选拒绝签名', co_needed: '现场检查需两名持证执法人员',
    dissuasion_done_at: '劝阻时间', acknowledge: '知道了', reason: '原因', loc_flag_note: '定位提示：{msg}（精度 {m} 米）',
    cases: '案件', no_cases: '暂无在办案件', your_turn: '待我办理', days_left: '剩 {n} 天', decision_due: '{d} 前作出决定',
    yuan: '元', yes: '是', no: '否', case_code: '案件编号', procedure: '程序', party: '当事人', facts: '违法事实',
    violation_on: '违法行为发生日', limitation: '追责时效', limitation_expired: '已超过追责时效（第三十六条），不得给予行政处罚',
    inspections: '检查笔录份数', preservation_due: '登记保存处理期限', proposed_penalty: '拟处罚',
    hearing_request_due: '听证申请截止', review_required: '需法制审核', penalty: '处罚', service_due: '送达期限',
    payment_due: '缴款期限', on_spot_officers: '当场执法人员', proof: '送达凭证（送达回证、邮寄单号、电子回执等）', consent_signed_on: '电子送达确认书签订日期', service_proof: '送达凭证', host: '听证主持人（非本案调查人员）', recusals: '回避', recusal_granted: '准予回避', recusal_refused: '不予回避', person: '人员', part: '回避身份', asked_by: '提出方式', heard_on: '听证日期', attendance: '当事人到场情况', hearing_waived: '视为放弃听证', filing_due: '备案期限', filed_on: '备案日期', filed_late: '逾期备案', due_estimated: '估算', due_estimated_hint: '该年度工作日历尚未发布，按周末推算；发布后以日历为准', payment_due_pending: '待该年度工作日历发布后确定（当事人的期限不作估算）', documents: '执法文书', documents_hint: '文书由服务器按案件记录生成、编号并存档，需联网；打开后可打印。',
    issue_document: '生成文书', issuing: '正在生成…', open_document: '打开 {n}', document_offline: '生成文书需要网络，请到有信号处再试。', place: '检查地点',
    certificates_shown: '已向当事人出示执法证件', party_present: '当事人在场', case_proposal: '立案申请',
    case_proposal_hint: '保存后提交队长审批立案；现场检查笔录一并生成。',
    kind: '类别', amount_fen: '金额', 'party.kind': '当事人类型', 'party.name': '姓名或名称', id_number: '身份证号或统一社会信用代码',
    'party.address': '住址', phone: '联系电话', legal_representative: '法定代表人', life_health_finance: '危害生命健康或金融安全',
    first_violation: '初次违法', minor: '情节轻微', corrected_in_time: '已及时改正', consequence: '危害后果', review_grounds: '法制审核情形', circumstances: '从轻、减轻、从重情节',
    preserved_on: '保存日期', items: '保存物品', decided_on: '决定日期', decision: '处理决定', notified_on: '告知日期',
    received_on: '收到日期', points: '陈述、申辩的事实、理由和证据（逐项复核）', point: '当事人提出的事实、理由或证据', recheck: '复核意见', adopted: '成立，予以采纳', add_item: '添加一项', remove_item: '删除此项', statement_due: '陈述申辩期限', additional: '并处（其他处罚种类）', receipt_no: '缴款码或专用票据号码', payment_method: '缴款方式', on_spot_ground: '当场收缴情形', party_asked: '当事人提出当场缴纳', applied_on: '申请日期', instalments: '缴纳期次（一期为暂缓）', due_on: '缴纳期限', handed_in_on: '交至机关日期', court: '人民法院', court_receipt: '法院收件凭证', payments: '缴款记录', payment_plan: '暂缓或分期缴纳', hand_in_due: '当场收缴罚款上交期限', handed_in_late: '逾期上交', demand_served_on: '催告书送达日期', enforcement_from: '可申请强制执行起始日', enforcement_by: '申请强制执行截止日', enforcement_applied_on: '申请强制执行日期', enforcement_court: '受理法院', statements: '陈述申辩', statement_kind: '当场听取陈述、申辩', statement_points: '当事人当场提出的事实、理由和证据（逐项复核）', statement_adopted: '采纳',
    requested_on: '申请日期', notice_on: '听证通知日期', held_on: '听证日期', summary: '听证情况', opinion: '审核意见',
    days: '天数', basis: '依据（法律、法规、规章及条款）', approved_on: '批准日期', decision_extensions: '期限延长',
    major_violation: '情节复杂或重大违法（负责人集体讨论）', discussed_on: '集体讨论日期', participants: '参加讨论的负责人', conclusion: '讨论结论',
    served_on: '送达日期', method: '送达方式', paid_on: '缴款日期', paid_fen: '缴款金额', police_unit: '公安机关',
    received_by: '接收人', received_at: '接收时间', certificate_shown: '已出示执法证件', requirements: '改正要求',
    correct_by: '改正期限', ordered_on: '责令日期', storage_place: '保存地点', head_approved: '已经本机关负责人批准',
    // The console (指挥室).
    console: '指挥室', inbox: '待办', all: '全部', map: '地图', dashboard: '闭环考评',
    filter_hint: '筛选：编号、事项、地点、描述、上报人（按 / 键）', all_domains: '全部领域',
    keys_hint: '键盘：j/k 或 ↑/↓ 选择，回车打开，/ 筛选', next_steps: '待办操作', code: '编号', title: '事项', unit: '所属单位',
    reported_at: '上报时间', due: '期限', possible_duplicate: '疑似重复', inbox_empty: '没有待办事项',
    not_yet_uploaded: '照片未上传', exif_disagrees: '照片信息与上报不一致', download_original: '下载原图（已记录查看）',
    close: '关闭', timeline: '全过程记录', unknown_step: '未知步骤', timeline_more: '后续记录', server_time: '服务器时间', who: '操作人', what: '操作', result_col: '结果',
    device_time: '设备时间', clock_off: '设备时钟偏差 {h} 小时', applied: '已生效', rejected: '被拒绝', duplicate: '重复提交', waiting: '待所属记录',
    merged: '已合并', conflict: '冲突', 'sync.create': '新建', 'sync.update': '修改', 'sync.transition': '操作',
    'sync.parent': '关联', 'sync.resolve': '处理冲突', 'evidence.uploaded': '上传', 'evidence.verified': '核验',
    'evidence.view_original': '查看原图', 'evidence.view_print': '打印', 'evidence.export': '导出证据',
    'evidence.upload_started': '开始上传', 'document.issued': '出具文书', assignee_hint: '按在办任务少、距离近排序',
    the_team: '执法队（任一队员接单）', open_n: '在办 {n}', confirm: '确认', sent_toast: '已提交，正在同步',
    possible_duplicates: '疑似重复线索', this_clue: '本线索', mark_duplicate_of: '标记为其重复', conflicts: '同步冲突',
    field: '字段', server_value: '服务器值', device_value: '设备值', not_found: '没有找到该记录（可能不在您的辖区）',
    assignee: '承办人', return_comment: '退回意见', reject_reason: '不予受理原因',
    not_empowered: '本镇未获赋权办理该事项，应移送 {d}', last_days: '近 {n} 天', all_time: '全部时间', n_clues: '{n} 条线索',
    fig_response: '响应率', fig_disposal: '处置率', fig_satisfaction: '满意率', fig_stopped_by_dissuasion: '劝阻制止率', fig_handled_late: '超期处置',
    fig_reported: '线索数', fig_open_overdue: '在办超期', fig_median_response: '响应时长中位数（小时）', from: '起', to: '止',
    group_by: '分组', by_unit: '按乡镇', by_officer: '按执法队员', by_category: '按领域', export_xlsx: '导出 Excel',
    export_csv: '导出 CSV', nobody: '未接单', total: '合计', four_100: '“4个100%”',
    assignee_id: '承办人', duplicate_of: '重复于', keep: '保留', matter_code: '事项类别',
    collaborations: '执法协作申请', new_collaboration: '发起协作申请', department: '协作部门',
    question: '协作事项', sent_on: '发送日期', collab_due: '部门反馈期限', extended: '已延长',
    extended_on: '部门申请延长日期', answered_on: '反馈日期', answer: '反馈内容', answered_late: '逾期反馈',
    // What a decision rests on (basis.js), at the desk.
    decision_basis: '定案依据', legal_basis: '违法依据', penalty_basis: '处罚依据', penalty_range: '处罚幅度',
    same_as_legal_basis: '同违法依据', discretion_standard: '裁量基准', discretion_condition: '适用情形',
    discretion_fine: '罚款幅度', discretion_chosen: '本案适用', no_discretion_standard: '本事项未公布裁量基准',
    opening_opinion: '立案审批意见', review_opinion: '法制审核意见', inspection_time: '检查时间',
    co_officers: '执法人员', party_refusal: '当事人拒签说明', no_evidence: '该线索没有证据照片', n_stars: '{n} 星',
    legend: '图例', map_late: '逾期', map_new: '待受理', map_open: '办理中', map_done: '已办结',
    print: '打印', period_of: '{from} 至 {to}', township: '乡镇',
  },
  en: {
    app: 'Field enforcement', login: 'Log in', username: 'Username', password: 'Password',
    login_failed: 'Wrong username or password', login_offline: 'The first login needs a network. Try again where there is signal.',
    set_pin: 'Set an unlock PIN', pin_hint: '4–8 digits. It opens the app offline; if forgotten, log in online again.',
    pin: 'PIN', pin_again: 'PIN again', pin_mismatch: 'The two PINs differ', save: 'Save',
    unlock: 'Unlock', wrong_pin: 'Wrong PIN, {n} tries left', pin_erased: 'Too many wrong PINs: log in online again (unsent records stay on the phone).',
    report: 'Report a clue', my_reports: 'My reports', tasks: 'My tasks', outbox: 'Outbox',
    sync_now: 'Sync now', syncing: 'Syncing…', last_sync: 'Last sync: {t}', never_synced: 'Not synced yet',
    online: 'Online', offline: 'Offline', logout: 'Log out', lang: '中文',
    waiting_n: '{n} waiting', attention_n: '{n} need attention', all_sent: 'All sent',
    step: 'Step {n} of 3', next: 'Next', back: 'Back', submit: 'Save and report',
    photos: 'Photos', take_photo: 'Take photo', photo_n: '{n} taken', photo_bad: 'Not a photo; ignored',
    location: 'Location', locating: 'Locating…', accuracy: 'Accuracy {m} m', loc_poor: 'Poor accuracy (over 50 m): move to open ground and locate again',
    loc_suspect: 'Accuracy 0: possibly a mock location; flagged for the command room', loc_denied: 'No location: allow location in the phone settings',
    relocate: 'Locate again', matter: 'Category', choose: 'Choose', address: 'Place', description: 'What happened',
    '*': 'The whole record (as the phone sent it)', whole_server: 'As the record above (the phone differs where marked)',
    voice_hint: 'Voice typing works here', dissuasion: 'Dissuasion', dissuaded: 'Dissuaded on the spot', not_dissuaded: 'Not dissuaded',
    result: 'Result', saved_on_phone: 'Saved on phone', sending: 'Sending', on_server: 'On server', needs_attention: 'Needs attention', held_waiting: 'On server, waiting',
    saved_toast: 'Saved on the phone; it will be sent when online', saved_sending: 'Saved; sending now', required: 'required', no_reports: 'No reports yet',
    no_tasks: 'No tasks', deadline: 'Due {t}', overdue: 'Overdue', period_over: 'Period over', due_soon: 'Due soon', take: 'Take', handle: 'Handle on site',
    co_officer: 'Second certified officer', findings: 'Findings', signature: "Party's signature", sign_clear: 'Clear',
    party_refused: 'The party refused to sign', outcome: 'Outcome', note: 'Note', evidence: 'Evidence photos',
    handled_toast: 'Handling saved; it will be sent when online', feedback: 'Feedback', handling: 'Handling',
    rate: 'Rate', rating: 'Satisfaction', comment: 'Comment', photo_state: 'Photo', copy: 'copy', original: 'original',
    export: 'Export unsent records', logout_refused: '{n} records are not on the server yet. Sync first, or export them to a file.',
    exported: 'Exported; you may log out', update_ready: 'A new version is ready', update_now: 'Update', later: 'Later',
    discretion_level: 'Discretion level', discretion_hint: 'By the standard published for this matter: the fine must lie within the level', edit_facts: 'Change the facts', calendar: 'Working calendar', waiting_list: 'Waiting records', waiting_list_hint: 'Notes and photos whose clue has not reached the server, or that their author may not see. Past the set period they become sync conflicts for this room; nothing is dropped.', waiting_list_empty: 'Nothing is waiting', waited_days: 'waited {n} days', waited_today: 'arrived today', arrived_at: 'arrived', year: 'Year', calendar_source: 'Notice', holidays: 'Holidays', workdays: 'Weekend days worked', published_at: 'Published',
    calendar_publish: 'Publish a year', calendar_published: 'The {year} working calendar is published', calendar_missing_years: 'No working calendar for {years}: steps counting a party\'s period into it (hearing request, statement, payment) are refused, and the team\'s own deadlines are estimated on weekends, until a county administrator publishes it.',
    calendar_days_hint: 'As the State Council notice lists them: days separated by commas or lines; a run of days as 2027-10-01~2027-10-07',
    storage_full: 'Not saved: the phone storage is full. What you entered is still here: free some space, then save again', not_saved: 'Not saved on the phone. What you entered is still here: tap save again',
    storage_low: 'Phone storage is low (about {mb} MB left): sync, then free some space', storage_not_persisted: 'Persistent storage was not granted: do not clear browser data',
    what_to_do: 'What to do', conflict_kept: 'On server; it clashed with another change, your value is kept for the command room.',
    waiting_note: 'The server has it and it will not be sent again; it takes effect once the record it belongs to reaches the server.',
    retry_in: 'Retry in {s} s', clue: 'Clue', status: 'Status', reporter: 'Reporter', home: 'Home',
    kind_clue: 'Clue report', kind_evidence: 'Evidence photo', kind_note: 'Note', kind_transition: 'Action',
    signature_needed: 'Have the party sign, or tick "refused"', co_needed: 'An inspection needs two certified officers',
    dissuasion_done_at: 'Dissuaded at', acknowledge: 'Got it', reason: 'Reason', loc_flag_note: 'Location warning: {msg} (accuracy {m} m)',
    cases: 'Cases', no_cases: 'No open cases', your_turn: 'Your turn', days_left: '{n} days left', decision_due: 'decide by {d}',
    yuan: 'yuan', yes: 'Yes', no: 'No', case_code: 'Case code', procedure: 'Procedure', party: 'Party', facts: 'Facts',
    violation_on: 'Day of the violation', limitation: 'Limitation', limitation_expired: 'Past the limitation (art. 36): no penalty may be given',
    inspections: 'Inspection records', preservation_due: 'Decide on preserved evidence by', proposed_penalty: 'Proposed penalty',
    hearing_request_due: 'Hearing request by', review_required: 'Legal review required', penalty: 'Penalty', service_due: 'Serve by',
    payment_due: 'Pay by', on_spot_officers: 'Officers on the spot', proof: 'Proof of service (receipt, post number, e-receipt)', consent_signed_on: 'Electronic service consent signed on', service_proof: 'Proof of service', host: 'Hearing host (no investigator)', recusals: 'Recusals', recusal_granted: 'granted', recusal_refused: 'refused', person: 'Person', part: 'Stands aside as', asked_by: 'Asked by', heard_on: 'Hearing held on', attendance: 'Did the party attend', hearing_waived: 'Hearing waived', filing_due: 'File by', filed_on: 'Filed on', filed_late: 'filed late', due_estimated: 'estimate', due_estimated_hint: 'The year\'s working calendar is not published: counted on weekends alone until it is', payment_due_pending: 'Set once the year\'s working calendar is published (the party\'s period is never estimated)', documents: 'Documents', documents_hint: 'The server fills, numbers and files each document from the case; it needs a network. Open it to print.',
    issue_document: 'Issue', issuing: 'Issuing…', open_document: 'Open {n}', document_offline: 'Issuing a document needs a network; try again where there is signal.', place: 'Place',
    certificates_shown: 'Certificates shown to the party', party_present: 'The party is present', case_proposal: 'Case proposal',
    case_proposal_hint: 'Goes to the team leader to approve opening, with the inspection record.',
    kind: 'Kind', amount_fen: 'Amount', 'party.kind': 'Party type', 'party.name': 'Name', id_number: 'ID or credit code',
    'party.address': 'Address', phone: 'Phone', legal_representative: 'Legal representative', life_health_finance: 'Endangered life, health or financial security',
    first_violation: 'First violation', minor: 'Minor', corrected_in_time: 'Corrected in time', consequence: 'Consequence', review_grounds: 'Legal review grounds', circumstances: 'Mitigating or aggravating grounds',
    preserved_on: 'Preserved on', items: 'Items preserved', decided_on: 'Decided on', decision: 'Decision', notified_on: 'Notified on',
    received_on: 'Received on', points: 'Points the party made (each re-checked)', point: 'Fact, reason or evidence put forward', recheck: 'Re-check', adopted: 'Well founded: adopted', add_item: 'Add one', remove_item: 'Remove', statement_due: 'Statement by', additional: 'Together with (other kinds)', receipt_no: 'Receipt number (platform or official receipt)', payment_method: 'Paid how', on_spot_ground: 'Ground for collecting on the spot', party_asked: 'The party asked to pay on the spot', applied_on: 'Applied on', instalments: 'Instalments (one: deferral)', due_on: 'Due on', handed_in_on: 'Handed in on', court: 'Court', court_receipt: 'Court receipt', payments: 'Payments', payment_plan: 'Deferral or instalments', hand_in_due: 'Hand in by', handed_in_late: 'Handed in late', demand_served_on: 'Demand served on', enforcement_from: 'Court may be asked from', enforcement_by: 'Court to be asked by', enforcement_applied_on: 'Court asked on', enforcement_court: 'Court', statements: 'Statements', statement_kind: 'The party heard on the spot', statement_points: 'Points the party made on the spot (each re-checked)', statement_adopted: 'adopted',
    requested_on: 'Requested on', notice_on: 'Hearing notice on', held_on: 'Held on', summary: 'Summary', opinion: 'Opinion',
    days: 'Days', basis: 'Basis (law, regulation or rule, and article)', approved_on: 'Approved on', decision_extensions: 'Extensions',
    major_violation: 'Complex or major violation (the heads discuss it)', discussed_on: 'Discussed on', participants: 'Heads taking part', conclusion: 'Conclusion',
    served_on: 'Served on', method: 'Method', paid_on: 'Paid on', paid_fen: 'Amount paid', police_unit: 'Police unit',
    received_by: 'Received by', received_at: 'Received at', certificate_shown: 'Certificate shown', requirements: 'What to correct',
    correct_by: 'Correct by', ordered_on: 'Ordered on', storage_place: 'Kept at', head_approved: "Approved by the agency's head",
    // The console (指挥室).
    console: 'Command room', inbox: 'Inbox', all: 'All', map: 'Map', dashboard: 'Closed loop',
    filter_hint: 'Filter: code, matter, place, description, reporter (press /)',
    all_domains: 'All domains', keys_hint: 'Keys: j/k or ↑/↓ to move, Enter to open, / to filter',
    next_steps: 'Waiting for', code: 'Code', title: 'Matter', unit: 'Unit', reported_at: 'Reported',
    due: 'Due', possible_duplicate: 'Possible duplicate', inbox_empty: 'Nothing waits for you',
    not_yet_uploaded: 'Photo not uploaded yet', exif_disagrees: 'Photo metadata disagrees',
    download_original: 'Download the original (viewing is recorded)', close: 'Close',
    timeline: 'Timeline', unknown_step: 'unknown step', timeline_more: 'Later entries', server_time: 'Server time', who: 'Who', what: 'What', result_col: 'Result',
    device_time: 'Device time', clock_off: 'device clock off by {h} h', applied: 'Applied',
    rejected: 'Refused', duplicate: 'Sent again', waiting: 'Waiting for its parent', merged: 'Merged', conflict: 'Conflict',
    'sync.create': 'Created', 'sync.update': 'Edited', 'sync.transition': 'Step',
    'sync.parent': 'Linked', 'sync.resolve': 'Conflict resolved', 'evidence.uploaded': 'Uploaded',
    'evidence.verified': 'Verified', 'evidence.view_original': 'Viewed original',
    'evidence.view_print': 'Printed', 'evidence.export': 'Evidence exported',
    'evidence.upload_started': 'Upload started', 'document.issued': 'Document issued',
    assignee_hint: 'Fewest open tasks first, then nearest',
    the_team: 'The team (any officer may take it)', open_n: '{n} open', confirm: 'Confirm',
    sent_toast: 'Done, syncing', possible_duplicates: 'Possible duplicates', this_clue: 'This clue',
    mark_duplicate_of: 'Mark as its duplicate', conflicts: 'Sync conflicts', field: 'Field',
    server_value: 'Server value', device_value: 'Device value',
    not_found: 'No such record (it may be outside your area)', assignee: 'Assignee',
    return_comment: 'Returned with', reject_reason: 'Rejected because',
    not_empowered: 'The township is not empowered for this matter: transfer it to {d}',
    last_days: 'Last {n} days', all_time: 'All time', n_clues: '{n} clues', fig_response: 'Response',
    fig_disposal: 'Disposal', fig_satisfaction: 'Satisfaction', fig_stopped_by_dissuasion: 'Stopped by dissuasion', fig_handled_late: 'Handled late',
    fig_reported: 'Clues', fig_open_overdue: 'Open overdue', fig_median_response: 'Median response (hours)',
    from: 'From', to: 'To', group_by: 'Group by', by_unit: 'Township', by_officer: 'Officer',
    by_category: 'Domain', export_xlsx: 'Export Excel', export_csv: 'Export CSV', nobody: 'Not taken',
    total: 'Total', four_100: '“4 × 100 %”',
    assignee_id: 'Assignee', duplicate_of: 'Duplicate of', keep: 'Keep', matter_code: 'Matter',
    collaborations: 'Collaboration requests', new_collaboration: 'Ask a department', department: 'Department',
    question: 'What is asked', sent_on: 'Sent on', collab_due: 'Answer due', extended: 'extended',
    extended_on: 'Extension asked on', answered_on: 'Answered on', answer: 'Answer', answered_late: 'answered late',
    decision_basis: 'What the decision rests on', legal_basis: 'Provision violated', penalty_basis: 'Penalty provision',
    penalty_range: 'Penalty range', same_as_legal_basis: 'As the provision violated', discretion_standard: 'Discretion standard',
    discretion_condition: 'Circumstances', discretion_fine: 'Fine range', discretion_chosen: 'This case',
    no_discretion_standard: 'No discretion standard published for this matter',
    opening_opinion: 'Opinion on opening', review_opinion: 'Legal review opinion', inspection_time: 'Inspection time',
    co_officers: 'Officers', party_refusal: 'Why the party did not sign', no_evidence: 'No evidence photos on this clue', n_stars: '{n} stars',
    legend: 'Legend', map_late: 'Overdue', map_new: 'Awaiting acceptance', map_open: 'In hand', map_done: 'Closed',
    print: 'Print', period_of: '{from} to {to}', township: 'Township',
  },
};

export let lang = (() => {
  try {
    return localStorage.getItem('lang') || 'zh-CN';
  } catch {
    return 'zh-CN';
  }
})();

export function setLang(value) {
  lang = value;
  try {
    localStorage.setItem('lang', value);
  } catch {
    /* private mode: the choice lasts this visit */
  }
  document.documentElement.lang = value;
}

export function t(key, vars = {}) {
  const text = STRINGS[lang][key] ?? STRINGS['zh-CN'][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');
}

/** A label the server declared: { "zh-CN": …, en: … }. */
export function L(label) {
  if (!label) return '';
  return label[lang] || label['zh-CN'] || '';
}

export function when(iso) {
  if (!iso) return '';
  // China's time, whatever zone the browser is set to: it is what the records and people mean.
  return new Date(iso).toLocaleString(lang, { timeZone: CHINA_ZONE, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
