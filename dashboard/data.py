"""All dashboard data access, through the Store; results cached with a short TTL.

Longer than our usual ~600 lines on purpose: every query a page makes lives here, one section
per page, so that pages hold UI only and a change of Store or cache policy is made in one file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from config import Config, load_config
from dashboard.render import plain_snippet, safe_url, to_csv
from indexer import MentionFilter, PlaceCount, SearchPage, Store, open_store

logger = logging.getLogger(__name__)

TTL = 60  # seconds: the scheduler adds data in the background
RANKING_DEPTH = 200  # places compared between two periods for "what moved"
SEARCH_EXPORT_LIMIT = 5000
SPIKE_HISTORY = timedelta(days=28)  # what the alerts' detector reads before the period
LONG_PERIOD = timedelta(days=91)
LABELS = ("positive", "neutral", "negative")


@st.cache_resource
def get_config() -> Config:
    """The config named by PLACEWATCH_CONFIG (set by `placewatch dashboard`), else the default."""
    return load_config(os.environ.get("PLACEWATCH_CONFIG") or None)


@st.cache_resource
def get_store() -> Store:
    """One store per server process; SqliteStore serialises access across Streamlit's threads."""
    return open_store(get_config().store)


def now() -> datetime:
    """The dashboard's clock; PLACEWATCH_NOW (ISO date) pins it to replay an archive or a benchmark."""
    pinned = os.environ.get("PLACEWATCH_NOW")
    if not pinned:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(pinned)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def period(days: int, at: datetime | None = None) -> tuple[datetime, datetime]:
    """The last `days` days up to now (rounded up to the hour so the cache can hit)."""
    end = (at or now()).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return end - timedelta(days=days), end


def bucket_for(days: int) -> str:
    """Chart resolution for a period: days up to a quarter, weeks beyond."""
    return "day" if days <= 90 else "week"


def _filter(since: datetime | None, until: datetime | None, **kw: Any) -> MentionFilter:
    return MentionFilter(since=since, until=until, **kw)


def names() -> dict[str, str]:
    """Territory id → display name, from the config."""
    return {t.id: t.name for t in get_config().territories}


# ------------------------------------------------------------------ overview


@st.cache_data(ttl=TTL, show_spinner=False)
def ranking(since: datetime, until: datetime, watched_only: bool = False, limit: int = 25) -> pd.DataFrame:
    """Most talked-about places with counts, shares of the period's total, change and net sentiment."""
    store = get_store()
    f = _filter(since, until, watched_only=watched_only)
    rows = store.ranking(f, limit=limit)
    total = store.share_of_voice(f).total
    before = _filter(since - (until - since), since, territories=tuple(r.key for r in rows))
    previous = {p.key: p.mentions for p in store.ranking(before, limit=limit)} if rows else {}
    return _with_total(rows, total, previous)


def _place_row(p: PlaceCount, total: int, previous: dict[str, int]) -> dict[str, Any]:
    return {
        "key": p.key,
        "place": p.name,
        "kind": p.kind,
        "watched": p.territory is not None,
        "mentions": p.mentions,
        "share": p.mentions / total if total else 0.0,
        "previous": previous.get(p.key, 0),
        "change": p.mentions - previous.get(p.key, 0),
        "net_sentiment": round(p.net_sentiment, 2),
        "positive": p.positive,
        "neutral": p.neutral,
        "negative": p.negative,
        "reach": p.reach,
        "lat": p.lat,
        "lon": p.lon,
    }


_PLACE_COLUMNS = ["key", "place", "kind", "watched", "mentions", "share", "previous", "change",
                  "net_sentiment", "positive", "neutral", "negative", "reach", "lat", "lon"]


def _with_total(rows: Sequence[PlaceCount], total: int, previous: dict[str, int]) -> pd.DataFrame:
    df = pd.DataFrame([_place_row(p, total, previous) for p in rows], columns=_PLACE_COLUMNS)
    df.attrs["total"] = total
    return df


