#!/usr/bin/env python3
"""The agency's e-seal: what sealing adds to issuing a document, and what a time stamp of an
audit head costs, on this machine, with a local time-stamping authority on loopback.

    .venv/bin/python bench/seal_bench.py [--repeat N]

Prints the median and p95 (ms) of: rendering a two-page 行政处罚决定书 (A4) unsealed; the
same rendered and sealed with the township's key (PAdES, pyHanko); sealed with an RFC 3161
time stamp from the local authority; a 责令改正通知书 rendered, signed by its two officers
with their own keys (each opened from his PKCS#12 by his passphrase, as an issue does) and
sealed; and stamping an audit head's hash alone. A real authority adds its network round
trip to the time-stamped ones. ``--keep FILE`` writes the two officers' signed and sealed
order there, to look at.
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.audit.stamps import request_stamp
from server.demo.authority import make
from server.documents import rendered
from server.documents.seal import OfficerKey, sealer_for, signed, unlock
from tests.server.document_cases_kit import sample
from tests.server.seal_kit import serve_tsa

TOWNSHIP = "331122101"
SECRET = "bench 的签名口令 2026"


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm: fonts, imports
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def line(name: str, ms: list[float]) -> None:
    p95 = sorted(ms)[max(0, round(len(ms) * 0.95) - 1)]
    print(f"{name:<48} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="write the officers' signed order here")
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    data = sample("penalty_decision")
    with tempfile.TemporaryDirectory() as tmp:
        order = sample("correction_order")
        officers = {
            o["certificate_no"]: (o["name"], order["agency"], SECRET) for o in order["officers"]
        }
        made = make(Path(tmp), {TOWNSHIP: data["agency"]}, officers=officers)
        url, stop = serve_tsa(made)
        try:
            plain = sealer_for(str(made.keystore), "", TOWNSHIP, "")
            stamped = sealer_for(str(made.keystore), "", TOWNSHIP, url)

            def sealed(sealer):
                doc = rendered("penalty_decision", data, sealed=True)
                return sealer.seal(doc.pdf, doc.seal, data["agency"])

            def by_officers():
                keys = [
                    OfficerKey(
                        unlock((made.officers / f"{o['certificate_no']}.p12").read_bytes(), SECRET),
                        o["name"],
                        o["certificate_no"],
                    )
                    for o in order["officers"]
                ]
                digital = {
                    **order,
                    "officers": [{**o, "signs_digitally": True} for o in order["officers"]],
                }
                doc = rendered("correction_order", digital, sealed=True)
                pairs = list(zip(keys, doc.signatures, strict=True))
                return signed(doc.pdf, pairs, plain, doc.seal, order["agency"])

            assert sealed(stamped).timestamped
            if args.keep:
                args.keep.write_bytes(by_officers().pdf)
            head = hashlib.sha256(b"an audit head").hexdigest()
            base = timed(lambda: rendered("penalty_decision", data), args.repeat)
            line("render, unsealed", base)
            seal_ms = timed(lambda: sealed(plain), args.repeat)
            line("render + seal (PAdES B-B)", seal_ms)
            stamp_ms = timed(lambda: sealed(stamped), args.repeat)
            line("render + seal + time stamp (PAdES B-T, local TSA)", stamp_ms)
            line(
                "render order, unsealed",
                timed(lambda: rendered("correction_order", order), args.repeat),
            )
            line("render order + two officers sign + seal", timed(by_officers, args.repeat))
            line(
                "time stamp of an audit head (local TSA)",
                timed(lambda: request_stamp(url, head), args.repeat),
            )
            print(
                f"sealing adds {statistics.median(seal_ms) - statistics.median(base):.1f} ms "
                f"({statistics.median(seal_ms) / statistics.median(base):.2f}× the render); "
                f"with the stamp {statistics.median(stamp_ms) / statistics.median(base):.2f}×"
            )
        finally:
            stop()


if __name__ == "__main__":
    main()
