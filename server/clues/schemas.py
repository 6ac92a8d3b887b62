from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.clues.models import ClueStatus, DissuasionResult
from server.core.schemas import AwareDateTime, StrictSchema

DISSUASION_RESULTS = [r.value for r in DissuasionResult]


class LocationSchema(StrictSchema):
    """A WGS84 fix as the device's GPS gave it."""

    lat = ma.fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    lng = ma.fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)
    accuracy_m = ma.fields.Float(
        required=True,
        validate=validate.Range(0, 100_000),
        allow_nan=False,
        metadata={"description": "metres"},
    )
    fix_time = AwareDateTime(required=True)


class DissuasionSchema(StrictSchema):
    """劝阻: whether the reporter dissuaded the violator, with what result, when."""

    done = ma.fields.Boolean(required=True)
    result = ma.fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(DISSUASION_RESULTS)
    )
    at = AwareDateTime(load_default=None, allow_none=True)

    @ma.validates_schema
    def _consistent(self, data, **_kwargs):
        if data["done"]:
            if not data.get("result"):
                raise ma.ValidationError("required when dissuasion was done", "result")
            if not data.get("at"):
                raise ma.ValidationError("required when dissuasion was done", "at")
        elif data.get("result") or data.get("at"):
            raise ma.ValidationError("must be empty when no dissuasion was done", "result")


class ClueCreateSchema(StrictSchema):
    id = ma.fields.UUID(required=True, metadata={"description": "UUID made on the device"})
    unit_code = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=32),
        metadata={"description": "Grid or village where it happened; default the reporter's"},
    )
    matter_code = ma.fields.String(required=True, validate=validate.Length(min=1, max=64))
    location = ma.fields.Nested(LocationSchema, required=True)
    address = ma.fields.String(load_default="", validate=validate.Length(max=300))
    description = ma.fields.String(load_default="", validate=validate.Length(max=4000))
    dissuasion = ma.fields.Nested(DissuasionSchema, required=True)
    device_time = AwareDateTime(load_default=None, allow_none=True)


class ClueSchema(ma.Schema):
    id = ma.fields.UUID()
    code = ma.fields.String()
    unit_code = ma.fields.Function(lambda c: c.unit.code)
    unit_name = ma.fields.Function(lambda c: c.unit.name)
    reporter_id = ma.fields.Integer()
    reporter_name = ma.fields.Function(lambda c: c.reporter.display_name)
    matter_code = ma.fields.Function(lambda c: c.matter.code)
    matter_name = ma.fields.Function(lambda c: c.matter.name)
    location = ma.fields.Function(
        lambda c: {
            "lat": c.lat,
            "lng": c.lng,
            "accuracy_m": c.accuracy_m,
            "fix_time": c.fix_time.isoformat(),
        }
    )
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
    version = ma.fields.Integer()
    seq = ma.fields.Integer()
    device_time = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class ClueQuerySchema(StrictSchema):
    status = ma.fields.List(
        ma.fields.String(validate=validate.OneOf([s.value for s in ClueStatus]))
    )
    unit_code = ma.fields.String(validate=validate.Length(max=32))
    mine = ma.fields.Boolean(
        load_default=False, metadata={"description": "Only clues the caller reported"}
    )
