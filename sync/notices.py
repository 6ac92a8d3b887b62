"""What a write tells someone (issue 24): a task assigned to him, his report answered or
sent back, a case waiting for his step.

Pure, like the rules: the record as it was before a batch and as the batch left it in, and
out come the notices, each naming *who* in the workflow's own words (a relation to the
record, or roles held over its unit). The server turns ``who`` into people with the same
``sync.rules.may`` that decides whether they may take the step, and keeps only those who
may see the record (``server.notify.outbox``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.cases import awaited_step
from sync.types import RecordState
from sync.workflow import WORKFLOW

# The command room's answers to a report (accept, reject, duplicate, transfer) stamp
# responded_at; closing it gives the feedback.
ANSWERED_STATUSES = frozenset({"closed"})


@dataclass(frozen=True)
class Notice:
    """One thing to tell: ``kind`` (task / answered / returned / case_step), the record,
    whom (``who``: workflow relations and roles) and, for a case, the step awaited."""

    kind: str
    record_type: str
    record_id: object
    who: tuple[str, ...]
    step: str | None = None


def notices(before: RecordState | None, after: RecordState) -> list[Notice]:
    """The notices the change from ``before`` (None: a new record) to ``after`` gives."""
    if after.type == "clue":
        return _clue(before, after)
    if after.type == "case":
        return _case(before, after)
    return []


def _clue(before: RecordState | None, after: RecordState) -> list[Notice]:
    f, was = after.fields, (before.fields if before is not None else {})
    out: list[Notice] = []
    if f.get("status") == "assigned" and (
        was.get("status") != "assigned" or was.get("assignee_id") != f.get("assignee_id")
    ):
        out.append(Notice("task", "clue", after.id, ("assignee",)))
    if was.get("status") == "handled" and f.get("status") == "in_progress":
        out.append(Notice("returned", "clue", after.id, ("taker",)))
    answered = (not was.get("responded_at") and f.get("responded_at")) or (
        f.get("status") in ANSWERED_STATUSES and was.get("status") != f.get("status")
    )
    if answered:
        out.append(Notice("answered", "clue", after.id, ("reporter",)))
    return out


def _case(before: RecordState | None, after: RecordState) -> list[Notice]:
    step = awaited_step(after.fields)
    if step is None:
        return []
    if before is not None and (
        before.fields.get("status") == after.fields.get("status")
        and awaited_step(before.fields) == step
    ):
        return []  # the same step still awaited: told already
    spec = WORKFLOW["case"]["transitions"].get(step)
    if spec is None:
        return []
    return [Notice("case_step", "case", after.id, tuple(spec["who"]), step)]
