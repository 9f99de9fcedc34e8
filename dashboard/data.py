"""All dashboard data access, through the Store; results cached with a short TTL."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from config.settings import Config, load_config
from indexer import MentionFilter, Store, open_store

TTL = 60  # seconds: the scheduler adds data in the background


@st.cache_resource
def get_config() -> Config:
    """The config named by PLACEWATCH_CONFIG (set by `placewatch dashboard`), else the default."""
    return load_config(os.environ.get("PLACEWATCH_CONFIG") or None)


@st.cache_resource
def get_store() -> Store:
    """One store per server process; SqliteStore serialises access across Streamlit's threads."""
    return open_store(get_config().store)


def period(days: int, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The last `days` days up to now (rounded to the hour so the cache can hit)."""
    now = (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return now - timedelta(days=days), now


def _filter(since: datetime, until: datetime, **kw: Any) -> MentionFilter:
    return MentionFilter(since=since, until=until, **kw)


@st.cache_data(ttl=TTL, show_spinner=False)
def ranking(since: datetime, until: datetime, watched_only: bool = False, limit: int = 25) -> pd.DataFrame:
    """Most talked-about places with counts, shares of the period's total, change and net sentiment."""
    store = get_store()
    f = _filter(since, until, watched_only=watched_only)
    rows = store.ranking(f, limit=limit)
    total = store.share_of_voice(f).total
    previous = {
        p.key: p.mentions
        for p in store.ranking(
            _filter(since - (until - since), since, territories=tuple(r.key for r in rows)), limit=limit
        )
    }
    return _with_total(rows, total, previous)


def _with_total(rows: list[Any], total: int, previous: dict[str, int]) -> pd.DataFrame:
    df = pd.DataFrame(
        [
            {
                "key": p.key,
                "place": p.name,
                "kind": p.kind,
                "watched": p.territory is not None,
                "mentions": p.mentions,
                "share": p.mentions / total if total else 0.0,
                "previous": previous.get(p.key, 0),
                "change": p.mentions - previous.get(p.key, 0),
                "net_sentiment": round(p.net_sentiment, 2),
                "reach": p.reach,
            }
            for p in rows
        ],
        columns=["key", "place", "kind", "watched", "mentions", "share", "previous", "change",
                 "net_sentiment", "reach"],
    )
    df.attrs["total"] = total
    return df


@st.cache_data(ttl=TTL, show_spinner=False)
def total_mentions(since: datetime, until: datetime) -> int:
    return get_store().share_of_voice(_filter(since, until)).total


@st.cache_data(ttl=TTL, show_spinner=False)
def share_of_voice_series(
    territories: tuple[str, ...], since: datetime, until: datetime, bucket: str = "day"
) -> pd.DataFrame:
    """Mentions per bucket per territory of a group, with each bucket's total and shares."""
    points = get_store().volume(_filter(since, until, territories=territories), bucket)  # type: ignore[arg-type]
    df = pd.DataFrame(
        [{"bucket": p.bucket, "key": p.key, "mentions": p.mentions} for p in points],
        columns=["bucket", "key", "mentions"],
    )
    if df.empty:
        return df.assign(total=[], share=[])
    df["total"] = df.groupby("bucket")["mentions"].transform("sum")
    df["share"] = df["mentions"] / df["total"]
    return df


@st.cache_data(ttl=TTL, show_spinner=False)
def share_of_voice(territories: tuple[str, ...], since: datetime, until: datetime) -> tuple[int, dict[str, int]]:
    sov = get_store().share_of_voice(_filter(since, until, territories=territories))
    return sov.total, dict(sov.counts)


@st.cache_data(ttl=TTL, show_spinner=False)
def undated_documents() -> int:
    return get_store().stats().undated
