"""A document model (``sync.documents.compose``) drawn with the sheet's blocks: the model
holds every word, this only lays it out on the paper."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from reportlab.platypus import Flowable

from server.documents.layout import Sheet, Signer
from sync.documents import PNG_URL


def body(sheet: Sheet, model: Mapping[str, Any]) -> list[Flowable]:
    out: list[Flowable] = []
    for block in model["blocks"]:
        kind = block["type"]
        if kind == "para":
            out.append(sheet.para(block["text"], block["style"]))
        elif kind == "gap":
            out.append(sheet.gap(block["lines"]))
        elif kind == "form":
            out.append(sheet.form([tuple(row) for row in block["rows"]]))
        elif kind == "table":
            out.append(sheet.table(block["header"], block["rows"], block["widths"], block["mono"]))
        elif kind == "signatures":
            out.append(sheet.signatures([_signer(s) for s in block["signers"]]))
        elif kind == "close":
            sheet.close(out, block["agency"], block["date"], block["seal"])
        else:
            raise ValueError(f"unknown block type {kind!r}")
    return out


def _signer(signer: Mapping[str, Any]) -> Signer:
    image = signer.get("image")
    png = base64.b64decode(image.removeprefix(PNG_URL)) if image else None
    return Signer(
        signer["role"],
        signer["name"],
        png,
        signer.get("note"),
        signs_digitally=bool(signer.get("digital")),
    )
