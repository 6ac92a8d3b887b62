"""Photos and evidence records for the tests, made the way a phone makes them: a camera
JPEG with the EXIF a phone writes (make, model, time with its offset, GPS, orientation),
and a record declaring its SHA-256 computed before anything is sent."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import random
import uuid

from PIL import ExifTags, Image, TiffImagePlugin

from tests.server.sync_kit import mutation, push

UPLOADS = "/api/v1/uploads"
TUS = {"Tus-Resumable": "1.0.0"}
BEIJING = dt.timezone(dt.timedelta(hours=8))
SHOT_AT = dt.datetime(2026, 11, 23, 14, 5, 12, tzinfo=BEIJING)
WHERE = (28.59, 119.27)  # the world's clues are reported here


def _dms(value: float) -> tuple:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60 * 10000)
    r = TiffImagePlugin.IFDRational
    return (r(d, 1), r(m, 1), r(s, 10000))


def phone_photo(
    width: int = 1200,
    height: int = 900,
    *,
    orientation: int | None = 6,
    taken: dt.datetime | None = SHOT_AT,
    with_offset: bool = True,
    gps: tuple[float, float] | None = WHERE,
    fmt: str = "JPEG",
    seed: int = 1,
    quality: int = 90,
) -> bytes:
    """A camera picture: stored landscape with an Orientation tag saying how to turn it
    (6: turn 90° clockwise, as a phone held upright writes it). The left third is red and
    the top third green, so a test can tell which way it was turned."""
    rng = random.Random(seed)
    image = Image.effect_noise((width, height), 40).convert("RGB")
    image.paste((220, 20, 20), (0, 0, width // 3, height))
    image.paste((20, 200, 20), (width // 3, 0, width, height // 3))
    image.putpixel((rng.randrange(width), rng.randrange(height)), (rng.randrange(255), 0, 0))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    exif[ExifTags.Base.Model] = "HUAWEI nova 9"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if taken is not None:
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        sub[ExifTags.Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
        if with_offset:
            sub[ExifTags.Base.OffsetTimeOriginal] = taken.strftime("%z")[:3] + ":00"
    if gps is not None:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[1], info[2] = ("N" if gps[0] >= 0 else "S"), _dms(gps[0])
        info[3], info[4] = ("E" if gps[1] >= 0 else "W"), _dms(gps[1])
    out = io.BytesIO()
    save = {"exif": exif} if fmt in ("JPEG", "WEBP", "PNG") else {}
    if fmt == "JPEG":
        save["quality"] = quality
    image.save(out, fmt, **save)
    return out.getvalue()


def compressed_copy(photo: bytes, side: int = 640) -> bytes:
    """What the app's canvas makes for a bad network: smaller, no EXIF, upright."""
    from PIL import ImageOps

    image = ImageOps.exif_transpose(Image.open(io.BytesIO(photo))).convert("RGB")
    image.thumbnail((side, side))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def declared(data: bytes, media_type: str = "image/jpeg") -> dict:
    return {"sha256": sha(data), "size": len(data), "media_type": media_type}


def evidence_mutation(
    clue_id,
    photo: bytes,
    *,
    copy: bytes | None = None,
    media_type: str = "image/jpeg",
    captured_at: dt.datetime = SHOT_AT,
    location: tuple[float, float] | None = WHERE,
    evidence_id: uuid.UUID | None = None,
    kind: str = "photo",
) -> dict:
    payload = {
        "kind": kind,
        "original": declared(photo, media_type),
        "captured_at": captured_at.isoformat(),
        "note": "现场照片",
    }
    if copy is not None:
        payload["copy"] = declared(copy)
    if location is not None:
        payload["location"] = {
            "lat": location[0],
            "lng": location[1],
            "accuracy_m": 6.0,
            "fix_time": captured_at.isoformat(),
        }
    return mutation("evidence", evidence_id or uuid.uuid4(), "create", payload, parent_id=clue_id)


def record_evidence(session, clue_id, photo: bytes, **kwargs) -> str:
    """Push an evidence record for ``photo``; returns its id."""
    m = evidence_mutation(clue_id, photo, **kwargs)
    [result] = push(session, m)
    assert result["outcome"] == "applied", result
    return m["record_id"]


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def start_upload(session, evidence_id: str, data: bytes, digest: str | None = None, **headers):
    return session.post(
        UPLOADS,
        headers={
            **TUS,
            "Upload-Length": str(len(data)),
            "Upload-Metadata": metadata(evidence_id=evidence_id, sha256=digest or sha(data)),
            "Authorization": f"Bearer {session.token}",
            **headers,
        },
    )


def patch(session, location: str, offset: int, body: bytes, **headers):
    return session.client.patch(
        location,
        data=body,
        headers={
            **TUS,
            "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream",
            "Authorization": f"Bearer {session.token}",
            **headers,
        },
    )


def upload(session, evidence_id: str, data: bytes, chunk: int | None = None):
    """Upload ``data`` through the tus endpoint in chunks; returns the last response."""
    created = start_upload(session, evidence_id, data)
    assert created.status_code == 201, created.get_json()
    location = created.headers["Location"]
    offset = int(created.headers["Upload-Offset"])
    response = created
    step = chunk or len(data) or 1
    while offset < len(data):
        response = patch(session, location, offset, data[offset : offset + step])
        if response.status_code != 204:
            return response
        offset = int(response.headers["Upload-Offset"])
    return response


def files_held(pull_change: dict) -> dict:
    data = pull_change["data"]
    return {tier: (data[tier] or {}).get("held") for tier in ("original", "copy")}


def recording(kind: str, fmt: str, seconds: float = 1.0) -> bytes:
    """A short recording made by ffmpeg from its own test sources: ``kind`` "audio" (a
    440 Hz tone) or "video" (the colour bars, with the tone); ``fmt`` "m4a", "webm", "ogg",
    "mp3", "mp4" or "mov"."""
    import subprocess
    import tempfile

    codecs = {
        "m4a": ["-c:a", "aac"],
        "webm": ["-c:a", "libopus"]
        + (["-c:v", "libvpx", "-b:v", "200k"] if kind == "video" else []),
        "ogg": ["-c:a", "libopus"],
        "mp3": ["-c:a", "libmp3lame"],
        "mp4": ["-c:v", "mpeg4", "-c:a", "aac"],
        "mov": ["-c:v", "mpeg4", "-c:a", "aac"],
    }[fmt]
    sources = ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    if kind == "video":
        sources += ["-f", "lavfi", "-i", f"testsrc=size=320x240:rate=10:duration={seconds}"]
    with tempfile.TemporaryDirectory() as tmp:
        out = f"{tmp}/r.{fmt}"
        subprocess.run(
            ["ffmpeg", "-v", "error", *sources, *codecs, "-y", out], check=True, timeout=120
        )
        with open(out, "rb") as f:
            return f.read()
