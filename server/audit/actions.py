"""Every action the audit log records, with how people read it (zh-CN first, English second).

The one place an action is named for people: the desk's timeline (``server.audit.timeline``)
hands each entry its label from here, so the PWA keeps no list of its own and never shows a
raw name such as ``document.offline_copy``. ``tests/server/test_audit_actions.py`` reads the
actions the server's code writes (``audit.record``, ``audit.Entry`` and the sync engine's
notes) and fails when one has no label here.
"""

from __future__ import annotations


def _l(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


ACTIONS: dict[str, dict[str, str]] = {
    # Logins and devices.
    "auth.login": _l("登录", "Logged in"),
    "auth.login_failed": _l("登录失败", "Login failed"),
    "auth.logout": _l("退出登录", "Logged out"),
    "device.register": _l("登记终端", "Device registered"),
    "device.revoke": _l("停用终端", "Device revoked"),
    # Accounts, and the officers' own signing keys (issue 22).
    "user.create": _l("新建账号", "Account created"),
    "user.update": _l("修改账号", "Account changed"),
    "signing_key.enrolled": _l("登记个人签名证书", "Signing key put on the account"),
    "signing_key.removed": _l("移除个人签名证书", "Signing key removed"),
    # The audit log itself.
    "audit.seal": _l("审计链封存", "Audit chains sealed"),
    # A device's mutations (sync.engine: ``sync.<op>``, a parent link, a conflict resolved).
    "sync.create": _l("新建", "Created"),
    "sync.update": _l("修改", "Edited"),
    "sync.transition": _l("操作", "Step"),
    "sync.delete": _l("删除（不允许）", "Delete (never allowed)"),
    "sync.parent": _l("关联", "Linked"),
    "sync.resolve": _l("处理冲突", "Conflict resolved"),
    # Evidence.
    "evidence.upload_started": _l("开始上传", "Upload started"),
    "evidence.uploaded": _l("上传", "Uploaded"),
    "evidence.verified": _l("核验", "Verified"),
    "evidence.refused": _l("拒收文件（与记录不符）", "File refused (not what its record says)"),
    "evidence.view_original": _l("查看原图", "Viewed original"),
    "evidence.view_print": _l("打印", "Printed"),
    "evidence.export": _l("导出证据", "Evidence exported"),
    "bodycam.imported": _l("导入执法记录仪视频", "Body-camera video imported"),
    "bodycam.origin_read": _l("读取录制时间与设备", "Recording time and camera read"),
    "bodycam.linked": _l("关联执法记录仪视频", "Body-camera video linked"),
    # Documents.
    "document.issued": _l("出具文书", "Document issued"),
    "document.offline_copy": _l(
        "离线出具文书（已交付当事人）", "Document made offline (handed to the party)"
    ),
    "document.number_voided": _l("文号作废", "Document number voided"),
    # An inspection recorded offline under a reserved act code not its author's to give: the
    # record kept under a fresh code (R3), the code offered and why named.
    "act_code.redrawn": _l("行为码重新编号", "Act code drawn anew"),
    "document.party_link": _l("生成当事人查阅码", "Party's link made"),
    "document.party_link_revoked": _l("撤销当事人查阅码", "Party's link revoked"),
    "document.party_fetched": _l("当事人查阅文书", "Party fetched the document"),
    "document.published": _l("处罚决定公开", "Decision published"),
    "document.withdrawn": _l("撤回公开", "Publication withdrawn"),
    # Electronic service (电子送达, art. 61).
    "case.eservice_queued": _l("电子送达待发送", "Electronic service queued"),
    "case.eservice_delivered": _l("电子送达已到达", "Electronic service delivered"),
    "case.eservice_opened": _l("当事人已打开电子送达", "Party opened the electronic service"),
    "case.eservice_served": _l("电子送达完成", "Served electronically"),
    "case.eservice_failed": _l("电子送达失败", "Electronic service failed"),
    # Collaboration with departments.
    "collaboration.file_attached": _l("附加协助材料", "File attached to the request"),
    "collaboration.file_read": _l("查阅协助材料", "Request's file read"),
    # Inspections (双随机一公开).
    "inspection_plan.approved": _l("批准抽查计划", "Inspection plan approved"),
    "inspection_plan.drawn": _l("随机抽取", "Inspection plan drawn"),
    "inspection_plan.published": _l("公开抽查结果", "Inspection draw published"),
    "inspection_object.recusal": _l("回避", "Recusal"),
    "inspection_visit.done": _l("完成检查", "Inspection done"),
    "inspection_visit.merged": _l("合并检查（综合查一次）", "Inspections merged"),
    # The catalogue, powers, the calendar, exports.
    "matter.update": _l("修改事项", "Matter changed"),
    "empowerment.grant": _l("赋权", "Power granted"),
    "empowerment.revoke": _l("撤销赋权", "Power withdrawn"),
    "calendar.publish": _l("发布工作日历", "Working calendar published"),
    "dashboard.export": _l("导出统计", "Dashboard exported"),
    "departments.export": _l("导出部门办理情况", "Departments board exported"),
}


def label(action: str) -> dict[str, str] | None:
    """How people read ``action``; None for one not declared (the timeline then shows it as
    it is, and the test above fails first)."""
    return ACTIONS.get(action)
