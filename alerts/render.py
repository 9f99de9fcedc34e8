"""Alert emails rendered from their data at send time: subject, plain text and email-safe HTML."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from urllib.parse import urlencode

from alerts.explain import Explanation

logger = logging.getLogger(__name__)

# Kinds in the order an event tells them: the volume first, then what it did to shares.
ORDER = {"spike": 0, "share_jump": 1, "negative_surge": 2}

WORDS: dict[str, dict[str, str]] = {
    "spike": {"en": "mentions spike", "fr": "pic de mentions"},
    "share_jump": {"en": "share of voice jump", "fr": "bond de part de voix"},
    "negative_surge": {"en": "negative mentions surge", "fr": "hausse des mentions négatives"},
    "and": {"en": "and", "fr": "et"},
    "mentions": {"en": "mentions", "fr": "mentions"},
    "between": {"en": "between {a} and {b}", "fr": "entre {a} et {b}"},
    "expected": {"en": "{n} expected for this time of day", "fr": "{n} attendues à cette heure"},
    "usual": {"en": "usually {n}", "fr": "{n} d'habitude"},
    "times": {"en": "{x} times the usual", "fr": "{x} fois l'habitude"},
    "share_rose": {
        "en": "{what} rose from {usual} to {share} of {of} ({n} of {total} mentions)",
        "fr": "{what} passe de {usual} à {share} dans {of} ({n} mentions sur {total})",
    },
    "share_of_voice": {"en": "Share of voice", "fr": "La part de voix"},
    "negative_share": {"en": "Negative mentions", "fr": "La part des mentions négatives"},
    "own_mentions": {"en": "{name}'s mentions", "fr": "les mentions de {name}"},
    "share_in_group": {
        "en": "{share} of {of}'s mentions ({usual} usually)",
        "fr": "{share} des mentions de {of} ({usual} d'habitude)",
    },
    "top_sources": {"en": "Top sources", "fr": "Principales sources"},
    "top_terms": {"en": "Top terms", "fr": "Mots les plus cités"},
    "mentioned_with": {"en": "Mentioned with", "fr": "Cité avec"},
    "languages": {"en": "Languages", "fr": "Langues"},
    "most_shared": {"en": "Most shared", "fr": "Les plus partagés"},
    "shares": {"en": "{n} shares, {l} likes", "fr": "{n} partages, {l} j'aime"},
    "others": {"en": "and {n} other outlets", "fr": "et {n} autres médias"},
    "other": {"en": "and 1 other outlet", "fr": "et 1 autre média"},
    "open_place": {"en": "Open {name} on the dashboard", "fr": "Ouvrir {name} dans le tableau de bord"},
    "dashboard": {"en": "Dashboard", "fr": "Tableau de bord"},
    "chart_alt": {
        "en": "{name}: mentions per {unit} over the last days against the usual range; "
        "the spike, {n} mentions {when}, is marked.",
        "fr": "{name} : mentions par {unit} sur les derniers jours face à la plage habituelle ; "
        "le pic, {n} mentions {when}, est marqué.",
    },
    "why": {
        "en": "Expected values know the time of day, the recent level and the territory's usual ups "
        "and downs.",
        "fr": "Les valeurs attendues tiennent compte de l'heure, du niveau récent et des variations "
        "habituelles du territoire.",
    },
    "footer": {
        "en": "placewatch alert · times in {tz}",
        "fr": "alerte placewatch · heures de {tz}",
    },
    "hour": {"en": "hour", "fr": "heure"},
    "usual_note": {
        "en": "Usual share: the same hour on the previous 7 days and on the same weekday 2 and 3 "
        "weeks before; a rise chance would not explain (binomial test).",
        "fr": "Part habituelle : la même heure les 7 jours précédents et le même jour de la semaine "
        "2 et 3 semaines avant ; une hausse que le hasard n'explique pas (test binomial).",
    },
    "negative_note": {
        "en": "Sources, terms and examples: the negative mentions.",
        "fr": "Sources, mots et exemples : les mentions négatives.",
    },
    "day": {"en": "day", "fr": "jour"},
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def w(key: str, lang: str, **values: object) -> str:
    """The phrase `key` in `lang` (English when missing), formatted with `values`."""
    entry = WORDS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def colon(lang: str) -> str:
    """French sets a (narrow) space before a colon."""
    return "\u202f:" if lang == "fr" else ":"


def one_line(text: str) -> str:
    """Control characters (CR, LF, tabs…) become spaces: no crawled or configured string can
    start a new header or a header-like line of the plain-text body."""
    return " ".join(_CONTROL.sub(" ", text).split())


def number(value: float, lang: str = "en") -> str:
    """A count as people read it: 1,234 (en) / 1 234 (fr); one decimal below ten."""
    if value != value:
        return "?"
    text = f"{value:,.0f}" if value >= 10 else f"{value:.1f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def percent(value: float, lang: str = "en") -> str:
    text = f"{value:.0%}"
    return text.replace("%", "\u202f%") if lang == "fr" else text


def clock(ts: datetime, lang: str) -> str:
    return f"{ts:%H} h" if lang == "fr" and ts.minute == 0 else f"{ts:%H:%M}"


def local_window(start: datetime, end: datetime, tz: tzinfo, lang: str) -> str:
    """The window in the recipient's time zone: '22/01 18 h – 19 h' or '2026-01-22 18:00–19:00 CET'."""
    a, b = start.astimezone(tz), end.astimezone(tz)
    if end - start >= timedelta(days=1):
        return f"{a:%d/%m/%Y}" if lang == "fr" else f"{a:%Y-%m-%d}"
    day = f"{a:%d/%m}" if lang == "fr" else f"{a:%Y-%m-%d}"
    zone = a.strftime("%Z")
    return f"{day} {w('between', lang, a=clock(a, lang), b=clock(b, lang))} {zone}".strip()


