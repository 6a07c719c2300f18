"""French date input: what people type ("jeudi 14h", "le 3 mars à 10h30") -> an aware UTC instant.

Entry point for every verb that takes a date. Interpreted in the typing person's time zone. A small
French (and English) reader (`date_reader`) handles what people really type — "14h30", "midi", "jeudi
prochain", "dans 15 jours", "fin janvier", "10h-12h" — and dateparser, restricted to French and English,
reads the rest. dateparser keeps global state, so it runs under a lock.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.calendar.date_reader import Reading, not_understood, read
from handlers.calendar.date_words import WEEKDAY_NAMES, normalise
from handlers.core import UserError
from handlers.i18n import format_datetime

_LOCK = threading.Lock()  # dateparser is not thread-safe

DEFAULT_TIME = time(9, 0)  # a day named without an hour: the start of a working morning
END_OF_DAY = time(23, 59)  # "fin janvier", "jusqu'au 3 mars", "aujourd'hui": the whole day counts


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
    reading, leftover = read(cleaned, now_local, future, shown)
    if reading.exact is not None and not leftover:
        moment = reading.exact.astimezone(UTC)
        return When(_check_future(moment, shown, tz, future, now), None, True)
    if leftover or (reading.day is None and reading.clock is None and reading.period is None):
        found = _fallback(_for_dateparser(cleaned), tz, now_local, future)
        if found is None:
            raise not_understood(shown)
        typed = found.time() if found.time() != time(0) else None
        reading = Reading(day=found.date(), clock=reading.clock or typed)
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


def in_the_past(shown: str, moment: datetime, tz: str) -> UserError:
    """What a date that is already past gets: what was typed, and the moment understood (in `tz`)."""
    return UserError("« {saisie} » tombe dans le passé ({compris}). Indiquez une date à venir.",
                     saisie=shown[:80], compris=format_datetime(moment, tz, "fr"))


def _check_future(moment: datetime, shown: str, tz: str, future: bool, now: datetime) -> datetime:
    if future and moment <= now:
        raise in_the_past(shown, moment, tz)
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
