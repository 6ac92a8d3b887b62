"""marshmallow fields made from the workflow's field specs, so the OpenAPI document and the
first check of a request follow the one declaration in ``sync.workflow``. The rules then
check every value again in canonical form (``sync.values``), references included."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from server.core.schemas import AwareDateTime, FreeText, StrictSchema, Text
from sync.values import dissuasion_result_problem


class LocationSchema(StrictSchema):
    """A WGS84 fix as the device's GPS gave it (no GCJ-02 shift)."""

    lat = ma.fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    lng = ma.fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)
    accuracy_m = ma.fields.Float(
        required=True,
        validate=validate.Range(0, 100_000),
        allow_nan=False,
        metadata={"description": "metres"},
    )
    fix_time = AwareDateTime(required=True)


def _dissuasion_schema(spec: dict[str, Any]) -> type[ma.Schema]:
    class DissuasionSchema(StrictSchema):
        """劝阻: whether the violator was dissuaded on the spot, with what result, when."""

        done = ma.fields.Boolean(required=True)
        result = ma.fields.String(
            load_default=None, allow_none=True, validate=validate.OneOf(spec["choices"])
        )
        at = AwareDateTime(load_default=None, allow_none=True)

        @ma.validates_schema
        def _consistent(self, data, **_kwargs):
            # Which result goes with which answer is the workflow's (sync.values).
            problem = dissuasion_result_problem(data["done"], data.get("result"), spec)
            if problem:
                raise ma.ValidationError(problem, "result")
            if data["done"] and not data.get("at"):
                raise ma.ValidationError("required when dissuasion was done", "at")
            if not data["done"] and data.get("at"):
                raise ma.ValidationError("must be empty when no dissuasion was done", "at")

    return DissuasionSchema


def field_for(spec: dict[str, Any]) -> ma.fields.Field:
    required = bool(spec.get("required"))
    common: dict[str, Any] = {"required": required, "allow_none": not required}
    if not required:
        common["load_default"] = None
    kind = spec["type"]
    if kind == "text":
        return FreeText(validate=validate.Length(max=spec.get("max_length", 4000)), **common)
    if kind == "choice":
        return ma.fields.String(validate=validate.OneOf(spec["choices"]), **common)
    if kind == "int":
        return ma.fields.Integer(
            strict=True, validate=validate.Range(spec.get("min"), spec.get("max")), **common
        )
    if kind == "datetime":
        return AwareDateTime(**common)
    if kind == "location":
        return ma.fields.Nested(LocationSchema, **common)
    if kind == "dissuasion":
        return ma.fields.Nested(_dissuasion_schema(spec), **common)
    if kind in ("matter", "unit"):
        return Text(
            validate=validate.Length(min=1, max=64),
            metadata={"description": f"a {kind} code"},
            **common,
        )
    if kind == "officer":
        return ma.fields.Integer(strict=True, metadata={"description": "a user id"}, **common)
    if kind == "bool":
        return ma.fields.Boolean(truthy={True}, falsy={False}, **common)
    if kind == "record":
        return ma.fields.UUID(**common)
    raise LookupError(kind)


def schema_for(name: str, specs: dict[str, dict[str, Any]], **extra: ma.fields.Field):
    fields = {key: field_for(spec) for key, spec in specs.items()}
    fields.update(extra)
    return StrictSchema.from_dict(fields, name=name)
