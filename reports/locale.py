"""Numbers and dates as French or English readers write them, in our text and in Vega charts."""

from __future__ import annotations

from typing import Any

LANGS = ("en", "fr")

# d3-format / d3-time-format locale definitions (facts of each language), handed to Vega as
# `config.locale`, so chart axes say "déc.", "lun. 05" and "1 234,5" in the French interface.
VEGA_LOCALES: dict[str, dict[str, Any]] = {
    "en": {
        "number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
        "time": {
            "dateTime": "%x, %X", "date": "%-m/%-d/%Y", "time": "%-I:%M:%S %p", "periods": ["AM", "PM"],
            "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
            "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
            "months": ["January", "February", "March", "April", "May", "June", "July", "August",
                       "September", "October", "November", "December"],
            "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                            "Dec"],
        },
    },
    "fr": {
        "number": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0€"],
                   "percent": "\u202f%"},
        "time": {
            "dateTime": "%A %e %B %Y à %X", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["AM", "PM"],
            "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
            "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
            "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                       "octobre", "novembre", "décembre"],
            "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                            "oct.", "nov.", "déc."],
        },
    },
}


def vega_locale(lang: str) -> dict[str, Any]:
    return VEGA_LOCALES.get(lang, VEGA_LOCALES["en"])


def fmt_number(value: float, lang: str, decimals: int = 0) -> str:
    """A number as the language writes it: 1,234.5 in English, 1 234,5 in French."""
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def fmt_signed(value: float, lang: str, decimals: int = 0) -> str:
    """A change with its sign: +3, −0.25 (a real minus sign in French)."""
    text = fmt_number(abs(value), lang, decimals)
    if round(value, decimals) == 0:
        return text
    return ("+" if value > 0 else ("\u2212" if lang == "fr" else "-")) + text


def fmt_percent(value: float, lang: str, decimals: int = 0) -> str:
    """A share as a percentage: 68% in English, 68 % in French."""
    number = fmt_number(value * 100, lang, decimals)
    return f"{number}\u202f%" if lang == "fr" else f"{number}%"


def month_name(month: int, lang: str) -> str:
    return str(vega_locale(lang)["time"]["months"][month - 1])


def fmt_day(value: Any, lang: str) -> str:
    """A date as a reader says it: 3 December 2026, 3 décembre 2026."""
    return f"{value.day} {month_name(value.month, lang)} {value.year}"


__all__ = ["LANGS", "VEGA_LOCALES", "fmt_day", "fmt_number", "fmt_percent", "fmt_signed", "month_name",
           "vega_locale"]
