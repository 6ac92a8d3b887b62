from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.core.schemas import AwareDateTime, StrictSchema, Text
from server.sync_api.fields import schema_for
from server.sync_api.records import clue_location
from sync import place
from sync.workflow import WORKFLOW

_ClueCreateFields = schema_for(
    "ClueCreateFields",
    WORKFLOW["clue"]["fields"],
    id=ma.fields.UUID(required=True, metadata={"description": "UUID made on the device"}),
    device_time=AwareDateTime(load_default=None, allow_none=True),
)


class ClueCreateSchema(_ClueCreateFields):
    """A report: its fields, and coordinates or an address (sync.place), named with the
    other missing fields at once."""

    @ma.validates_schema(skip_on_field_errors=False)
    def _has_a_place(self, data, **_kwargs):
        if found := place.problems(WORKFLOW["clue"]["place"], data):
            raise ma.ValidationError(found)


class ClueSchema(ma.Schema):
    id = ma.fields.UUID()
    code = ma.fields.String()
    unit_code = ma.fields.Function(lambda c: c.unit.code)
    unit_name = ma.fields.Function(lambda c: c.unit.name)
    reporter_id = ma.fields.Integer()
    reporter_name = ma.fields.Function(lambda c: c.reporter.display_name)
    matter_code = ma.fields.Function(lambda c: c.matter.code)
    matter_name = ma.fields.Function(lambda c: c.matter.name)
    location = ma.fields.Function(lambda c: clue_location(c))
    location_source = ma.fields.String()
    address = ma.fields.String()
    description = ma.fields.String()
    dissuasion = ma.fields.Function(
        lambda c: {
            "done": c.dissuasion_done,
            "result": c.dissuasion_result,
            "at": c.dissuasion_at.isoformat() if c.dissuasion_at else None,
        }
    )
    status = ma.fields.String()
    assignee_id = ma.fields.Integer(allow_none=True)
    deadline = ma.fields.DateTime(allow_none=True)
    taken_by = ma.fields.Integer(allow_none=True)
    handling_outcome = ma.fields.String(allow_none=True)
    feedback = ma.fields.String(allow_none=True)
    rating = ma.fields.Integer(allow_none=True)
    return_comment = ma.fields.String(allow_none=True)
    responded_at = ma.fields.DateTime(allow_none=True)
    handled_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    version = ma.fields.Integer()
    seq = ma.fields.Integer()
    device_time = ma.fields.DateTime(allow_none=True)
    clock_skew_s = ma.fields.Float(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class ClueQuerySchema(StrictSchema):
    status = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(list(WORKFLOW["clue"]["statuses"])))
    )
    unit_code = Text(validate=validate.Length(max=32))
    mine = ma.fields.Boolean(
        load_default=False, metadata={"description": "Only clues the caller reported"}
    )
    q = Text(
        validate=validate.Length(max=100),
        metadata={
            "description": "Words to search for (each must appear, case-insensitive): in the "
            "code, address, description or matter's name, and the reporter's name for staff"
        },
    )


class TimelineQuerySchema(StrictSchema):
    cursor = ma.fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=2**62),
        metadata={"description": "The previous page's cursor; none at first"},
    )
    limit = ma.fields.Integer(load_default=500, validate=validate.Range(min=1, max=1000))
