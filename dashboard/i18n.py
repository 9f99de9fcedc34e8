"""Interface strings in English and French ([ui] lang)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"en": "placewatch", "fr": "placewatch"},
    # navigation
    "overview": {"en": "Overview", "fr": "Vue d'ensemble"},
    "competitors": {"en": "Competitors", "fr": "Concurrents"},
    "place_page": {"en": "Place", "fr": "Lieu"},
    "mentions_page": {"en": "Mentions", "fr": "Mentions"},
    "map": {"en": "Map", "fr": "Carte"},
    "alerts": {"en": "Alerts", "fr": "Alertes"},
    "sources": {"en": "Sources", "fr": "Sources"},
    "download_report": {"en": "Board report (PDF)", "fr": "Rapport pour le comité (PDF)"},
    "download_report_help": {
        "en": "The period's report: figures, ranking, share of voice, sentiment, spikes, top mentions, "
              "ambassadors and critics (as `placewatch report` writes it).",
        "fr": "Le rapport de la période : chiffres clés, classement, part de voix, sentiment, pics, mentions "
              "phares, ambassadeurs et détracteurs (comme l'écrit `placewatch report`).",
    },
    "choose": {"en": "Choose…", "fr": "Choisir…"},
    "query_placeholder": {"en": "neige OR snow", "fr": "neige OR snow"},
    "ambassadors_page": {"en": "Ambassadors & critics", "fr": "Ambassadeurs et détracteurs"},
    "voices_caption": {
        "en": "Accounts and outlets that mention the watched territories, weighted by reach "
              "(mentions × audience), with their net sentiment.",
        "fr": "Comptes et médias qui citent les territoires suivis, pondérés par l'audience "
              "(mentions × audience), avec leur sentiment net.",
    },
    "no_voices": {"en": "None in this period.", "fr": "Aucun sur cette période."},
    "voice": {"en": "Account or outlet", "fr": "Compte ou média"},
    "voice_kind": {"en": "Kind", "fr": "Nature"},
    "kind_account": {"en": "account", "fr": "compte"},
    "kind_outlet": {"en": "outlet", "fr": "média"},
    "where": {"en": "Seen on", "fr": "Vu sur"},
    "weight": {"en": "Weighted by reach", "fr": "Pondéré par l'audience"},
    "first_seen": {"en": "First seen", "fr": "Première mention"},
    "last_seen": {"en": "Last seen", "fr": "Dernière mention"},
    "latest_mentions": {"en": "Latest mentions", "fr": "Dernières mentions"},
    "all_groups": {"en": "All watched territories", "fr": "Tous les territoires suivis"},
    # sign-in
    "sign_in": {"en": "Sign in", "fr": "Se connecter"},
    "sign_in_oidc": {"en": "Sign in with your organisation's account",
                     "fr": "Se connecter avec le compte de votre organisation"},
    "sign_out": {"en": "Sign out", "fr": "Se déconnecter"},
    "password": {"en": "Password", "fr": "Mot de passe"},
    "wrong_password": {"en": "Wrong password.", "fr": "Mot de passe incorrect."},
    # shared
    "period": {"en": "Period", "fr": "Période"},
    "last_n_days": {"en": "Last {n} days", "fr": "{n} derniers jours"},
    "period_range": {"en": "{since} → {until}", "fr": "{since} → {until}"},
    "kind": {"en": "Kind", "fr": "Type"},
    "previous": {"en": "Previous period", "fr": "Période précédente"},
    "change": {"en": "Change vs previous period", "fr": "Évolution vs période précédente"},
    "watched": {"en": "Watched", "fr": "Suivi"},
    "watched_only": {"en": "Watched territories only", "fr": "Territoires suivis seulement"},
    "group": {"en": "Competitor group", "fr": "Groupe de concurrents"},
    "sov_over_time": {"en": "Share of voice over time", "fr": "Part de voix dans le temps"},
    "sov_total": {
        "en": "Shares of {total} mentions of the group's places in the period",
        "fr": "Parts de {total} mentions des lieux du groupe sur la période",
    },
    "sov_total_reach": {
        "en": "Shares of a total reach of {total} for the group's places in the period",
        "fr": "Parts d'une audience totale de {total} pour les lieux du groupe sur la période",
    },
    "no_data": {
        "en": "No mentions in this period yet. Run `placewatch crawl` and `placewatch enrich`.",
        "fr": "Aucune mention sur cette période. Lancez `placewatch crawl` puis `placewatch enrich`.",
    },
    "no_groups": {
        "en": "No competitor group configured: add [[groups]] to the config file.",
        "fr": "Aucun groupe de concurrents : ajoutez [[groups]] au fichier de configuration.",
    },
    "undated": {
        "en": "{n} documents have no publication date: they are in no period.",
        "fr": "{n} documents n'ont pas de date de publication : ils ne sont dans aucune période.",
    },
    "store_error": {"en": "Cannot open the store", "fr": "Impossible d'ouvrir la base"},
    "download_csv": {"en": "Download CSV", "fr": "Télécharger en CSV"},
    "source": {"en": "Source", "fr": "Source"},
    "source_type": {"en": "Source type", "fr": "Type de source"},
    "language": {"en": "Language", "fr": "Langue"},
    "author": {"en": "Author", "fr": "Auteur"},
    "published": {"en": "Published", "fr": "Publié"},
    "title": {"en": "Title", "fr": "Titre"},
    "link": {"en": "Link", "fr": "Lien"},
    "open": {"en": "open", "fr": "ouvrir"},
    "all": {"en": "All", "fr": "Tous"},
    "no_date": {"en": "no date", "fr": "sans date"},
    # overview
    "most_talked_about": {"en": "Most talked-about places", "fr": "Lieux les plus cités"},
    "mentions_total": {
        "en": "{total} mentions of {places} places in this period",
        "fr": "{total} mentions de {places} lieux sur la période",
    },
    "my_territory": {"en": "My territory: {name}", "fr": "Mon territoire : {name}"},
    "no_my_territory": {
        "en": "Set `[ui] territory` in the config file to see your territory's tiles here.",
        "fr": "Renseignez `[ui] territory` dans la configuration pour voir ici les chiffres de votre territoire.",
    },
    "sov_in_group": {"en": "Share of voice in {group}", "fr": "Part de voix dans {group}"},
    "sov_of_total": {"en": "{n} of {total} mentions", "fr": "{n} sur {total} mentions"},
    "no_group": {"en": "in no group", "fr": "dans aucun groupe"},
    "vs_previous": {"en": "{delta:+d} vs previous period", "fr": "{delta:+d} vs période précédente"},
    "what_moved": {"en": "What moved: biggest rises", "fr": "Ce qui a bougé : plus fortes hausses"},
    "nothing_moved": {
        "en": "No place was mentioned more than in the previous period.",
        "fr": "Aucun lieu n'est plus cité que sur la période précédente.",
    },
    # competitors
    "weighted": {"en": "Weight by reach", "fr": "Pondérer par l'audience"},
    "syndicated_once": {"en": "Syndicated copies counted once", "fr": "Reprises comptées une fois"},
    "all_places": {"en": "Show far-away places too", "fr": "Afficher aussi les lieux lointains"},
    "far_places": {"en": "{n} places outside the watched area are left out of the map.",
                   "fr": "{n} lieux hors de la zone suivie ne sont pas sur la carte."},
    "sov_for_period": {"en": "Share of voice for the period", "fr": "Part de voix sur la période"},
    "series_table": {"en": "Counts per period and total", "fr": "Comptes par période et total"},
    "sentiment_per_place": {"en": "Net sentiment per place", "fr": "Sentiment net par lieu"},
    # place
    "choose_place": {"en": "Place", "fr": "Lieu"},
    "timeline": {"en": "Mentions over time", "fr": "Mentions dans le temps"},
    "spikes": {"en": "Detected spikes", "fr": "Pics détectés"},
    "no_spikes": {"en": "No spike detected in this period.", "fr": "Aucun pic détecté sur cette période."},
    "spike_label": {
        "en": "{start}: {value} mentions (expected {expected})",
        "fr": "{start} : {value} mentions ({expected} attendues)",
    },
    "spike_mentions": {"en": "Mentions behind the spike", "fr": "Mentions à l'origine du pic"},
    "spike_rule_note": {
        "en": "Spikes by the alert detector on {window} windows.",
        "fr": "Pics selon le détecteur d'alertes, par fenêtres de {window}.",
    },
    "expected": {"en": "Expected", "fr": "Attendu"},
    "top_sources": {"en": "Top sources", "fr": "Principales sources"},
    "top_voices": {"en": "Top voices (ambassadors)", "fr": "Principales voix (ambassadeurs)"},
    "cooccurring": {"en": "Mentioned together with", "fr": "Cité avec"},
    "terms": {"en": "Terms used", "fr": "Termes employés"},
    "term": {"en": "Term", "fr": "Terme"},
    "sentiment_over_time": {"en": "Sentiment over time", "fr": "Sentiment dans le temps"},
    "examples_positive": {"en": "Positive mentions", "fr": "Mentions positives"},
    "examples_negative": {"en": "Negative mentions", "fr": "Mentions négatives"},
    "no_examples": {"en": "None in this period.", "fr": "Aucune sur cette période."},
    "documents": {"en": "Documents", "fr": "Documents"},
    # mentions
    "query": {"en": "Search (AND, OR, NOT, \"phrase\", field:value)",
              "fr": "Recherche (AND, OR, NOT, \"expression\", champ:valeur)"},
    "query_help": {
        "en": "Example: (neige OR snow) AND NOT chili. Fields: source, lang, territory, type, sentiment.",
        "fr": "Exemple : (neige OR snow) AND NOT chili. Champs : source, lang, territory, type, sentiment.",
    },
    "query_error": {"en": "The search query is not valid: {error}",
                    "fr": "La requête de recherche n'est pas valide : {error}"},
    "search_failed": {"en": "The search could not be run: {error}",
                      "fr": "La recherche n'a pas pu être faite : {error}"},
    "results": {"en": "{total} documents found, page {page} of {pages}",
                "fr": "{total} documents trouvés, page {page} sur {pages}"},
    "no_results": {"en": "No document matches.", "fr": "Aucun document ne correspond."},
    "page": {"en": "Page", "fr": "Page"},
    "summary_only": {"en": "summary only (news search)", "fr": "résumé seulement (recherche d'actualités)"},
    "snippet": {"en": "Excerpt", "fr": "Extrait"},
    "places": {"en": "Places", "fr": "Lieux"},
    # map
    "map_title": {"en": "Places mentioned", "fr": "Lieux cités"},
    "map_caption": {
        "en": "{n} places with coordinates; circle size: mentions, colour: net sentiment.",
        "fr": "{n} lieux géolocalisés ; taille : mentions, couleur : sentiment net.",
    },
    "no_coordinates": {"en": "No mentioned place has coordinates in this period.",
                       "fr": "Aucun lieu cité n'a de coordonnées sur cette période."},
    # alerts
    "rules_in_force": {"en": "Rules in force", "fr": "Règles en vigueur"},
    "default_rule": {
        "en": "Volume spike on every territory: {window} windows, at least {min_count} mentions, "
              "then quiet for {cooldown}; checked every {every}.",
        "fr": "Pic de volume sur chaque territoire : fenêtres de {window}, au moins {min_count} "
              "mentions, puis silence pendant {cooldown} ; vérifié toutes les {every}.",
    },
    "recipients": {"en": "Recipients", "fr": "Destinataires"},
    "learning": {
        "en": "Still learning their usual rhythm (no spike alert until a baseline means something):",
        "fr": "Encore en apprentissage de leur rythme habituel (pas d'alerte de pic avant une "
              "référence fiable) :",
    },
    "learning_since": {"en": "{name}: first mention {since}, spike alerts from {ready}",
                       "fr": "{name} : première mention le {since}, alertes de pic à partir du {ready}"},
    "alerts_failed": {"en": "Alerts that could not be sent (not retried)",
                      "fr": "Alertes impossibles à envoyer (pas de nouvel essai)"},
    "reason": {"en": "Reason", "fr": "Raison"},
    "created": {"en": "Detected", "fr": "Détectée"},
    "learning_none": {"en": "{name}: no mention yet", "fr": "{name} : aucune mention pour l'instant"},
    "rule": {"en": "Rule", "fr": "Règle"},
    "threshold": {"en": "Threshold", "fr": "Seuil"},
    "all_territories": {"en": "all", "fr": "tous"},
    "detected_alerts": {"en": "Detected alerts", "fr": "Alertes détectées"},
    "no_alerts": {"en": "No alert detected yet.", "fr": "Aucune alerte détectée pour l'instant."},
    "alert_kind_spike": {"en": "mentions spike", "fr": "pic de mentions"},
    "alert_kind_share_jump": {"en": "share of voice jump", "fr": "bond de la part de voix"},
    "alert_kind_negative_surge": {"en": "negative mentions surge", "fr": "montée des mentions négatives"},
    "alert_title": {"en": "{when} · {name}: {what}, {observed} vs {expected} expected",
                    "fr": "{when} · {name} : {what}, {observed} pour {expected} attendues"},
    "alert_title_share": {"en": "{when} · {name}: {what}, {share} vs {usual} usually",
                          "fr": "{when} · {name} : {what}, {share} pour {usual} d'habitude"},
    "alert_headline": {
        "en": "{observed} mentions between {start} and {end} UTC, where {expected} were expected for "
              "this time of day and week (score {score}).",
        "fr": "{observed} mentions entre le {start} et le {end} UTC, pour {expected} attendues à cette "
              "heure et ce jour de la semaine (score {score}).",
    },
    "alert_headline_share": {
        "en": "Between {start} and {end} UTC, {what} rose from {usual} to {share} of {total} mentions "
              "({observed} mentions; {expected} at the usual share).",
        "fr": "Entre le {start} et le {end} UTC, {what} est passée de {usual} à {share} de {total} mentions "
              "({observed} mentions ; {expected} à la part habituelle).",
    },
    "share_what_share_jump": {"en": "the share of voice", "fr": "la part de voix"},
    "share_what_negative_surge": {"en": "the share of negative mentions",
                                  "fr": "la part des mentions négatives"},
    "delivery": {"en": "Delivery", "fr": "Envoi"},
    "channel_email": {"en": "Email", "fr": "E-mail"},
    "channel_webhook": {"en": "Webhook", "fr": "Webhook"},
    "channel_state": {"en": "{channel}: {state}", "fr": "{channel} : {state}"},
    "state_sent": {"en": "sent {when}", "fr": "envoyée le {when}"},
    "state_no_smtp": {"en": "detected, not emailed: no SMTP configured ([smtp] in the config file); "
                            "sent at the first check once it is",
                      "fr": "détectée, non envoyée : aucun serveur SMTP configuré ([smtp] dans la "
                            "configuration) ; elle partira à la première vérification qui suivra"},
    "state_no_recipients": {"en": "detected, not emailed: no recipients configured ([alerts] recipients)",
                            "fr": "détectée, non envoyée : aucun destinataire configuré "
                                  "([alerts] recipients)"},
    "state_failing": {"en": "not delivered yet ({attempts} tries): {error}; next try {when}",
                      "fr": "pas encore remise ({attempts} essais) : {error} ; prochain essai le {when}"},
    "state_waiting": {"en": "waiting for the next check", "fr": "en attente de la prochaine vérification"},
    "alert_sources": {"en": "Sources", "fr": "Sources"},
    "alert_terms": {"en": "Words", "fr": "Mots"},
    "alert_places": {"en": "Mentioned with", "fr": "Cité avec"},
    "alert_langs": {"en": "Languages", "fr": "Langues"},
    "alert_mentions": {"en": "Most shared mentions", "fr": "Mentions les plus partagées"},
    "shares_likes": {"en": "{shares} shares, {likes} likes", "fr": "{shares} partages, {likes} j'aime"},
    "subject": {"en": "Subject", "fr": "Objet"},
    # sources
    "source_health": {"en": "Source health", "fr": "État des sources"},
    "status": {"en": "Status", "fr": "État"},
    "status_ok": {"en": "OK", "fr": "OK"},
    "status_failing": {"en": "failing", "fr": "en échec"},
    "status_never": {"en": "never collected", "fr": "jamais collectée"},
    "status_disabled": {"en": "disabled", "fr": "désactivée"},
    "last_success": {"en": "Last success", "fr": "Dernier succès"},
    "last_attempt": {"en": "Last attempt", "fr": "Dernière tentative"},
    "errors": {"en": "Errors", "fr": "Erreurs"},
    "consecutive_errors": {"en": "Errors in a row", "fr": "Erreurs consécutives"},
    "last_error": {"en": "Last error", "fr": "Dernière erreur"},
    "every": {"en": "Every", "fr": "Fréquence"},
    "url": {"en": "URL", "fr": "URL"},
    "store_totals": {
        "en": "{documents} documents collected, {analysed} analysed, {pending} waiting, "
              "{mentions} mentions, {duplicates} syndicated copies.",
        "fr": "{documents} documents collectés, {analysed} analysés, {pending} en attente, "
              "{mentions} mentions, {duplicates} reprises.",
    },
    "no_sources": {"en": "No source configured: add [[sources]] to the config file.",
                   "fr": "Aucune source : ajoutez [[sources]] au fichier de configuration."},
}


def tr(key: str, lang: str, **values: object) -> str:
    """The string for `key` in `lang` (English when missing), formatted with `values`; the words
    the dashboard shares with the board report and its charts come from the report's table."""
    entry = STRINGS.get(key)
    if entry is None:
        from reports import say  # only here: the sign-in page never needs the report's imports

        return say(key, lang, **values)
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