def place_link(base: str, territory: str, start: datetime) -> str:
    """The dashboard's Place page with the territory and the alert's window preselected."""
    query = {"place": territory, "spike": start.isoformat()}
    return f"{base.rstrip('/')}/place?{urlencode(query)}"


def note(ex: Explanation, lang: str) -> str:
    """What an alert's figures rest on, in the reader's language."""
    if ex.kind == "share_jump":
        return w("usual_note", lang)
    if ex.kind == "negative_surge":
        return w("usual_note", lang) + " " + w("negative_note", lang)
    return one_line(ex.detail)


def ordered(alerts: Sequence[Explanation]) -> list[Explanation]:
    return sorted(alerts, key=lambda ex: ORDER.get(ex.kind, 9))


def subject(alerts: Sequence[Explanation], tz: tzinfo, lang: str) -> str:
    """'[placewatch] Val Thorens: 45 mentions between 18 h and 19 h (usually 6)', in one line."""
    alerts = ordered(alerts)
    first = alerts[0]
    when = local_window(first.start, first.end, tz, lang)
    if first.kind == "spike":
        size = f"{number(first.observed, lang)} {w('mentions', lang)}"
        usual = w("usual", lang, n=approx(first.expected, lang))
    else:
        size = w(first.kind, lang)
        usual = f"{percent(first.share or 0, lang)}, {w('usual', lang, n=percent(first.usual_share or 0, lang))}"
    extra = [w(ex.kind, lang) for ex in alerts[1:]]
    more = f" + {', '.join(extra)}" if extra else ""
    colon = " : " if lang == "fr" else ": "  # French sets a space before the colon
    return one_line(f"[placewatch] {first.name}{colon}{size} {when} ({usual}){more}")


