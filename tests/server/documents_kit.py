"""Issuing an enforcement document through the API and reading its PDF back as a person
would: the kit of the document tests (poppler's ``pdftotext`` must be installed;
test_documents.py says how)."""

from __future__ import annotations

import hashlib
import re
import subprocess

from tests.server.case_kit import decided_case


def text_of(pdf: bytes, mode: str = "-layout") -> str:
    """The text as ``pdftotext -layout`` reads it, whitespace taken out (so a phrase that
    wraps is still found); ``-raw`` keeps each table cell's text together instead."""
    out = subprocess.run(
        ["pdftotext", mode, "-", "-"], input=pdf, check=True, capture_output=True
    ).stdout.decode()
    return re.sub(r"\s+", "", out)


def issued_decision(login, world) -> tuple[dict, bytes, bytes]:
    """The penalty decision of a decided case of township A, issued by its officer: its
    answer, its PDF and its public (redacted) copy, each checked against its hash."""
    officer, leader = login("officer_a"), login("leader_a")
    case_id = decided_case(world, officer, leader)
    r = officer.post(f"/api/v1/cases/{case_id}/documents", json={"kind": "penalty_decision"})
    assert r.status_code == 201, r.get_json()
    doc = r.get_json()
    pdf = officer.get(f"/api/v1/documents/{doc['id']}.pdf").data
    public = officer.get(f"/api/v1/documents/{doc['id']}.pdf?public=1").data
    assert hashlib.sha256(pdf).hexdigest() == doc["sha256"]
    assert hashlib.sha256(public).hexdigest() == doc["public_sha256"]
    return doc, pdf, public
