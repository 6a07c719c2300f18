"""User-facing text: French msgids in the code, other languages in gettext catalogues (Babel).

French is the source language, so a French reader sees the msgid itself. `locales/en/LC_MESSAGES/`
holds the English, one `.po` file per capability (read together). A test checks that every msgid
marked in the code — `_("…")`, `N_("…")`, `UserError("…")` — has an English translation.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_format_datetime
from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent / "locales"
DEFAULT_LANG = "fr"
LANGS = ("fr", "en")


def N_(msgid: str) -> str:  # noqa: N802 (gettext's name for "mark for translation, translate later")
    return msgid


@cache
def catalogue(lang: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for path in sorted((LOCALES / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        entries.update({m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy})
    return entries


def lang_of(locale: str | None) -> str:
    """'en-US', 'en_GB', 'en' -> 'en'; anything unknown -> French."""
    if not locale:
        return DEFAULT_LANG
    short = locale.replace("_", "-").split("-")[0].lower()
    return short if short in LANGS else DEFAULT_LANG


def gettext(lang: str, msgid: str) -> str:
    if lang == DEFAULT_LANG:
        return msgid
    return catalogue(lang).get(msgid, msgid)


def translate(lang: str, msgid: str, **params: object) -> str:
    text = gettext(lang, msgid)
    return text.format(**params) if params else text


class Translator:
    """`_("Bonjour {nom}", nom=…)` in one reader's language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, msgid: str, **params: object) -> str:
        return translate(self.lang, msgid, **params)


def format_datetime(moment: datetime, tz: str, lang: str, fmt: str = "EEEE d MMMM y 'à' HH:mm") -> str:
    """A UTC instant shown in a zone and a language: 'jeudi 14 janvier 2027 à 14:00'."""
    if lang == "en" and "'à'" in fmt:
        fmt = fmt.replace("'à'", "'at'")
    local = moment.astimezone(ZoneInfo(tz))
    return babel_format_datetime(local, fmt, locale="fr_FR" if lang == "fr" else "en_GB")