@st.cache_data(ttl=TTL, show_spinner=False)
def movers(since: datetime, until: datetime, limit: int = 5) -> pd.DataFrame:
    """The places whose mentions rose most against the previous period of the same length."""
    store = get_store()
    current = store.ranking(_filter(since, until), limit=RANKING_DEPTH)
    before = store.ranking(_filter(since - (until - since), since), limit=RANKING_DEPTH * 5)
    previous = {p.key: p.mentions for p in before}
    df = _with_total(current, 0, previous)
    df = df[df["change"] > 0].sort_values(["change", "mentions"], ascending=False).head(limit)
    df["change_pct"] = [c / p if p else None for c, p in zip(df["change"], df["previous"], strict=True)]
    return df.reset_index(drop=True)


@st.cache_data(ttl=TTL, show_spinner=False)
def territory_tiles(territory: str, since: datetime, until: datetime) -> dict[str, Any]:
    """My territory's mentions, reach, net sentiment and share of voice in its first group."""
    config, store = get_config(), get_store()
    mine = _one_place(store, _filter(since, until, territories=(territory,)))
    prev = _one_place(store, _filter(since - (until - since), since, territories=(territory,)))
    tiles: dict[str, Any] = {
        "mentions": mine.mentions if mine else 0,
        "previous": prev.mentions if prev else 0,
        "reach": mine.reach if mine else 0,
        "net_sentiment": mine.net_sentiment if mine else 0.0,
        "previous_net_sentiment": prev.net_sentiment if prev else 0.0,
        "group": None, "group_total": 0, "share": 0.0,
    }
    group = next((g for g in config.groups if territory in g.territories), None)
    if group:
        sov = store.share_of_voice(_filter(since, until, territories=group.territories))
        tiles.update(group=group.name, group_total=sov.total, share=sov.share(territory))
    return tiles


def _one_place(store: Store, f: MentionFilter) -> PlaceCount | None:
    rows = store.ranking(f, limit=1)
    return rows[0] if rows else None


@st.cache_data(ttl=TTL, show_spinner=False)
def total_mentions(since: datetime, until: datetime) -> int:
    return get_store().share_of_voice(_filter(since, until)).total


@st.cache_data(ttl=TTL, show_spinner=False)
def undated_documents() -> int:
    return get_store().stats().undated


# ------------------------------------------------------------------ competitors


@st.cache_data(ttl=TTL, show_spinner=False)
def share_of_voice_series(
    territories: tuple[str, ...], since: datetime, until: datetime, bucket: str = "day",
    weighted: bool = False, syndicated_once: bool = False,
) -> pd.DataFrame:
    """Mentions (or reach) per bucket per territory of a group, with each bucket's total and shares."""
    f = _filter(since, until, territories=territories, syndicated_once=syndicated_once)
    points = get_store().volume(f, bucket)  # type: ignore[arg-type]
    df = pd.DataFrame(
        [{"bucket": p.bucket, "key": p.key, "mentions": p.mentions, "reach": p.reach} for p in points],
        columns=["bucket", "key", "mentions", "reach"],
    )
    df["value"] = df["reach"] if weighted else df["mentions"]
    if df.empty:
        return df.assign(place=[], total=[], share=[])
    df["place"] = df["key"].map(lambda k: names().get(k, k))
    df["total"] = df.groupby("bucket")["value"].transform("sum")
    df["share"] = df["value"] / df["total"].where(df["total"] > 0, 1)
    return df


@st.cache_data(ttl=TTL, show_spinner=False)
def share_of_voice(territories: tuple[str, ...], since: datetime, until: datetime) -> tuple[int, dict[str, int]]:
    sov = get_store().share_of_voice(_filter(since, until, territories=territories))
    return sov.total, dict(sov.counts)


