"""Evidence exports: a zip for a clue (later a case) that stands on its own.

    manifest.json       the record, each piece of evidence with its hashes, and the audit
                        entries about them (each with its chain, and its hash in it)
    originals/<sha256>.<ext>   the original bytes, unchanged
    SHA256SUMS          the SHA-256 of every other file, in ``sha256sum -c`` format
    export-entry.json   the audit entry recording this export: it names the SHA-256 of
                        manifest.json and SHA256SUMS, and its own hash is in the server's
                        chain (the exporting user's township's, or the county's: the entry
                        names it), so anyone can later ask the server whether this export
                        is the one it made
    export-entry.tsr    with a time-stamping authority set (TSA_URL): its RFC 3161 token
                        over the export entry's hash, so the export and all it names are
                        shown to have existed at the authority's time (server.audit.stamps)

``verify`` needs nothing but the file (no server, no database): every hash, every audit
entry's hash, the export entry, and the zip's own bytes: the zip is written in one
canonical form (stored, fixed times and attributes), so the verifier rebuilds it from the
files it holds and compares; a change of any single byte, in a photo, the manifest or a
zip header, is detected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from server.audit import stamps
from server.audit.chain import entry_hash

FORMAT = "fieldcase-evidence-export/1"
FIXED_TIME = (2000, 1, 1, 0, 0, 0)
FILE_ATTR = 0o100644 << 16
MANIFEST, SUMS, ENTRY = "manifest.json", "SHA256SUMS", "export-entry.json"
STAMP = "export-entry.tsr"


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode()


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = FILE_ATTR
    info.create_system = 3
    return info


class ExportWriter:
    """Writes the zip to ``out`` as files are added; originals are streamed, not held."""

    def __init__(self, out: IO[bytes]):
        self.zip = zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True)
        self.sums: list[tuple[str, str]] = []

    def add_stream(self, name: str, chunks, size: int) -> str:
        digest = hashlib.sha256()
        info = _info(name)
        info.file_size = size
        with self.zip.open(info, "w", force_zip64=size > 0xFFFFFFFF) as f:
            for chunk in chunks:
                digest.update(chunk)
                f.write(chunk)
        self.sums.append((digest.hexdigest(), name))
        return digest.hexdigest()

    def add_bytes(self, name: str, data: bytes, listed: bool = True) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self.zip.writestr(_info(name), data)
        if listed:
            self.sums.append((digest, name))
        return digest

    def finish_sums(self) -> bytes:
        text = "".join(f"{digest}  {name}\n" for digest, name in self.sums).encode()
        self.zip.writestr(_info(SUMS), text)
        return text

    def close(self) -> None:
        self.zip.close()


# -- verification, offline ------------------------------------------------------------------


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    files_checked: int = 0
    evidence_checked: int = 0
    audit_entries_checked: int = 0
    export_entry_hash: str | None = None
    stamped_at: dt.datetime | None = None  # the time-stamping authority's time, if stamped

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(data: bytes, tsa_root: Path | None = None) -> Report:
    """Check an export completely; ``Report.problems`` says what does not hold. Its time
    stamp, when it has one, is checked too; with ``tsa_root`` (the authority's root
    certificate) it must chain to it."""
    report = Report()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # whatever zipfile trips on, it is not intact
        report.problems.append(f"not a readable zip: {exc}")
        return report
    with archive:
        try:
            members = [(info.filename, archive.read(info)) for info in archive.infolist()]
        except Exception as exc:  # a CRC fails, a header is nonsense…
            report.problems.append(f"a file in the zip is damaged: {exc}")
            return report
    # The writer is deterministic: the same files give the same bytes. Any other byte
    # (a header, the directory, a time, a comment, something appended) is a change.
    if _canonical_zip(members) != data:
        report.problems.append("the zip's structure is not the one fieldcase wrote")
    names = [name for name, _body in members]
    if len(set(names)) != len(names):
        report.problems.append("a file name appears twice in the zip")
    _check_contents(dict(members), report)
    _check_stamp(dict(members), report, tsa_root)
    return report


def _check_stamp(contents: dict[str, bytes], report: Report, root: Path | None) -> None:
    token = contents.get(STAMP)
    if token is None or not report.export_entry_hash:
        if root is not None:
            report.problems.append(f"{STAMP} is missing: the export carries no time stamp")
        return
    try:
        checked = stamps.check(token, report.export_entry_hash, root)
    except ValueError as exc:
        report.problems.append(f"{STAMP}: {exc}")
        return
    except Exception as exc:  # not a token at all: asn1crypto trips in many ways
        report.problems.append(f"{STAMP} is not a time-stamp token: {exc}")
        return
    if root is not None and not checked.trusted:
        report.problems.append(f"{STAMP}: the authority's certificate does not chain to the root")
    report.stamped_at = checked.at


def _canonical_zip(contents: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
        for name, body in contents:
            z.writestr(_info(name), body)
    return out.getvalue()


def _check_contents(contents: dict[str, bytes], report: Report) -> None:
    for required in (MANIFEST, SUMS, ENTRY):
        if required not in contents:
            report.problems.append(f"{required} is missing")
    if report.problems:
        return
    listed: dict[str, str] = {}
    for line in contents[SUMS].decode(errors="replace").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    for name, body in contents.items():
        if name in (SUMS, ENTRY, STAMP):
            continue
        if name not in listed:
            report.problems.append(f"{name} is not listed in {SUMS}")
        elif hashlib.sha256(body).hexdigest() != listed[name]:
            report.problems.append(f"{name}: its SHA-256 does not match {SUMS}")
        report.files_checked += 1
    for name in set(listed) - set(contents):
        report.problems.append(f"{name} is listed in {SUMS} but missing")

    try:
        manifest = json.loads(contents[MANIFEST])
        entry = json.loads(contents[ENTRY])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.problems.append(f"manifest or export entry is not JSON: {exc}")
        return
    if manifest.get("format") != FORMAT:
        report.problems.append(f"not a {FORMAT} export")
        return
    for item in manifest.get("evidence", []):
        for tier, declared in (item.get("files") or {}).items():
            if not declared or not declared.get("path"):
                continue
            body = contents.get(declared["path"])
            if body is None:
                report.problems.append(f"evidence {item['id']}: {tier} file missing")
            elif hashlib.sha256(body).hexdigest() != declared["sha256"]:
                report.problems.append(
                    f"evidence {item['id']}: the {tier} file's bytes do not have the SHA-256 "
                    "declared at capture"
                )
            elif len(body) != declared["size"]:
                report.problems.append(f"evidence {item['id']}: {tier} file size differs")
        poster = item.get("poster")
        if poster and poster.get("path"):
            body = contents.get(poster["path"])
            if body is None or hashlib.sha256(body).hexdigest() != poster.get("sha256"):
                report.problems.append(f"evidence {item['id']}: the poster frame differs")
        report.evidence_checked += 1
    # Body-camera clips linked to the clue's cases: each file once, whatever its ranges.
    for clip in manifest.get("clips", []):
        body = contents.get(clip.get("path") or "")
        if clip.get("path") and body is None:
            report.problems.append(f"clip {clip['id']}: file missing")
        elif body is not None and hashlib.sha256(body).hexdigest() != clip["sha256"]:
            report.problems.append(
                f"clip {clip['id']}: the file's bytes do not have the SHA-256 hashed at import"
            )
        report.evidence_checked += 1
    # Entries of one chain that follow each other must link. An entry names its chain (a
    # township's or the county's); an export made before there were several has none.
    previous: dict[str | None, dict] = {}
    audit = manifest.get("audit", [])
    for audit_entry in sorted(audit, key=lambda e: (str(e.get("chain")), e["seq"])):
        report.problems += _entry_problems(audit_entry)
        chain = audit_entry.get("chain")
        before = previous.get(chain)
        consecutive = before is not None and audit_entry["seq"] == before["seq"] + 1
        if consecutive and audit_entry["prev_hash"] != before["hash"]:
            report.problems.append(f"audit entry {_name(audit_entry)}: chain link broken")
        previous[chain] = audit_entry
        report.audit_entries_checked += 1
    report.problems += _entry_problems(entry)
    detail = entry.get("detail") or {}
    if entry.get("action") != "evidence.export":
        report.problems.append("the export entry does not record an export")
    if detail.get("manifest_sha256") != hashlib.sha256(contents[MANIFEST]).hexdigest():
        report.problems.append("manifest.json is not the one the export entry recorded")
    if detail.get("sums_sha256") != hashlib.sha256(contents[SUMS]).hexdigest():
        report.problems.append(f"{SUMS} is not the one the export entry recorded")
    report.export_entry_hash = entry.get("hash")


def _entry_problems(entry: dict) -> list[str]:
    try:
        fields = {
            k: entry[k]
            for k in (
                "seq",
                "at",
                "actor_id",
                "device_id",
                "action",
                "record_type",
                "record_id",
                "detail",
                "ip",
                "prev_hash",
            )
        }
    except KeyError as exc:
        return [f"audit entry {_name(entry)}: field {exc} missing"]
    if entry_hash(**fields) != entry.get("hash"):
        return [f"audit entry {_name(entry)}: its hash does not match its content"]
    return []


def _name(entry: dict) -> str:
    chain = entry.get("chain")
    return f"{entry.get('seq')}" + (f" of chain {chain}" if chain else "")
