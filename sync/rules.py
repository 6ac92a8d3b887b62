"""The reconciliation rules R1–R10 (DESIGN §4): given the server's current record, the
actor's rights now and one incoming mutation, decide what happens.

``decide`` is a pure function. The server looks up the record (scoped to the actor: a
record he may not see is ``None`` here, so it is "not found", never "forbidden"), calls
``decide``, and stores the ``Decision`` with the mutation log in one transaction. R1 (a
mutation id seen before answers with its first result) is that log's job, outside this
function; everything else is here.

Choices where the rules leave room (written down so that nobody re-decides them):
- A field edit made offline against an old version is merged field by field (R4). When
  the server changed the same field meanwhile to another value, the server's value stands
  and the device's is kept in an open conflict; if it changed it to the *same* value, there
  is nothing to keep.
- An edit of a field the actor could edit in an earlier state but not in this one (a
  reported fact after acceptance, R6) is a conflict with reason ``locked``, not a rejection:
  the field worker's value is never thrown away, a supervisor sees it.
- An edit the actor could never make (wrong role) is rejected ``forbidden``.
- A field the actor himself changed after ``base_version`` *from the same device* is not a
  concurrent edit: the device sends all its offline edits against the last version it saw,
  and its later value replaces its earlier one. The same person on another device (his
  phone and the console) is another side (R4): both edited from their own base, neither saw
  the other's value, so the second opens a conflict instead of silently winning.
- A transition already in effect, made again by the same actor (two "take" taps, an outbox
  replayed under a new mutation id), is ``duplicate``, not a rejection.
- Children (notes, evidence) are immutable once made; they are never edited or deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sync import cases, place
from sync.types import (
    Actor,
    Decision,
    FieldConflict,
    Flag,
    Mutation,
    Op,
    Outcome,
    RecordState,
    township_path,
)
from sync.values import Invalid, Refs, clean_all
from sync.views import addressed_to
from sync.visits import Superseded
from sync.workflow import SAME, WORKFLOW

RELATIONS = frozenset(
    {"reporter", "assignee", "taker", "addressee", "county_command", "on_spot_partner"}
)
# Who speaks for the county's command centre: its dispatchers and leaders.
COMMAND_ROLES = frozenset({"dispatcher", "leader"})
# The roles of a township's own loop (网格员、执法队员、综合信息指挥室、领导、法制审核): held at a
# unit above the township (the county's command centre, a department's leader) they give no
# step on the township's records. The county dispatches (reports a matter to a township),
# transfers to a department, arbitrates and comments: steps its spec names by the
# ``county_command`` relation, never by a township's role.
TOWNSHIP_ROLES = frozenset({"grid_worker", "officer", "dispatcher", "leader", "reviewer"})


@dataclass(frozen=True)
class Context:
    """What the rules may know besides the record: the time, the server's references, and
    the records this one hangs from (a child's parent; a conflict's target record)."""

    now: dt.datetime
    refs: Refs
    parent: RecordState | None = None
    target: RecordState | None = None


def _rejected(reason: str, **detail: Any) -> Decision:
    return Decision(Outcome.REJECTED, reason=reason, detail=detail)


def _relation_holds(relation: str, state: RecordState, actor: Actor) -> bool:
    f = state.fields
    if relation == "reporter":
        return f.get("reporter_id") == actor.user_id
    if relation == "taker":
        return f.get("taken_by") == actor.user_id
    if relation == "assignee":
        if f.get("assignee_id") is not None:
            return f["assignee_id"] == actor.user_id
        # Assigned to the township's team: any of its officers may take it.
        return "officer" in actor.roles and actor.in_jurisdiction(township_path(state.unit_path))
    if relation == "addressee":
        return addressed_to(actor, state)
    if relation == "county_command":
        # A dispatcher or leader above the record's township: the township's own command
        # room may not arbitrate its own dispute with a department.
        township = township_path(state.unit_path)
        return (
            bool(actor.roles & COMMAND_ROLES)
            and actor.in_jurisdiction(township)
            and actor.unit_path != township
        )
    if relation == "on_spot_partner":
        return actor.user_id in cases.on_spot_presence_art_42(f)[1]
    raise LookupError(relation)


def may(who: list[str], state: RecordState, actor: Actor) -> bool:
    """Whether ``actor`` is one of ``who`` for this record: a relation to it, or a role
    held over the record's unit (a township's role: in its township, ``TOWNSHIP_ROLES``)."""
    for entry in who:
        if entry in RELATIONS:
            if _relation_holds(entry, state, actor):
                return True
        elif entry in actor.roles and _role_holds(entry, state, actor):
            return True
    return False


def _role_holds(role: str, state: RecordState, actor: Actor) -> bool:
    """A role counts over the record's unit; a township's role only when held in the
    record's township (a county-level record's "township" is the county itself)."""
    if not actor.in_jurisdiction(state.unit_path):
        return False
    if role not in TOWNSHIP_ROLES or state.unit_path.strip("/") == "":
        return True
    return actor.unit_path.startswith(township_path(state.unit_path))


def _content_equal(state: RecordState, fields: Mapping[str, Any]) -> bool:
    return all(state.fields.get(k) == v for k, v in fields.items())


def decide(mutation: Mutation, current: RecordState | None, actor: Actor, ctx: Context) -> Decision:
    spec = WORKFLOW.get(mutation.record_type)
    if spec is None or (spec.get("server_made") and mutation.op != Op.TRANSITION):
        return _rejected("invalid", fields={"record_type": ["unknown record type"]})
    if mutation.op == Op.DELETE:
        return _rejected("no_hard_delete")  # R10
    try:
        if mutation.op == Op.CREATE:
            if spec.get("append_only"):
                return _append(mutation, current, actor, ctx, spec)
            return _create(mutation, current, actor, ctx, spec)
        if current is None:
            return _rejected("not_found")
        if mutation.op == Op.UPDATE:
            return _update(mutation, current, actor, ctx, spec)
        if mutation.op == Op.TRANSITION:
            return _transition(mutation, current, actor, ctx, spec)
    except Invalid as exc:
        return _rejected("invalid", fields=exc.errors)
    except Superseded as exc:  # overtaken by another's record: kept whole for a person
        return Decision(Outcome.CONFLICT, reason=exc.reason, detail={"keep_whole": True})
    except cases.Refused as exc:  # the law's conditions on a case (sync.cases)
        return _rejected(exc.reason, **exc.detail)
    return _rejected("invalid", fields={"op": ["unknown operation"]})


# -- create (R2) -------------------------------------------------------------------------


def _unit_path(unit_code: str, ctx: Context, depth: int = 2) -> str:
    """Where a clue happened decides whose jurisdiction it is in: at least a township (a
    visit's record may be the county's: ``depth`` 1)."""
    unit_path = ctx.refs.unit_path(unit_code) or ""
    if len([p for p in unit_path.split("/") if p]) < depth:
        raise Invalid({"unit_code": ["choose the township, village or grid where it happened"]})
    return unit_path


def _create(mutation, current, actor, ctx, spec) -> Decision:
    payload = dict(mutation.payload)
    named_unit = True  # where the record is was said, not taken from the reporter
    if "parent" in spec:  # a case: in the jurisdiction of the clue it comes from
        if ctx.parent is None or ctx.parent.type != spec["parent"]:
            return _rejected("parent_missing")
        unit_path = ctx.parent.unit_path
        fields = clean_all(spec["fields"], payload, ctx.refs, township_path(unit_path))
    else:
        fields = clean_all(spec["fields"], payload, ctx.refs, actor.unit_path)
        named_unit = bool(fields.get("unit_code"))
        unit_code = fields.get("unit_code") or actor.unit_path.strip("/").split("/")[-1]
        unit_path = _unit_path(unit_code, ctx, spec["create"].get("unit_depth", 2))
        fields["unit_code"] = unit_code
    if "place" in spec:  # coordinates or an address (sync.place), before R2 compares
        fields = place.settle_report(spec["place"], fields)

    if current is not None:  # R2: the same id again
        mine = current.fields.get("reporter_id") == actor.user_id
        if mine and _content_equal(current, fields):
            return Decision(Outcome.DUPLICATE, state=current)
        return Decision(Outcome.CONFLICT, reason="id_conflict")

    probe = RecordState(mutation.record_type, mutation.record_id, 1, {}, unit_path=unit_path)
    if not may(spec["create"]["who"], probe, actor):
        return _rejected("forbidden")
    fields.update(status=spec["create"]["status"], reporter_id=actor.user_id)
    state = RecordState(
        type=mutation.record_type,
        id=mutation.record_id,
        version=1,
        fields=fields,
        unit_path=unit_path,
        parent_id=ctx.parent.id if "parent" in spec else None,
    )
    if "check" in spec["create"]:
        fields.update(cases.run(spec["create"]["check"], state, {}, actor, ctx))
    state = replace(state, meta={name: actor.stamp(1) for name in fields})
    # No coordinates to place it and no grid named: it is in the reporter's own grid, and
    # the answer says so (sync.place).
    flags = (
        frozenset({Flag.UNIT_FROM_REPORTER})
        if not named_unit and fields.get("location_source") == place.ADDRESS
        else frozenset()
    )
    return Decision(Outcome.APPLIED, state=state, changed=tuple(sorted(fields)), flags=flags)


# -- append-only children (R3) ---------------------------------------------------------------


def _append(mutation, current, actor, ctx, spec) -> Decision:
    parent = ctx.parent
    if parent is None or parent.type != spec["parent"]:
        return _rejected("parent_missing")
    # References (the officers on a record) are the township's, wherever in it the parent is.
    township = township_path(parent.unit_path)
    payload = dict(mutation.payload)
    # An act code the device took from its reserve (``device_code``): the store's to check
    # and give (``server.sync_api.store``), never one of the record's fields.
    payload.pop(spec.get("device_code", ""), None)
    fields = clean_all(spec["fields"], payload, ctx.refs, township)
    if current is not None:
        same = current.parent_id == parent.id and current.fields.get("author_id") == actor.user_id
        if same and _content_equal(current, fields):
            return Decision(Outcome.DUPLICATE, state=current)
        return Decision(Outcome.CONFLICT, reason="id_conflict")
    if not may(spec["create"]["who"], parent, actor):
        return _rejected("forbidden")
    if "kinds" in spec and (problems := file_problems(fields, spec["kinds"])):
        raise Invalid(problems)
    parent_spec = WORKFLOW[spec["parent"]]
    late = parent.status in parent_spec.get("closed", ())
    fields["author_id"] = actor.user_id
    if "status" in spec["create"]:
        fields["status"] = spec["create"]["status"]
    state = RecordState(
        type=mutation.record_type,
        id=mutation.record_id,
        version=1,
        fields=fields,
        meta={name: actor.stamp(1) for name in fields},
        unit_path=parent.unit_path,
        parent_id=parent.id,
    )
    detail = {}
    if "check" in spec["create"]:
        # What the parent now knows (a case counts its inspection records) is written with
        # the child, as a new version of the parent, in the same batch.
        learnt = cases.run(spec["create"]["check"], state, {}, actor, ctx).get("parent", {})
        changes = {k: v for k, v in learnt.items() if parent.fields.get(k) != v}
        if changes:
            version = parent.version + 1
            detail = {
                "target": replace(
                    parent,
                    version=version,
                    fields={**parent.fields, **changes},
                    meta={**parent.meta, **{k: actor.stamp(version) for k in changes}},
                ),
                "target_changed": tuple(sorted(changes)),
            }
    return Decision(
        Outcome.APPLIED,
        state=state,
        changed=tuple(sorted(fields)),
        flags=frozenset({Flag.LATE}) if late else frozenset(),
        detail=detail,
    )


def file_problems(fields: Mapping[str, Any], kinds: Mapping[str, Any]) -> dict[str, Any]:
    """What is wrong with an evidence record's files for its kind (the workflow's
    ``kinds``): the original's media type and size, and a compressed copy only where the
    kind has one, never the original's own bytes. {} when nothing is."""
    name = fields["kind"]
    kind, original, copy = kinds[name], fields.get("original"), fields.get("copy")
    problems: dict[str, Any] = {}
    if original:
        wrong = {}
        if original["media_type"] not in kind["media_types"]:
            wrong["media_type"] = [f"a {name} is one of " + ", ".join(kind["media_types"])]
        if original["size"] > kind["max_size"]:
            wrong["size"] = [f"a {name} is at most {kind['max_size']} bytes"]
        if wrong:
            problems["original"] = wrong
    if copy and not kind["copy"]:
        problems["copy"] = [f"a {name} has no compressed copy; leave it out"]
    elif copy and original and copy["sha256"] == original["sha256"]:
        problems["copy"] = ["the copy must differ from the original; leave it out"]
    return problems