@st.cache_data(ttl=TTL, show_spinner=False)
def group_summary(
    territories: tuple[str, ...], since: datetime, until: datetime,
    weighted: bool = False, syndicated_once: bool = False,
) -> pd.DataFrame:
    """One row per place of the group: mentions, reach, share of voice, sentiment; attrs['total']."""
    store = get_store()
    f = _filter(since, until, territories=territories, syndicated_once=syndicated_once)
    sov = store.share_of_voice(f, weighted=weighted)
    rows = {p.key: p for p in store.ranking(f, limit=max(1, len(territories)))}
    label = names()
    df = pd.DataFrame(
        [
            {
                "key": key, "place": label.get(key, key),
                "mentions": rows[key].mentions if key in rows else 0,
                "reach": rows[key].reach if key in rows else 0,
                "share": sov.share(key),
                "net_sentiment": round(rows[key].net_sentiment, 2) if key in rows else 0.0,
                "positive": rows[key].positive if key in rows else 0,
                "neutral": rows[key].neutral if key in rows else 0,
                "negative": rows[key].negative if key in rows else 0,
            }
            for key in territories
        ],
        columns=["key", "place", "mentions", "reach", "share", "net_sentiment", "positive",
                 "neutral", "negative"],
    )
    df = df.sort_values(["share", "mentions"], ascending=False).reset_index(drop=True)
    df.attrs["total"] = sov.total
    return df


# ------------------------------------------------------------------ place


@st.cache_data(ttl=TTL, show_spinner=False)
def place_choices(since: datetime, until: datetime) -> list[tuple[str, str]]:
    """(key, name) of places to look at: watched territories first, then the period's top places."""
    watched = [(t.id, t.name) for t in get_config().territories]
    known = {k for k, _ in watched}
    top = get_store().ranking(_filter(since, until), limit=50)
    return watched + [(p.key, p.name) for p in top if p.key not in known]


@st.cache_data(ttl=TTL, show_spinner=False)
def place_timeline(key: str, since: datetime, until: datetime, bucket: str) -> pd.DataFrame:
    """Mentions of one place per bucket, with empty buckets as zeros."""
    points = get_store().volume(_filter(since, until, territories=(key,)), bucket)  # type: ignore[arg-type]
    df = pd.DataFrame([{"bucket": p.bucket, "mentions": p.mentions} for p in points],
                      columns=["bucket", "mentions"])
    return _fill_grid(df, since, until, bucket, ["mentions"])


def _fill_grid(df: pd.DataFrame, since: datetime, until: datetime, bucket: str,
               columns: list[str]) -> pd.DataFrame:
    step = {"hour": "h", "day": "D", "week": "W-MON"}[bucket]
    start = pd.Timestamp(since).tz_convert(UTC).floor("D" if bucket != "hour" else "h")
    if bucket == "week":
        start = start - pd.Timedelta(days=start.weekday())
    grid = pd.date_range(start, pd.Timestamp(until).tz_convert(UTC), freq=step if bucket != "week" else "7D")
    if df.empty:
        return pd.DataFrame({"bucket": grid, **{c: 0 for c in columns}})
    df = df.assign(bucket=pd.to_datetime(df["bucket"], utc=True)).groupby("bucket")[columns].sum()
    out = df.reindex(df.index.union(grid), fill_value=0).rename_axis("bucket").reset_index()
    return out[(out["bucket"] >= start) & (out["bucket"] < pd.Timestamp(until))]


def window_bucket(window: timedelta) -> str:
    if window <= timedelta(hours=1):
        return "hour"
    return "day" if window <= timedelta(days=1) else "week"


@st.cache_data(ttl=TTL, show_spinner=False)
def spike_window(since: datetime, until: datetime) -> timedelta:
    """The alerts' window (at least an hour); a day beyond a quarter, where hours would be too many."""
    window = max(get_config().alerts.window, timedelta(hours=1))
    return window if until - since <= LONG_PERIOD else max(window, timedelta(days=1))


@st.cache_data(ttl=TTL, show_spinner=False)
def place_spikes(key: str, since: datetime, until: datetime) -> pd.DataFrame:
    """Windows of the period where the place's mentions spiked, as the alerts would see them."""
    alerts = get_config().alerts
    window = spike_window(since, until)
    history = place_timeline(key, since - SPIKE_HISTORY, until, "hour" if window < timedelta(days=1) else "day")
    counts = (history.set_index("bucket")["mentions"]
              .resample(pd.Timedelta(window), origin="epoch").sum())
    series = [(ts.to_pydatetime(), float(v)) for ts, v in counts.items()]
    found = _detect(series, window, alerts.min_count, alerts.cooldown)
    df = pd.DataFrame(found, columns=["start", "mentions", "expected", "score"])
    df = df[df["start"] >= since] if not df.empty else df
    df["end"] = df["start"] + window
    return df.reset_index(drop=True)


