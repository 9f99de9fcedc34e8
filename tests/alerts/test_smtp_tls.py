"""SMTP over STARTTLS and implicit TLS with a login, against a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import ipaddress
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from alerts.email import email_payload, send_email
from config.settings import SmtpConfig
from tests.alerts.test_service import Inbox, free_port

USER, PASSWORD = "office", "s3cret-from-env"


def self_signed(tmp: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, written as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def authenticator(server: object, session: object, envelope: object, mechanism: str, data: object) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == USER.encode() and data.password == PASSWORD.encode()
    return AuthResult(success=ok)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_login_over_tls_delivers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust our test certificate, as an operator's CA
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    inbox, port = Inbox(), free_port()
    # aiosmtpd cannot tell an implicit-TLS session from plain text, so its "AUTH only over TLS"
    # switch is off; STARTTLS is still required before anything else in that mode.
    tls: dict[str, object] = (
        {"tls_context": server_ctx, "require_starttls": True, "auth_require_tls": False}
        if mode == "starttls" else {"ssl_context": server_ctx, "auth_require_tls": False}
    )
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_required=True, **tls)
    controller.start()
    try:
        smtp = SmtpConfig(host="127.0.0.1", port=port, sender="placewatch@example.org",
                          starttls=mode == "starttls", ssl=mode == "ssl", username=USER,
                          password=PASSWORD, timeout=10)
        send_email(smtp, email_payload(["office@example.org"], "Spike: Tignes", "text", "<p>html</p>"))
    finally:
        controller.stop()
    assert [m["Subject"] for m in inbox.messages] == ["Spike: Tignes"]
