"""A test certificate authority for the demo and the tests: a root, one seal certificate a
township (the key the township's documents are sealed with), one signing certificate an
officer (his own key, under his own passphrase) and a time-stamping authority's
certificate. Every name says 测试 (test): nothing it signs has legal effect. A real
deployment takes its keys from the agency's CA (ESEAL_KEYSTORE), never from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TEST = "（测试）"  # a test certificate: no legal effect


@dataclass(frozen=True)
class Authority:
    root: Path  # the root certificate, PEM: the trust anchor a validator is given
    tsa_cert: Path  # the time-stamping authority's certificate and key, PEM
    tsa_key: Path
    keystore: Path  # one <township code>.p12 a township
    officers: Path  # one <执法证号>.p12 an officer, under the officer's passphrase


def _name(common: str, org: str, serial: str | None = None) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            # X.520 serialNumber: the holder's identifying number, here his 执法证号 (a
            # PrintableString; UTF8String for a number with other characters, as readers take).
            *(
                [x509.NameAttribute(NameOID.SERIAL_NUMBER, serial, _type=_kind(serial))]
                if serial
                else []
            ),
        ]
    )


def _kind(value: str) -> _ASN1Type:
    printable = all(c.isascii() and (c.isalnum() or c in " '()+,-./:=?") for c in value)
    return _ASN1Type.PrintableString if printable else _ASN1Type.UTF8String


def _cert(subject, issuer, key, signing_key, now, days, *, ca=False, usage=None, eku=None):
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if usage:
        builder = builder.add_extension(usage, critical=True)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(signing_key, hashes.SHA256())


def _usage(**on) -> x509.KeyUsage:
    names = [
        *("digital_signature", "content_commitment", "key_encipherment", "data_encipherment"),
        *("key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"),
    ]
    return x509.KeyUsage(**{n: on.get(n, False) for n in names})


def make(
    out: Path,
    townships: dict[str, str],
    passphrase: str = "",
    keystore: Path | None = None,
    officers: dict[str, tuple[str, str, str]] | None = None,
) -> Authority:
    """A test authority in ``out``: a root, a seal certificate for each township (code →
    the agency's name) in ``keystore`` (default ``out/keystore``), a signing certificate
    for each officer (执法证号 → his name, his agency, his passphrase) in ``out/officers``,
    and a TSA. Files already there are replaced."""
    out.mkdir(parents=True, exist_ok=True)
    keystore = keystore or out / "keystore"
    keystore.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    org = f"fieldcase 演示{TEST}"
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name(f"fieldcase 演示根证书{TEST}", org)
    root = _cert(
        root_name,
        root_name,
        root_key,
        root_key,
        now,
        3650,
        ca=True,
        usage=_usage(key_cert_sign=True, crl_sign=True),
    )
    pem = serialization.Encoding.PEM
    (out / "root.pem").write_bytes(root.public_bytes(pem))
    secret = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    for code, agency in townships.items():
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _cert(
            _name(f"{agency}{TEST}", agency),
            root_name,
            key,
            root_key,
            now,
            825,
            usage=_usage(digital_signature=True, content_commitment=True),
        )
        p12 = pkcs12.serialize_key_and_certificates(
            f"{agency}电子印章".encode(), key, cert, [root], secret
        )
        path = keystore / f"{code}.p12"
        path.write_bytes(p12)
        path.chmod(0o600)
    (out / "officers").mkdir(exist_ok=True)
    for number, (name, agency, secret_of_his) in (officers or {}).items():
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _cert(
            _name(f"{name}{TEST}", agency, number),
            root_name,
            key,
            root_key,
            now,
            825,
            usage=_usage(digital_signature=True, content_commitment=True),
        )
        p12 = pkcs12.serialize_key_and_certificates(
            f"{name}（执法证号 {number}）".encode(),
            key,
            cert,
            [root],
            serialization.BestAvailableEncryption(secret_of_his.encode()),
        )
        path = out / "officers" / f"{number}.p12"
        path.write_bytes(p12)
        path.chmod(0o600)
    # RSA: what time-stamping authorities use, and what pyHanko's test stamper signs with.
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa = _cert(
        _name(f"fieldcase 演示时间戳服务{TEST}", org),
        root_name,
        tsa_key,
        root_key,
        now,
        825,
        usage=_usage(digital_signature=True, content_commitment=True),
        eku=[ExtendedKeyUsageOID.TIME_STAMPING],
    )
    (out / "tsa.pem").write_bytes(tsa.public_bytes(pem))
    key_file = out / "tsa-key.pem"
    key_file.write_bytes(
        tsa_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_file.chmod(0o600)
    return Authority(out / "root.pem", out / "tsa.pem", key_file, keystore, out / "officers")
