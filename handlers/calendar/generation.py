"""The year's calendar from the programme: every series' events, on allowed weekdays, never on a public
holiday of any territory the Club covers (metropolitan France and each overseas territory's own).

`plan_year` is pure (the programme and a year in, planned events out), so the charter's rules can be
checked without a database; `ensure_years` writes the missing ones, idempotently.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.calendar.programme import Programme
from handlers.calendar.programme_series import Series
from handlers.territories import by_name, resolve_zone
from storage import numbers
from storage.calendar import Event

log = logging.getLogger(__name__)

# The `holidays` package knows each overseas territory as its own "country" (France's subdivisions).
HOLIDAY_CODES = {
    "Paris": "FR", "Guadeloupe": "GP", "Martinique": "MQ", "Guyane": "GF", "La Réunion": "RE", "Mayotte": "YT",
    "Saint-Pierre-et-Miquelon": "PM", "Saint-Martin": "MF", "Saint-Barthélemy": "BL", "Nouvelle-Calédonie": "NC",
    "Polynésie française": "PF", "Wallis-et-Futuna": "WF", "Marquises": "PF", "Terres australes (TAAF)": "TF",
}
SEARCH_DAYS = 35  # how far past the nominal week a series looks for a day that fits


@dataclass(frozen=True)
class Covered:
    """A covered territory: its name, zone, and the code of its public holidays."""

    name: str
    tz: str
    code: str


@dataclass(frozen=True)
class Planned:
    series: str
    occurrence: str
    kind: str
    title: str
    starts_at: datetime  # aware UTC
    duration_minutes: int
    place: str
    audience: str
    visio_url: str | None


def covered(programme: Programme) -> list[Covered]:
    """The territories whose holidays the calendar avoids; metropolitan France always among them."""
    out: list[Covered] = [Covered("Paris", "Europe/Paris", "FR")]
    for name in programme.club.territories:
        territory = by_name(name)
        tz = resolve_zone(name)
        code = HOLIDAY_CODES.get(territory.name) if territory else None
        if territory and code and tz and all(c.code != code for c in out):
            out.append(Covered(territory.name, tz, code))
    return out


@cache
def _holidays(code: str, year: int) -> dict[date, str]:
    return dict(holidays.country_holidays(code, years=year, language="fr"))


@cache
def _zone(tz: str) -> ZoneInfo:
    """ZoneInfo keeps only its last few zones: the Club's territories, cycled through for every candidate
    day, would be read from disk again and again."""
    return ZoneInfo(tz)


def holiday_on(day: date, code: str) -> str | None:
    return _holidays(code, day.year).get(day)


def holiday_conflicts(start: datetime, end: datetime, territories: list[Covered]) -> list[tuple[str, str]]:
    """(territory, holiday) for each covered territory where the event falls on a local public holiday."""
    found: list[tuple[str, str]] = []
    for territory in territories:
        zone = _zone(territory.tz)
        days = {start.astimezone(zone).date(), (end - timedelta(seconds=1)).astimezone(zone).date()}
        for day in sorted(days):
            name = holiday_on(day, territory.code)
            if name:
                found.append((territory.name, name))
                break
    return found


def _occurrences(series: Series, year: int) -> list[tuple[str, date, int]]:
    """(occurrence key, first day to look from, rank in the series from 1) for one year of a series."""
    if series.year is not None and series.year != year:
        return []
    if series.cadence == "dates":
        return [(d.isoformat(), d, i) for i, d in enumerate(series.dates, 1) if d.year == year]
    return [(f"{year}-{month:02d}", date(year, month, 1) + timedelta(weeks=series.week - 1), i)
            for i, month in enumerate(series.months, 1)]


def _slot(series: Series, day: date) -> datetime:
    return datetime.combine(day, series.time, _zone(series.zone)).astimezone(UTC)


def fits(series: Series, start: datetime, territories: list[Covered]) -> bool:
    """An allowed weekday (in the series' zone) and no public holiday anywhere covered."""
    local_day = start.astimezone(_zone(series.zone)).date()
    end = start + timedelta(minutes=series.duration)
    return local_day.weekday() in series.weekdays and not holiday_conflicts(start, end, territories)


def _fitting_days(series: Series, first: date, territories: list[Covered]) -> list[date]:
    """The days from `first` on (within SEARCH_DAYS) where the series may meet."""
    days = [first + timedelta(days=i) for i in range(SEARCH_DAYS)]
    return [d for d in days if fits(series, _slot(series, d), territories)]


# (programme, year) -> its plan: the programme is loaded once and never changes, and every command that
# makes sure the calendar exists (agenda, calendrier, the home) asks for the same two years.
_PLANS: dict[tuple[int, int], tuple[Programme, tuple[Planned, ...]]] = {}
PLANS_KEPT = 16


def plan_year(programme: Programme, year: int) -> list[Planned]:
    """Every event of `year`, in time order: each series on its first fitting day of its nominal week."""
    kept = _PLANS.get((id(programme), year))
    if kept is None or kept[0] is not programme:
        if len(_PLANS) >= PLANS_KEPT:
            _PLANS.pop(next(iter(_PLANS)))
        kept = _PLANS[(id(programme), year)] = (programme, tuple(_plan_year(programme, year)))
    return list(kept[1])


def _plan_year(programme: Programme, year: int) -> list[Planned]:
    territories = covered(programme)
    planned: list[Planned] = []
    for series in programme.series:
        for occurrence, first, rank in _occurrences(series, year):
            if series.per_territory:
                planned.extend(_per_territory(programme, series, occurrence, first, territories))
                continue
            days = [first] if series.cadence == "dates" else _fitting_days(series, first, territories)
            start = next((_slot(series, d) for d in days if fits(series, _slot(series, d), territories)), None)
            if start is None:
                if series.cadence == "dates":  # an explicit date is kept, and the conflict logged
                    start = _slot(series, first)
                log.warning("series %s: no fitting day for %s (weekdays or holidays)", series.key, occurrence)
                if start is None:
                    continue
            planned.append(Planned(series.key, occurrence, series.kind, series.title_of(rank), start,
                                   series.duration, series.place, series.audience, series.visio))
    return sorted(planned, key=lambda p: (p.starts_at, p.series))


def _per_territory(programme: Programme, series: Series, occurrence: str, first: date,
                   territories: list[Covered]) -> list[Planned]:
    """One session per territory of the cohort, back to back, `per_day` a day on the fitting days from `first`."""
    assert programme.cohort is not None  # the programme's validation guarantees it
    names = programme.cohort.territories
    days = _fitting_days(series, first, territories)
    out: list[Planned] = []
    for i, name in enumerate(names):
        day_index, turn = divmod(i, series.per_day)
        if day_index >= len(days):
            log.warning("series %s: no day left for %s in %s", series.key, name, occurrence)
            break
        start = _slot(series, days[day_index]) + timedelta(minutes=turn * series.duration)
        out.append(Planned(series.key, f"{occurrence}/{i + 1:02d}", series.kind, f"{series.title} — {name}"[:200],
                           start, series.duration, series.place, series.audience, series.visio))
    return out


def event_of(plan: Planned, club_id: int, number: int, now: datetime, **changes: object) -> Event:
    """The calendar row of a planned event; `changes` adapt it (a working group's own session)."""
    fields = dict(series=plan.series, occurrence=plan.occurrence, kind=plan.kind, title=plan.title,
                  starts_at=plan.starts_at, duration_minutes=plan.duration_minutes, place=plan.place,
                  audience=plan.audience, visio_url=plan.visio_url) | changes
    return Event(club_id=club_id, number=number, created_at=now, updated_at=now, **fields)


def ensure_years(session: Session, club_id: int, programme: Programme, years: Iterable[int],
                 now: datetime) -> list[Event]:
    """Writes the events of those years that are not there yet (idempotent); returns the new ones. Every
    command showing the calendar calls it: when nothing is missing it costs one read of the Club's events."""
    years = tuple(years)
    if not (missing := _missing(session, club_id, programme, years)):
        return []
    # Another process may be writing the same events (two replicas' first commands, their schedulers at
    # start): wait for its turn at the event numbers, then look again at what it left missing.
    numbers.reserve(session, Event.number, club_id, 0)
    if not (missing := _missing(session, club_id, programme, years)):
        return []
    first = numbers.reserve(session, Event.number, club_id, len(missing))
    created = [event_of(plan, club_id, number, now) for number, plan in enumerate(missing, first)]
    session.add_all(created)
    session.flush()
    return created


def _missing(session: Session, club_id: int, programme: Programme, years: tuple[int, ...]) -> list[Planned]:
    existing = set(session.execute(select(Event.series, Event.occurrence).where(
        Event.club_id == club_id, Event.series.is_not(None))).all())
    return [plan for year in years for plan in plan_year(programme, year)
            if (plan.series, plan.occurrence) not in existing]
