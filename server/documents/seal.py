"""The agency's electronic seal (电子印章) on a document: a PAdES signature made with the
township's own key, whose appearance is the seal, where the printed seal goes.

A document is rendered with a place for the seal (``layout.SealPlace``); ``Sealer.seal``
then signs the PDF there with pyHanko, as an incremental update, so any PDF reader shows the
signature, who made it and that nothing changed since. With a time-stamping authority set
(``TSA_URL``), the signature carries an RFC 3161 time stamp (PAdES B-T): the document can be
shown to have existed at that time without trusting the server's clock.

Keys come from settings, never from the repository: ``ESEAL_KEYSTORE`` is a folder holding
one PKCS#12 file a township, named by its code (``331122101.p12``), with the key, its
certificate and the chain above it, under ``ESEAL_PASSPHRASE``. A township with no file
issues its documents unsealed, with 「（印章）」 where a seal is stamped by hand, and the
e-seal figure counts them as not sealed. The demo and the tests make their own test
authority (``server.demo.authority``); its certificates say so in their names.
"""

from __future__ import annotations

import io
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import content
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.stamp.static import StaticStampStyle
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from server.core.outside_loop import outside_loop
from server.documents.layout import FONT, register_fonts

log = logging.getLogger(__name__)

FIELD = "AgencySeal"
SEAL_RED = Color(0.84, 0.0, 0.06)


@dataclass(frozen=True)
class Place:
    """Where the seal goes: a page (0-based) and a box in PDF points (x1, y1, x2, y2)."""

    page: int
    box: tuple[float, float, float, float]


@lru_cache(maxsize=256)
def seal_pdf(agency: str, diameter: float) -> bytes:
    """The seal as a one-page vector PDF ``diameter`` points across: a red ring, the
    agency's name along its upper arc, a five-pointed star in the middle, as a 公章 is
    cut (国务院关于国家行政机关和企业事业单位社会团体印章管理的规定)."""
    register_fonts()
    out = io.BytesIO()
    c = Canvas(out, pagesize=(diameter, diameter), invariant=1)
    r = diameter / 2
    c.translate(r, r)
    c.setStrokeColor(SEAL_RED)
    c.setFillColor(SEAL_RED)
    c.setLineWidth(r * 0.06)
    c.circle(0, 0, r * 0.94, stroke=1, fill=0)
    # The name: clockwise from lower left to lower right over the top, upright to the rim.
    size = r * 0.26
    text_r = r * 0.94 - r * 0.06 - size * 0.95
    span = math.radians(min(250, 24 * max(len(agency) - 1, 1)))
    for i, char in enumerate(agency):
        t = 0.5 if len(agency) == 1 else i / (len(agency) - 1)
        angle = math.pi / 2 + span / 2 - t * span
        c.saveState()
        c.translate(text_r * math.cos(angle), text_r * math.sin(angle))
        c.rotate(math.degrees(angle) - 90)
        c.setFont(FONT, size)
        c.drawCentredString(0, 0, char)
        c.restoreState()
    star = r * 0.3
    points = [
        (
            (star if k % 2 == 0 else star * 0.382) * math.cos(math.pi / 2 + k * math.pi / 5),
            (star if k % 2 == 0 else star * 0.382) * math.sin(math.pi / 2 + k * math.pi / 5),
        )
        for k in range(10)
    ]
    path = c.beginPath()
    path.moveTo(*points[0])
    for p in points[1:]:
        path.lineTo(*p)
    path.close()
    c.drawPath(path, stroke=0, fill=1)
    c.showPage()
    c.save()
    return out.getvalue()


class _SealContent(content.ImportedPdfPage):
    """pyHanko's imported page, read from bytes instead of a file."""

    def __init__(self, pdf: bytes):
        self._pdf = pdf
        super().__init__(file_name=None)

    def render(self) -> bytes:
        w = self._ensure_writer
        xobj = w.import_page_as_xobject(PdfFileReader(io.BytesIO(self._pdf)), page_ix=0)
        name = "/SealImage"
        self.resources.xobject[name] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = content.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name.encode() + b" Do"


@dataclass(frozen=True)
class Sealed:
    pdf: bytes
    sealed_by: str  # the certificate's subject and serial, as the record keeps it
    timestamped: bool


class Sealer:
    """One township's seal: its key and certificate, and the time-stamping authority."""

    def __init__(self, signer: signers.SimpleSigner, tsa_url: str = ""):
        self.signer = signer
        self.tsa_url = tsa_url

    @property
    def sealed_by(self) -> str:
        cert = self.signer.signing_cert
        return f"{cert.subject.human_friendly}; serial {cert.serial_number:x}"

    def seal(self, pdf: bytes, place: Place, agency: str) -> Sealed:
        """``pdf`` signed with the seal at ``place``. A time stamp is asked for when an
        authority is set; if it cannot be had, the document is sealed without one (and
        says so): the township's work does not stop for the authority's outage."""
        if self.tsa_url:
            try:
                return self._sign(pdf, place, agency, RequestsHTTPTimeStamper(self.tsa_url))
            except (TimestampRequestError, OSError) as exc:
                log.warning("time stamp not obtained; sealed without one: %s", exc)
        return self._sign(pdf, place, agency, None)

    def _sign(self, pdf: bytes, place: Place, agency: str, timestamper) -> Sealed:
        style = StaticStampStyle(
            background=_SealContent(seal_pdf(agency, place.box[2] - place.box[0])),
            background_opacity=0.9,
            border_width=0,
        )
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            name=agency,
            reason="电子印章",
        )
        signer = signers.PdfSigner(
            meta,
            signer=self.signer,
            timestamper=timestamper,
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(FIELD, on_page=place.page, box=place.box),
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        out = outside_loop(signer.sign_pdf, writer)
        return Sealed(out.getvalue(), self.sealed_by, timestamper is not None)


def sealer_for(keystore: str, passphrase: str, unit_code: str, tsa_url: str) -> Sealer | None:
    """The township's sealer from its PKCS#12 file in ``keystore``, or None when it has
    none. A file that is there but cannot be read is an error, not an unsealed document."""
    if not keystore:
        return None
    path = Path(keystore) / f"{unit_code}.p12"
    if not path.is_file():
        return None
    signer = signers.SimpleSigner.load_pkcs12_data(
        path.read_bytes(), other_certs=[], passphrase=passphrase.encode() or None
    )
    if signer is None:
        raise ValueError(f"{path}: not a PKCS#12 file this passphrase opens")
    return Sealer(signer, tsa_url)


def certificate_of(pem_or_der: bytes) -> asn1_x509.Certificate:
    """A certificate from PEM or DER bytes (a trust root for validation)."""
    from asn1crypto import pem

    if pem.detect(pem_or_der):
        _, _, pem_or_der = pem.unarmor(pem_or_der)
    return asn1_x509.Certificate.load(pem_or_der)
