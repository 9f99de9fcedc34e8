"""Small PNG charts for emails, drawn with Altair and its own exporter (vl-convert), offline."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from alerts.explain import Explanation

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 460, 180  # shown about 370 px wide on a phone: labels drawn at 13 px stay legible
LABEL = 13
SCALE = 2  # drawn at twice the size it is shown: sharp on phones, still a few tens of kB
LOCALES = {"fr": "fr-FR", "en": "en-GB"}
INK, MUTED, ACCENT, BAND = "#1f2933", "#52606d", "#c2410c", "#dbe4ee"


def _wall(ts: str | datetime, tz: tzinfo) -> str:
    """A time as the recipient's wall clock, written as if UTC (the chart's scale is UTC)."""
    moment = datetime.fromisoformat(ts) if isinstance(ts, str) else ts
    return moment.astimezone(tz).replace(tzinfo=None).isoformat() + "Z"


def spike_chart_png(ex: Explanation, tz: tzinfo, lang: str) -> bytes | None:
    """The territory's last days: mentions per window, the usual range, the alert's window marked.

    None when there is nothing to draw or the exporter is unavailable (the email then goes
    without its picture: the text says everything the chart shows).
    """
    if len(ex.recent) < 3:
        return None
    rows = [
        {
            "t": _wall(ts, tz),
            "mentions": value,
            "expected": expected,
            "low": low,
            "high": high,
        }
        for ts, value, expected, low, high in ex.recent
    ]
    marked = [{"t": _wall(ex.start, tz), "mentions": ex.observed}]
    daily = ex.end - ex.start >= timedelta(days=1)
    return render_png(_spike_spec(rows, marked, lang, daily), lang)


def _spike_spec(
    rows: list[dict[str, Any]], marked: list[dict[str, Any]], lang: str, daily: bool
) -> dict[str, Any]:
    import altair as alt

    mentions = {"fr": "mentions"}.get(lang, "mentions")
    fmt = "%d/%m" if daily or lang == "fr" else "%a %d"
    x = alt.X("t:T", title=None, scale=alt.Scale(type="utc"),
              axis=alt.Axis(format=fmt, labelColor=MUTED, grid=False, labelFontSize=LABEL,
                            tickCount=alt.TimeIntervalStep(interval="day", step=1) if not daily
                            else alt.TimeIntervalStep(interval="week", step=1)))
    base = alt.Chart(alt.Data(values=rows))
    band = base.mark_area(color=BAND, opacity=0.9).encode(
        x=x, y=alt.Y("low:Q", title=None), y2="high:Q"
    )
    expected = base.mark_line(color=MUTED, strokeDash=[4, 3], strokeWidth=1.2).encode(
        x=x, y="expected:Q"
    )
    line = base.mark_line(color=INK, strokeWidth=1.8, interpolate="monotone").encode(
        x=x,
        y=alt.Y("mentions:Q", title=mentions,
                axis=alt.Axis(labelColor=MUTED, titleColor=MUTED, tickCount=4, gridColor="#eef1f4",
                              labelFontSize=LABEL, titleFontSize=LABEL)),
    )
    spike = alt.Chart(alt.Data(values=marked)).mark_point(
        color=ACCENT, filled=True, size=90, opacity=1
    ).encode(x=x, y="mentions:Q")
    chart = (band + expected + line + spike).properties(width=WIDTH, height=HEIGHT)
    chart = chart.configure_view(strokeWidth=0).configure(background="#ffffff", font="sans-serif")
    spec: dict[str, Any] = chart.to_dict()
    return spec


def share_chart_png(
    rows: Sequence[tuple[str, float]], title: str, lang: str
) -> bytes | None:
    """Horizontal bars: each territory's share of its group over the period (digest)."""
    if not rows:
        return None
    import altair as alt

    data = [{"place": name, "share": share} for name, share in rows]
    fmt = ".0%"
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar(color=ACCENT, cornerRadiusEnd=3, height=18)
        .encode(
            y=alt.Y("place:N", sort="-x", title=None,
                    axis=alt.Axis(labelColor=INK, labelFontSize=LABEL + 1, labelLimit=160)),
            x=alt.X("share:Q", title=None,
                    axis=alt.Axis(format=fmt, labelColor=MUTED, tickCount=4, labelFontSize=LABEL)),
        )
        .properties(width=WIDTH - 150, height=max(60, 30 * len(data)), title=title)
        .configure_view(strokeWidth=0)
        .configure_title(color=INK, fontSize=13, anchor="start")
        .configure(background="#ffffff", font="sans-serif")
    )
    return render_png(chart.to_dict(), lang)


def render_png(spec: dict[str, Any], lang: str) -> bytes | None:
    """PNG bytes of a Vega-Lite spec, with no network allowed; None if the exporter fails."""
    try:
        import vl_convert

        locale: Any = LOCALES.get(lang, "en-GB")
        png: bytes = vl_convert.vegalite_to_png(
            spec,
            scale=SCALE,
            allowed_base_urls=[],
            format_locale=locale,
            time_format_locale=locale,
        )
        return png
    except Exception as exc:  # the exporter is a native library: any failure costs only the picture
        logger.warning("could not draw the email's chart: %s", exc)
        return None
