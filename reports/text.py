"""The board report's and the shared charts' wording, in English and French."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    # chart vocabulary (the dashboard's charts and the report's are the same charts)
    "place": {"en": "Place", "fr": "Lieu"},
    "mentions": {"en": "Mentions", "fr": "Mentions"},
    "reach": {"en": "Reach", "fr": "Audience"},
    "share": {"en": "Share", "fr": "Part"},
    "share_of_voice": {"en": "Share of voice", "fr": "Part de voix"},
    "total": {"en": "Total", "fr": "Total"},
    "day": {"en": "Day", "fr": "Jour"},
    "week": {"en": "Week", "fr": "Semaine"},
    "hour": {"en": "Hour", "fr": "Heure"},
    "net_sentiment": {"en": "Net sentiment", "fr": "Sentiment net"},
    "sentiment": {"en": "Sentiment", "fr": "Sentiment"},
    "positive": {"en": "Positive", "fr": "Positif"},
    "neutral": {"en": "Neutral", "fr": "Neutre"},
    "negative": {"en": "Negative", "fr": "Négatif"},
    "counts_over_time": {"en": "Mentions over time", "fr": "Mentions dans le temps"},
    # the report
    "report_title": {"en": "Listening report", "fr": "Rapport d'écoute"},
    "report_period": {"en": "{since} – {until} ({days} days), compared with the {days} days before",
                      "fr": "Du {since} au {until} ({days} jours), comparé aux {days} jours précédents"},
    "report_scope_all": {"en": "All places mentioned", "fr": "Tous les lieux cités"},
    "report_scope_group": {"en": "Competitor group: {name}", "fr": "Groupe de concurrents : {name}"},
    "generated": {"en": "placewatch · period ending {until} UTC", "fr": "placewatch · période close le {until} UTC"},
    "page_n": {"en": "Page {n}/{total}", "fr": "Page {n}/{total}"},
    "headline": {"en": "Headline figures", "fr": "Chiffres clés"},
    "fig_mentions": {"en": "mentions", "fr": "mentions"},
    "fig_vs_previous": {"en": "{change} vs previous period ({previous})",
                        "fr": "{change} vs période précédente ({previous})"},
    "fig_places": {"en": "places mentioned", "fr": "lieux cités"},
    "fig_leader": {"en": "most talked about: {name}", "fr": "le plus cité : {name}"},
    "fig_my_share": {"en": "share of voice of {name} in {group}", "fr": "part de voix de {name} dans {group}"},
    "fig_my_mentions": {"en": "mentions of {name}", "fr": "mentions de {name}"},
    "fig_spikes": {"en": "spikes detected", "fr": "pics détectés"},
    "fig_undated": {"en": "{n} documents without a publication date are in no period.",
                    "fr": "{n} documents sans date de publication ne sont dans aucune période."},
    "ranking": {"en": "Most talked-about places", "fr": "Lieux les plus cités"},
    "ranking_note": {"en": "Shares of {total} mentions in the period; * watched territory.",
                     "fr": "Parts de {total} mentions sur la période ; * territoire suivi."},
    "col_rank": {"en": "#", "fr": "#"},
    "col_previous": {"en": "Before", "fr": "Avant"},
    "col_change": {"en": "Change", "fr": "Évolution"},
    "new": {"en": "new", "fr": "nouveau"},
    "sov_over_time": {"en": "Share of voice over time: {group}", "fr": "Part de voix dans le temps : {group}"},
    "sov_total": {"en": "Shares of {total} mentions of the group's places in the period.",
                  "fr": "Parts de {total} mentions des lieux du groupe sur la période."},
    "sentiment_by_place": {"en": "Sentiment by place", "fr": "Sentiment par lieu"},
    "sentiment_note": {"en": "Net sentiment = (positive − negative) / mentions, from −1 to +1.",
                       "fr": "Sentiment net = (positives − négatives) / mentions, de −1 à +1."},
    "spikes": {"en": "Spikes of the period", "fr": "Pics de la période"},
    "no_spikes": {"en": "No spike detected in the period.", "fr": "Aucun pic détecté sur la période."},
    "spike_line": {"en": "{when} · {name}: {observed} mentions where {expected} were expected (score {score})",
                   "fr": "{when} · {name} : {observed} mentions pour {expected} attendues (score {score})"},
    "spike_share_line": {"en": "{when} · {name}: share rose from {usual} to {share} of {total} mentions",
                         "fr": "{when} · {name} : part passée de {usual} à {share} de {total} mentions"},
    "spike_why": {"en": "Sources: {sources}. Words: {terms}.", "fr": "Sources : {sources}. Mots : {terms}."},
    "top_mentions": {"en": "Top mentions", "fr": "Mentions phares"},
    "top_mentions_note": {"en": "The most shared and liked documents mentioning the places in scope.",
                          "fr": "Les documents les plus partagés et aimés qui citent les lieux suivis."},
    "no_mentions": {"en": "No mention in the period.", "fr": "Aucune mention sur la période."},
    "engagement": {"en": "{likes} likes, {shares} shares, {replies} replies",
                   "fr": "{likes} j'aime, {shares} partages, {replies} réponses"},
    "voices": {"en": "Ambassadors and critics", "fr": "Ambassadeurs et détracteurs"},
    "voices_note": {"en": "Accounts and outlets that mention the places in scope, weighted by reach "
                          "(mentions × audience).",
                    "fr": "Comptes et médias qui citent les lieux suivis, pondérés par l'audience "
                          "(mentions × audience)."},
    "ambassadors": {"en": "Ambassadors", "fr": "Ambassadeurs"},
    "critics": {"en": "Critics", "fr": "Détracteurs"},
    "accounts": {"en": "Accounts", "fr": "Comptes"},
    "outlets": {"en": "Outlets", "fr": "Médias"},
    "voice": {"en": "Voice", "fr": "Voix"},
    "weight": {"en": "Weighted", "fr": "Pondéré"},
    "first_seen": {"en": "First seen", "fr": "Première fois"},
    "last_seen": {"en": "Last seen", "fr": "Dernière fois"},
    "territories": {"en": "Territories", "fr": "Territoires"},
    "no_voices": {"en": "None in the period.", "fr": "Aucun sur la période."},
}


def say(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang` (English when missing), formatted with `values`."""
    entry = TEXT.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


__all__ = ["TEXT", "say"]