# -- field edits (R4, R6) ----------------------------------------------------------------


def _update(mutation, current, actor, ctx, spec) -> Decision:
    if spec.get("append_only"):
        return _rejected("forbidden", fields={"op": ["records of this kind are never edited"]})
    if current.status in spec.get("tombstone", ()):
        return _rejected(f"{current.type}_{current.status}")
    base = mutation.base_version
    if not isinstance(base, int) or isinstance(base, bool) or not 1 <= base <= current.version:
        raise Invalid({"base_version": [f"must be a version between 1 and {current.version}"]})
    edits = clean_all(
        spec["fields"], dict(mutation.payload), ctx.refs, actor.unit_path, partial=True
    )
    if not edits:
        raise Invalid({"payload": ["no field to change"]})

    apply: dict[str, Any] = {}
    conflicts: list[FieldConflict] = []
    for name, device_value in edits.items():
        rules = [r for r in spec["fields"][name]["edit"] if may(r["who"], current, actor)]
        if not rules:
            return _rejected("forbidden", fields={name: ["your role may not change this"]})
        server_value = current.fields.get(name)
        if not any(current.status in r["in"] for r in rules):
            if device_value != server_value:
                conflicts.append(_conflict(name, current, device_value, actor, "locked"))
            continue
        # The actor's own later change is not the other side of a merge: a phone sends every
        # edit made offline against the last version it saw, so its second edit of a field
        # finds its first one on the server, and must replace it, not conflict with it.
        changed_since_base = current.field_version(name) > base and not actor.wrote(
            current.field_meta(name)
        )
        if changed_since_base and device_value != server_value:
            conflicts.append(_conflict(name, current, device_value, actor, "concurrent_edit"))
        elif device_value != server_value:
            apply[name] = device_value

    if "place" in spec:
        apply = place.settle_edit(
            spec["place"], current.fields, apply, current.fields.get("reporter_id") == actor.user_id
        )
    state = None
    if apply:
        version = current.version + 1
        meta = dict(current.meta)
        meta.update({name: actor.stamp(version) for name in apply})
        state = replace(current, version=version, fields={**current.fields, **apply}, meta=meta)
    if conflicts:
        return Decision(
            Outcome.CONFLICT,
            reason=conflicts[0].reason,
            state=state,
            changed=tuple(sorted(apply)),
            conflicts=tuple(conflicts),
        )
    outcome = Outcome.APPLIED if base == current.version else Outcome.MERGED
    return Decision(outcome, state=state, changed=tuple(sorted(apply)))


