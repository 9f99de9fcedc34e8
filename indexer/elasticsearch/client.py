"""Talking to a cluster with the official client: its options, 8.x compatibility, one-line errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from core.errors import StoreError


def client_options(url: str, api_key: str | None, timeout: float = 30.0) -> dict[str, Any]:
    """Keyword arguments of the official client: retries on 429/5xx and timeouts, API key auth."""
    options: dict[str, Any] = {
        "hosts": [url],
        "request_timeout": timeout,
        "max_retries": 3,
        "retry_on_timeout": True,
        "retry_on_status": (429, 502, 503, 504),
    }
    if api_key:
        options["api_key"] = api_key
    return options


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

    try:
        yield
    except elasticsearch.ConnectionError as exc:
        raise StoreError(f"{url}: cannot reach Elasticsearch while {what} ({_reason(exc)})") from None
    except elasticsearch.AuthenticationException:
        raise StoreError(f"{url}: Elasticsearch refused the API key (check PLACEWATCH_ES_API_KEY)") from None
    except elasticsearch.ApiError as exc:
        raise StoreError(f"{url}: Elasticsearch error while {what}: {_reason(exc)}") from None
    except elasticsearch.TransportError as exc:
        raise StoreError(f"{url}: Elasticsearch failed while {what} ({_reason(exc)})") from None
