"""The words and patterns of French (and English) dates: months, weekdays, numbers written out, parts of
the day, and the regular expressions the reader (`date_reader`) matches, on text `normalise`d first
(lower case, no accents), so "Février", "fevrier" and "févr." are one word."""

from __future__ import annotations

import re
import unicodedata
from datetime import time

MONTHS = {
    "janvier": 1, "janv": 1, "january": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
    "mars": 3, "march": 3,
    "avril": 4, "avr": 4, "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juin": 6, "june": 6, "jun": 6,
    "juillet": 7, "juil": 7, "july": 7, "jul": 7,
    "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "sept": 9, "september": 9, "sep": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}
WEEKDAYS = {
    "lundi": 0, "lun": 0, "monday": 0,
    "mardi": 1, "tuesday": 1, "tue": 1,
    "mercredi": 2, "mer": 2, "wednesday": 2, "wed": 2,
    "jeudi": 3, "jeu": 3, "thursday": 3, "thu": 3,
    "vendredi": 4, "ven": 4, "friday": 4, "fri": 4,
    "samedi": 5, "sam": 5, "saturday": 5,
    "dimanche": 6, "dim": 6, "sunday": 6,
}
WEEKDAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
NUMBERS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30,
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "fifteen": 15,
}
PERIODS = {"matin": time(9, 0), "morning": time(9, 0), "apres-midi": time(14, 0), "apres midi": time(14, 0),
           "aprem": time(14, 0), "afternoon": time(14, 0), "soir": time(18, 0), "soiree": time(18, 0),
           "evening": time(18, 0), "tonight": time(18, 0)}
FILLERS = {"le", "la", "l", "les", "a", "au", "aux", "de", "du", "des", "d", "vers", "pour", "en", "at", "on",
           "the", "of", "et", "jusqu", "jusque", "until", "by", "ce", "cet", "cette", "this", "heure", "heures",
           "h", "."}

_alt = "|".join
_MONTH = _alt(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = _alt(sorted(WEEKDAYS, key=len, reverse=True))
_NUMWORD = _alt(sorted(NUMBERS, key=len, reverse=True))
_UNIT = (r"minutes?|mins?|mn|heures?|hours?|h|jours?|days?|semaines?|weeks?|mois|months?|"
         r"ans?|annees?|years?")
_T = r"(?:\d{1,2}\s*(?:h|:)\s*(?:\d{2})?(?:\s*(?:am|pm))?|\d{1,2}\s*(?:am|pm)|midi|minuit|noon|midnight)"

RELATIVE = re.compile(rf"\b(?:dans|in|d ici)\s+(\d+|{_NUMWORD})\s*({_UNIT})(?:\s*(\d{{2}}))?\b")
AGO = re.compile(rf"\b(?:il y a\s+(\d+|{_NUMWORD})\s*({_UNIT})|(\d+|{_NUMWORD})\s*({_UNIT})\s+ago)\b")
ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
NUMERIC = re.compile(r"(?<![\d:])(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}|\d{2}))?(?![\d:])")
DAY_MONTH = re.compile(rf"\b(\d{{1,2}}|1er|premier)\s*(?:er)?\s+({_MONTH})\b\.?(?:\s+(\d{{4}})\b)?")
MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:h\b|:))(?:,?\s+(\d{{4}})\b)?")
MONTH_PART = re.compile(rf"\b(debut|fin|mi|courant|early|end of|mid|late)\s*-?\s*(?:de |d )?({_MONTH})\b"
                        rf"(?:\s+(\d{{4}})\b)?")
MONTH_ALONE = re.compile(rf"\b({_MONTH})\b(?:\s+(\d{{4}})\b)?")
RANGE = re.compile(rf"(?:\b(?:de|from|entre)\s+)?({_T})\s*(?:-|–|\ba\b|\bto\b|\bet\b|jusqu a)\s*({_T})")
TIME = re.compile(r"(?<![\d/.\-])(\d{1,2})\s*(?:h|:|heures?\b)\s*(\d{2})?(?:\s*(am|pm)\b)?"
                  r"|(?<![\d/.\-])(\d{1,2})\s*(am|pm)\b|(?<!apres-)(?<!apres )\b(midi|noon)(?:\s+et\s+(demie?|quart))?\b"
                  r"|\b(minuit|midnight)\b")
BARE_HOUR = re.compile(r"\b(?:a|vers|at)\s+(\d{1,2})\b(?!\s*(?:[/.]|\d|er\b))")
QUALIFIER = re.compile(r"\b(?:du|de l|in the)\s+(matin|apres-midi|apres midi|soir|morning|afternoon|evening)\b")
WEEKDAY_RE = re.compile(
    rf"\b(?:(ce|cet|this|next)\s+)?({_WEEKDAY})\b\.?"
    rf"(?:\s+(\d{{1,2}}|1er|premier)\b(?!\s*(?:h\b|:|heures?|am|pm)))?"
    r"(?:\s+(prochaine?|qui vient|en huit|en quinze|de la semaine prochaine|d apres|derniere?|suivante?))?")
WORDS = [
    (re.compile(r"\b(?:apres-demain|apres demain|day after tomorrow)\b"), "day", 2),
    (re.compile(r"\b(?:avant-hier|avant hier)\b"), "day", -2),
    (re.compile(r"\b(?:aujourd hui|aujourdhui|today|ce jour)\b"), "today", 0),
    (re.compile(r"\b(?:demain|tomorrow)\b"), "day", 1),
    (re.compile(r"\b(?:hier|yesterday)\b"), "day", -1),
    (re.compile(r"\b(?:ce soir|tonight)\b"), "tonight", 0),
    (re.compile(r"\b(?:ce matin|this morning)\b"), "this_morning", 0),
    (re.compile(r"\b(?:cet apres-midi|cet apres midi|this afternoon)\b"), "this_afternoon", 0),
    (re.compile(r"\b(?:en )?fin de (?:la )?semaine(?: prochaine)?\b|\bend of (?:the )?week\b"), "week_end", 0),
    (re.compile(r"\b(?:la )?semaine prochaine\b|\bnext week\b"), "next_week", 0),
    (re.compile(r"\bfin du mois prochain\b"), "end_next_month", 0),
    (re.compile(r"\b(?:en )?fin (?:de|du) mois\b|\bend of (?:the )?month\b"), "month_end", 0),
    (re.compile(r"\b(?:debut du |le )?mois prochain\b|\bnext month\b"), "next_month", 0),
]
DAY_ONLY = re.compile(r"\b(?:le|the)\s+(\d{1,2}|1er|premier)\b(?:st|nd|rd|th)?")
UNTIL = re.compile(r"\b(?:jusqu au|jusqu a|jusque|until|d ici le|d ici au)\b")


def normalise(text: str) -> str:
    """Lower case, no accents, apostrophes and stray punctuation as spaces: what the reader matches."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’`]", " ", text)
    text = re.sub(r"[,;!?()\"«»]", " ", text)
    text = re.sub(r"(\d)\s*(?:heures?|hrs?)\b", r"\1h", text)
    return " ".join(text.split())


def number_of(token: str) -> int:
    """"3", "trois", "1er" -> 3, 3, 1."""
    if token in ("1er", "premier"):
        return 1
    return int(token) if token.isdigit() else NUMBERS[token]

