"""The agency's electronic seal (电子印章) on a document: a PAdES signature made with the
township's own key, whose appearance is the seal, where the printed seal goes.

A document is rendered with a place for the seal (``layout.SealPlace``); ``Sealer.seal``
then signs the PDF there with pyHanko, as an incremental update, so any PDF reader shows the
signature, who made it and that nothing changed since. With a time-stamping authority set
(``TSA_URL``), the signature carries an RFC 3161 time stamp (PAdES B-T): the document can be
shown to have existed at that time without trusting the server's clock.

Keys come from settings, never from the repository: ``ESEAL_KEYSTORE`` is a folder holding
one PKCS#12 file a township, named by its code (``331122101.p12``), with the key, its
certificate and the chain above it, under ``ESEAL_PASSPHRASE``; or, with
``ESEAL_PKCS11_MODULE`` set, the keys stay in a hardware token (PKCS#11), which signs without
ever giving them out (``Token``). A township with no key issues its documents unsealed, with
「（印章）」 where a seal is stamped by hand, and the e-seal figure counts them as not sealed.
The demo and the tests make their own test authority (``server.demo.authority``); its
certificates say so in their names.

The officers who sign a document with their own keys (``OfficerKey``: unlocked by each
officer's passphrase for this one document) sign first, each an approval signature in his
own box; the agency's seal comes last and covers their signatures too, as the seal on paper
is stamped on what the officers have signed. Every signature stays valid: each later one is
an incremental update that only adds a signature field, which PDF readers and pyHanko allow.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.stamp.static import StaticStampStyle
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from server.core.api import DomainError
from server.core.outside_loop import outside_loop
from server.documents.layout import FONT, register_fonts

log = logging.getLogger(__name__)

FIELD = "AgencySeal"
OFFICER_FIELD = "Officer{}"  # Officer1, Officer2: in the order the document names them
SEAL_RED = Color(0.84, 0.0, 0.06)
INK_BLUE = Color(0.05, 0.18, 0.55)
CHINA = dt.timezone(dt.timedelta(hours=8))


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


def officer_pdf(lines: tuple[str, ...], width: float, height: float) -> bytes:
    """An officer's signature as it shows in his box: a one-page PDF ``width`` × ``height``
    with a thin frame and the certificate's data, one line each, in the ink of a pen."""
    register_fonts()
    out = io.BytesIO()
    c = Canvas(out, pagesize=(width, height), invariant=1)
    c.setStrokeColor(INK_BLUE)
    c.setFillColor(INK_BLUE)
    c.setLineWidth(0.6)
    c.roundRect(0.5, 0.5, width - 1, height - 1, 3, stroke=1, fill=0)
    size = min(7.5, (height - 4) / (len(lines) * 1.25))
    y = height - 2 - size
    for i, line in enumerate(lines):
        c.setFont(FONT, size * (1.15 if i == 0 else 1))
        while len(line) > 1 and c.stringWidth(line, FONT, size) > width - 6:
            line = line[:-2] + "…"
        c.drawString(3, y, line)
        y -= size * 1.3
    c.showPage()
    c.save()
    return out.getvalue()


class _SealContent(content.ImportedPdfPage):
    """pyHanko's imported page, read from bytes instead of a file."""

    def __init__(self, pdf: bytes, name: str = "/SealImage"):
        self._pdf = pdf
        self._name = name
        super().__init__(file_name=None)

    def render(self) -> bytes:
        w = self._ensure_writer
        xobj = w.import_page_as_xobject(PdfFileReader(io.BytesIO(self._pdf)), page_ix=0)
        name = self._name
        self.resources.xobject[name] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = content.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name.encode() + b" Do"


@dataclass(frozen=True)
class Sealed:
    pdf: bytes
    sealed_by: str  # the certificate's subject and serial, as the record keeps it
    timestamped: bool
    signed_by: tuple[str, ...] = ()  # the officers' certificates, as ``sealed_by``


def described(cert: asn1_x509.Certificate) -> str:
    """A certificate as the record keeps it: its subject and serial."""
    return f"{cert.subject.human_friendly}; serial {cert.serial_number:x}"


