"""What a body camera's file says of its own recording (sync.bodycam): the container's
metadata first, the camera's file-name convention where the container is silent, both kept
when they disagree; and which ranges of a clip may be linked to a case."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from sync.bodycam import file_name_facts, origin, range_problems

CHINA = dt.timezone(dt.timedelta(hours=8))


def test_a_quicktime_creation_date_keeps_its_offset_and_wins_over_creation_time():
    found = origin(
        {
            "com.apple.quicktime.creationdate": "2026-12-03T10:15:00+0800",
            "creation_time": "2026-12-03T09:00:00.000000Z",
            "com.apple.quicktime.make": "Apple",
            "com.apple.quicktime.model": "iPhone 15",
        },
        "IMG_0001.MOV",
    )
    assert found.recorded_at == dt.datetime(2026, 12, 3, 10, 15, tzinfo=CHINA)
    assert found.device == "Apple iPhone 15" and found.recorded_at_source == "container"


def test_a_generic_encoder_is_no_camera_but_a_cameras_encoder_is():
    assert origin({"encoder": "Lavf60.16.100"}, "x.mp4").device is None
    assert origin({"encoder": "DSJ-T9 V2.1"}, "x.mp4").device == "DSJ-T9 V2.1"


def test_an_unset_camera_clock_counts_as_no_time_and_the_file_name_is_read():
    found = origin(
        {"creation_time": "1970-01-01T00:00:00Z"}, "D:/DCIM/20261203_101500_DSJ12345.MP4"
    )
    assert found.recorded_at == dt.datetime(2026, 12, 3, 10, 15, tzinfo=CHINA)
    assert (found.recorded_at_source, found.device, found.device_source) == (
        "file_name",
        "DSJ12345",
        "file_name",
    )


def test_the_file_name_convention_and_what_does_not_follow_it():
    assert file_name_facts("20261203101500_dsj7_0001.avi")["device"] == "DSJ7"
    assert file_name_facts("20261203_101500.MP4")["device"] is None
    assert file_name_facts("20261332_101500_DSJ1.MP4") == {"recorded_at": None, "device": None}
    assert file_name_facts("holiday.mp4") == {"recorded_at": None, "device": None}


def test_sources_that_disagree_are_both_kept_and_the_container_stands():
    found = origin({"creation_time": "2026-12-03T02:15:00Z"}, "20261203_120000_DSJ1.MP4")
    assert found.recorded_at_source == "container"
    assert found.found["file_name"]["recorded_at"] == "2026-12-03T12:00:00+08:00"
    assert found.disagreements == [{"field": "recorded_at", "difference_s": -6300}]
    agreeing = origin({"creation_time": "2026-12-03T02:16:00Z"}, "20261203_101500_DSJ1.MP4")
    assert agreeing.disagreements == []  # a header written when the clip stopped


def test_a_range_is_inside_the_clip_and_ordered_naming_the_field():
    assert range_problems(1000, 2000, 3000) == {}
    assert set(range_problems(2000, 1000, 3000)) == {"end_ms"}
    assert set(range_problems(0, 3001, 3000)) == {"end_ms"}
    assert set(range_problems(-1, 10, 3000)) == {"start_ms"}
    assert set(range_problems(True, 10, 3000)) == {"start_ms"}
    assert set(range_problems(None, None, 3000)) == {"start_ms", "end_ms"}


@given(st.integers(-10, 5000), st.integers(-10, 5000), st.integers(1, 4000))
def test_a_range_is_accepted_exactly_when_it_lies_ordered_within_the_clip(start, end, duration):
    ok = 0 <= start < end <= duration
    assert (range_problems(start, end, duration) == {}) == ok
