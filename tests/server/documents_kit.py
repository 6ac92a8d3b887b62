"""Reading an enforcement document's PDF back as a person would: the kit of the document
tests (poppler's ``pdftotext`` must be installed; test_documents.py says how)."""

from __future__ import annotations

import re
import subprocess


def text_of(pdf: bytes, mode: str = "-layout") -> str:
    """The text as ``pdftotext -layout`` reads it, whitespace taken out (so a phrase that
    wraps is still found); ``-raw`` keeps each table cell's text together instead."""
    out = subprocess.run(
        ["pdftotext", mode, "-", "-"], input=pdf, check=True, capture_output=True
    ).stdout.decode()
    return re.sub(r"\s+", "", out)
