"""The kinds of value a programme file writes again and again — an hour, a duration, a time zone, months,
weekdays, a word from a fixed list, a key — each read and checked in one place, so a mistake is reported
the same way wherever it is made (`[[series]] n°2 (rex) → zone : fuseau inconnu 'Atlantide'`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import time
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from handlers.territories import resolve_zone
from handlers.text import fold

_HOUR = re.compile(r"(\d{1,2})\s*[h:]\s*(\d{2})?")
_DURATION = re.compile(r"^(?:(\d{1,2})\s*h)?\s*(?:(\d{1,3})\s*(?:min|mn)?)?$")
_PERIOD = re.compile(r"^(\d{1,3})\s*(mois|months?|ans?|ann[ée]es?|years?)$")
_WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
             "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}


def parse_hour(value: Any) -> Any:
    """"14:00", "9h", "9h15" -> time; anything else is left for pydantic to refuse."""
    if isinstance(value, str):
        match = _HOUR.fullmatch(value.strip().lower())
        if match is None or int(match.group(1)) > 23:
            raise ValueError(f"heure illisible {value!r} ; exemple : \"14:00\"")
        return time(int(match.group(1)), int(match.group(2) or 0))
    return value


def parse_minutes(value: Any, low: int = 15, high: int = 12 * 60) -> Any:
    """"2h", "1h30", "90 min" or a number -> minutes, between `low` and `high`."""
    if isinstance(value, str):
        match = _DURATION.match(value.strip().lower())
        if not value.strip() or match is None:
            raise ValueError(f"durée illisible {value!r} ; exemples : \"2h\", \"1h30\", \"90 min\"")
        value = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    if isinstance(value, int) and not low <= value <= high:
        raise ValueError(f"durée entre {low} minutes et {high // 60} heures")
    return value


def parse_months(value: Any) -> Any:
    """"3 mois", "1 an", "2 ans", "6 months", "1 year" or a number of months -> months, from 1 to 120:
    how long personal data is kept."""
    if isinstance(value, str):
        match = _PERIOD.match(" ".join(value.strip().lower().split()))
        if match is None:
            raise ValueError(f"durée illisible {value!r} ; exemples : \"3 mois\", \"1 an\"")
        value = int(match.group(1)) * (1 if match.group(2).startswith(("mois", "month")) else 12)
    if isinstance(value, int) and not 1 <= value <= 120:
        raise ValueError("durée de conservation entre 1 mois et 10 ans")
    return value


def minutes_of(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def twice(values: Iterable[Any]) -> list[str]:
    """The values written more than once, sorted: what a "… en double" message names."""
    values = list(values)
    return sorted({str(v) for v in values if values.count(v) > 1})


def no_twice(label: str) -> Callable[[list[Any]], list[Any]]:
    """A list whose items are distinct, else "<label> en double : a, b"."""

    def check(values: list[Any]) -> list[Any]:
        found = twice(values)
        if found:
            raise ValueError(f"{label} en double : {', '.join(found)}")
        return values

    return check


def _zone(value: str) -> str:
    zone = resolve_zone(value)
    if zone is None:
        raise ValueError(f"fuseau inconnu : {value!r}")
    return zone


def _months(values: list[int]) -> list[int]:
    bad = [m for m in values if not 1 <= m <= 12]
    if bad:
        raise ValueError(f"mois hors de 1..12 : {bad}")
    return sorted(set(values))


def _weekdays(values: Any) -> Any:
    if not isinstance(values, list) or not values:
        raise ValueError("au moins un jour, par exemple [\"mardi\", \"jeudi\"]")
    out = []
    for value in values:
        day = _WEEKDAYS.get(fold(value)) if isinstance(value, str) else None
        if day is None:
            raise ValueError(f"jour inconnu {value!r} ; écrivez lundi, mardi… dimanche")
        out.append(day)
    return sorted(set(out))


def _folded(value: Any) -> Any:
    return fold(value) if isinstance(value, str) else value


def one_of(unknown: str, choices: tuple[str, ...]) -> Any:
    """A word of `choices`, read without accents or capitals; `unknown` starts the message of any other
    ("genre inconnu" -> "genre inconnu 'apero' ; choix : rencontre, …")."""

    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"{unknown} {value!r} ; choix : {', '.join(choices)}")
        return value

    return Annotated[str, BeforeValidator(_folded), AfterValidator(check)]


def _key(length: int, capitals: bool = False) -> Any:
    """A stable identifier (`rex`, `secretariat`): a letter or digit, then letters, digits, dashes."""
    letters = "A-Za-z0-9" if capitals else "a-z0-9"
    return Annotated[str, Field(pattern=rf"^[{letters}][{letters}\-]{{0,{length - 1}}}$")]


Hour = Annotated[time, BeforeValidator(parse_hour)]
OptionalHour = Annotated[time | None, BeforeValidator(parse_hour)]
Minutes = Annotated[int, BeforeValidator(parse_minutes)]  # an event: 15 minutes to 12 hours
ItemMinutes = Annotated[int | None, BeforeValidator(lambda value: parse_minutes(value, 1))]  # an agenda item
RetentionMonths = Annotated[int, BeforeValidator(parse_months)]  # how long personal data is kept
Zone = Annotated[str, AfterValidator(_zone)]
Months = Annotated[list[int], AfterValidator(_months)]
Weekdays = Annotated[list[int], BeforeValidator(_weekdays)]
SeriesKey = _key(48)  # in the UIDs of the .ics feeds
RoleKey = _key(32)
WorkshopKey = _key(16, capitals=True)  # "A", "B2": what people type to register
