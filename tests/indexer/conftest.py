"""Store fixtures: every contract test runs on SQLite, and on Elasticsearch when PLACEWATCH_ES_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from indexer.base import Store
from indexer.sqlite import SqliteStore

ES_URL = os.environ.get("PLACEWATCH_ES_URL", "")
RUN_ID = uuid.uuid4().hex[:8]

BACKENDS = [
    "sqlite",
    pytest.param(
        "elasticsearch",
        marks=[
            pytest.mark.elasticsearch,
            pytest.mark.skipif(not ES_URL, reason="set PLACEWATCH_ES_URL to run against Elasticsearch"),
        ],
    ),
]

StoreFactory = Callable[[], Store]


def _es_store(name: str) -> Store:
    from indexer.elasticsearch import ElasticsearchStore

    store = ElasticsearchStore(
        ES_URL,
        index_prefix=f"pwtest-{RUN_ID}-{name}",
        api_key=os.environ.get("PLACEWATCH_ES_API_KEY") or None,
        ca_certs=Path(os.environ["PLACEWATCH_ES_CA_CERTS"]) if os.environ.get("PLACEWATCH_ES_CA_CERTS") else None,
        ca_fingerprint=os.environ.get("PLACEWATCH_ES_CA_FINGERPRINT") or None,
    )  # the store's own refresh policy: a contract test reads only what the store made visible
    store.setup()
    return store


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_store(backend: str, tmp_path: Path) -> Iterator[StoreFactory]:
    """Build fresh, empty stores of the backend under test (several per test if needed)."""
    made: list[Store] = []

    def make() -> Store:
        n = len(made)
        if backend == "sqlite":
            store: Store = SqliteStore(tmp_path / f"store{n}.db")
            store.setup()
        else:
            store = _es_store(f"{uuid.uuid4().hex[:6]}{n}")
        made.append(store)
        return store

    yield make
    for store in made:
        drop = getattr(store, "drop", None)
        if drop is not None:
            drop()
        store.close()


@pytest.fixture
def store(make_store: StoreFactory) -> Store:
    return make_store()
