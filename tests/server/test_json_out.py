"""Responses' JSON through orjson (server/core/jsonout.py) say what Python's encoder said."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import random
import uuid

import sqlalchemy as sa
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from hypothesis import given, settings
from hypothesis import strategies as st

from server.core.db import UTCDateTime, db, iso_text, read, uuid_text
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


def _probe_values() -> list[tuple[dt.datetime | None, uuid.UUID | None]]:
    edges = [
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        dt.datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 7, 8, 0, 0, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 7, 8, 0, 0, 1000, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
        None,
    ]
    rng = random.Random(7)
    start, span = dt.datetime(1, 1, 2, tzinfo=dt.UTC), 9997 * 365 * 86400
    fractions = [0, 1, 999999, *range(1000, 10**6, 7919)]  # none, the ends, and between
    some = [
        start + dt.timedelta(seconds=rng.randrange(span), microseconds=rng.choice(fractions))
        for _ in range(500)
    ]
    ids = [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), None]
    ids += [uuid.UUID(int=rng.getrandbits(128)) for _ in range(500)]
    times = edges + some
    return [(times[i % len(times)], ids[i % len(ids)]) for i in range(max(len(times), len(ids)))]


def test_the_database_writes_a_time_and_an_id_as_they_are_sent(app):
    """``db.iso_text`` and ``db.uuid_text`` (the pull reads a clue's times and ids as text
    the database writes) give ``records.iso``'s and ``str``'s text to the character, on
    both databases, whatever the year, the fraction or the zone a time was given in."""
    probe = sa.Table(
        "text_probe",
        sa.MetaData(),
        sa.Column("n", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime()),
        sa.Column("ref", sa.Uuid()),
    )
    values = _probe_values()
    with app.app_context():
        probe.create(db.engine)
        db.session.execute(
            probe.insert(), [{"n": n, "at": at, "ref": ref} for n, (at, ref) in enumerate(values)]
        )
        got = read(
            sa.select(probe.c.n, iso_text(probe.c.at), uuid_text(probe.c.ref)).order_by(probe.c.n)
        ).all()
        db.session.rollback()
    assert [(at, ref) for _, at, ref in got] == [
        (iso(at), None if ref is None else str(ref)) for at, ref in values
    ]
    assert iso("2026-12-07T08:00:00+00:00") == "2026-12-07T08:00:00+00:00"  # read as text: kept