def headline(ex: Explanation, tz: tzinfo, lang: str, when: bool = True) -> str:
    """One sentence per alert of the event: what rose, from what to what (and when)."""
    prefix = f"{local_window(ex.start, ex.end, tz, lang)}{colon(lang)} " if when else ""
    if ex.share is not None and ex.usual_share is not None:
        what = w("share_of_voice" if ex.kind == "share_jump" else "negative_share", lang)
        of = w("own_mentions", lang, name=ex.name) if ex.kind == "negative_surge" else ex.of
        sentence = w(
            "share_rose",
            lang,
            what=what,
            usual=percent(ex.usual_share, lang),
            share=percent(ex.share, lang),
            of=of,
            n=f"{ex.observed:.0f}",
            total=ex.total,
        )
        return one_line(f"{prefix}{sentence}.")
    return one_line(
        f"{prefix}{number(ex.observed, lang)} {w('mentions', lang)}, "
        f"{w('expected', lang, n=approx(ex.expected, lang))}."
    )


def approx(value: float, lang: str) -> str:
    """An expected count as a reader takes it: 5, not 5.0; 0.4 stays 0.4."""
    if value < 1.5 or value != value:
        return number(value, lang)
    text = f"{round(value):,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def text_body(alerts: Sequence[Explanation], dashboard: str, tz: tzinfo, lang: str) -> str:
    """The plain-text part, complete on its own; every crawled string kept on one line."""
    alerts = ordered(alerts)
    main = alerts[0]
    lines = [f"{one_line(main.name)} ({main.territory})", ""]
    for ex in alerts:
        lines.append(headline(ex, tz, lang))
        if note(ex, lang):
            lines.append(note(ex, lang))
    if any(ex.kind == "spike" for ex in alerts):
        lines.append(w("why", lang))
    if main.sources:
        lines += ["", w("top_sources", lang) + colon(lang)]
        lines += [f"  - {one_line(s.value)}: {s.mentions}" for s in main.sources]
    if main.terms:
        lines += ["", w("top_terms", lang) + colon(lang) + " " + ", ".join(one_line(t.value) for t in main.terms)]
    if main.places:
        named = (f"{one_line(p.label or p.value)} ({p.mentions})" for p in main.places)
        lines += ["", w("mentioned_with", lang) + colon(lang) + " " + ", ".join(named)]
    if main.languages:
        lines += ["", w("languages", lang) + colon(lang) + " " + ", ".join(f"{k} {v}" for k, v in main.languages.items())]
    if main.mentions:
        lines += ["", w("most_shared", lang) + colon(lang)]
        for m in main.mentions:
            outlets = one_line(m.source) + _others(m.outlets, lang)
            shares = w("shares", lang, n=m.shares, l=m.likes)
            lines.append(f"  - {one_line(m.title)} ({outlets}; {shares})")
            lines.append(f"    {one_line(m.url)}")
    link = place_link(dashboard, main.territory, main.start)
    lines += ["", f"{w('dashboard', lang)}{colon(lang)} {link}"]
    return "\n".join(lines) + "\n"


def _others(outlets: int, lang: str) -> str:
    if outlets <= 1:
        return ""
    return " " + (w("other", lang) if outlets == 2 else w("others", lang, n=outlets - 1))


# Email-safe HTML: one centred column of at most 600 px, tables for layout, inline styles only
# (clients drop <style> blocks and never fetch remote images), a colour scheme that dark mode
# can invert without losing contrast.
INK, MUTED, ACCENT, LINE, PAPER = "#1f2933", "#52606d", "#c2410c", "#e4e7eb", "#ffffff"
LINK = "#1d4ed8"
FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"


