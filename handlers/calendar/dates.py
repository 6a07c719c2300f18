"""French date input: what people type ("jeudi 14h", "le 3 mars à 10h30") -> an aware UTC instant.

Entry point for every verb that takes a date. Interpreted in the typing person's time zone. A small
French (and English) reader handles what people really type — "14h30", "midi", "jeudi prochain",
"dans 15 jours", "fin janvier", "10h-12h" — and dateparser, restricted to French and English, reads
the rest. dateparser keeps global state, so it runs under a lock.
"""

from __future__ import annotations

import calendar
import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.core import UserError
from handlers.i18n import format_datetime

_LOCK = threading.Lock()  # dateparser is not thread-safe

DEFAULT_TIME = time(9, 0)  # a day named without an hour: the start of a working morning
END_OF_DAY = time(23, 59)  # "fin janvier", "jusqu'au 3 mars", "aujourd'hui": the whole day counts

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

_RELATIVE = re.compile(rf"\b(?:dans|in|d ici)\s+(\d+|{_NUMWORD})\s*({_UNIT})(?:\s*(\d{{2}}))?\b")
_AGO = re.compile(rf"\b(?:il y a\s+(\d+|{_NUMWORD})\s*({_UNIT})|(\d+|{_NUMWORD})\s*({_UNIT})\s+ago)\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"(?<![\d:])(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}|\d{2}))?(?![\d:])")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}|1er|premier)\s*(?:er)?\s+({_MONTH})\b\.?(?:\s+(\d{{4}})\b)?")
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:h\b|:))(?:,?\s+(\d{{4}})\b)?")
_MONTH_PART = re.compile(rf"\b(debut|fin|mi|courant|early|end of|mid|late)\s*-?\s*(?:de |d )?({_MONTH})\b"
                         rf"(?:\s+(\d{{4}})\b)?")
_MONTH_ALONE = re.compile(rf"\b({_MONTH})\b(?:\s+(\d{{4}})\b)?")
_RANGE = re.compile(rf"(?:\b(?:de|from|entre)\s+)?({_T})\s*(?:-|–|\ba\b|\bto\b|\bet\b|jusqu a)\s*({_T})")
_TIME = re.compile(r"(?<![\d/.\-])(\d{1,2})\s*(?:h|:|heures?\b)\s*(\d{2})?(?:\s*(am|pm)\b)?"
                   r"|(?<![\d/.\-])(\d{1,2})\s*(am|pm)\b|(?<!apres-)(?<!apres )\b(midi|noon)(?:\s+et\s+(demie?|quart))?\b"
                   r"|\b(minuit|midnight)\b")
_BARE_HOUR = re.compile(r"\b(?:a|vers|at)\s+(\d{1,2})\b(?!\s*(?:[/.]|\d|er\b))")
_QUALIFIER = re.compile(r"\b(?:du|de l|in the)\s+(matin|apres-midi|apres midi|soir|morning|afternoon|evening)\b")
_WEEKDAY_RE = re.compile(
    rf"\b(?:(ce|cet|this|next)\s+)?({_WEEKDAY})\b\.?"
    rf"(?:\s+(\d{{1,2}}|1er|premier)\b(?!\s*(?:h\b|:|heures?|am|pm)))?"
    r"(?:\s+(prochaine?|qui vient|en huit|en quinze|de la semaine prochaine|d apres|derniere?|suivante?))?")
