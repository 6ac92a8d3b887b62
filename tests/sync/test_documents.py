"""The documents' composer (sync.documents): the wording declared once, a model of final
texts made from plain data, in China time whatever offset a time carries."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sync.documents import SPEC, compose, phrase, png_url
from sync.documents.formats import date_text, span_text, stamp_text, time_text
from tests.server.document_cases_kit import sample, signature
from tests.vectors.make_vectors import _json


@pytest.mark.parametrize("kind", sorted(SPEC["kinds"]))
def test_a_model_is_plain_json_and_the_same_from_the_phones_json(kind):
    data = sample(kind)
    model = compose(kind, data)
    assert json.loads(json.dumps(model)) == model
    phone = _json(data)  # ISO times, data URLs: as the phone holds it
    assert compose(kind, phone) == model


def test_a_time_with_an_offset_prints_in_china_time_and_one_without_as_written():
    assert time_text("2026-03-14T23:40:00Z") == "2026年3月15日7时40分"
    assert time_text(dt.datetime(2026, 3, 14, 15, 40, tzinfo=dt.UTC)) == "2026年3月14日23时40分"
    assert time_text("2026-03-14T23:40") == "2026年3月14日23时40分"
    assert date_text("2026-03-14T17:00:00-08:00") == "2026年3月15日"
    assert stamp_text("2026-03-14") == "2026-03-14"
    assert (
        span_text("2026-03-14T01:30:00Z", "2026-03-14T02:15:00Z")
        == "2026年3月14日9时30分至10时15分"
    )


def test_the_party_is_addressed_as_a_person_or_an_organisation():
    assert phrase("suspected", {"party": {"kind": "person"}, "matter": "占道经营"}) == (
        "经查，你涉嫌“占道经营”"
    )
    assert phrase("suspected", {"party": {"kind": "organisation"}, "matter": "占道经营"}) == (
        "经查，你单位涉嫌“占道经营”"
    )


def test_a_signature_is_carried_as_a_data_url_whatever_form_it_came_in():
    png = signature(1)
    url = png_url(png)
    assert url.startswith("data:image/png;base64,")
    assert png_url(url) == url == png_url(url.removeprefix("data:image/png;base64,"))
    assert png_url(None) is None and png_url(b"") is None
