"""Enforcement documents (执法文书) as PDF, rendered from plain data.

``render(kind, data)`` is a pure function: ``data`` is a plain dict the server builds from a
case (nothing here reads the database or the clock), so the same data gives the same bytes
and the SHA-256 of an issued document can be archived in the audit chain. ``DOCUMENTS``
declares what each kind needs: the 文书代字 its number carries, the fields, the articles;
``render`` raises ``DocumentDataError`` (a ValueError) naming every missing or wrong field.

What a document says is not written here: ``sync.documents.compose`` makes the document's
model (every text final) from its declarations (``sync.documents.declarations``, its title
included), and this package lays the model out (``draw``, ``layout``, ``pages``). The phone
composes the same model from the same declarations offline (``pwa/src/documents.js``).

Every document carries the issuing agency's name as its title line, its number (文号, given
in ``data``), the act code (行政行为码) as text and as a QR code in the top-right corner, the
generation time and a footer with page x of y. The CJK font is embedded, so any printer or
phone shows it. ``redacted=True`` gives the public copy (行政处罚法 第四十八条, see
``redact``). ``paper="80mm"`` lays the same content out for a pocket roll printer.

Keys of ``data`` (see ``DOCUMENTS`` for which each kind requires):

- every kind: ``agency`` (e.g. 缙云县壶镇镇人民政府), ``doc_number``, ``act_code``,
  ``generated_at``; times are ``datetime``/``date`` or ISO 8601 strings, printed in China
  time when they carry an offset and as written when they do not;
- ``party``: ``kind`` (person | organisation), ``name``, ``id_number`` (身份证号 or 统一社会
  信用代码), ``address``, ``phone``, ``legal_representative`` (organisations);
- ``officers``: ``[{name, certificate_no, signature?, signs_digitally?}]``; an officer who
  signs digitally gets a blank place for his signature's appearance (``Rendered.signatures``)
  instead of a drawn one; signatures are PNG bytes (the
  phone's JSON carries them as data URLs), as are ``party_signature`` and
  ``party_refusal.witness_signature``; ``party_refusal``:
  ``{reason?, witness?, witness_signature?}``;
- ``penalty``: ``{warning?: bool, fine_fen?: int, confiscation?: str, other?: str}``; money
  is always integer fen; ``payment``: ``{bank, method?}`` when there is a fine;
- ``contact``: ``{person?, phone?, address?}`` of the agency, printed where given;
- ``other_persons``: names of other people mentioned in the text, masked in a public copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from server.documents.draw import body
from server.documents.kinds import DOCUMENTS, DocumentDataError, DocumentKind, check
from server.documents.layout import PAPERS, Sheet, register_fonts
from server.documents.money import amount, yuan, yuan_in_capitals
from server.documents.pages import Meta, build
from server.documents.redact import public_copy
from server.documents.seal import Place
from sync.documents import compose


def render(
    kind: str, data: Mapping[str, Any], *, redacted: bool = False, paper: str = "A4"
) -> bytes:
    """The PDF of document ``kind`` made from ``data``; ``redacted`` for the public copy;
    ``paper`` is "A4" or "80mm". Raises ``DocumentDataError`` (a ValueError) naming the
    fields that are missing or wrong, ValueError for an unknown kind or paper."""
    return rendered(kind, data, redacted=redacted, paper=paper).pdf


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    seal: Place | None  # where the agency's seal goes; None for a document without one
    # Where each officer who signs digitally signs, in the order of ``data["officers"]``.
    signatures: tuple[Place, ...] = ()


def rendered(
    kind: str,
    data: Mapping[str, Any],
    *,
    redacted: bool = False,
    paper: str = "A4",
    sealed: bool = False,
) -> Rendered:
    """``render``, with the place of the seal; ``sealed`` leaves it blank for the electronic
    seal (``server.documents.seal``) instead of printing 「（印章）」 there."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}; known: {', '.join(PAPERS)}")
    doc = check(kind, data)
    register_fonts()
    content = public_copy(data) if redacted else dict(data)
    model = compose(kind, content, redacted=redacted)
    sheet = Sheet(PAPERS[paper], redacted, sealed, model["lines"])
    pdf = build(sheet, Meta.of(model), body(sheet, model))
    places = [Place(page, box) for page, box in sheet.seal_places]
    assert len(places) == int(doc.sealed), f"{kind}: one seal place iff the kind is sealed"
    signatures = tuple(Place(page, box) for page, box in sheet.signature_places)
    digital = [o for o in content.get("officers") or [] if o.get("signs_digitally")]
    assert redacted or len(signatures) == len(digital), f"{kind}: a place for each signer"
    return Rendered(pdf, places[0] if places else None, signatures)


__all__ = [
    "DOCUMENTS",
    "DocumentDataError",
    "DocumentKind",
    "Rendered",
    "amount",
    "render",
    "rendered",
    "yuan",
    "yuan_in_capitals",
]
