"""Sound and video evidence: checked with ffprobe (Debian's ffmpeg, which ``make`` installs)
to be what its record declares, and a video's poster frame taken with ffmpeg.

A file is refused (``images.Refused``, nothing of it kept) when ffprobe cannot read it, when
its container is not the declared media type's, when a recording has no sound (or a video
no picture), when it lasts longer than its kind allows, and when reading every packet
through finds it truncated or damaged. What it found (duration, picture size) is kept with
the file, for the console and the export.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from server.evidence.images import Refused
from sync.bodycam import ORIGIN_TAGS

# The containers ffprobe names for each declared media type.
CONTAINERS = {
    "audio/mp4": "mov,mp4,m4a,3gp,3g2,mj2",
    "video/mp4": "mov,mp4,m4a,3gp,3g2,mj2",
    "video/quicktime": "mov,mp4,m4a,3gp,3g2,mj2",
    "audio/webm": "matroska,webm",
    "video/webm": "matroska,webm",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "video/x-msvideo": "avi",  # an older body camera's
}
EXTENSIONS = {
    "audio/mp4": "m4a",
    "audio/webm": "webm",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/quicktime": "mov",
    "video/x-msvideo": "avi",
}
TIMEOUT_S = 300
# Read every packet, write none; the progress report on stdout says how far the packets go.
COPY_THROUGH = ["-map", "0", "-c", "copy", "-f", "null", "-", "-progress", "pipe:1"]
FIRST_FRAME_JPEG = ["-frames:v", "1", "-f", "image2", "-c:v", "mjpeg", "-q:v", "3", "pipe:1"]


@dataclass(frozen=True)
class Probed:
    duration_ms: int
    width: int  # 0 for sound
    height: int
    # What the container says of its recording (``sync.bodycam.ORIGIN_TAGS``): its time,
    # its camera. Kept with the file: a body camera's import reads them (sync.bodycam).
    tags: dict[str, str] = field(default_factory=dict)


def _run(args: list[str]) -> subprocess.CompletedProcess:
    # A fixed program and a path the server made (never a name from a request).
    return subprocess.run(args, capture_output=True, timeout=TIMEOUT_S, check=False)  # noqa: S603


def probe(path: Path, declared_type: str, max_seconds: int) -> Probed:
    """Check the file at ``path`` against its declared media type; raises ``Refused``."""
    if path.stat().st_size == 0:
        raise Refused("empty", "the file is empty")
    out = _run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)]
    )
    try:
        info = json.loads(out.stdout) if out.returncode == 0 else {}
    except json.JSONDecodeError:
        info = {}
    container = (info.get("format") or {}).get("format_name")
    if not container:
        raise Refused("not_a_recording", "not a sound or video file ffprobe can read")
    if container != CONTAINERS[declared_type]:
        raise Refused(
            "wrong_type",
            f"the file is a {container} file, not the declared {declared_type}",
            field="media_type",
            status=415,
        )
    streams = info.get("streams") or []
    sound = [s for s in streams if s.get("codec_type") == "audio"]
    pictures = [
        s
        for s in streams
        if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    if declared_type.startswith("audio/") and (not sound or pictures):
        raise Refused(
            "wrong_type", "a sound recording must have sound and no picture", field="media_type"
        )
    if declared_type.startswith("video/") and not pictures:
        raise Refused("wrong_type", "a video must have a picture", field="media_type")
    # Every packet read through, none decoded: a file cut short or damaged fails here.
    read = _run(["ffmpeg", "-nostdin", "-v", "error", "-xerror", "-i", str(path), *COPY_THROUGH])
    if read.returncode != 0 or read.stderr.strip():
        raise Refused("corrupt", "the recording is truncated or damaged")
    seconds = _seconds(info.get("format") or {}, read.stdout)
    if seconds is None:
        raise Refused("corrupt", "the recording says nothing of how long it lasts")
    if not 0 < seconds <= max_seconds:
        raise Refused(
            "too_long",
            f"the recording lasts {seconds:.0f} s; at most {max_seconds} s are accepted",
        )
    width = int(pictures[0].get("width") or 0) if pictures else 0
    height = int(pictures[0].get("height") or 0) if pictures else 0
    return Probed(round(seconds * 1000), width, height, _origin_tags(info, pictures))


def _origin_tags(info: dict, pictures: list[dict]) -> dict[str, str]:
    """The container's tags about its recording, the format's over the picture stream's."""
    found: dict[str, str] = {}
    for tags in ((pictures[0].get("tags") if pictures else None), info["format"].get("tags")):
        for name, value in (tags or {}).items():
            if name.lower() in ORIGIN_TAGS and isinstance(value, str):
                found[name.lower()] = value[:200]
    return found


def _seconds(fmt: dict, progress: bytes) -> float | None:
    """How long the recording lasts: as its container says, or, where it says nothing, as
    far as its packets go. A browser's recorder (MediaRecorder) writes WebM as a stream and
    never goes back to write the length in its header, so every phone's WebM recording
    lacks it; the packets read through (``COPY_THROUGH``) give it."""
    try:
        return float(fmt["duration"])
    except (KeyError, TypeError, ValueError):
        pass
    reached = [
        line.split(b"=", 1)[1]
        for line in progress.splitlines()
        if line.startswith(b"out_time_us=") and line.split(b"=", 1)[1].strip().isdigit()
    ]
    return int(reached[-1]) / 1e6 if reached else None


def poster(path: Path) -> bytes:
    """A video's first frame as a JPEG (its display copy and thumbnail are made from it)."""
    out = _run(["ffmpeg", "-v", "error", "-i", str(path), *FIRST_FRAME_JPEG])
    if out.returncode != 0 or not out.stdout:
        raise Refused("corrupt", "no frame could be taken from the video")
    return out.stdout
