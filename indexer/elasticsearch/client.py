"""Talking to a cluster with the official client: its options, 8.x compatibility, one-line errors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.errors import StoreError


def client_options(
    url: str, api_key: str | None, timeout: float = 30.0, *,
    ca_certs: Path | None = None, ca_fingerprint: str | None = None,
) -> dict[str, Any]:
    """Keyword arguments of the official client: retries on 429/5xx and timeouts, API key auth,
    and how to trust the cluster's certificate (its CA file, or a certificate's SHA-256).

    A self-managed 8.x cluster starts with TLS on and a certificate signed by its own CA
    (`config/certs/http_ca.crt`), which no system trust store knows. Raises StoreError when
    TLS settings are given for a plain-http URL (the client would refuse them less clearly).
    """
    options: dict[str, Any] = {
        "hosts": [url],
        "request_timeout": timeout,
        "max_retries": 3,
        "retry_on_timeout": True,
        "retry_on_status": (429, 502, 503, 504),
    }
    if api_key:
        options["api_key"] = api_key
    if (ca_certs or ca_fingerprint) and not url.lower().startswith("https://"):
        raise StoreError(f"{url}: [store] ca_certs and PLACEWATCH_ES_CA_FINGERPRINT need an "
                         "https:// URL (the cluster's TLS address)")
    if ca_certs is not None:
        if not ca_certs.is_file():
            raise StoreError(f"{ca_certs}: [store] ca_certs is not a readable file")
        options["ca_certs"] = str(ca_certs)
    if ca_fingerprint:
        options["ssl_assert_fingerprint"] = normalise_fingerprint(ca_fingerprint)
    return options


def normalise_fingerprint(value: str) -> str:
    """A SHA-256 fingerprint as the client wants it: 64 hex digits, without colons or spaces.

    Elasticsearch prints it as hex (`HTTP CA certificate SHA-256 fingerprint`) and openssl
    with colons; both are accepted.
    """
    digits = re.sub(r"[\s:]", "", value).lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digits):
        raise StoreError("PLACEWATCH_ES_CA_FINGERPRINT: expected a SHA-256 fingerprint "
                         "(64 hex digits, colons allowed)")
    return digits


def compat_transport() -> type:
    """A transport asking 8.x-compatible responses, so a 9.x client also talks to 8.x servers.

    Elasticsearch 9 answers requests made `compatible-with=8`; Elasticsearch 8 refuses
    `compatible-with=9`, which the 9.x client sends by default.
    """
    from elastic_transport import Transport

    class Compat8Transport(Transport):  # type: ignore[misc]
        def perform_request(self, method: str, target: str, **kwargs: Any) -> Any:
            headers = kwargs.get("headers")
            if headers is not None:
                for name in ("accept", "content-type"):
                    value = headers.get(name)
                    if value and "compatible-with=9" in value:
                        headers[name] = value.replace("compatible-with=9", "compatible-with=8")
            return super().perform_request(method, target, **kwargs)

    return Compat8Transport


def _reason(exc: Exception) -> str:
    """One line saying why a request failed."""
    info = getattr(exc, "info", None)
    if isinstance(info, dict):
        error = info.get("error")
        if isinstance(error, dict):
            root = (error.get("root_cause") or [error])[0]
            return f"{root.get('type')}: {root.get('reason')}"
    message = getattr(exc, "message", None) or str(exc)
    return " ".join(str(message).split())[:300]


@contextmanager
def api_errors(url: str, what: str) -> Iterator[None]:
    """Turn transport and API failures into one-line StoreErrors naming the cluster."""
    import elasticsearch
    from elastic_transport import TlsError

    try:
        yield
    except TlsError as exc:  # before ConnectionError, which it is a kind of
        raise StoreError(
            f"{url}: the cluster's TLS certificate is not trusted while {what} ({_reason(exc)}); "
            "set [store] ca_certs to its CA file (config/certs/http_ca.crt on the cluster) "
            "or PLACEWATCH_ES_CA_FINGERPRINT to its SHA-256 fingerprint"
        ) from None
    except elasticsearch.ConnectionError as exc:
        raise StoreError(f"{url}: cannot reach Elasticsearch while {what} ({_reason(exc)})") from None
    except elasticsearch.AuthenticationException:
        raise StoreError(f"{url}: Elasticsearch refused the API key (check PLACEWATCH_ES_API_KEY)") from None
    except elasticsearch.AuthorizationException as exc:
        raise StoreError(
            f"{url}: the API key may not do this while {what} ({_reason(exc)}); "
            "see the privileges in the README's Elasticsearch section"
        ) from None
    except elasticsearch.ApiError as exc:
        raise StoreError(f"{url}: Elasticsearch error while {what}: {_reason(exc)}") from None
    except elasticsearch.TransportError as exc:
        raise StoreError(f"{url}: Elasticsearch failed while {what} ({_reason(exc)})") from None