def _detect(series: list[tuple[datetime, float]], window: timedelta, min_count: int,
            cooldown: timedelta) -> list[tuple[datetime, float, float, float]]:
    """The alerts' own detector, so the marks on the timeline are the spikes the emails report."""
    from alerts import DetectorParams, detect_spikes, from_first_mention

    params = DetectorParams(min_count=min_count, cooldown=cooldown)
    found = detect_spikes(from_first_mention(series), window, params)
    return [(a.timestamp, a.value, a.expected, a.score) for a in found]


@st.cache_data(ttl=TTL, show_spinner=False)
def mentions_between(key: str, start: datetime, end: datetime, limit: int = 50) -> pd.DataFrame:
    """The documents mentioning a place in a window (the mentions behind a spike)."""
    page = get_store().search("", _filter(start, end, territories=(key,)), page=1, size=limit)
    return hits_frame(page)


@st.cache_data(ttl=TTL, show_spinner=False)
def sentiment_series(key: str, since: datetime, until: datetime, bucket: str) -> pd.DataFrame:
    """Positive, neutral and negative mentions of a place per bucket, with the net sentiment."""
    df = place_timeline(key, since, until, bucket).rename(columns={"mentions": "total"})
    df = df[df["total"] > 0]
    for label in ("positive", "negative"):
        f = _filter(since, until, territories=(key,), sentiment=label)
        points = get_store().volume(f, bucket)  # type: ignore[arg-type]
        counts = pd.DataFrame([{"bucket": pd.Timestamp(p.bucket), label: p.mentions} for p in points],
                              columns=["bucket", label])
        counts["bucket"] = pd.to_datetime(counts["bucket"], utc=True)
        df = df.merge(counts, on="bucket", how="left")
    df = df.fillna(0)
    for label in ("positive", "negative"):
        df[label] = df[label].astype(int)
    df["neutral"] = (df["total"] - df["positive"] - df["negative"]).clip(lower=0).astype(int)
    total = df["total"]
    df["net_sentiment"] = (df["positive"] - df["negative"]) / total.where(total > 0, 1)
    return df[["bucket", *LABELS, "net_sentiment"]].sort_values("bucket").reset_index(drop=True)


@st.cache_data(ttl=TTL, show_spinner=False)
def top_sources(key: str, since: datetime, until: datetime, limit: int = 10) -> pd.DataFrame:
    rows = get_store().top_sources(_filter(since, until, territories=(key,)), limit=limit)
    return pd.DataFrame([{"source": r.value, "type": r.label, "mentions": r.mentions, "reach": r.reach}
                         for r in rows], columns=["source", "type", "mentions", "reach"])


@st.cache_data(ttl=TTL, show_spinner=False)
def top_voices(key: str, since: datetime, until: datetime, limit: int = 10) -> pd.DataFrame:
    """Authors with most mentions of the place, with their reach: the ambassadors."""
    rows = get_store().top_authors(_filter(since, until, territories=(key,)), limit=limit)
    return pd.DataFrame([{"author": r.value, "source": r.label, "mentions": r.mentions, "reach": r.reach}
                         for r in rows], columns=["author", "source", "mentions", "reach"])


@st.cache_data(ttl=TTL, show_spinner=False)
def cooccurring(key: str, since: datetime, until: datetime, limit: int = 10) -> pd.DataFrame:
    rows = get_store().cooccurring_places(key, _filter(since, until), limit=limit)
    label = names()
    return pd.DataFrame([{"place": r.label or label.get(r.value, r.value), "documents": r.mentions}
                         for r in rows], columns=["place", "documents"])


@st.cache_data(ttl=TTL, show_spinner=False)
def terms(key: str, since: datetime, until: datetime, limit: int = 20) -> pd.DataFrame:
    rows = get_store().top_terms(_filter(since, until, territories=(key,)), limit=limit)
    return pd.DataFrame([{"term": r.value, "mentions": r.mentions} for r in rows],
                        columns=["term", "mentions"])