def html_body(
    alerts: Sequence[Explanation],
    dashboard: str,
    tz: tzinfo,
    lang: str,
    chart_cid: str | None = None,
) -> str:
    """The HTML part: every crawled string escaped; the chart, if any, referenced by Content-ID."""
    e = html.escape
    alerts = ordered(alerts)
    main = alerts[0]
    when = local_window(main.start, main.end, tz, lang)
    rows: list[str] = []
    if main.kind == "spike":
        big = f"{number(main.observed, lang)} {w('mentions', lang)}"
        ratio = main.observed / main.expected if main.expected > 0 else float("inf")
        times = w("times", lang, x=number(ratio, lang)) if ratio != float("inf") else ""
        sub = f"{w('expected', lang, n=approx(main.expected, lang))}" + (f" · {times}" if times else "")
    else:
        big = percent(main.share or 0.0, lang)
        sub = w("usual", lang, n=percent(main.usual_share or 0.0, lang))
    rows.append(
        f'<p style="margin:0 0 4px;color:{MUTED};font-size:13px;{FONT}">{e(when)}</p>'
        f'<h1 style="margin:0 0 6px;color:{INK};font-size:22px;line-height:1.25;{FONT}">'
        f"{e(one_line(main.name))} · {e(big)}</h1>"
        f'<p style="margin:0 0 14px;color:{ACCENT};font-size:15px;font-weight:600;{FONT}">{e(sub)}</p>'
    )
    for ex in alerts:
        if ex is not main or main.kind != "spike":  # the spike's figures are the title above
            rows.append(para(headline(ex, tz, lang, when=False)))
    notes = [note(ex, lang) for ex in alerts if note(ex, lang)]
    if notes:
        rows.append(
            f'<p style="margin:0 0 8px;color:{MUTED};font-size:13px;{FONT}">'
            f"{html.escape(' '.join(dict.fromkeys(notes)))}</p>"
        )
    if chart_cid:
        alt = w(
            "chart_alt",
            lang,
            name=one_line(main.name),
            unit=w("day" if main.end - main.start >= timedelta(days=1) else "hour", lang),
            n=number(main.observed, lang),
            when=when,
        )
        rows.append(
            f'<img src="cid:{e(chart_cid, quote=True)}" width="560" alt="{e(alt, quote=True)}" '
            f'style="display:block;width:100%;max-width:560px;height:auto;margin:8px 0 14px;'
            f'border:1px solid {LINE};border-radius:6px;background:{PAPER};">'
        )
    place = place_link(dashboard, main.territory, main.start)
    rows.append(button(place, w("open_place", lang, name=one_line(main.name))))
    if main.mentions:
        items = []
        for m in main.mentions:
            outlets = e(one_line(m.source) + _others(m.outlets, lang))
            items.append(
                f'<tr><td style="padding:8px 0;border-top:1px solid {LINE};{FONT}">'
                f"{link(m.url, one_line(m.title))}"
                f'<div style="color:{MUTED};font-size:13px;margin-top:2px;">{outlets} · '
                f"{e(w('shares', lang, n=m.shares, l=m.likes))}</div>"
                + (
                    f'<div style="color:{INK};font-size:13px;margin-top:4px;">{e(one_line(m.snippet))}</div>'
                    if one_line(m.title).casefold() not in one_line(m.snippet).casefold()
                    else ""
                )
                + "</td></tr>"
            )
        rows.append(section(w("most_shared", lang), f'<table role="presentation" width="100%" '
                             f'cellpadding="0" cellspacing="0">{"".join(items)}</table>'))
    facts = []
    if main.sources:
        facts.append((w("top_sources", lang), ", ".join(f"{one_line(s.value)} ({s.mentions})" for s in main.sources)))
    if main.terms:
        facts.append((w("top_terms", lang), ", ".join(one_line(t.value) for t in main.terms)))
    if main.places:
        facts.append((w("mentioned_with", lang), ", ".join(f"{one_line(p.label or p.value)} ({p.mentions})" for p in main.places)))
    if main.languages:
        facts.append((w("languages", lang), ", ".join(f"{k} {v}" for k, v in main.languages.items())))
    for title, value in facts:
        rows.append(
            f'<p style="margin:10px 0 0;font-size:14px;color:{INK};{FONT}">'
            f'<strong>{e(title)}</strong><br><span style="color:{MUTED};">{e(value)}</span></p>'
        )
    why = w("why", lang) if any(ex.kind == "spike" for ex in alerts) else ""
    rows.append(
        f'<p style="margin:18px 0 0;color:{MUTED};font-size:12px;{FONT}">'
        f"{e(why)}{'<br>' if why else ''}{e(w('footer', lang, tz=_zone_name(tz)))}</p>"
    )
    return page("".join(rows), lang)


