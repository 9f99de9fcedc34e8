"""Interface strings in English and French ([ui] lang)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"en": "placewatch", "fr": "placewatch"},
    "overview": {"en": "Overview", "fr": "Vue d'ensemble"},
    "period": {"en": "Period", "fr": "Période"},
    "last_n_days": {"en": "Last {n} days", "fr": "{n} derniers jours"},
    "most_talked_about": {"en": "Most talked-about places", "fr": "Lieux les plus cités"},
    "mentions_total": {
        "en": "{total} mentions of {places} places in this period",
        "fr": "{total} mentions de {places} lieux sur la période",
    },
    "place": {"en": "Place", "fr": "Lieu"},
    "kind": {"en": "Kind", "fr": "Type"},
    "mentions": {"en": "Mentions", "fr": "Mentions"},
    "share": {"en": "Share", "fr": "Part"},
    "change": {"en": "Change vs previous period", "fr": "Évolution vs période précédente"},
    "net_sentiment": {"en": "Net sentiment", "fr": "Sentiment net"},
    "watched": {"en": "Watched", "fr": "Suivi"},
    "watched_only": {"en": "Watched territories only", "fr": "Territoires suivis seulement"},
    "group": {"en": "Competitor group", "fr": "Groupe de concurrents"},
    "share_of_voice": {"en": "Share of voice", "fr": "Part de voix"},
    "sov_over_time": {"en": "Share of voice over time", "fr": "Part de voix dans le temps"},
    "sov_total": {
        "en": "Shares of {total} mentions of the group's places in the period",
        "fr": "Parts de {total} mentions des lieux du groupe sur la période",
    },
    "no_data": {
        "en": "No mentions in this period yet. Run `placewatch crawl` and `placewatch enrich`.",
        "fr": "Aucune mention sur cette période. Lancez `placewatch crawl` puis `placewatch enrich`.",
    },
    "no_groups": {
        "en": "No competitor group configured: add [[groups]] to the config file.",
        "fr": "Aucun groupe de concurrents : ajoutez [[groups]] au fichier de configuration.",
    },
    "day": {"en": "Day", "fr": "Jour"},
    "week": {"en": "Week", "fr": "Semaine"},
    "undated": {
        "en": "{n} documents have no publication date: they are in no period.",
        "fr": "{n} documents n'ont pas de date de publication : ils ne sont dans aucune période.",
    },
    "store_error": {"en": "Cannot open the store", "fr": "Impossible d'ouvrir la base"},
}


def tr(key: str, lang: str, **values: object) -> str:
    """The string for `key` in `lang` (English when missing), formatted with `values`."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