@st.cache_data(ttl=TTL, show_spinner=False)
def examples(key: str, since: datetime, until: datetime, label: str, limit: int = 3) -> list[dict[str, Any]]:
    """Example mentions of a sentiment, with the mention's offsets in its document's text."""
    found = get_store().mention_examples(key, _filter(since, until), label, limit=limit)  # type: ignore[arg-type]
    return [
        {
            "title": e.doc.title or "", "text": e.doc.text, "start": e.start, "end": e.end,
            "url": safe_url(e.doc.url), "source": e.doc.source_id, "author": e.doc.author or "",
            "published": e.doc.published, "sentiment": round(e.sentiment, 2),
        }
        for e in found
    ]


# ------------------------------------------------------------------ mentions


def mention_filter(
    since: datetime | None, until: datetime | None, places: Sequence[str] = (),
    groups: Sequence[str] = (), source_types: Sequence[str] = (), langs: Sequence[str] = (),
    sentiment: str | None = None,
) -> MentionFilter:
    """The search filter from the Mentions page's controls; a group stands for its territories."""
    keys = list(places)
    for gid in groups:
        group = get_config().group(gid)
        keys.extend(group.territories if group else ())
    return _filter(since, until, territories=tuple(dict.fromkeys(keys)),
                   source_types=tuple(source_types), langs=tuple(langs),
                   sentiment=sentiment)  # type: ignore[arg-type]


@st.cache_data(ttl=TTL, show_spinner=False)
def search(query: str, f: MentionFilter, page: int = 1, size: int = 20) -> tuple[int, bool, pd.DataFrame]:
    """One page of hits, the total and whether it is a lower bound; QuerySyntaxError if malformed."""
    result = get_store().search(query, f, page=page, size=size)
    return result.total, result.total_is_lower_bound, hits_frame(result)


def hits_frame(result: SearchPage) -> pd.DataFrame:
    """Search hits as rows: the snippet keeps its highlight markers, `excerpt` is plain."""
    return pd.DataFrame(
        [
            {
                "published": h.doc.published, "title": h.doc.title or "", "snippet": h.snippet,
                "excerpt": plain_snippet(h.snippet), "places": ", ".join(h.places),
                "sentiment": h.sentiment or "", "source": h.doc.source_id,
                "type": h.doc.source_type, "lang": h.doc.lang or "", "author": h.doc.author or "",
                "url": safe_url(h.doc.url), "summary_only": h.doc.summary_only,
            }
            for h in result.hits
        ],
        columns=["published", "title", "snippet", "excerpt", "places", "sentiment", "source", "type",
                 "lang", "author", "url", "summary_only"],
    )


def search_csv(query: str, f: MentionFilter, limit: int = SEARCH_EXPORT_LIMIT) -> bytes:
    """Every hit of a search (up to `limit`) as CSV, for the download button."""
    frames, page, size = [], 1, 500
    while (page - 1) * size < limit:
        result = get_store().search(query, f, page=page, size=size)
        frames.append(hits_frame(result))
        if page * size >= result.total:
            break
        page += 1
    df = pd.concat(frames, ignore_index=True).drop(columns=["snippet"]).head(limit)
    return to_csv(df)


@st.cache_data(ttl=TTL, show_spinner=False)
def filter_values() -> dict[str, list[str]]:
    """Choices for the search filters: configured source types and the languages seen."""
    config = get_config()
    types = sorted({s.type for s in config.sources} | {"rss", "sitemap", "page", "mastodon", "reddit",
                                                        "bluesky"})
    return {"source_types": types, "langs": ["fr", "en", "de", "it", "es"]}


# ------------------------------------------------------------------ map


@st.cache_data(ttl=TTL, show_spinner=False)
def map_points(since: datetime, until: datetime, limit: int = 300) -> pd.DataFrame:
    """Mentioned places with coordinates (from the mentions, else the watchlist), volume and sentiment."""
    df = ranking(since, until, limit=limit)
    coords = {t.id: (t.lat, t.lon) for t in get_config().territories if t.lat is not None}
    df = df.copy()
    df["lat"] = [lat if pd.notna(lat) else coords.get(k, (None, None))[0]
                 for k, lat in zip(df["key"], df["lat"], strict=True)]
    df["lon"] = [lon if pd.notna(lon) else coords.get(k, (None, None))[1]
                 for k, lon in zip(df["key"], df["lon"], strict=True)]
    return df.dropna(subset=["lat", "lon"]).reset_index(drop=True)


