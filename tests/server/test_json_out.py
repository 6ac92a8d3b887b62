"""Responses' JSON through orjson (server/core/jsonout.py) say what Python's encoder said."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import uuid

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from server.core.jsonout import JSONProvider


@dataclasses.dataclass
class Point:
    lat: float
    lng: float


def _providers():
    app = Flask(__name__)
    before = DefaultJSONProvider(app)
    before.sort_keys, before.ensure_ascii = False, False
    return app, before, JSONProvider(app)


def test_every_kind_of_value_reads_back_the_same():
    app, before, after = _providers()
    value = {
        "text": "占道经营，已劝阻",
        "at": dt.datetime(2026, 12, 4, 8, 30, tzinfo=dt.UTC),  # an HTTP date, as Flask says
        "on": dt.date(2026, 12, 4),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "fen": decimal.Decimal("12.50"),
        "where": Point(28.7, 118.5),
        "numbers": [0, -1, 2**63 - 1, 0.1, 1e-7, 123456.789, True, None],
        1: "a key that is not a string",
    }
    assert json.loads(after.dumps(value)) == json.loads(before.dumps(value))
    with app.app_context():
        assert json.loads(after.response(value).get_data()) == json.loads(before.dumps(value))


def test_what_orjson_refuses_is_written_by_pythons_encoder():
    app, before, after = _providers()
    huge = {"n": 2**70}
    assert after.dumps(huge) == before.dumps(huge)
    with app.app_context():
        assert json.loads(after.response(huge).get_data()) == huge


def test_a_response_is_compact_utf8_json():
    app, _, after = _providers()
    with app.app_context():
        response = after.response({"text": "线索"})
    assert response.mimetype == "application/json"
    assert response.get_data() == '{"text":"线索"}\n'.encode()
