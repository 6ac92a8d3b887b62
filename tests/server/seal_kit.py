"""The seal tests' kit: a test authority (root, a township's seal key, a TSA), a local
RFC 3161 time-stamping authority over HTTP, and the two validators a court's expert would
use: pyHanko's, given only the root, and poppler's ``pdfsig``, which shares no code with
the signer."""

from __future__ import annotations

import io
import subprocess
import threading
from collections.abc import Callable, Iterator

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