def _conflict(name, current, device_value, actor, reason) -> FieldConflict:
    return FieldConflict(
        field=name,
        server_value=current.fields.get(name),
        server_by=current.field_author(name),
        device_value=device_value,
        device_by=actor.user_id,
        reason=reason,
    )


# -- transitions (R5, R7) ------------------------------------------------------------------


def _transition(mutation, current, actor, ctx, spec) -> Decision:
    payload = mutation.payload
    name = payload.get("name") if isinstance(payload, Mapping) else None
    step = spec["transitions"].get(name) if isinstance(name, str) else None
    if step is None:
        return _rejected("unknown_transition", fields={"name": ["unknown transition"]})
    args = clean_all(
        step["args"], payload.get("args") or {}, ctx.refs, township_path(current.unit_path)
    )
    now = ctx.now.astimezone(dt.UTC).isoformat()
    sets = step_sets(step, current.fields, args, actor.user_id, now)
    effect = {**sets, "kept": args.get("keep")} if mutation.record_type == "conflict" else sets
    # "$same": a step that leaves the record where it is (an extension of a period).
    to = current.status if step["to"] == SAME else step["to"]
    if current.status == to and current.status not in step["from"]:
        # Already in effect: the same actor again is a duplicate (a double tap, a replay).
        if _same_effect(current, effect, actor):
            return Decision(Outcome.DUPLICATE, state=current)
        if name == "take":
            return _rejected("already_taken", taken_by=current.fields.get("taken_by"))
    if current.status not in step["from"]:
        if name == "take" and current.fields.get("taken_by") not in (None, actor.user_id):
            return _rejected("already_taken", taken_by=current.fields.get("taken_by"))  # R7
        return _rejected(f"{current.type}_{current.status}")  # R5, e.g. clue_closed
    if not may(step["who"], current, actor):
        task_only = all(w in ("assignee", "taker") for w in step["who"])
        return _rejected("not_assignee" if task_only else "forbidden")
    once = step.get("once")
    if once and current.fields.get(once) is not None:
        return _rejected(step.get("once_reason", "already_rated"))
    # A step that ends with a fact (the court enforced the fine: nothing more to pay or ask).
    until = step.get("until")
    if until and current.fields.get(until) is not None:
        return _rejected(step.get("until_reason", "invalid"))
    # A step of one procedure only (a case's 简易程序 or 一般程序): the screens read the same
    # key and do not offer it on a case of the other.
    procedure = step.get("procedure")
    if procedure and current.fields.get("procedure") != procedure:
        return _rejected("procedure_mismatch", procedure=current.fields.get("procedure"))

    if mutation.record_type == "conflict":
        return _resolve(current, args, actor, ctx, step)
    if "check" in step:
        sets.update(cases.run(step["check"], current, args, actor, ctx))

    changes = {"status": to, **sets}
    changes = {k: v for k, v in changes.items() if current.fields.get(k) != v}
    version = current.version + 1
    meta = dict(current.meta)
    meta.update({k: actor.stamp(version) for k in changes})
    state = replace(current, version=version, fields={**current.fields, **changes}, meta=meta)
    return Decision(Outcome.APPLIED, state=state, changed=tuple(sorted(changes)))


