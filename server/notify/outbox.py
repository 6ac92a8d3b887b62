"""Writing notifications: the one place a push's changes become things to tell people.

``SqlStore.commit`` calls ``record`` with the batch, in the push's transaction, after its
rows are flushed: a push that rolls back leaves no notification, and one that commits
leaves them all for ``flask notify send`` (``server.notify.sender``), whether or not the
channel answers then. Whom: the people the workflow names for the notice (``sync.notices``,
``sync.rules.may``), less the one who made the change, and only those who may see the
record by the jurisdiction rules (``server.accounts.jurisdiction``): a notification never
tells someone of a record he cannot open.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from server.accounts.jurisdiction import visible
from server.accounts.models import User, UserRole
from server.cases.models import Case
from server.clues.models import Clue
from server.core.db import db
from server.notify.models import Notification
from server.sync_api.store import actor_of
from server.units.models import AdminUnit
from sync.engine import Batch
from sync.notices import Notice, notices
from sync.rules import RELATIONS, may
from sync.types import RecordState
from sync.workflow import WORKFLOW

MODELS = {"clue": Clue, "case": Case}
# Short, and nothing the recipient may not see: the record's code and what it waits for.
TEXTS = {
    "task": "您有一条新的交办任务{code}，请在执法终端查看。",
    "answered": "您上报的线索{code}已有答复，请在执法终端查看。",
    "returned": "您的处置报告{code}被退回补充，请在执法终端查看。",
    "case_step": "案件{code}待您处理：{step}。",
}


def record(batch: Batch, codes: dict) -> None:
    """Write the notifications ``batch`` gives (nothing when no channel is configured)."""
    if not current_app.config["NOTIFY_CHANNEL"]:
        return
    rows = []
    for key, write in batch.writes.items():
        for notice in notices(batch.before.get(key), write.state):
            for user in recipients(notice, write.state, exclude=batch.actor):
                rows.append(
                    {
                        "user_id": user.id,
                        "kind": notice.kind,
                        "record_type": notice.record_type,
                        "record_id": notice.record_id,
                        "step": notice.step,
                        "text": text(notice, codes.get(key)),
                        "created_at": batch.now,
                        "next_attempt_at": batch.now,
                        "attempts": 0,
                    }
                )
    if rows:
        db.session.execute(sa.insert(Notification.__table__), rows)


def text(notice: Notice, code: str | None) -> str:
    step = ""
    if notice.step:
        step = WORKFLOW["case"]["transitions"][notice.step]["label"]["zh-CN"]
    return TEXTS[notice.kind].format(code=f"（{code}）" if code else "", step=step)


def recipients(notice: Notice, state: RecordState, exclude=None) -> list[User]:
    """Who ``notice`` is for: the workflow's ``who`` for the record, who may see it."""
    f = state.fields
    named = {f.get(k) for k in ("reporter_id", "taken_by", "assignee_id")}
    named |= set(f.get("on_spot_officers") or [])
    named.discard(None)
    roles = {w for w in notice.who if w not in RELATIONS}
    if "assignee" in notice.who and f.get("assignee_id") is None:
        roles.add("officer")  # assigned to the township's team: each of its officers
    if "county_command" in notice.who:
        roles |= {"dispatcher", "leader"}
    # Roles count over the record's unit: held at one of the units on its path.
    parts = [p for p in state.unit_path.split("/") if p]
    paths = ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]
    holders = sa.select(UserRole.user_id).where(UserRole.role.in_(sorted(roles)))
    candidates = (
        db.session.execute(
            sa.select(User)
            .join(AdminUnit, User.unit_id == AdminUnit.id)
            .where(
                User.active.is_(True),
                sa.or_(
                    User.id.in_(named), sa.and_(User.id.in_(holders), AdminUnit.path.in_(paths))
                ),
            )
        )
        .unique()
        .scalars()
        .all()
    )
    model = MODELS[notice.record_type]
    out = []
    for user in candidates:
        if exclude is not None and user.id == exclude.user_id:
            continue
        if not may(list(notice.who), state, actor_of(user)):
            continue
        if sees(model, state.id, user):
            out.append(user)
    return out


def sees(model: type, record_id, user: User) -> bool:
    """Whether ``user`` may open the record now (the pull's and the API's own rule)."""
    found = db.session.execute(
        sa.select(model.id).where(model.id == record_id, visible(model, user))
    ).first()
    return found is not None
