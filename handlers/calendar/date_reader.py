"""The French date reader: it consumes from a `normalise`d text what it knows — a calendar date, an hour or a
range, a weekday, "demain", "dans 15 jours", "fin janvier"… — and says what it understood (`Reading`)
and what it could not read (the rest, which `dates` hands to dateparser).

Each problem it can name (a date that does not exist, an impossible hour, a weekday that contradicts
the date) is a UserError quoting what was typed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from handlers.calendar.date_words import (
    AGO,
    BARE_HOUR,
    DAY_MONTH,
    DAY_ONLY,
    FILLERS,
    ISO,
    MONTH_ALONE,
    MONTH_DAY,
    MONTH_PART,
    MONTHS,
    NUMERIC,
    PERIODS,
    QUALIFIER,
    RANGE,
    RELATIVE,
    TIME,
    UNTIL,
    WEEKDAY_RE,
    WEEKDAYS,
    WORDS,
    number_of,
)
from handlers.core import UserError


def not_understood(shown: str) -> UserError:
    return UserError("Date non comprise : « {saisie} ». Exemples : « jeudi 14h », « le 3 mars à 10h30 », "
                     "« dans 15 jours ».", saisie=shown[:80])


def _impossible_hour(shown: str) -> UserError:
    return UserError("Heure impossible : « {saisie} ». Les heures vont de 0h à 23h59, par exemple « 14h30 ».",
                     saisie=shown[:80])


@dataclass
class Reading:
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
        raise _impossible_hour(shown)
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
            raise _impossible_hour(shown)
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    return _clock(hour, int(minute or 0), shown)


def _time_token(token: str, shown: str) -> time:
    match = TIME.fullmatch(token.strip())
    if match is None:
        raise not_understood(shown)
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


def read(text: str, now_local: datetime, future: bool, shown: str) -> tuple[Reading, str]:
    """The French reader: consumes what it knows and returns its reading and the unread rest."""
    r = Reading()
    today = now_local.date()
    rest = text

    def cut(match: re.Match[str]) -> None:
        nonlocal rest
        rest = rest[: match.start()] + " " + rest[match.end():]

    if UNTIL.search(rest):
        r.whole_day = True
        rest = UNTIL.sub(" ", rest)

    if match := AGO.search(rest):
        amount = number_of(match.group(1) or match.group(3))
        unit = match.group(2) or match.group(4)
        r.exact = now_local - _delta(amount, unit, today)
        cut(match)
    elif match := RELATIVE.search(rest):
        amount, unit, extra = number_of(match.group(1)), match.group(2), match.group(3)
        delta = _delta(amount, unit, today)
        if unit in ("h", "heure", "heures", "hour", "hours") and extra:
            delta += timedelta(minutes=int(extra))
        if unit.startswith(("min", "mn", "h", "hour")):
            r.exact = now_local + delta
        else:
            r.day, r.keep_time = today + delta, True
        cut(match)

    # explicit calendar dates first, so their numbers are not read as hours
    if match := ISO.search(rest):
        r.day = _date_or_error(int(match.group(1)), int(match.group(2)), int(match.group(3)), shown)
        cut(match)
    elif match := NUMERIC.search(rest):
        year = _year_of(match.group(3), today)
        day = _date_or_error(year or today.year, int(match.group(2)), int(match.group(1)), shown)
        r.day = _next_year_if_past(day, today, year is not None, future)
        cut(match)
    elif match := DAY_MONTH.search(rest):
        year = _year_of(match.group(3), today)
        day = _date_or_error(year or today.year, MONTHS[match.group(2)], number_of(match.group(1)), shown)
        r.day = _next_year_if_past(day, today, year is not None, future)
        cut(match)
    elif match := MONTH_DAY.search(rest):
        year = _year_of(match.group(3), today)
        day = _date_or_error(year or today.year, MONTHS[match.group(1)], int(match.group(2)), shown)
        r.day = _next_year_if_past(day, today, year is not None, future)
        cut(match)
    elif match := MONTH_PART.search(rest):
        part, month = match.group(1), MONTHS[match.group(2)]
        year = _year_of(match.group(3), today) or today.year
        if match.group(3) is None and future and _month_end(year, month) < today:
            year += 1
        if part in ("fin", "end of", "late"):
            r.day, r.whole_day = _month_end(year, month), True
        else:
            r.day = date(year, month, 15 if part in ("mi", "mid") else 1)
        cut(match)
    elif match := MONTH_ALONE.search(rest):
        raise UserError("« {saisie} » est ambigu : quel jour de {mois} ? Écrivez par exemple « le 3 {mois} "
                        "à 10h », « début {mois} » ou « fin {mois} ».", saisie=shown[:80], mois=match.group(1))

    if match := RANGE.search(rest):
        r.clock, r.end = _time_token(match.group(1), shown), _time_token(match.group(2), shown)
        cut(match)
    elif match := TIME.search(rest):
        r.clock = _time_of(match, shown)
        cut(match)
    elif match := BARE_HOUR.search(rest):
        r.clock = _clock(int(match.group(1)), 0, shown)
        cut(match)
    if match := QUALIFIER.search(rest):
        r.qualifier = match.group(1)
        cut(match)

    if match := WEEKDAY_RE.search(rest):
        _weekday(r, match, today, shown)
        cut(match)

    for pattern, kind, amount in WORDS:
        if match := pattern.search(rest):
            if r.day is not None and kind in ("day", "today"):
                r.weekday = r.day.weekday()  # "demain jeudi": tomorrow must be that Thursday
            _word(r, kind, amount, today)
            cut(match)
            break

    if r.day is None and (match := DAY_ONLY.search(rest)):
        number = number_of(match.group(1))
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


def _word(r: Reading, kind: str, amount: int, today: date) -> None:
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


def _weekday(r: Reading, match: re.Match[str], today: date, shown: str) -> None:
    prefix, name, number, suffix = match.groups()
    wanted = WEEKDAYS[name]
    if number is not None:
        # "vendredi 5": the 5th, which must be a Friday
        r.weekday = wanted
        year, month = today.year, today.month
        if number_of(number) < today.day:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        r.day = _date_or_error(year, month, number_of(number), shown)
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
