"""A body camera's file (执法记录仪) imported at the desk: when and on which camera it was
recorded, read from the file itself, and the ranges of it linked to cases.

Pure: the container's tags (as ``ffprobe`` reads them) and the file's name in, facts out.
The recording's own time and camera are kept apart from when, and by whom, it was imported:
a court asks when the scene was filmed, the audit log says when the file reached us.

Two sources, first found wins (``BODYCAM["origin_sources"]``):

- the container's metadata, part of the hashed bytes: ``com.apple.quicktime.creationdate``
  (it carries its UTC offset), else ``creation_time`` (UTC by the QuickTime/MP4 standard),
  else an AVI's ``date``; the camera from ``com.apple.quicktime.make``/``model``, ``make``/
  ``model``, else the ``encoder`` a camera wrote (not a generic muxer such as ffmpeg's);
- the name the camera gave the file, ``20261203_101500_DSJ12345.MP4`` (date, time in China
  time, the camera's number), which a copy may rename: used only where the container is
  silent, and where both speak and disagree the disagreement is kept, never resolved.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sync.workflow.evidence import BODYCAM

# What a body camera's container says about its recording (lower-cased ffprobe tag names).
ORIGIN_TAGS = (
    "com.apple.quicktime.creationdate",
    "creation_time",
    "date",
    "com.apple.quicktime.make",
    "com.apple.quicktime.model",
    "make",
    "model",
    "encoder",
)
# An encoder that names a program rather than a camera (ffmpeg's libavformat, HandBrake…).
GENERIC_ENCODERS = re.compile(r"^(lavf|lavc|handbrake|isomedia|gpac)", re.IGNORECASE)
# 20261203_101500_DSJ12345.MP4, also with "-" or no separator between date and time, and an
# optional suffix after the camera's number (a split file's _0001).
FILE_NAME = re.compile(
    r"(?P<date>20\d{6})[_-]?(?P<time>\d{6})(?:[_-](?P<device>[A-Za-z]{2,}[A-Za-z0-9-]*?\d+))?"
    r"(?:[_-][0-9A-Za-z]+)*\.(?:mp4|mov|avi)$",
    re.IGNORECASE,
)
AGREE_WITHIN_S = 120  # a camera writes the header when it starts or when it stops a clip
FILE_NAME_OFFSET = dt.timezone(dt.timedelta(minutes=BODYCAM["file_name_utc_offset_minutes"]))


@dataclass(frozen=True)
class Origin:
    """When and on which camera a recording was made, and where each fact was read."""

    recorded_at: dt.datetime | None = None
    recorded_at_source: str | None = None  # container | file_name | None (unknown)
    device: str | None = None
    device_source: str | None = None
    # What each source said, both kept; a disagreement between them noted, not resolved.
    found: dict[str, Any] = field(default_factory=dict)
    disagreements: list[dict[str, Any]] = field(default_factory=list)


def container_facts(tags: dict[str, str]) -> dict[str, Any]:
    """(time as ISO 8601 with its offset, camera) from the container's tags; None where the
    container does not say."""
    time = None
    for name in ("com.apple.quicktime.creationdate", "creation_time", "date"):
        if (parsed := _timestamp(tags.get(name))) is not None:
            time = parsed
            break
    device = None
    for make, model in (
        ("com.apple.quicktime.make", "com.apple.quicktime.model"),
        ("make", "model"),
    ):
        named = " ".join(v.strip() for v in (tags.get(make), tags.get(model)) if v and v.strip())
        if named:
            device = named
            break
    encoder = (tags.get("encoder") or "").strip()
    if device is None and encoder and not GENERIC_ENCODERS.match(encoder):
        device = encoder
    return {"recorded_at": time.isoformat() if time else None, "device": device}


def file_name_facts(name: str) -> dict[str, Any]:
    """(time, camera) from a body camera's file name; None where the name does not follow
    the convention (or names an impossible date)."""
    matched = FILE_NAME.search(name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    if matched is None:
        return {"recorded_at": None, "device": None}
    try:
        time = dt.datetime.strptime(matched["date"] + matched["time"], "%Y%m%d%H%M%S")
    except ValueError:
        return {"recorded_at": None, "device": None}
    return {
        "recorded_at": time.replace(tzinfo=FILE_NAME_OFFSET).isoformat(),
        "device": matched["device"].upper() if matched["device"] else None,
    }


def origin(tags: dict[str, str], file_name: str) -> Origin:
    """The recording's own time and camera: the container's first, else the file name's."""
    found = {"container": container_facts(tags), "file_name": file_name_facts(file_name)}
    chosen: dict[str, tuple[Any, str | None]] = {}
    for fact in ("recorded_at", "device"):
        chosen[fact] = next(
            ((found[s][fact], s) for s in BODYCAM["origin_sources"] if found[s][fact]),
            (None, None),
        )
    disagreements = []
    times = [found[s]["recorded_at"] for s in BODYCAM["origin_sources"]]
    if all(times):
        apart = (
            dt.datetime.fromisoformat(times[0]) - dt.datetime.fromisoformat(times[1])
        ).total_seconds()
        if abs(apart) > AGREE_WITHIN_S:
            disagreements.append({"field": "recorded_at", "difference_s": round(apart)})
    devices = [found[s]["device"] for s in BODYCAM["origin_sources"]]
    if all(devices) and devices[1].lower() not in devices[0].lower():
        disagreements.append({"field": "device"})
    return Origin(
        recorded_at=dt.datetime.fromisoformat(chosen["recorded_at"][0])
        if chosen["recorded_at"][0]
        else None,
        recorded_at_source=chosen["recorded_at"][1],
        device=chosen["device"][0],
        device_source=chosen["device"][1],
        found=found,
        disagreements=disagreements,
    )


def _timestamp(value: str | None) -> dt.datetime | None:
    """An ISO 8601 time from a container tag; one without an offset is UTC (QuickTime's and
    MP4's creation time is UTC by the standard). Year 1904/1970 (a camera whose clock was
    never set writes the epoch) counts as no time at all."""
    if not value:
        return None
    text = value.strip().replace(" ", "T", 1)
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # +0800 → +08:00
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    if parsed.year < 2000:
        return None
    return parsed


def range_problems(start_ms: Any, end_ms: Any, duration_ms: int) -> dict[str, list[str]]:
    """Why a range of a clip cannot be linked to a case, by field; empty when it can."""
    problems: dict[str, list[str]] = {}
    for name, value in (("start_ms", start_ms), ("end_ms", end_ms)):
        if not isinstance(value, int) or isinstance(value, bool):
            problems[name] = ["a whole number of milliseconds"]
        elif not 0 <= value <= duration_ms:
            problems[name] = [f"must lie within the clip (0 to {duration_ms} ms)"]
    if not problems and start_ms >= end_ms:
        problems["end_ms"] = ["must come after the start"]
    return problems
