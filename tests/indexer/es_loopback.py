"""A loopback HTTP(S) server that answers as Elasticsearch would and records every request.

No Elasticsearch can run here, so the store's requests are checked as they leave the real
official client: over a real socket (and a real TLS handshake when asked), with the real
serialisation. A test routes each request to an answer it writes itself, then reads back
what the store sent — method, path, query parameters and body (bulk bodies as their lines).
"""

from __future__ import annotations

import json
import re
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

PRODUCT = {"X-Elastic-Product": "Elasticsearch"}


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    body: Any = None  # the JSON body, or a list of JSON lines for bulk requests


Answer = tuple[int, Any]  # status, JSON body
Route = Callable[[Request], Answer | None]


@dataclass
class Cluster:
    """What the fake cluster answers, and what it was asked, in order."""

    routes: list[tuple[str, str, Route]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    def on(self, method: str, pattern: str, route: Route | Answer) -> None:
        """Answer requests whose method matches and whose path matches `pattern` (a regex)."""
        answer = route if callable(route) else (lambda _r, a=route: a)
        self.routes.insert(0, (method, pattern, answer))

    def answer(self, request: Request) -> Answer:
        self.requests.append(request)
        for method, pattern, route in self.routes:
            if method == request.method and re.fullmatch(pattern, request.path):
                result = route(request)
                if result is not None:
                    return result
        return 200, {"acknowledged": True}

    def sent(self, method: str, pattern: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]


def _handler(cluster: Cluster) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body: Any = None
            if raw:
                text = raw.decode("utf-8")
                if url.path.endswith("/_bulk"):
                    body = [json.loads(line) for line in text.splitlines() if line.strip()]
                else:
                    body = json.loads(text)
            request = Request(self.command, url.path, dict(parse_qsl(url.query)), body)
            status, answer = cluster.answer(request)
            data = b"" if self.command == "HEAD" else json.dumps(answer).encode()
            self.send_response(status)
            for name, value in PRODUCT.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/vnd.elasticsearch+json;compatible-with=8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

    return Handler


@contextmanager
def serve(cluster: Cluster, certfile: Path | None = None, keyfile: Path | None = None) -> Iterator[str]:
    """Serve `cluster` on 127.0.0.1 (HTTPS when given a certificate); yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(cluster))
    scheme = "http"
    if certfile is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def bulk_ok(request: Request) -> Answer:
    """Every bulk action succeeds (created for `create`, updated for `index`)."""
    items = []
    for line in request.body[::2]:
        op, meta = next(iter(line.items()))
        items.append({op: {"_index": meta.get("_index"), "_id": meta.get("_id"),
                           "status": 201 if op == "create" else 200, "result": "created"}})
    return 200, {"took": 1, "errors": False, "items": items}


def bulk_actions(request: Request) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
    """A bulk body as (operation, metadata, source) triples."""
    out: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
    lines = list(request.body)
    while lines:
        op, meta = next(iter(lines.pop(0).items()))
        source = lines.pop(0) if op in ("index", "create", "update") else None
        out.append((op, meta, source))
    return out


def hits(sources: list[dict[str, Any]], index: str = "pw-documents-000001", total: int | None = None,
         relation: str = "eq") -> dict[str, Any]:
    """A search answer holding these sources (sorted by id, as the store's scans ask)."""
    return {
        "took": 1, "timed_out": False,
        "hits": {
            "total": {"value": len(sources) if total is None else total, "relation": relation},
            "hits": [{"_index": index, "_id": s.get("id"), "_source": s, "sort": [s.get("id")]}
                     for s in sources],
        },
    }


def self_signed(directory: Path, host: str = "127.0.0.1") -> tuple[Path, Path, str]:
    """A self-signed certificate for `host`: (certificate, key, SHA-256 fingerprint in hex)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "placewatch test CA")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = directory / "http_ca.crt", directory / "http.key"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ))
    return certfile, keyfile, cert.fingerprint(hashes.SHA256()).hex()