class Sealer:
    """One township's seal: its key and certificate, and the time-stamping authority."""

    def __init__(self, signer: signers.Signer | None, tsa_url: str = ""):
        self.signer = signer
        self.tsa_url = tsa_url

    @property
    def sealed_by(self) -> str:
        return described(self.signer.signing_cert)

    @contextlib.contextmanager
    def _key(self) -> Iterator[signers.Signer]:
        """The signer for one seal (a token's sealer opens its session here)."""
        yield self.signer

    def seal(self, pdf: bytes, place: Place, agency: str) -> Sealed:
        """``pdf`` signed with the seal at ``place``. A time stamp is asked for when an
        authority is set; if it cannot be had, the document is sealed without one (and
        says so): the township's work does not stop for the authority's outage."""
        with self._key() as signer:
            if self.tsa_url:
                try:
                    stamper = RequestsHTTPTimeStamper(self.tsa_url)
                    return self._sign(signer, pdf, place, agency, stamper)
                except (TimestampRequestError, OSError) as exc:
                    log.warning("time stamp not obtained; sealed without one: %s", exc)
            return self._sign(signer, pdf, place, agency, None)

    def _sign(self, signer, pdf: bytes, place: Place, agency: str, timestamper) -> Sealed:
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
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,
            timestamper=timestamper,
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(FIELD, on_page=place.page, box=place.box),
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        out = outside_loop(pdf_signer.sign_pdf, writer)
        return Sealed(out.getvalue(), described(signer.signing_cert), timestamper is not None)


@dataclass(frozen=True)
class Token:
    """A PKCS#11 token holding the townships' seal keys: the module (the vendor's library),
    the token's label, the user PIN and the key label, ``{code}`` for the township's."""

    module: str
    label: str
    pin: str
    key_label: str = "{code}"


class TokenSealer(Sealer):
    """A township's seal whose key stays in a hardware token: each seal opens a session
    with the PIN, has the token sign the digest, and closes it. The server never holds the
    key, so whoever copies the server's disk cannot seal with it."""

    def __init__(self, token: Token, key_label: str, cert: asn1_x509.Certificate, tsa_url=""):
        super().__init__(None, tsa_url)
        self.token, self.key_label, self.cert = token, key_label, cert

    @property
    def sealed_by(self) -> str:
        return described(self.cert)

    @contextlib.contextmanager
    def _key(self) -> Iterator[signers.Signer]:
        from pyhanko.sign.pkcs11 import PKCS11Signer

        with _session(self.token) as session:
            # The chain above the seal's certificate is on the token too: pull it all.
            yield PKCS11Signer(
                session,
                key_label=self.key_label,
                signing_cert=self.cert,
                other_certs_to_pull=None,
                # An EC key: the digest is made here and the token signs it (CKM_ECDSA),
                # which every token does; SoftHSM2 and many HSMs have no ECDSA-with-SHA256.
                use_raw_mechanism=self.cert.public_key.algorithm == "ec",
            )


class SealUnavailable(DomainError):
    """The seal's token cannot be used: a wrong PIN, a locked PIN, no such token, a module
    that does not load. The operator's configuration, not the request's: 503 naming the
    setting to look at; nothing is issued (the request's transaction, and the document
    number it took, roll back; a number reserved for a copy made offline stays unused and
    the phone's next send tries again: ``server.cases.offline``)."""

    def __init__(self, setting: str, why: str):
        super().__init__(
            f"the agency's seal is unavailable: {why} (the operator checks FIELDCASE_{setting})",
            code="seal_unavailable",
            status=503,
        )
        self.setting = setting


def _unavailable(exc: Exception, token: Token) -> SealUnavailable:
    """What the token's failure means for the operator, naming the setting to check."""
    from pkcs11 import exceptions as p11

    if isinstance(exc, (p11.PinIncorrect, p11.PinInvalid, p11.PinLenRange)):
        failed = SealUnavailable("ESEAL_PKCS11_PIN", "the token refused the PIN")
    elif isinstance(exc, (p11.PinLocked, p11.PinExpired)):
        why = "the token's PIN is locked or expired: its security officer must reset it"
        failed = SealUnavailable("ESEAL_PKCS11_PIN", why)
    elif isinstance(
        exc, (p11.TokenNotPresent, p11.TokenNotRecognised, p11.NoSuchToken, p11.DeviceRemoved)
    ) or "No token matching" in str(exc):
        failed = SealUnavailable("ESEAL_PKCS11_TOKEN", "no token with the configured label")
    elif "while loading" in str(exc):
        failed = SealUnavailable("ESEAL_PKCS11_MODULE", "the token's library did not load")
    else:
        failed = SealUnavailable("ESEAL_PKCS11_MODULE", f"the token failed ({type(exc).__name__})")
    # For the operator, with what the token said and where (the answer to the request names
    # the setting only: neither the library's path nor the token's label).
    log.error(
        "seal token unusable: %s [module %s, token %r: %s: %s]",
        failed.message,
        token.module,
        token.label,
        type(exc).__name__,
        exc,
    )
    return failed


