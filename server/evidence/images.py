"""The Pillow pipeline a photo goes through on arrival.

1. ``open_verified``: is it really an image of the type the device declared (JPEG, PNG,
   WebP, HEIC), within the pixel limit (a decompression bomb is refused from its header,
   before a pixel is decoded), whole (a truncated file fails the full decode), and nothing
   else (bytes after the image's end make it a polyglot: refused)? Its EXIF time, place,
   orientation and camera are read.
2. ``disagreements``: where EXIF contradicts what the device declared at capture.
3. ``COPIES``: a display copy and a thumbnail, orientation applied, re-encoded (so no
   metadata and nothing hidden survives into what the console shows).
4. ``print_copy``: a copy for printing with a watermark band in Chinese: time, place, who,
   record code and the file's hash.

Only 1 and 2 run when a photo arrives (they decide whether it is accepted); the copies are
made from the stored original when first asked for (``service.make_copy``), so a shift's
photos are acknowledged at the rate they can be verified, not drawn.

The original bytes are never changed; everything here reads them or makes new files.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from PIL import ExifTags, Image, ImageDraw, ImageFont, UnidentifiedImageError

try:  # HEIC (iPhones, some Android cameras): served by the maintained pillow-heif plugin.
    from pillow_heif import register_heif_opener

    register_heif_opener()
    _HEIF = True
except ImportError:  # pragma: no cover - a production install without the plugin
    _HEIF = False

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
if _HEIF:
    FORMATS["HEIF"] = "image/heic"
NAMES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP", "image/heic": "HEIC"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}

DISPLAY_SIDE = 1600
THUMB_SIDE = 320
PRINT_SIDE = 2048

# Fonts with Chinese glyphs, in order of preference; the project installs the first
# (Debian's fonts-wqy-microhei, see the Makefile). WATERMARK_FONT overrides.
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


class Refused(Exception):
    """The file is not what it must be; nothing of it is kept. ``field`` names what is
    wrong for the client's error message."""

    def __init__(self, code: str, message: str, field: str = "file", status: int = 422):
        super().__init__(message)
        self.code, self.message, self.field, self.status = code, message, field, status


@dataclass(frozen=True)
class Exif:
    taken_at: str | None = None  # ISO 8601 with offset (the configured one if EXIF has none)
    offset_known: bool = False
    lat: float | None = None
    lng: float | None = None
    orientation: int | None = None
    make: str | None = None
    model: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Verified:
    media_type: str
    width: int
    height: int
    exif: Exif


# What one photo may cost a worker is bounded (``IMAGE_DECODE_MAX_MIB``): each format's
# pixel limit is that budget over what a pixel costs to check it and draw its copies, as
# measured by bench/image_memory_bench.py (Pillow 11, libwebp, libheif). A JPEG, the phone
# camera's format, is checked decoded at an eighth of its size: libjpeg's DCT scaling still
# reads and Huffman-decodes every byte of the picture, so a truncated or damaged file fails
# as in a full decode, at 1/64 of the memory; its copies are decoded at the scale they need.
# PNG, WebP and HEIC have no scaled decode and are decoded whole: a PNG at 4 bytes a pixel,
# near 10 while its copies are drawn (Pillow premultiplies the alpha of the whole picture
# before reducing it); a WebP at 17 (libwebp's buffer, then Pillow's); a HEIC at 9
# (libheif's). A JPEG's print copy, decoded at half size, is the dearest of its steps at 1.6
# bytes a pixel of the original. Each figure has a margin over the bench's.
JPEG_CHECK_SCALE = 8
BYTES_PER_PIXEL = {"image/jpeg": 1.7, "image/png": 10.0, "image/webp": 17.5, "image/heic": 9.0}


def pixel_limit(media_type: str, max_pixels: int, budget_mib: int) -> int:
    """The most pixels an image of ``media_type`` may have: the configured limit, or fewer
    where decoding it would cost more than ``budget_mib``."""
    return min(max_pixels, int(budget_mib * 2**20 / BYTES_PER_PIXEL[media_type]))


