"""The evidence pipeline fuzzed: any bytes a phone (or an attacker) uploads, however they
were mangled, are either verified and turned into the display and thumbnail copies, or
refused with ``images.Refused``; nothing else is raised and nothing hangs.

Hypothesis mangles real phone photos (JPEG with EXIF and GPS, PNG with transparency, WebP):
bytes flipped, spliced, cut and repeated, headers and EXIF fields rewritten. A longer run:
``FUZZ_EXAMPLES=5000 .venv/bin/pytest tests/server/test_image_fuzz.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from server.evidence import images
from tests.server.evidence_kit import phone_photo

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
HANG_S = 20  # far above any real photo's decode here (58 ms median for 12 MP)
OFFSET = dt.timezone(dt.timedelta(hours=8))
MAX_PIXELS = 4_000_000


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (64, 48), (200, 30, 30, 128)).save(out, "PNG")
    return out.getvalue()


def _webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 30)).save(out, "WEBP", quality=60)
    return out.getvalue()


SEEDS = {
    "image/jpeg": phone_photo(160, 120),  # EXIF with time, GPS and orientation
    "image/png": _png(),
    "image/webp": _webp(),
}


@st.composite
def mangled(draw) -> tuple[bytes, str, str]:
    """A seed photo, mangled by a few edits, and the type it is declared as."""
    kind = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[kind])
    for _ in range(draw(st.integers(1, 6))):
        edit = draw(st.sampled_from(["flip", "cut", "splice", "repeat", "header", "zero"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if edit == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif edit == "cut":
            del data[at : at + draw(st.integers(1, 512))]
        elif edit == "splice":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif edit == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 256))] * draw(st.integers(2, 20))
        elif edit == "header":  # where the format's sizes and EXIF offsets live
            spot = draw(st.integers(0, min(len(data), 200) - 1)) if data else 0
            data[spot : spot + 4] = draw(st.binary(min_size=4, max_size=4))
        elif edit == "zero":
            data[at : at + 64] = bytes(len(data[at : at + 64]))
    declared = draw(st.sampled_from([kind, kind, *SEEDS]))  # mostly honest about its type
    return bytes(data), declared, kind


@contextmanager
def no_hang(seconds: int):
    def stuck(signum, frame):
        raise TimeoutError(f"still decoding after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _pipeline(data: bytes, declared: str) -> str:
    """What the server does with an upload: verify, then make both copies. The outcome."""
    try:
        verified = images.open_verified(
            io.BytesIO(data),
            declared,
            max_pixels=MAX_PIXELS,
            budget_mib=256,
            default_offset=OFFSET,
        )
    except images.Refused as refused:
        assert refused.code and refused.message and refused.field in ("file", "media_type")
        assert 400 <= refused.status < 500
        return refused.code
    assert verified.media_type == declared
    assert 0 < verified.width * verified.height <= MAX_PIXELS
    verified.exif.as_dict()  # what is stored with it
    for side, quality in images.COPIES.values():
        copy = images.jpeg(images.upright(io.BytesIO(data), side), quality)
        assert copy[:2] == b"\xff\xd8"
    return "verified"


def test_the_seeds_themselves_are_verified():
    for kind, data in SEEDS.items():
        assert _pipeline(data, kind) == "verified", kind


def test_a_png_damaged_inside_its_pixel_data_is_refused():
    """Found by the fuzzer: reading a PNG's EXIF decoded it, the damage raised inside the
    (forgiving) EXIF reading, and the check that follows had nothing left to decode."""
    data = bytearray(SEEDS["image/png"])
    data[data.index(b"IDAT") + 14] ^= 0xFF
    assert _pipeline(bytes(data), "image/png") == "corrupt"


def test_a_damaged_gps_reference_is_read_as_none_not_a_crash():
    """Found by the fuzzer: a GPS reference that is not text (here a tuple) made the upload
    fail with a server error instead of being verified."""
    gps = {1: (1, 2), 2: (28.0, 30.0, 0.0), 3: b"E", 4: (118.0, 0.0, 0.0)}
    assert images._gps(gps, 1, 2, "S") == 28.5
    assert images._gps(gps, 3, 4, "W") == 118.0


def test_copies_turn_by_the_orientation_and_shrug_off_a_damaged_exif():
    """Found by the fuzzer: ImageOps.exif_transpose writes the EXIF back, and a damaged one
    made it raise after the original was already kept. The turn is made by hand now."""
    turned = Image.open(io.BytesIO(phone_photo(160, 120, orientation=6)))
    assert images._upright_rgb(turned).size == (120, 160)
    broken = Image.open(io.BytesIO(phone_photo(160, 120, orientation=6)))

    def damaged():
        raise TypeError("The fill character must be a unicode character, not bytes")

    broken.getexif = damaged
    assert images._upright_rgb(broken).size == (160, 120)


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow's notes on odd EXIF
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mangled())
def test_mangled_photos_are_verified_or_refused_never_anything_else(case):
    data, declared, _kind = case
    with no_hang(HANG_S):
        _pipeline(data, declared)


@settings(max_examples=EXAMPLES // 3, deadline=None, database=None)
@given(st.binary(max_size=4096), st.sampled_from(sorted(SEEDS)))
def test_random_bytes_are_refused(data, declared):
    with no_hang(HANG_S):
        assert _pipeline(data, declared) != "verified" or data.startswith(
            (b"\xff\xd8", b"\x89PNG", b"RIFF")
        )