# Dark mode: clients that honour prefers-color-scheme (Apple Mail, iOS, Outlook.com) read
# these rules; the others invert the light page themselves. Elements get a class from their
# inline colour, so every inline style keeps working where <style> is dropped (Gmail).
DARK = {
    "#f3f4f6": ("pw-bg", "background:#111827 !important;"),
    PAPER: ("pw-card", "background:#1f2933 !important;border-color:#374151 !important;"),
    INK: ("pw-ink", "color:#f3f4f6 !important;"),
    MUTED: ("pw-muted", "color:#a7b1bd !important;"),
    ACCENT: ("pw-accent", "color:#fb923c !important;"),
    LINK: ("pw-link", "color:#93c5fd !important;"),
}
_STYLED = re.compile(r'<(\w+)((?: [\w-]+="[^"]*")*?) style="([^"]*)"')


def _dark_classes(markup: str) -> str:
    """Give each styled element the dark-mode class of its inline colour or background."""

    def tag(m: re.Match[str]) -> str:
        attrs, style = m.group(2), m.group(3)
        names = [
            name
            for colour, (name, _) in DARK.items()
            if f"color:{colour};" in style or f"background:{colour};" in style
        ]
        if f"solid {LINE}" in style:
            names.append("pw-line")
        cls = f' class="{" ".join(names)}"' if names and "class=" not in attrs else ""
        return f'<{m.group(1)}{cls}{attrs} style="{style}"'

    return _STYLED.sub(tag, markup)


def page(content: str, lang: str) -> str:
    """The email-safe frame around `content`: one column, light and dark alike."""
    rules = " ".join(f".{name}{{{rule}}}" for name, rule in DARK.values())
    # The button keeps white text on its colour in both schemes.
    rules += " .pw-button{color:#ffffff !important;} .pw-line{border-color:#374151 !important;}"
    frame = (
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'style="background:#f3f4f6;"><tr><td align="center" style="padding:16px 8px;">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'style="max-width:600px;background:{PAPER};border-radius:8px;border:1px solid {LINE};">'
        f'<tr><td style="padding:20px 20px 24px;color:{INK};font-size:15px;line-height:1.5;{FONT}">'
        f"{content}</td></tr></table></td></tr></table>"
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        '<meta name="supported-color-schemes" content="light dark">'
        f"<style>@media (prefers-color-scheme: dark) {{ {rules} }}</style></head>"
        f'<body class="pw-bg" style="margin:0;padding:0;background:#f3f4f6;{FONT}">'
        f"{_dark_classes(frame)}</body></html>"
    )


def para(text: str) -> str:
    return f'<p style="margin:0 0 8px;color:{INK};font-size:15px;{FONT}">{html.escape(text)}</p>'


def section(title: str, inner: str) -> str:
    return (
        f'<h2 style="margin:18px 0 4px;color:{INK};font-size:16px;{FONT}">{html.escape(title)}</h2>'
        + inner
    )


def link(url: str, label: str) -> str:
    safe = url if url.startswith(("http://", "https://")) else "#"
    return (
        f'<a style="color:{LINK};font-weight:600;text-decoration:none;" '
        f'href="{html.escape(safe, quote=True)}">{html.escape(label)}</a>'
    )


def button(url: str, label: str) -> str:
    safe = url if url.startswith(("http://", "https://")) else "#"
    return (
        '<table role="presentation" cellpadding="0" cellspacing="0" style="margin:4px 0 8px;"><tr>'
        f'<td style="background:{ACCENT};border-radius:6px;">'
        f'<a class="pw-button" href="{html.escape(safe, quote=True)}" style="display:inline-block;padding:11px 18px;'
        f'color:#ffffff;font-weight:600;font-size:15px;text-decoration:none;{FONT}">'
        f"{html.escape(label)}</a></td></tr></table>"
    )


def _zone_name(tz: tzinfo) -> str:
    return str(getattr(tz, "key", None) or tz)
