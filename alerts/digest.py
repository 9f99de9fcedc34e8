"""The daily or weekly digest: ranking, share of voice per group (with its chart), top stories."""

from __future__ import annotations

import base64
import html
import logging
from datetime import datetime, timedelta
from typing import Any

from alerts.chart import share_chart_png
from alerts.email import alert_zone
from alerts.explain import most_shared
from alerts.render import FONT, INK, LINE, MUTED, button, link, one_line, page, percent, section
from config import Config
from indexer import MentionFilter, Store

logger = logging.getLogger(__name__)

WORDS: dict[str, dict[str, str]] = {
    "daily": {"en": "Daily digest", "fr": "Synthèse du jour"},
    "weekly": {"en": "Weekly digest", "fr": "Synthèse de la semaine"},
    "ranking": {"en": "Most talked-about places", "fr": "Lieux les plus cités"},
    "sov": {"en": "Share of voice — {name} (total {n} mentions)",
            "fr": "Part de voix — {name} (total {n} mentions)"},
    "row": {"en": "{i}. {name}: {n} mentions (net sentiment {s})",
            "fr": "{i}. {name} : {n} mentions (sentiment net {s})"},
    "top": {"en": "Top stories", "fr": "Articles les plus partagés"},
    "open": {"en": "Open the dashboard", "fr": "Ouvrir le tableau de bord"},
    "place": {"en": "Place", "fr": "Lieu"},
    "mentions": {"en": "Mentions", "fr": "Mentions"},
    "net": {"en": "Net sentiment", "fr": "Sentiment net"},
    "share": {"en": "Share", "fr": "Part"},
    "chart_alt": {"en": "Share of voice in {name}: {rows}.", "fr": "Part de voix dans {name} : {rows}."},
    "others": {"en": "and {n} other outlets", "fr": "et {n} autres médias"},
}


def _w(key: str, lang: str, **values: object) -> str:
    entry = WORDS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def digest_payload(config: Config, store: Store, now: datetime, days: int) -> dict[str, Any]:
    """Subject, text, email-safe HTML and inline charts of the digest over the last `days` days."""
    e = html.escape
    tz, lang = alert_zone(config), config.ui.lang
    since = now - timedelta(days=days)
    f = MentionFilter(since=since, until=now, watched_only=True)
    ranking = store.ranking(f, limit=10)
    a, b = since.astimezone(tz), now.astimezone(tz)
    period = f"{a:%d/%m} – {b:%d/%m/%Y}" if lang == "fr" else f"{a:%Y-%m-%d} – {b:%Y-%m-%d}"
    title = _w("weekly" if days == 7 else "daily", lang)
    text = [f"placewatch — {title}, {period}", "", _w("ranking", lang) + ":"]
    cells = []
    for i, p in enumerate(ranking, 1):
        name = one_line(p.name)
        text.append("  " + _w("row", lang, i=i, name=name, n=p.mentions, s=f"{p.net_sentiment:+.2f}"))
        cells.append(
            f'<tr><td style="padding:6px 8px 6px 0;color:{MUTED};border-top:1px solid {LINE};">{i}</td>'
            f'<td style="padding:6px 8px;color:{INK};font-weight:600;border-top:1px solid {LINE};">{e(name)}</td>'
            f'<td align="right" style="padding:6px 8px;color:{INK};border-top:1px solid {LINE};">{p.mentions}</td>'
            f'<td align="right" style="padding:6px 0 6px 8px;color:{MUTED};border-top:1px solid {LINE};">'
            f"{p.net_sentiment:+.2f}</td></tr>"
        )
    head = (
        f'<tr><th align="left" style="padding:0 8px 4px 0;color:{MUTED};font-size:12px;">#</th>'
        f'<th align="left" style="padding:0 8px 4px;color:{MUTED};font-size:12px;">{e(_w("place", lang))}</th>'
        f'<th align="right" style="padding:0 8px 4px;color:{MUTED};font-size:12px;">{e(_w("mentions", lang))}</th>'
        f'<th align="right" style="padding:0 0 4px 8px;color:{MUTED};font-size:12px;">{e(_w("net", lang))}</th></tr>'
    )
    parts = [
        f'<p style="margin:0 0 4px;color:{MUTED};font-size:13px;{FONT}">{e(period)}</p>'
        f'<h1 style="margin:0 0 10px;color:{INK};font-size:22px;{FONT}">{e(title)}</h1>',
        section(_w("ranking", lang), f'<table role="presentation" width="100%" cellpadding="0" '
                 f'cellspacing="0" style="font-size:14px;{FONT}">{head}{"".join(cells)}</table>'),
    ]
    images: list[dict[str, str]] = []
    for g in config.groups:
        sov = store.share_of_voice(MentionFilter(since=since, until=now, territories=g.territories))
        if not sov.total:
            continue
        rows = []
        for key, n in sorted(sov.counts.items(), key=lambda kv: -kv[1]):
            t = config.territory(key)
            rows.append((one_line(t.name if t else key), sov.share(key), n))
        heading = _w("sov", lang, name=one_line(g.name), n=sov.total)
        text += ["", heading + ":"] + [f"  {name}: {percent(s, lang)} ({n})" for name, s, n in rows]
        png = share_chart_png([(name, s) for name, s, _ in rows], "", lang)
        body = ""
        if png:
            cid = f"sov-{len(images) + 1}"
            images.append({"cid": cid, "png": base64.b64encode(png).decode("ascii")})
            alt = _w("chart_alt", lang, name=one_line(g.name),
                     rows="; ".join(f"{name} {percent(s, lang)} ({n})" for name, s, n in rows))
            body += (
                f'<img src="cid:{cid}" width="520" alt="{e(alt, quote=True)}" style="display:block;'
                f'width:100%;max-width:520px;height:auto;margin:6px 0;border:1px solid {LINE};'
                'border-radius:6px;background:#ffffff;">'
            )
        body += (
            f'<p style="margin:4px 0 0;color:{MUTED};font-size:13px;{FONT}">'
            + e(" · ".join(f"{name} {percent(s, lang)} ({n})" for name, s, n in rows))
            + "</p>"
        )
        parts.append(section(heading, body))
    tops_text: list[str] = []
    tops_html: list[str] = []
    for p in ranking[:3]:
        for m in most_shared(store, p.key, MentionFilter(since=since, until=now), limit=2):
            more = f" ({_w('others', lang, n=m.outlets - 1)})" if m.outlets > 1 else ""
            tops_text.append(f"  - {one_line(p.name)}: {one_line(m.title)}{more}\n    {one_line(m.url)}")
            tops_html.append(
                f'<p style="margin:6px 0;font-size:14px;{FONT}"><span style="color:{MUTED};">'
                f"{e(one_line(p.name))} · </span>{link(m.url, one_line(m.title))}"
                f'<span style="color:{MUTED};">{e(more)}</span></p>'
            )
    if tops_text:
        text += ["", _w("top", lang) + ":", *tops_text]
        parts.append(section(_w("top", lang), "".join(tops_html)))
    parts.append('<div style="height:12px;"></div>' + button(config.alerts.dashboard_url, _w("open", lang)))
    text += ["", f"{_w('open', lang)}: {config.alerts.dashboard_url}"]
    return {
        "to": list(config.alerts.recipients),
        "subject": one_line(f"[placewatch] {title} {period}"),
        "text": "\n".join(text) + "\n",
        "html": page("".join(parts), lang),
        "images": images,
    }