def open_verified(
    fp: IO[bytes],
    declared_type: str,
    *,
    max_pixels: int,
    budget_mib: int,
    default_offset: dt.timezone,
) -> Verified:
    """Check ``fp`` (seekable) and decode it (a JPEG at ``1/JPEG_CHECK_SCALE``, any other
    format whole), within its format's ``pixel_limit``; raises ``Refused``."""
    fp.seek(0, io.SEEK_END)
    if fp.tell() == 0:
        raise Refused("empty", "the file is empty")
    fp.seek(0)
    try:
        image = Image.open(fp, formats=list(FORMATS))
    except Image.DecompressionBombError:
        raise Refused("too_many_pixels", f"the image has more than {max_pixels} pixels") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error):
        raise Refused(
            "not_an_image",
            "not a JPEG, PNG, WebP or HEIC image" if _HEIF else "not a JPEG, PNG or WebP image",
        ) from None
    actual = FORMATS[image.format]
    if actual != declared_type:
        raise Refused(
            "wrong_type",
            f"the file is a {NAMES[actual]} image, not the declared {declared_type}",
            field="media_type",
            status=415,
        )
    width, height = image.size
    limit = pixel_limit(actual, max_pixels, budget_mib)
    if width < 1 or height < 1 or width * height > limit:
        # From the header alone: a 50,000 × 50,000 image is refused before it is decoded.
        raise Refused(
            "too_many_pixels",
            f"the {NAMES[actual]} image is {width} × {height} pixels; at most {limit} pixels "
            "are accepted",
        )
    if actual == "image/jpeg":
        scaled = (math.ceil(width / JPEG_CHECK_SCALE), math.ceil(height / JPEG_CHECK_SCALE))
        image.draft(image.mode, scaled)
    try:
        image.load()  # every byte of the picture: a truncated or corrupt file fails here
        # After the decode, not before: reading a PNG's EXIF decodes it, and a damaged one
        # then failed inside the EXIF reading (which shrugs), leaving load() nothing to check.
        exif = _read_exif(image, default_offset)
    except (OSError, ValueError, SyntaxError, struct.error, Image.DecompressionBombError):
        raise Refused("corrupt", "the image is truncated or damaged") from None
    _refuse_trailing_data(fp, actual)
    # Not the image: its pixels are freed on return (closing it would close ``fp``, which
    # is the caller's).
    return Verified(actual, width, height, exif)


# -- nothing after the image: a polyglot (an image that is also a zip, a script…) --------


def _refuse_trailing_data(fp: IO[bytes], media_type: str) -> None:
    fp.seek(0)
    data = fp.read()
    end = {
        "image/jpeg": _jpeg_end,
        "image/png": _png_end,
        "image/webp": _riff_end,
        "image/heic": _bmff_end,
    }[media_type](data)
    rest = data[end:] if end is not None else b"?"
    # Some encoders pad with zeros or 0xFF fill bytes; anything else is another file.
    if end is None or rest.strip(b"\x00\xff"):
        raise Refused(
            "polyglot", "the file holds more than one image: data follows the image's end"
        )


def _jpeg_end(data: bytes) -> int | None:
    """Walk the JPEG's segments and entropy-coded scans to the end-of-image marker."""
    i, n = 2, len(data)
    while i + 2 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:  # EOI
            return i + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            i += 2
            continue
        if i + 4 > n:
            return None
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        i += 2 + length
        if marker == 0xDA:  # start of scan: skip entropy-coded data to the next marker
            while True:
                i = data.find(b"\xff", i)  # 0xFF is rare in entropy-coded data: jump to it
                if i < 0 or i + 1 >= n:
                    return None
                following = data[i + 1]
                if following != 0x00 and not 0xD0 <= following <= 0xD7:
                    break
                i += 2
    return None


def _png_end(data: bytes) -> int | None:
    i = 8
    while i + 12 <= len(data):
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        i += 12 + length
        if kind == b"IEND":
            return i
    return None


def _riff_end(data: bytes) -> int | None:
    size = int.from_bytes(data[4:8], "little")
    end = 8 + size + (size & 1)
    return end if end <= len(data) + 1 else None


def _bmff_end(data: bytes) -> int | None:
    i = 0
    while i + 8 <= len(data):
        size = int.from_bytes(data[i : i + 4], "big")
        if size == 1:
            size = int.from_bytes(data[i + 8 : i + 16], "big")
        elif size == 0:
            return len(data)
        if size < 8:
            return None
        i += size
    return i if i == len(data) else None


# -- EXIF ----------------------------------------------------------------------------------


def _rational(value: Any) -> float:
    return float(value)


def _gps(ifd: dict, ref_tag: int, value_tag: int, negative: str) -> float | None:
    value = ifd.get(value_tag)
    if not value or len(value) != 3:
        return None
    d, m, s = (_rational(v) for v in value)
    if any(math.isnan(x) for x in (d, m, s)):
        return None
    result = d + m / 60 + s / 3600
    ref = _text(ifd.get(ref_tag)) or ""  # a damaged one can be anything: a tuple, a number
    return -result if ref.upper() == negative else result


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    if not isinstance(value, str):
        return None
    value = value.strip("\x00 ").strip()
    return value[:100] or None


