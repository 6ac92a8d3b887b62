"""Peak memory one accepted photo costs a worker (issue 23): for each format, the largest
file the server accepts (at its format's pixel limit, ``images.pixel_limit``), verified on
arrival (``images.open_verified``) and then drawn into its display copy, thumbnail and print
copy (``images.upright``). Each case runs in a fresh Python process and reports its peak
resident memory (the kernel's VmHWM) above that process's own after reading the file, so
one case's memory never hides another's.

    .venv/bin/python bench/image_memory_bench.py [--runs 3]

Prints one line per format and step: the median peak over the runs, in MiB, to hold
against the budget (``FIELDCASE_IMAGE_DECODE_MAX_MIB``).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASE = r"""
import datetime as dt, io, json, sys
from server.evidence import images

def high_water_mib():  # the kernel's peak resident set of this process (VmHWM)
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmHWM")) / 1024

path, media_type, max_pixels, budget, step = sys.argv[1:6]
data = open(path, "rb").read()
base = high_water_mib()
if step == "verify":
    images.open_verified(io.BytesIO(data), media_type, max_pixels=int(max_pixels),
                         budget_mib=int(budget), default_offset=dt.timezone(dt.timedelta(hours=8)))
else:
    side = {"display": images.DISPLAY_SIDE, "thumb": images.THUMB_SIDE,
            "print": images.PRINT_SIDE}[step]
    images.jpeg(images.upright(io.BytesIO(data), side), 82)
print(json.dumps({"mib": high_water_mib() - base}))
"""


def make_file(folder: Path, media_type: str, pixels: int) -> Path:
    """The worst accepted file of a format: a noisy picture (so it compresses like a photo,
    not like a flat colour) of ``pixels`` pixels, 4:3; a PNG with an alpha channel."""
    import os

    from PIL import Image

    from server.evidence import images

    width = int(math.sqrt(pixels * 4 / 3))
    height = pixels // width
    tile = Image.frombytes("RGB", (512, 512), os.urandom(512 * 512 * 3))
    picture = Image.new("RGB", (width, height))
    for x in range(0, width, 512):
        for y in range(0, height, 512):
            picture.paste(tile, (x, y))
    fmt = images.NAMES[media_type].upper().replace("HEIC", "HEIF")
    path = folder / f"worst.{images.EXTENSIONS[media_type]}"
    image = picture.convert("RGBA") if fmt == "PNG" else picture
    image.save(path, fmt, **({} if fmt == "PNG" else {"quality": 90}))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from server.core.config import _SETTINGS

    limit, budget = _SETTINGS["IMAGE_MAX_PIXELS"][0], _SETTINGS["IMAGE_DECODE_MAX_MIB"][0]
    print(f"image memory: limit {limit:,} pixels, budget {budget} MiB; {args.runs} runs")
    from server.evidence import images

    with tempfile.TemporaryDirectory() as tmp:
        for media_type in images.FORMATS.values():
            pixels = images.pixel_limit(media_type, limit, budget)
            path = make_file(Path(tmp), media_type, pixels)
            size = path.stat().st_size / 2**20
            for step in ("verify", "display", "thumb", "print"):
                peaks = []
                for _ in range(args.runs):
                    out = subprocess.run(
                        [sys.executable, "-c", CASE, str(path), media_type, str(limit),
                         str(budget), step],
                        capture_output=True, text=True, cwd=ROOT, check=False,
                    )  # fmt: skip
                    if out.returncode != 0:
                        print(f"{media_type:11} {step:8} refused: {out.stderr.strip()[-160:]}")
                        break
                    peaks.append(json.loads(out.stdout)["mib"])
                if peaks:
                    print(
                        f"{media_type:11} {pixels / 1e6:5.1f} MP {size:6.1f} MiB  {step:8} "
                        f"peak +{statistics.median(peaks):7.1f} MiB (median of {len(peaks)})"
                    )


if __name__ == "__main__":
    main()
