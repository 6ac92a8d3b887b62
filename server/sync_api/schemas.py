from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.core.schemas import AwareDateTime, StrictSchema
from sync.types import Op
from sync.workflow import WORKFLOW


class MutationSchema(StrictSchema):
    """One outbox entry. Its payload is checked by the workflow's field rules (sync.values),
    so a bad value rejects this mutation alone, naming the field."""

    id = ma.fields.UUID(required=True, metadata={"description": "Mutation id, made on the device"})
    record_type = ma.fields.String(required=True, validate=validate.OneOf(sorted(WORKFLOW)))
    record_id = ma.fields.UUID(required=True)
    parent_id = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "For a child record: its parent"},
    )
    op = ma.fields.String(required=True, validate=validate.OneOf([o.value for o in Op]))
    # The column is a 32-bit integer: a larger version is refused here, naming the field,
    # not by the database (a 400-digit one was a 500 on both databases).
    base_version = ma.fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1)
    )
    payload = ma.fields.Dict(required=True)
    device_time = AwareDateTime(load_default=None, allow_none=True)


class PushSchema(StrictSchema):
    device_now = AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "The device clock when it sent this batch (R9)"},
    )
    mutations = ma.fields.List(
        ma.fields.Raw(),
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "The outbox, oldest first"},
    )


class ResultSchema(ma.Schema):
    mutation_id = ma.fields.String(allow_none=True)
    outcome = ma.fields.String(
        metadata={
            "description": "applied | duplicate | merged | conflict | rejected | waiting "
            "(a child kept until the record it hangs from arrives, R3)"
        }
    )
    reason = ma.fields.String(metadata={"description": "Reason code (see the workflow's reasons)"})
    record_type = ma.fields.String()
    record_id = ma.fields.String()
    version = ma.fields.Integer()
    code = ma.fields.String()
    conflicts = ma.fields.List(ma.fields.Dict())
    flags = ma.fields.List(ma.fields.String())
    fields = ma.fields.Dict(metadata={"description": "Field errors when reason is invalid"})
    replay = ma.fields.Boolean(
        metadata={"description": "This is the first answer again: the mutation came before (R1)"}
    )
    possible_duplicates = ma.fields.List(ma.fields.Dict())
    clock_skew_s = ma.fields.Float()
    taken_by = ma.fields.Integer()


class PushResponseSchema(ma.Schema):
    server_time = ma.fields.DateTime()
    results = ma.fields.List(ma.fields.Nested(ResultSchema))


class PullQuerySchema(StrictSchema):
    cursor = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=64),
        metadata={"description": "From the previous pull; none at first"},
    )
    limit = ma.fields.Integer(load_default=500, validate=validate.Range(min=1, max=1000))


class ChangeSchema(ma.Schema):
    record_type = ma.fields.String()
    id = ma.fields.String()
    version = ma.fields.Integer()
    seq = ma.fields.Integer()
    deleted = ma.fields.Boolean(metadata={"description": "A tombstone: drop the local copy"})
    data = ma.fields.Dict(allow_none=True)


class PullResponseSchema(ma.Schema):
    changes = ma.fields.List(ma.fields.Nested(ChangeSchema))
    cursor = ma.fields.String()
    more = ma.fields.Boolean()
    reset = ma.fields.Boolean(
        metadata={
            "description": "Start over: after this pull completes, drop every local record "
            "it did not send"
        }
    )
    reset_reason = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "Why the pull starts over: `scope` (the jurisdiction changed), "
            "`generation` (the cursor is of another server generation: the database was "
            "restored or moved) or `ahead` (the cursor is past the server's changes). After "
            "`generation` or `ahead` the server lost history: send again what was sent"
        },
    )
    generation = ma.fields.String(
        metadata={"description": "The server generation (a restore starts a new one)"}
    )
    workflow_version = ma.fields.String()


class WorkflowSchema(ma.Schema):
    version = ma.fields.String()
    records = ma.fields.Dict()
    reasons = ma.fields.Dict()
    documents = ma.fields.Dict()  # the documents' wording (sync.documents), for offline copies


class ConflictQuerySchema(StrictSchema):
    status = ma.fields.String(load_default="open", validate=validate.OneOf(["open", "resolved"]))


class ConflictSchema(ma.Schema):
    """Both values and who made each, for the person who resolves it (R4, R6)."""

    id = ma.fields.UUID()
    record_type = ma.fields.String()
    record_id = ma.fields.UUID()
    field = ma.fields.String()
    reason = ma.fields.String(metadata={"description": "concurrent_edit | locked"})
    server_value = ma.fields.Raw(allow_none=True)
    server_by = ma.fields.Integer(allow_none=True)
    server_by_name = ma.fields.String(allow_none=True)
    device_value = ma.fields.Raw(allow_none=True)
    device_by = ma.fields.Integer()
    device_by_name = ma.fields.String()
    status = ma.fields.String()
    kept = ma.fields.String(allow_none=True)
    resolved_by = ma.fields.Integer(allow_none=True)
    resolved_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    version = ma.fields.Integer()


class WaitingSchema(ma.Schema):
    """A child waiting for its parent (R3), for the command room: whose, since when."""

    mutation_id = ma.fields.UUID()
    record_type = ma.fields.String()
    record_id = ma.fields.UUID()
    parent_type = ma.fields.String()
    parent_id = ma.fields.UUID()
    author_id = ma.fields.Integer()
    author_name = ma.fields.String()
    kind = ma.fields.String(allow_none=True)
    text = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    age_days = ma.fields.Integer(metadata={"description": "whole days it has waited"})