def _read_exif(image: Image.Image, default_offset: dt.timezone) -> Exif:
    try:
        exif = image.getexif()
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:
        return Exif()
    taken_at, offset_known = None, False
    raw = _text(sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime))
    if raw:
        try:
            naive = dt.datetime.strptime(raw, "%Y:%m:%d %H:%M:%S")
        except ValueError:
            naive = None
        if naive is not None:
            tz = default_offset
            offset = _text(sub.get(ExifTags.Base.OffsetTimeOriginal))
            if offset:
                try:
                    tz = dt.datetime.strptime(offset, "%z").tzinfo or default_offset
                    offset_known = True
                except ValueError:
                    pass
            taken_at = naive.replace(tzinfo=tz).isoformat()
    lat = lng = None
    try:
        lat = _gps(gps, 1, 2, "S")
        lng = _gps(gps, 3, 4, "W")
    except (TypeError, ValueError, ZeroDivisionError):
        lat = lng = None
    if lat is not None and lng is not None and (abs(lat) > 90 or abs(lng) > 180):
        lat = lng = None
    if lat == 0 and lng == 0:  # "no fix" as some cameras write it
        lat = lng = None
    orientation = exif.get(ExifTags.Base.Orientation)
    return Exif(
        taken_at=taken_at,
        offset_known=offset_known,
        lat=lat if lng is not None else None,
        lng=lng if lat is not None else None,
        orientation=orientation if isinstance(orientation, int) else None,
        make=_text(exif.get(ExifTags.Base.Make)),
        model=_text(exif.get(ExifTags.Base.Model)),
    )


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    r = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def disagreements(
    exif: dict[str, Any],
    captured_at: dt.datetime,
    location: dict[str, Any] | None,
    *,
    time_tolerance_s: float,
    distance_tolerance_m: float,
) -> list[dict[str, Any]]:
    """Where the photo's own EXIF contradicts the record the device made at capture.
    Recorded and shown to the supervisor, never silently corrected: either may be wrong
    (a phone clock, a camera that kept an old GPS fix)."""
    found = []
    if exif.get("taken_at"):
        taken = dt.datetime.fromisoformat(exif["taken_at"])
        diff = (captured_at - taken).total_seconds()
        if abs(diff) > time_tolerance_s:
            found.append(
                {
                    "field": "captured_at",
                    "declared": captured_at.isoformat(),
                    "exif": exif["taken_at"],
                    "difference_s": round(diff),
                }
            )
    if location and exif.get("lat") is not None:
        d = distance_m(location["lat"], location["lng"], exif["lat"], exif["lng"])
        if d > max(distance_tolerance_m, 2 * (location.get("accuracy_m") or 0)):
            found.append(
                {
                    "field": "location",
                    "declared": {"lat": location["lat"], "lng": location["lng"]},
                    "exif": {"lat": exif["lat"], "lng": exif["lng"]},
                    "distance_m": round(d, 1),
                }
            )
    return found


# -- copies ------------------------------------------------------------------------------------


# EXIF orientation → the turn that makes the picture upright (as ImageOps.exif_transpose).
_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright_rgb(image: Image.Image) -> Image.Image:
    # The turn by hand: ImageOps.exif_transpose also writes the EXIF back into the image,
    # and a damaged EXIF made that raise (tests/server/test_image_fuzz.py). The copies carry
    # no EXIF anyway; a damaged orientation leaves the picture as it is.
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation)
    except Exception:
        orientation = None
    turn = _TURNS.get(orientation) if isinstance(orientation, int) else None
    upright = image.transpose(turn) if turn is not None else image
    if upright.mode not in ("RGB", "L"):
        background = Image.new("RGB", upright.size, (255, 255, 255))
        rgba = upright.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return upright.convert("RGB")


def jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def _fit(image: Image.Image, side: int) -> Image.Image:
    """``image`` (a copy of its own: changed in place) within ``side`` pixels."""
    image.thumbnail((side, side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return image


# variant: (longest side in pixels, JPEG quality)
COPIES = {"display": (DISPLAY_SIDE, 82), "thumb": (THUMB_SIDE, 75)}


def upright(fp: IO[bytes], side: int) -> Image.Image:
    """A stored (already verified) image, upright, in RGB, within ``side`` pixels. A JPEG
    is decoded at the smallest scale that still gives ``side`` (libjpeg's DCT scaling): a
    thumbnail of a 12-megapixel photo decodes an eighth of it. Any image is brought within
    ``side`` before it is turned and flattened, so only the decoded picture is ever full
    size (a square fits it whichever way it turns)."""
    image = Image.open(fp, formats=list(FORMATS))
    if image.format == "JPEG":
        image.draft("RGB", (side, side))
    image.load()
    if image.mode not in ("RGB", "RGBA", "L", "LA"):  # a palette or CMYK resamples badly
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    return _upright_rgb(_fit(image, side))


@lru_cache(maxsize=4)
def cjk_font_path(configured: str | None = None) -> str:
    for candidate in ((configured,) if configured else ()) + CJK_FONTS:
        if candidate and Path(candidate).is_file():
            return candidate
    raise RuntimeError(
        "no CJK font for the watermark: install Debian's fonts-wqy-microhei "
        "(make install does) or set FIELDCASE_WATERMARK_FONT"
    )


def print_copy(printable: Image.Image, lines: list[str], font_path: str) -> bytes:
    """The photo with a band below it: the facts a printed copy must carry, in Chinese."""
    width, height = printable.size
    size = max(14, width // 52)
    font = ImageFont.truetype(font_path, size)
    pad = size // 2
    band = pad * 2 + len(lines) * (size + pad)
    sheet = Image.new("RGB", (width, height + band), (20, 20, 20))
    sheet.paste(printable, (0, 0))
    draw = ImageDraw.Draw(sheet)
    y = height + pad
    for line in lines:
        draw.text((pad, y), line, font=font, fill=(255, 255, 255))
        y += size + pad
    return jpeg(sheet, 88)
