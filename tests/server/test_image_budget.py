"""What one photo may cost a worker is bounded (issue 23): each format's pixel limit is the
decoding budget over what a pixel of it costs (``images.pixel_limit``, measured by
bench/image_memory_bench.py). A WebP, decoded whole at 16 bytes a pixel, is refused by its
header at a size a JPEG of the same pixels (checked at an eighth of its size) passes."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from server.evidence import images
from tests.server.evidence_kit import phone_photo, record_evidence, upload

BUDGET_MIB = 1  # a WebP of 120,000 pixels is over it (~60,000); a JPEG's is ~600,000


@pytest.fixture
def app(make_app):
    return make_app(IMAGE_DECODE_MAX_MIB=BUDGET_MIB)


def _as(photo: bytes, fmt: str) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(photo)).save(out, fmt, quality=80)
    return out.getvalue()


def test_each_format_has_the_pixels_the_budget_allows_and_no_more():
    # A phone camera's JPEG up to the configured limit; an iPhone's 24-megapixel HEIC.
    assert images.pixel_limit("image/jpeg", 64_000_000, 256) == 64_000_000
    assert images.pixel_limit("image/heic", 64_000_000, 256) > 24_500_000
    for media_type, cost in images.BYTES_PER_PIXEL.items():
        limit = images.pixel_limit(media_type, 64_000_000, 256)
        assert limit * cost <= 256 * 2**20 < (limit + 1) * cost or limit == 64_000_000


def test_a_webp_over_its_budget_is_refused_from_its_header_and_a_jpeg_as_large_is_not(
    app, world, login
):
    grid = login("grid_a")
    photo = phone_photo(400, 300)  # 120,000 pixels
    jpeg_id = record_evidence(grid, world.clues["clue_a"], photo)
    assert upload(grid, jpeg_id, photo).status_code == 204

    webp = _as(photo, "WEBP")
    webp_id = record_evidence(grid, world.clues["clue_a"], webp, media_type="image/webp")
    refused = upload(grid, webp_id, webp)
    assert refused.status_code == 422, refused.get_json()
    body = refused.get_json()
    assert body["error"] == "too_many_pixels" and "file" in body["fields"]
    limit = images.pixel_limit("image/webp", 64_000_000, BUDGET_MIB)
    assert "WebP" in body["message"] and f"at most {limit} pixels" in body["message"]