def step_sets(
    step: Mapping[str, Any],
    fields: Mapping[str, Any],
    args: Mapping[str, Any],
    actor_id: int,
    now: str,
) -> dict[str, Any]:
    """The fields a step sets from its ``sets`` (before any check's own): an argument,
    ``$actor``, ``$now``, ``$first_now`` or ``$null`` (sync.workflow). The PWA lays the same
    over its records until the server answers (``pwa/src/rules.js``, held to vectors made
    from this function by ``tests/vectors/make_vectors.py``)."""
    return {
        field: actor_id
        if source == "$actor"
        else now
        if source == "$now"
        else (fields.get(field) or now)
        if source == "$first_now"
        else None
        if source == "$null"
        else args.get(source)
        for field, source in step.get("sets", {}).items()
    }


def _same_effect(current: RecordState, sets: Mapping[str, Any], actor: Actor) -> bool:
    relevant = {k: v for k, v in sets.items() if not (isinstance(v, str) and k.endswith("_at"))}
    return _content_equal(current, relevant) and current.field_author("status") == actor.user_id


def _resolve(conflict: RecordState, args, actor, ctx, step) -> Decision:
    """Resolving a conflict (R4, R6) is itself a mutation: the conflict closes, and keeping
    the device's value writes it to the record as a new version, by the resolver."""
    f = conflict.fields
    target = ctx.target
    version = conflict.version + 1
    resolved = replace(
        conflict,
        version=version,
        fields={
            **f,
            "status": step["to"],
            "kept": args["keep"],
            "resolved_by": actor.user_id,
            "resolved_at": ctx.now.astimezone(dt.UTC).isoformat(),
        },
        meta={**conflict.meta, "status": actor.stamp(version)},
    )
    if args["keep"] == "server":
        return Decision(Outcome.APPLIED, state=resolved, changed=("kept", "status"))
    if f.get("reason") == "locked":
        return _rejected("locked", fields={"keep": ["a locked field keeps the server's value"]})
    if f.get("field") == "*":  # a whole mutation kept aside (sync.engine): re-recorded by hand
        return _rejected("locked", fields={"keep": ["a record kept aside is re-recorded by hand"]})
    if target is None:
        return _rejected("not_found")
    name = f["field"]
    # Keeping the device's value must not undo what happened since the conflict opened:
    # a field that has locked meanwhile (R6), or a value someone changed again.
    rules = WORKFLOW[target.type]["fields"].get(name, {}).get("edit", [])
    if not any(target.status in r["in"] for r in rules):
        return _rejected("locked", fields={"keep": ["the field has locked since"]})
    if target.fields.get(name) != f.get("server_value"):
        return _rejected("conflict_stale", fields={"keep": ["the value changed again since"]})
    target_version = target.version + 1
    new_target = replace(
        target,
        version=target_version,
        fields={**target.fields, name: f["device_value"]},
        meta={**target.meta, name: actor.stamp(target_version)},
    )
    return Decision(
        Outcome.APPLIED,
        state=resolved,
        changed=("kept", "status"),
        detail={"target": new_target, "target_changed": (name,)},
    )
