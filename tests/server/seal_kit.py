"""The seal tests' kit: a test authority (root, a township's seal key, a TSA), a local
RFC 3161 time-stamping authority over HTTP, and the two validators a court's expert would
use: pyHanko's, given only the root, and poppler's ``pdfsig``, which shares no code with
the signer."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from asn1crypto import tsp
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from server.core.outside_loop import outside_loop
from server.demo import authority

TOWNSHIP_A = "331123102"  # the world's 大柘镇 (tests/server/world.py)


@pytest.fixture
def test_authority(tmp_path) -> authority.Authority:
    """A test authority holding the seal key of the world's township A."""
    return authority.make(tmp_path / "authority", {TOWNSHIP_A: "遂昌县大柘镇人民政府"})


@pytest.fixture
def tsa(test_authority) -> Iterator[str]:
    """A time-stamping authority on loopback; yields its URL."""
    url, stop = serve_tsa(test_authority)
    yield url
    stop()


# SoftHSM2 (Debian's softhsm2): a PKCS#11 token in files, standing in for the agency's HSM.
SOFTHSM = next(
    (
        p
        for p in (
            "/usr/lib/softhsm/libsofthsm2.so",
            "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        )
        if Path(p).is_file()
    ),
    None,
)
TOKEN_LABEL, TOKEN_PIN = "fieldcase-seal（测试）", "246810"


@pytest.fixture(scope="session")
def hsm(tmp_path_factory):
    """A SoftHSM2 token holding township A's seal key and certificate (and the root's
    certificate, the chain a seal embeds), imported from a test authority made for it:
    ``(the authority, the token)``. Session-wide: the PKCS#11 library reads its
    configuration once per process."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    from server.documents.seal import Token

    if SOFTHSM is None or shutil.which("softhsm2-util") is None:
        pytest.skip("SoftHSM2 is not installed (Debian softhsm2; `make install` adds it)")
    try:
        import pkcs11
        from pkcs11.util.x509 import decode_x509_certificate
    except ImportError:
        pytest.skip("python-pkcs11 is not installed (pip install -e '.[pkcs11]')")
    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {home / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    made = authority.make(home / "authority", {TOWNSHIP_A: "遂昌县大柘镇人民政府"})
    key, cert, chain = pkcs12.load_key_and_certificates(
        (made.keystore / f"{TOWNSHIP_A}.p12").read_bytes(), None
    )
    pem = home / "key.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    util = ["softhsm2-util", "--pin", TOKEN_PIN]
    subprocess.run(
        [*util, "--init-token", "--free", "--label", TOKEN_LABEL, "--so-pin", "13579111"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*util, "--import", str(pem), "--token", TOKEN_LABEL, "--label", TOWNSHIP_A, "--id", "01"],
        check=True,
        capture_output=True,
    )
    pem.unlink()  # the key is in the token now, and only there
    token = pkcs11.lib(SOFTHSM).get_token(token_label=TOKEN_LABEL)
    with token.open(rw=True, user_pin=TOKEN_PIN) as session:
        for label, ident, c in ((TOWNSHIP_A, b"\x01", cert), ("root", b"\x02", chain[0])):
            der = c.public_bytes(serialization.Encoding.DER)
            attrs = decode_x509_certificate(der)
            attrs.update({pkcs11.Attribute.TOKEN: True, pkcs11.Attribute.LABEL: label})
            attrs[pkcs11.Attribute.ID] = ident
            session.create_object(attrs)
    return made, Token(SOFTHSM, TOKEN_LABEL, TOKEN_PIN)


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


def serve_tsa(made: authority.Authority) -> tuple[str, Callable[[], None]]:
    """A time-stamping authority on loopback answering RFC 3161 requests over HTTP with the
    test authority's TSA key: its URL, and how to stop it."""
    stamper = DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(str(made.tsa_cert)),
        tsa_key=load_private_key_from_pemder(str(made.tsa_key), passphrase=None),
        certs_to_embed=[load_cert_from_pemder(str(made.root))],
    )

    @Request.application
    def answer(request: Request) -> Response:
        req = tsp.TimeStampReq.load(request.get_data())
        return Response(
            stamper.request_tsa_response(req).dump(), mimetype="application/timestamp-reply"
        )

    server = make_server("127.0.0.1", 0, answer, request_handler=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/tsr", server.shutdown


def validation(pdf: bytes, root_pem: str):
    """pyHanko's verdict on the document's one signature, trusting only ``root_pem``."""
    root = load_cert_from_pemder(root_pem)
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = outside_loop(validate_pdf_signature, signature, context, ts_validation_context=context)
    return signature, status


def validations(pdf: bytes, root_pem: str) -> list:
    """pyHanko's verdict on each of the document's signatures, in the order they were made
    (the officers', then the agency's seal), trusting only ``root_pem``."""
    root = load_cert_from_pemder(root_pem)
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    return [
        (signature, outside_loop(validate_pdf_signature, signature, context))
        for signature in PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    ]


def pdfsig(pdf: bytes, tmp_path) -> str:
    """What poppler's ``pdfsig`` says of the document's signatures."""
    path = tmp_path / "sealed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