def watched_area(points: pd.DataFrame, margin: float = 2.0) -> pd.Series:
    """Which points lie in the box around the watched territories (plus a margin in degrees).

    A gazetteer match on the other side of the world (a namesake) would otherwise shrink the
    watched region to a dot; with no watched coordinates every point is in.
    """
    coords = [(t.lat, t.lon) for t in get_config().territories if t.lat is not None and t.lon is not None]
    if not coords or points.empty:
        return pd.Series(True, index=points.index)
    lats, lons = [c[0] for c in coords], [c[1] for c in coords]
    return (points["lat"].between(min(lats) - margin, max(lats) + margin)
            & points["lon"].between(min(lons) - margin, max(lons) + margin))


# ------------------------------------------------------------------ alerts and sources


@st.cache_data(ttl=TTL, show_spinner=False)
def detected_alerts(limit: int = 200) -> list[dict[str, Any]]:
    """Every alert in the outbox, sent or not, newest first: its explanation and each channel's state.

    One alert queued for email and webhook is one entry; digests are not alerts.
    """
    from alerts import delivery_hold

    config, store = get_config(), get_store()
    messages = [*store.sent_messages(), *store.due_messages(now() + timedelta(days=3650))]
    alerts: dict[str, dict[str, Any]] = {}
    for m in messages:
        if m.key.startswith("digest:"):
            continue
        base = m.key.rsplit(":", 1)[0] if m.key.endswith((":email", ":webhook")) else m.key
        entry = alerts.setdefault(base, {
            "key": base, "created": m.created, "alert": None, "subject": "", "text": "", "channels": [],
        })
        entry["created"] = min(entry["created"], m.created)
        entry["alert"] = entry["alert"] or _alert_data(m.payload.get("alert"))
        entry["subject"] = entry["subject"] or str(m.payload.get("subject") or m.payload.get("title") or "")
        entry["text"] = entry["text"] or str(m.payload.get("text") or "")
        entry["channels"].append({
            "channel": m.channel, "sent": m.sent, "hold": delivery_hold(config, m),
            "error": m.last_error or "", "next_attempt": m.next_attempt, "attempts": m.attempts,
        })
    ordered = sorted(alerts.values(), key=lambda a: (_alert_start(a) or a["created"], a["created"]), reverse=True)
    return ordered[:limit]


def _alert_data(value: object) -> dict[str, Any] | None:
    """The structured explanation kept with an alert (older alerts have only their text)."""
    if not isinstance(value, dict) or "territory" not in value:
        return None
    out = dict(value)
    for key in ("start", "end"):
        try:
            out[key] = datetime.fromisoformat(str(value.get(key)))
        except ValueError:
            out[key] = None
    return out


@st.cache_data(ttl=TTL, show_spinner=False)
def learning_territories() -> list[tuple[str, datetime | None, datetime | None]]:
    """(name, first mention, first day a spike can be alerted) of territories still learning."""
    from alerts import territories_learning

    return [(x.territory.name, x.since, x.ready)
            for x in territories_learning(get_config(), get_store(), now())]


@st.cache_data(ttl=TTL, show_spinner=False)
def failed_alerts() -> pd.DataFrame:
    """Alerts that can never be sent as they are, with the reason (newest first)."""
    from alerts import undeliverable

    rows = [{"created": m.created, "subject": str(m.payload.get("subject") or m.key),
             "reason": m.last_error or ""} for m in undeliverable(get_store())]
    return pd.DataFrame(rows, columns=["created", "subject", "reason"])


@st.cache_data(ttl=TTL, show_spinner=False)
def waiting_alerts() -> int:
    return len(get_store().due_messages(now() + timedelta(days=3650)))
def _alert_start(entry: dict[str, Any]) -> datetime | None:
    alert = entry["alert"]
    return alert.get("start") if alert else None


