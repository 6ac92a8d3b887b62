"""Responses' JSON through orjson (server/core/jsonout.py) say what Python's encoder said."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import uuid

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from hypothesis import given, settings
from hypothesis import strategies as st

from server.core.jsonout import JSONProvider
from server.sync_api.records import iso


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


@settings(max_examples=2000, deadline=None)
@given(
    st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.sampled_from(
            [dt.UTC, dt.timezone(dt.timedelta(hours=8)), dt.timezone(dt.timedelta(hours=-5))]
        ),
    )
)
def test_a_synced_time_is_written_as_isoformat_writes_it(value):
    # records.iso writes through orjson; devices compare these strings with the ones they
    # hold (a field changed or not), so the text must be isoformat's to the character.
    assert iso(value) == value.astimezone(dt.UTC).isoformat()


def test_a_synced_time_of_an_exact_second_has_no_fraction():
    assert iso(dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)) == "2026-12-07T08:00:00+00:00"
    assert iso(dt.datetime(2026, 12, 7, 8, 0, 0, 1000, tzinfo=dt.UTC)).endswith(":00.001000+00:00")
    assert iso(None) is None
