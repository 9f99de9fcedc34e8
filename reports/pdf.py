"""The board report as a PDF (fpdf2): a few pages a director reads, charts rendered by vl-convert."""

from __future__ import annotations

import io
import logging
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from reports.board import BoardReport
from reports.charts import chart_png, sentiment_by_place_chart, share_of_voice_chart
from reports.locale import fmt_day, fmt_number, fmt_percent, fmt_signed
from reports.text import say
from reports.voices import Voice

logger = logging.getLogger(__name__)

ACCENT = (31, 78, 121)
GREY = (110, 110, 110)
FONT = "DejaVu"


def _font_dir() -> Path:
    """DejaVu Sans as matplotlib ships it: Unicode text without any system font."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def safe_link(url: str) -> str:
    """Only plain http(s) addresses become links in the PDF; anything else stays text."""
    return url if url.lower().startswith(("http://", "https://")) else ""


class _Report(FPDF):
    def __init__(self, lang: str, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.lang = lang
        self.footer_text = footer_text
        fonts = _font_dir()
        self.add_font(FONT, "", fonts / "DejaVuSans.ttf")
        self.add_font(FONT, "B", fonts / "DejaVuSans-Bold.ttf")
        self.set_auto_page_break(True, margin=16)
        self.set_margins(16, 16, 16)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.footer_text, align="L")
        self.set_x(-40)
        self.cell(24, 5, say("page_n", self.lang, n=self.page_no(), total="{nb}"), align="R")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: float = 13) -> None:
        if self.get_y() > 250:
            self.add_page()
        self.ln(3)
        self.set_font(FONT, "B", size)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(1)

    def para(self, text: str, size: float = 9.5, style: str = "", colour: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)


def render_pdf(report: BoardReport, lang: str) -> bytes:
    """The report as PDF bytes; the same report and language always give the same bytes."""
    until = fmt_day(report.until, lang) + f" {report.until:%H:%M}"
    pdf = _Report(lang, say("generated", lang, until=until))
    pdf.set_creation_date(report.until)
    pdf.set_title(say("report_title", lang))
    pdf.set_producer("placewatch")
    pdf.set_creator("placewatch")
    pdf.alias_nb_pages()
    pdf.add_page()
    _cover(pdf, report, lang)
    _ranking(pdf, report, lang)
    _share_of_voice(pdf, report, lang)
    _sentiment(pdf, report, lang)
    _spikes(pdf, report, lang)
    _top_mentions(pdf, report, lang)
    _voices(pdf, report, lang)
    return bytes(pdf.output())


def _cover(pdf: _Report, r: BoardReport, lang: str) -> None:
    pdf.set_font(FONT, "B", 20)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 11, say("report_title", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.para(say("report_period", lang, since=fmt_day(r.since, lang), until=fmt_day(r.until, lang), days=r.days),
             size=10.5)
    scope = say("report_scope_group", lang, name=r.group_name) if r.group_name else say("report_scope_all", lang)
    pdf.para(scope, size=10.5, colour=GREY)
    pdf.heading(say("headline", lang))
    change = r.top.total - r.previous_total
    figures = [
        (fmt_number(r.top.total, lang), say("fig_mentions", lang),
         say("fig_vs_previous", lang, change=fmt_signed(change, lang), previous=fmt_number(r.previous_total, lang))),
        (fmt_number(len(r.places), lang), say("fig_places", lang),
         say("fig_leader", lang, name=r.places[0].name) if r.places else ""),
        (fmt_number(len(r.spikes), lang), say("fig_spikes", lang), ""),
    ]
    if r.my_territory:
        name, n, share, group = r.my_territory
        figures.insert(1, (fmt_percent(share, lang), say("fig_my_share", lang, name=name, group=group),
                           f"{fmt_number(n, lang)} {say('fig_my_mentions', lang, name=name)}"))
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / len(figures)
    top = pdf.get_y()
    for i, (value, label, detail) in enumerate(figures):
        x = pdf.l_margin + i * width
        pdf.set_draw_color(210, 210, 210)
        pdf.rect(x + 1, top, width - 2, 30)
        pdf.set_xy(x + 3, top + 2)
        pdf.set_font(FONT, "B", 17)
        pdf.set_text_color(*ACCENT)
        pdf.cell(width - 6, 9, value)
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(x + 3, top + 12)
        pdf.set_font(FONT, "", 8)
        pdf.multi_cell(width - 6, 3.8, label, new_x="LEFT", new_y="NEXT")
        pdf.set_text_color(*GREY)
        pdf.set_font(FONT, "", 7)
        pdf.multi_cell(width - 6, 3.4, detail, new_x="LEFT", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.set_y(top + 33)
    if r.top.undated:
        pdf.para(say("fig_undated", lang, n=r.top.undated), size=8, colour=GREY)


def _table_style() -> FontFace:
    return FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=ACCENT)


def _ranking(pdf: _Report, r: BoardReport, lang: str) -> None:
    pdf.heading(say("ranking", lang))
    pdf.para(say("ranking_note", lang, total=fmt_number(r.top.total, lang)), size=8, colour=GREY)
    pdf.ln(1)
    pdf.set_font(FONT, "", 8.5)
    headings = ["#", say("place", lang), say("mentions", lang), say("share", lang), say("col_previous", lang),
                say("col_change", lang), say("net_sentiment", lang)]
    with pdf.table(col_widths=(8, 58, 22, 20, 20, 24, 26), text_align=("RIGHT", "LEFT", "RIGHT", "RIGHT",
                   "RIGHT", "RIGHT", "RIGHT"), headings_style=_table_style(), line_height=5.2,
                   first_row_as_headings=True) as table:
        table.row(headings)
        for p in r.places:
            change = say("new", lang) if p.previous == 0 and p.mentions else fmt_signed(p.change, lang)
            table.row([str(p.rank), ("* " if p.watched else "") + p.name, str(p.mentions),
                       fmt_percent(p.share, lang, 1), str(p.previous), change,
                       fmt_signed(p.net_sentiment, lang, 2)])


def _share_of_voice(pdf: _Report, r: BoardReport, lang: str) -> None:
    for group, series in r.series:
        if series.empty:
            continue
        if pdf.get_y() > 150:
            pdf.add_page()
        pdf.heading(say("sov_over_time", lang, group=group.name))
        pdf.para(say("sov_total", lang, total=fmt_number(group.total, lang)), size=8, colour=GREY)
        png = chart_png(share_of_voice_chart(series, lang, r.bucket, height=220), lang, width=560)
        pdf.image(io.BytesIO(png), w=pdf.w - pdf.l_margin - pdf.r_margin)
        shares = "  ·  ".join(f"{name} {fmt_percent(s, lang)} ({n})" for _, name, n, s in group.rows)
        pdf.para(shares, size=8)


def _sentiment(pdf: _Report, r: BoardReport, lang: str) -> None:
    if r.sentiment.empty:
        return
    if pdf.get_y() > 170:
        pdf.add_page()
    pdf.heading(say("sentiment_by_place", lang))
    pdf.para(say("sentiment_note", lang), size=8, colour=GREY)
    png = chart_png(sentiment_by_place_chart(r.sentiment, lang), lang, width=520)
    pdf.image(io.BytesIO(png), w=min(150, pdf.w - pdf.l_margin - pdf.r_margin))


def _spikes(pdf: _Report, r: BoardReport, lang: str) -> None:
    pdf.heading(say("spikes", lang))
    if not r.spikes:
        pdf.para(say("no_spikes", lang))
    for s in r.spikes:
        when = fmt_day(s.start, lang) + f" {s.start:%H:%M}"
        if s.share is not None and s.usual_share is not None:
            line = say("spike_share_line", lang, when=when, name=s.name, usual=fmt_percent(s.usual_share, lang),
                       share=fmt_percent(s.share, lang), total=s.total or 0)
        else:
            line = say("spike_line", lang, when=when, name=s.name, observed=fmt_number(s.observed, lang),
                       expected=fmt_number(s.expected, lang, 1),
                       score=fmt_number(s.score, lang, 1) if s.score is not None else "—")
        pdf.para(line, style="B")
        pdf.para(say("spike_why", lang, sources=", ".join(s.sources) or "—", terms=", ".join(s.terms) or "—"),
                 size=8.5, colour=GREY)
        pdf.ln(1.5)


def _when(value: datetime | None, lang: str) -> str:
    return fmt_day(value, lang) if value else "—"


def _short(value: datetime | None, lang: str) -> str:
    """A date in a narrow column: 26/11/2026 in French, 2026-11-26 in English."""
    if value is None:
        return "—"
    return f"{value:%d/%m/%Y}" if lang == "fr" else f"{value:%Y-%m-%d}"


def _top_mentions(pdf: _Report, r: BoardReport, lang: str) -> None:
    pdf.heading(say("top_mentions", lang))
    pdf.para(say("top_mentions_note", lang), size=8, colour=GREY)
    if not r.mentions:
        pdf.para(say("no_mentions", lang))
    for m in r.mentions:
        pdf.set_font(FONT, "B", 9.5)
        link = safe_link(m.url)
        pdf.multi_cell(0, 4.8, m.title, link=link, new_x="LMARGIN", new_y="NEXT")
        engaged = m.likes or m.shares or m.replies
        meta = [_when(m.published, lang), m.source, m.author, ", ".join(m.places),
                say("engagement", lang, likes=m.likes, shares=m.shares, replies=m.replies) if engaged else ""]
        pdf.para(" · ".join(x for x in meta if x), size=8, colour=GREY)
        pdf.ln(1.2)


def _voices(pdf: _Report, r: BoardReport, lang: str) -> None:
    pdf.heading(say("voices", lang))
    pdf.para(say("voices_note", lang), size=8, colour=GREY)
    for title, voices in ((say("ambassadors", lang), r.voices.ambassadors), (say("critics", lang), r.voices.critics)):
        pdf.heading(title, size=11)
        if not voices:
            pdf.para(say("no_voices", lang))
            continue
        _voice_table(pdf, voices[:10], lang)


def _voice_table(pdf: _Report, voices: list[Voice], lang: str) -> None:
    pdf.set_font(FONT, "", 8)
    headings = [say("voice", lang), say("mentions", lang), say("reach", lang), say("sentiment", lang),
                say("territories", lang), say("first_seen", lang), say("last_seen", lang)]
    with pdf.table(col_widths=(42, 17, 18, 19, 42, 20, 20), headings_style=_table_style(), line_height=4.6,
                   text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "LEFT", "LEFT")) as table:
        table.row(headings)
        for v in voices:
            who = f"{v.name} ({say('accounts' if v.kind == 'account' else 'outlets', lang).lower()[:-1]})"
            table.row([who, str(v.mentions), fmt_number(v.reach, lang), fmt_signed(v.net_sentiment, lang, 2),
                       ", ".join(v.territories), _short(v.first_seen, lang), _short(v.last_seen, lang)])


def write_pdf(report: BoardReport, lang: str, out: Path) -> int:
    """Write the report to `out`; returns the number of bytes written."""
    data = render_pdf(report, lang)
    out.write_bytes(data)
    return len(data)


__all__ = ["render_pdf", "safe_link", "write_pdf"]