@st.cache_data(ttl=TTL, show_spinner=False)
def source_health() -> pd.DataFrame:
    """Each configured (or once-seen) source with its crawl state."""
    config = get_config()
    states = {s.source_id: s for s in get_store().source_states()}
    ids = [s.id for s in config.sources] + [sid for sid in states if not config.source(sid)]
    rows = []
    for sid in ids:
        src, state = config.source(sid), states.get(sid)
        rows.append({
            "source": sid, "type": src.type if src else "", "url": src.url if src else "",
            "every": src.every if src else None, "enabled": src.enabled if src else False,
            "last_success": state.last_success if state else None,
            "last_attempt": state.last_attempt if state else None,
            "documents": state.documents if state else 0,
            "errors": state.errors if state else 0,
            "consecutive_errors": state.consecutive_errors if state else 0,
            "last_error": (state.last_error or "") if state else "",
            "status": _status(src.enabled if src else False, state),
        })
    return pd.DataFrame(rows, columns=["status", "source", "type", "url", "every", "enabled", "last_success",
                                       "last_attempt", "documents", "errors", "consecutive_errors",
                                       "last_error"])


def _status(enabled: bool, state: Any) -> str:
    if not enabled:
        return "disabled"
    if state is None or (state.last_success is None and not state.consecutive_errors):
        return "never"
    return "failing" if state.consecutive_errors else "ok"


@st.cache_data(ttl=TTL, show_spinner=False)
def store_stats() -> dict[str, int]:
    s = get_store().stats()
    return {"documents": s.documents, "analysed": s.analysed, "pending": s.pending,
            "mentions": s.mentions, "duplicates": s.duplicates, "undated": s.undated}


# ------------------------------------------------------------------ report and voices


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def report_pdf(since: datetime, until: datetime, group_id: str | None, lang: str) -> bytes:
    """The board report for the period, byte for byte what `placewatch report` writes for it."""
    from reports import build_board, render_pdf

    return render_pdf(build_board(get_store(), get_config(), since, until, group_id), lang)


VOICES_WITH_LATEST = 5  # ambassadors, and critics, shown with their latest mentions
VOICE_COLUMNS = ["voice", "kind", "where", "mentions", "reach", "weight", "net_sentiment", "positive",
                 "negative", "territories", "first_seen", "last_seen"]


@st.cache_data(ttl=TTL, show_spinner=False)
def voices(since: datetime, until: datetime, group_id: str | None, limit: int = 40) -> tuple[pd.DataFrame,
                                                                                            dict[str, list[dict[str, Any]]]]:
    """Accounts and outlets by weight (a table), and each one's latest mentions (voice → rows)."""
    from reports import build_voices

    report = build_voices(get_store(), get_config(), since, until, group_id, limit=limit,
                          latest_for=VOICES_WITH_LATEST)
    table = pd.DataFrame(
        [{"voice": v.name, "kind": v.kind, "where": v.where, "mentions": v.mentions, "reach": v.reach,
          "weight": v.weight, "net_sentiment": round(v.net_sentiment, 2), "positive": v.positive,
          "negative": v.negative, "territories": ", ".join(v.territories), "first_seen": v.first_seen,
          "last_seen": v.last_seen} for v in report.voices],
        columns=VOICE_COLUMNS,
    )
    latest = {
        f"{v.kind}:{v.name}": [{"title": m.title, "url": safe_url(m.url), "published": m.published,
                                "snippet": m.snippet} for m in v.latest]
        for v in report.voices
        if v.latest
    }
    return table, latest


@st.cache_resource
def world() -> list[Any]:
    """Country shapes (Natural Earth 1:50m), decoded once per server."""
    from dashboard.geo import load_world

    return load_world()


@st.cache_data(ttl=TTL, show_spinner=False)
def map_frame(points: pd.DataFrame, all_places: bool) -> tuple[Any, list[dict[str, Any]]]:
    """The box the map shows (the watched area, or every point) and the countries around it."""
    from dashboard.geo import countries_in, frame_around

    coords = [(t.lon, t.lat) for t in get_config().territories if t.lat is not None and t.lon is not None]
    if all_places or not coords:
        coords += list(zip(points["lon"], points["lat"], strict=True))
    coords += [(lon, lat) for lon, lat in zip(points["lon"], points["lat"], strict=True)]
    frame = frame_around([c[0] for c in coords], [c[1] for c in coords])
    return frame, countries_in(world(), frame)
