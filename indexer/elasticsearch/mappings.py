"""The Elasticsearch layout as code: index, alias and template names, analyzers, mappings."""

from __future__ import annotations

from typing import Any

# The text fields a query reads: folded words, and French and English stems.
TEXT_FIELDS = ("title", "title.fr", "title.en", "text", "text.fr", "text.en")


def names(prefix: str) -> dict[str, str]:
    """Index, alias and template names for a prefix."""
    return {
        "alias": f"{prefix}-documents",
        "template": f"{prefix}-documents",
        "first_index": f"{prefix}-documents-000001",
        "pattern": f"{prefix}-documents-*",
        "state": f"{prefix}-source-state",
        "outbox": f"{prefix}-outbox",
        "watchlists": f"{prefix}-watchlists",
        "claims": f"{prefix}-source-claims",
    }


ANALYSIS_SETTINGS: dict[str, Any] = {
    "filter": {
        "fr_elision": {
            "type": "elision",
            "articles_case": True,
            "articles": ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu",
                         "lorsqu", "puisqu"],
        },
        "fr_stop": {"type": "stop", "stopwords": "_french_"},
        "fr_stemmer": {"type": "stemmer", "language": "light_french"},
        "en_stop": {"type": "stop", "stopwords": "_english_"},
        "en_possessive": {"type": "stemmer", "language": "possessive_english"},
        "en_stemmer": {"type": "stemmer", "language": "english"},
    },
    "analyzer": {
        # Accents are optional in every field: French users often type without them.
        "folded": {"tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
        "fr_folded": {
            "tokenizer": "standard",
            "filter": ["fr_elision", "lowercase", "fr_stop", "asciifolding", "fr_stemmer"],
        },
        "en_folded": {
            "tokenizer": "standard",
            "filter": ["en_possessive", "lowercase", "en_stop", "asciifolding", "en_stemmer"],
        },
    },
}


def _text_field() -> dict[str, Any]:
    return {
        "type": "text",
        "analyzer": "folded",
        "fields": {
            "fr": {"type": "text", "analyzer": "fr_folded"},
            "en": {"type": "text", "analyzer": "en_folded"},
        },
    }


def document_mappings() -> dict[str, Any]:
    """The explicit mapping of enriched documents.

    Mentions are `nested`: a ranking filtered on a mention's sentiment or territory must
    count that very mention, not any mention of a document that matched (an object or
    flattened field would mix the fields of a document's different places).
    """
    keyword = {"type": "keyword"}
    return {
        "dynamic": "strict",
        "properties": {
            "id": keyword,
            "url": {"type": "keyword", "index": False},
            "source_id": keyword,
            "source_type": keyword,
            "title": _text_field(),
            "text": _text_field(),
            "published": {"type": "date"},
            "collected": {"type": "date"},
            "author": keyword,
            "declared_lang": keyword,
            "lang": keyword,
            "likes": {"type": "integer"},
            "reposts": {"type": "integer"},
            "replies": {"type": "integer"},
            "followers": {"type": "long"},
            "reach": {"type": "long"},
            "raw": {"type": "binary"},  # base64, stored as collected, never indexed
            "content_hash": keyword,
            "duplicate_of": keyword,
            "story": keyword,
            "analysed": {"type": "boolean"},
            "watchlist": keyword,  # fingerprint of the watchlist the analysis was made with
            "sentiment": {
                "properties": {
                    "score": {"type": "float"},
                    "label": keyword,
                    "positive": {"type": "float"},
                    "negative": {"type": "float"},
                }
            },
            # The analysis as the pipeline wrote it, for export and examples; not indexed.
            "places": {"type": "object", "enabled": False},
            "mentions": {
                "type": "nested",
                "properties": {
                    "place_key": keyword,
                    "name": keyword,
                    "territory": keyword,
                    "watched": {"type": "boolean"},
                    "kind": keyword,
                    "geonames_id": {"type": "long"},
                    "location": {"type": "geo_point"},
                    "occurrences": {"type": "integer"},
                    "sentiment": {"type": "float"},
                    "label": keyword,
                    "confidence": {"type": "float"},
                    # Copied from the document so mention aggregations need no reverse_nested.
                    "reach": {"type": "long"},
                    "story": keyword,
                },
            },
        },
    }


def replica_settings(replicas: int | None) -> dict[str, Any]:
    """Replica settings: a fixed count when configured, else one replica wherever a second node
    can hold it (`auto_expand_replicas` 0-1), so a single-node cluster stays green."""
    if replicas is None:
        return {"auto_expand_replicas": "0-1"}
    return {"number_of_replicas": replicas}


def index_template(prefix: str, shards: int = 1, replicas: int | None = None) -> dict[str, Any]:
    """The body of the documents index template (rollover-ready through the alias)."""
    n = names(prefix)
    return {
        "index_patterns": [n["pattern"]],
        "priority": 200,
        "template": {
            "settings": {
                "number_of_shards": shards,
                **replica_settings(replicas),
                "analysis": ANALYSIS_SETTINGS,
            },
            "mappings": document_mappings(),
        },
        "meta": {"placewatch_schema": 1},
    }


def small_index_settings(replicas: int | None) -> dict[str, Any]:
    """Settings of the source-state and outbox indices: one shard, replicas as configured."""
    return {"number_of_shards": 1, **replica_settings(replicas)}


def state_mappings() -> dict[str, Any]:
    return {
        "dynamic": "strict",
        "properties": {
            "source_id": {"type": "keyword"},
            "state": {"type": "object", "enabled": False},
        },
    }


def claims_mappings() -> dict[str, Any]:
    """Who crawls a source now, until when (one crawl per source at a time)."""
    return {
        "dynamic": "strict",
        "properties": {"owner": {"type": "keyword"}, "until": {"type": "date"}},
    }


def outbox_mappings() -> dict[str, Any]:
    return {
        "dynamic": "strict",
        "properties": {
            "key": {"type": "keyword"},
            "channel": {"type": "keyword"},
            "payload": {"type": "object", "enabled": False},
            "created": {"type": "date"},
            "attempts": {"type": "integer"},
            "next_attempt": {"type": "date"},
            "sent": {"type": "date"},
            "last_error": {"type": "keyword", "index": False},
        },
    }