@contextlib.contextmanager
def _session(token: Token):
    from pkcs11 import PKCS11Error
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import open_pkcs11_session

    try:
        session = open_pkcs11_session(
            token.module, token_criteria=TokenCriteria(label=token.label), user_pin=token.pin
        )
    except PKCS11Error as exc:
        raise _unavailable(exc, token) from exc
    try:
        yield session
    finally:
        session.close()


def token_sealer(token: Token, unit_code: str, tsa_url: str) -> Sealer | None:
    """The township's sealer on ``token``, or None when the token has no certificate under
    its label (the township issues unsealed documents, as with no file in a keystore)."""
    from pkcs11 import Attribute, ObjectClass

    label = token.key_label.format(code=unit_code)
    with _session(token) as session:
        found = list(
            session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: label})
        )
        if not found:
            return None
        cert = asn1_x509.Certificate.load(found[0][Attribute.VALUE])
    return TokenSealer(token, label, cert, tsa_url)


@dataclass(frozen=True)
class OfficerKey:
    """An officer's own signing key, unlocked with his passphrase for one document."""

    signer: signers.SimpleSigner
    name: str
    certificate_no: str

    @property
    def signed_by(self) -> str:
        return described(self.signer.signing_cert)

    def lines(self) -> tuple[str, ...]:
        """What his box shows: who signed, by which certificate, from whom."""
        cert = self.signer.signing_cert
        until = cert.not_valid_after.astimezone(CHINA).date().isoformat()
        issuer = cert.issuer.native.get("common_name", "")
        return (
            f"{self.name}（数字签名）",
            f"执法证号 {self.certificate_no}",
            f"证书 {cert.serial_number:x}",
            f"签发 {issuer} 有效至 {until}",
        )


def unlock(p12: bytes, passphrase: str) -> signers.SimpleSigner:
    """The signer a PKCS#12 file holds, opened with ``passphrase``; ValueError when the
    passphrase does not open it."""
    return signers.SimpleSigner.load_pkcs12_data(
        p12, other_certs=[], passphrase=passphrase.encode()
    )


def sign_as_officer(pdf: bytes, key: OfficerKey, place: Place, n: int) -> bytes:
    """``pdf`` with the ``n``-th officer's approval signature in his box at ``place``."""
    width, height = place.box[2] - place.box[0], place.box[3] - place.box[1]
    style = StaticStampStyle(
        background=_SealContent(officer_pdf(key.lines(), width, height), "/OfficerSig"),
        background_opacity=1,
        # The appearance is drawn to the box's size: no margin, else it shrinks in it.
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
        ),
        border_width=0,
    )
    field = OFFICER_FIELD.format(n)
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=key.name,
        reason="执法人员签名",
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=key.signer,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(field, on_page=place.page, box=place.box),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    return outside_loop(pdf_signer.sign_pdf, writer).getvalue()


def signed(
    pdf: bytes,
    officers: Sequence[tuple[OfficerKey, Place]],
    sealer: Sealer | None,
    seal_place: Place | None,
    agency: str,
) -> Sealed:
    """``pdf`` signed by each officer in his box, then sealed by the agency when it seals:
    the seal last, so it covers the officers' signatures and is the document's last word."""
    for n, (key, place) in enumerate(officers, 1):
        pdf = sign_as_officer(pdf, key, place, n)
    by = tuple(key.signed_by for key, _place in officers)
    if sealer is None or seal_place is None:
        return Sealed(pdf, "", False, by)
    return replace(sealer.seal(pdf, seal_place, agency), signed_by=by)


def sealer_for(
    keystore: str, passphrase: str, unit_code: str, tsa_url: str, token: Token | None = None
) -> Sealer | None:
    """The township's sealer from ``token`` when one is given, else from its PKCS#12 file in
    ``keystore``; None when it has no key. A file that is there but cannot be read is an
    error, not an unsealed document."""
    if token is not None:
        return token_sealer(token, unit_code, tsa_url)
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