_WORDS = [
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
_DAY_ONLY = re.compile(r"\b(?:le|the)\s+(\d{1,2}|1er|premier)\b(?:st|nd|rd|th)?")
_UNTIL = re.compile(r"\b(?:jusqu au|jusqu a|jusque|until|d ici le|d ici au)\b")


@dataclass
class _Reading:
    """What the French reader understood, before it becomes an instant."""

    day: date | None = None
    clock: time | None = None
    end: time | None = None  # a range "10h-12h"
    period: time | None = None  # "matin", "soir": the hour when none is given
    qualifier: str | None = None  # "du soir": 9h du soir = 21h
    weekday: int | None = None  # named weekday, checked against an explicit date
    exact: datetime | None = None  # "dans 2 heures": an instant, no hour to add
    whole_day: bool = False  # "fin janvier": until the end of that day
    keep_time: bool = False  # "dans 15 jours": the same time as now


def normalise(text: str) -> str:
    """Lower case, no accents, apostrophes and stray punctuation as spaces: what the reader matches."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’`]", " ", text)
    text = re.sub(r"[,;!?()\"«»]", " ", text)
    text = re.sub(r"(\d)\s*(?:heures?|hrs?)\b", r"\1h", text)
    return " ".join(text.split())


def _number(token: str) -> int:
    if token in ("1er", "premier"):
        return 1
    return int(token) if token.isdigit() else NUMBERS[token]


def _date_or_error(year: int, month: int, day: int, shown: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise UserError("Cette date n'existe pas : « {saisie} ». Exemple : « le 28 février à 10h ».",
                        saisie=shown[:80]) from None


def _clock(hour: int, minute: int, shown: str) -> time:
    if hour == 24 and minute == 0:
        return time(23, 59)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise UserError("Heure impossible : « {saisie} ». Les heures vont de 0h à 23h59, par exemple « 14h30 ».",
                        saisie=shown[:80])
    return time(hour, minute)


def _time_of(match: re.Match[str], shown: str) -> time:
    hour, minute, ampm, hour2, ampm2, noon, noon_part, midnight = match.groups()
    if noon:
        return time(12, 30 if noon_part and noon_part.startswith("demi") else 15 if noon_part else 0)
    if midnight:
        return time(0, 0)
    hour = int(hour if hour is not None else hour2)
    ampm = ampm or ampm2
    if ampm:
        if not 1 <= hour <= 12:
            raise UserError("Heure impossible : « {saisie} ». Les heures vont de 0h à 23h59, par exemple "
                            "« 14h30 ».", saisie=shown[:80])
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    return _clock(hour, int(minute or 0), shown)


def _time_token(token: str, shown: str) -> time:
    match = _TIME.fullmatch(token.strip())
    if match is None:
        raise UserError("Date non comprise : « {saisie} ». Exemples : « jeudi 14h », « le 3 mars à 10h30 », "
                        "« dans 15 jours ».", saisie=shown[:80])
    return _time_of(match, shown)


def _next_year_if_past(day: date, today: date, year_given: bool, future: bool) -> date:
    if year_given or not future or day >= today:
        return day
    return day.replace(year=day.year + 1) if not (day.month == 2 and day.day == 29) else day


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_of(token: str | None, today: date) -> int | None:
    if not token:
        return None
    year = int(token)
    return year + 2000 if year < 100 else year


def _read(text: str, now_local: datetime, future: bool, shown: str) -> tuple[_Reading, str]:
    """The French reader: consumes what it knows and returns its reading and the unread rest."""
    r = _Reading()
    today = now_local.date()
    rest = text

    def cut(match: re.Match[str]) -> None:
        nonlocal rest
        rest = rest[: match.start()] + " " + rest[match.end():]

    if _UNTIL.search(rest):
        r.whole_day = True
        rest = _UNTIL.sub(" ", rest)

    if match := _AGO.search(rest):
        amount = _number(match.group(1) or match.group(3))
        unit = match.group(2) or match.group(4)
        r.exact = now_local - _delta(amount, unit, today)
        cut(match)
    elif match := _RELATIVE.search(rest):
        amount, unit, extra = _number(match.group(1)), match.group(2), match.group(3)
        delta = _delta(amount, unit, today)
        if unit in ("h", "heure", "heures", "hour", "hours") and extra:
            delta += timedelta(minutes=int(extra))
        if unit.startswith(("min", "mn", "h", "hour")):
            r.exact = now_local + delta
        else:
            r.day, r.keep_time = today + delta, True
        cut(match)

    # explicit calendar dates first, so their numbers are not read as hours
    if match := _ISO.search(rest):
        r.day = _date_or_error(int(match.group(1)), int(match.group(2)), int(match.group(3)), shown)
        cut(match)
    elif match := _NUMERIC.search(rest):
        year = _year_of(match.group(3), today)
        day = _date_or_error(year or today.year, int(match.group(2)), int(match.group(1)), shown)
        r.day = _next_year_if_past(day, today, year is not None, future)
        cut(match)
    elif match := _DAY_MONTH.search(rest):
        year = _year_of(match.group(3), today)
        day = _date_or_error(year or today.year, MONTHS[match.group(2)], _number(match.group(1)), shown)
        r.day = _next_year_if_past(day, today, year is not None, future)
        cut(match)
    elif match := _MONTH_DAY.search(rest):
        year = _year_of(match.group(3), today)
        day = _date_or_error(year or today.year, MONTHS[match.group(1)], int(match.group(2)), shown)
        r.day = _next_year_if_past(day, today, year is not None, future)
        cut(match)
    elif match := _MONTH_PART.search(rest):
        part, month = match.group(1), MONTHS[match.group(2)]
        year = _year_of(match.group(3), today) or today.year
        if match.group(3) is None and future and _month_end(year, month) < today:
            year += 1
        if part in ("fin", "end of", "late"):
            r.day, r.whole_day = _month_end(year, month), True
        else:
            r.day = date(year, month, 15 if part in ("mi", "mid") else 1)
        cut(match)
    elif match := _MONTH_ALONE.search(rest):
        raise UserError("« {saisie} » est ambigu : quel jour de {mois} ? Écrivez par exemple « le 3 {mois} "
                        "à 10h », « début {mois} » ou « fin {mois} ».", saisie=shown[:80], mois=match.group(1))

    if match := _RANGE.search(rest):
        r.clock, r.end = _time_token(match.group(1), shown), _time_token(match.group(2), shown)
        cut(match)
    elif match := _TIME.search(rest):
        r.clock = _time_of(match, shown)
        cut(match)
    elif match := _BARE_HOUR.search(rest):
        r.clock = _clock(int(match.group(1)), 0, shown)
        cut(match)
    if match := _QUALIFIER.search(rest):
        r.qualifier = match.group(1)
        cut(match)

    if match := _WEEKDAY_RE.search(rest):
        _weekday(r, match, today, shown)
        cut(match)

    for pattern, kind, amount in _WORDS:
        if match := pattern.search(rest):
            if r.day is not None and kind in ("day", "today"):
                r.weekday = r.day.weekday()  # "demain jeudi": tomorrow must be that Thursday
            _word(r, kind, amount, today)
            cut(match)
            break

    if r.day is None and (match := _DAY_ONLY.search(rest)):
        number = _number(match.group(1))
        year, month = today.year, today.month
        if future and number < today.day:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        r.day = _date_or_error(year, month, number, shown)
        cut(match)

    for word, period in PERIODS.items():
        if re.search(rf"\b{word}\b", rest):
            r.period = r.period or period
            rest = re.sub(rf"\b{word}\b", " ", rest)
    leftover = " ".join(w for w in rest.split() if w not in FILLERS)
    return r, leftover


def _delta(amount: int, unit: str, today: date) -> timedelta:
    if unit.startswith(("min", "mn")):
        return timedelta(minutes=amount)
    if unit.startswith(("h", "hour")):
        return timedelta(hours=amount)
    if unit.startswith(("jour", "day")):
        return timedelta(days=amount)
    if unit.startswith(("semaine", "week")):
        return timedelta(weeks=amount)
    if unit.startswith(("mois", "month")):
        month0 = today.month - 1 + amount
        year, month = today.year + month0 // 12, month0 % 12 + 1
        target = date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
        return target - today
    year = today.year + amount
    return date(year, today.month, min(today.day, calendar.monthrange(year, today.month)[1])) - today


def _word(r: _Reading, kind: str, amount: int, today: date) -> None:
    if kind == "day":
        r.day = today + timedelta(days=amount)
    elif kind == "today":
        r.day, r.whole_day = today, True
    elif kind in ("tonight", "this_morning", "this_afternoon"):
        r.day = today
        r.period = {"tonight": time(18, 0), "this_morning": time(9, 0), "this_afternoon": time(14, 0)}[kind]
    elif kind == "week_end":
        friday = today + timedelta(days=(4 - today.weekday()) % 7)
        r.day, r.period = friday, time(17, 0)
    elif kind == "next_week":
        r.day = today + timedelta(days=7 - today.weekday())
    elif kind == "month_end":
        r.day, r.whole_day = _month_end(today.year, today.month), True
    elif kind in ("next_month", "end_next_month"):
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        if kind == "next_month":
            r.day = date(year, month, 1)
        else:
            r.day, r.whole_day = _month_end(year, month), True


def _weekday(r: _Reading, match: re.Match[str], today: date, shown: str) -> None:
    prefix, name, number, suffix = match.groups()
    wanted = WEEKDAYS[name]
    if number is not None:
        # "vendredi 5": the 5th, which must be a Friday
        r.weekday = wanted
        year, month = today.year, today.month
        if _number(number) < today.day:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        r.day = _date_or_error(year, month, _number(number), shown)
        return
    if r.day is not None:  # "jeudi 4 mars": a check, not a second date
        r.weekday = wanted
        return
    ahead = (wanted - today.weekday()) % 7
    if suffix and suffix.startswith("dernier"):
        r.day = today - timedelta(days=(today.weekday() - wanted) % 7 or 7)
        return
    if ahead == 0 and prefix not in ("ce", "cet", "this"):
        ahead = 7  # "mardi" said on a Tuesday: next week's
    day = today + timedelta(days=ahead)
    if suffix in ("en huit", "d apres", "suivant", "suivante"):
        day += timedelta(days=7)
    elif suffix == "en quinze":
        day += timedelta(days=14)
    elif suffix == "de la semaine prochaine":
        day = today + timedelta(days=7 - today.weekday() + wanted)
    r.day = day


def _fallback(text: str, tz: str, now_local: datetime, future: bool) -> datetime | None:
    """dateparser, French and English only, for what the reader does not know."""
    import dateparser

    settings = {"TIMEZONE": tz, "RETURN_AS_TIMEZONE_AWARE": False, "RELATIVE_BASE": now_local.replace(tzinfo=None),
                "PREFER_DATES_FROM": "future" if future else "current_period", "DATE_ORDER": "DMY"}
    with _LOCK:
        return dateparser.parse(text, languages=["fr", "en"], settings=settings)


@dataclass(frozen=True)
class When:
    """A parsed moment: its start (aware UTC) and, for a range such as "10h-12h", its duration."""

    start: datetime
    duration: timedelta | None = None
    has_time: bool = True


def parse_span(text: str, tz: str, now: datetime, *, future: bool = True) -> When:
    """Like `parse_when`, but also accepts a range ("mardi 10h-12h") and says whether an hour was typed."""
    shown = " ".join(text.split())
    if not shown:
        raise UserError("Indiquez une date, par exemple « jeudi 14h » ou « le 3 mars à 10h30 ».")
    zone = ZoneInfo(tz)
    now_local = now.astimezone(zone)
    cleaned = normalise(shown)
    if cleaned.isdigit():
        raise UserError("« {saisie} » est ambigu : écrivez « le {saisie} » pour un jour du mois ou « {saisie}h » "
                        "pour une heure.", saisie=shown[:80])
    reading, leftover = _read(cleaned, now_local, future, shown)
    if reading.exact is not None and not leftover:
        moment = reading.exact.astimezone(UTC)
        return When(_check_future(moment, shown, tz, future, now), None, True)
    if leftover or (reading.day is None and reading.clock is None and reading.period is None):
        found = _fallback(_for_dateparser(cleaned), tz, now_local, future)
        if found is None:
            raise UserError("Date non comprise : « {saisie} ». Exemples : « jeudi 14h », « le 3 mars à 10h30 », "
                            "« dans 15 jours ».", saisie=shown[:80])
        typed = found.time() if found.time() != time(0) else None
        reading = _Reading(day=found.date(), clock=reading.clock or typed)
    clock = reading.clock
    has_time = clock is not None
    if clock is not None and reading.qualifier in ("soir", "apres-midi", "apres midi", "afternoon", "evening"):
        if clock.hour < 12:
            clock = clock.replace(hour=clock.hour + 12)
    day = reading.day
    if day is None:  # an hour alone: the next time it comes round
        day = now_local.date()
        if future and datetime.combine(day, clock or reading.period or DEFAULT_TIME, zone) <= now_local:
            day += timedelta(days=1)
    elif reading.weekday is not None and day.weekday() != reading.weekday:
        raise UserError("« {saisie} » est ambigu : le {date} est un {jour}, pas un {nomme}. Précisez la date "
                        "ou le jour.", saisie=shown[:80], date=day.strftime("%d/%m/%Y"),
                        jour=WEEKDAY_NAMES[day.weekday()], nomme=WEEKDAY_NAMES[reading.weekday])
    if clock is None:
        if reading.keep_time:
            clock = now_local.time().replace(second=0, microsecond=0)
        else:
            clock = reading.period or (END_OF_DAY if reading.whole_day else DEFAULT_TIME)
    local = datetime.combine(day, clock, zone)
    _check_real(local, shown, zone)
    moment = local.astimezone(UTC)
    duration = None
    if reading.end is not None:
        end_local = datetime.combine(day, reading.end, zone)
        if end_local <= local:
            raise UserError("Plage horaire à l'envers : « {saisie} ». Écrivez l'heure de début puis celle de fin, "
                            "par exemple « 10h-12h ».", saisie=shown[:80])
        duration = end_local.astimezone(UTC) - moment
    return When(_check_future(moment, shown, tz, future, now), duration, has_time)


def _check_real(local: datetime, shown: str, zone: ZoneInfo) -> None:
    """An hour skipped or repeated when the clocks change is refused rather than guessed."""
    back = local.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise UserError("« {saisie} » n'existe pas dans votre fuseau : c'est l'heure sautée au passage à l'heure "
                        "d'été. Choisissez une heure plus tard.", saisie=shown[:80])
    if local.replace(fold=1).utcoffset() != local.utcoffset():
        raise UserError("« {saisie} » est ambigu : cette heure existe deux fois au passage à l'heure d'hiver. "
                        "Choisissez une autre heure.", saisie=shown[:80])


def _check_future(moment: datetime, shown: str, tz: str, future: bool, now: datetime) -> datetime:
    if future and moment <= now:
        raise UserError("« {saisie} » tombe dans le passé ({compris}). Indiquez une date à venir.",
                        saisie=shown[:80], compris=format_datetime(moment, tz, "fr"))
    return moment


def _for_dateparser(text: str) -> str:
    text = re.sub(r"\b(\d{1,2})\s*h\s*(\d{2})\b", r"\1:\2", text)
    text = re.sub(r"\b(\d{1,2})\s*h\b", r"\1:00", text)
    return text.replace("midi", "12:00").replace("minuit", "00:00")


def parse_when(text: str, tz: str, now: datetime, *, future: bool = True) -> datetime:
    """The instant `text` means for someone in `tz` at `now`; a UserError says what was understood."""
    when = parse_span(text, tz, now, future=future)
    if when.duration is not None:
        raise UserError("« {saisie} » est une plage horaire ; ici, indiquez un seul moment, par exemple "
                        "« jeudi 10h ».", saisie=" ".join(text.split())[:80])
    return when.start


_DURATION = re.compile(r"(?:(\d+(?:[.,]\d+)?)\s*(?:h|heures?|hours?|hrs?))?\s*(?:(\d+)\s*(?:min|mn|minutes?|m)?)?")


def parse_duration(text: str, default: timedelta | None = None) -> timedelta:
    """'1h', '1h30', '90 min', '2 heures', 'une heure' -> a duration between 15 minutes and 12 hours."""
    cleaned = normalise(text.replace(",", ".")).replace("une ", "1 ").replace("un ", "1 ").replace("demi-heure", "30 min")
    cleaned = cleaned.replace("1/2 h", "30 min").replace("demie", "30").strip()
    if not cleaned:
        if default is not None:
            return default
        raise UserError("Indiquez une durée, par exemple « 1h », « 1h30 » ou « 90 min ».")
    match = _DURATION.fullmatch(cleaned)
    if match is None or not any(match.groups()) or (match.group(1) is None and "m" not in cleaned
                                                    and not cleaned.isdigit()):
        raise UserError("Durée non comprise : « {saisie} ». Exemples : « 1h », « 1h30 », « 90 min ».",
                        saisie=" ".join(text.split())[:40])
    hours = float(match.group(1).replace(",", ".")) if match.group(1) else 0.0
    minutes = int(match.group(2) or 0)
    duration = timedelta(hours=hours, minutes=minutes)
    if not timedelta(minutes=15) <= duration <= timedelta(hours=12):
        raise UserError("Durée hors limites : « {saisie} ». Entre 15 minutes et 12 heures, par exemple « 2h ».",
                        saisie=" ".join(text.split())[:40])
    return duration
