"""The weekly slot finder: which weekday and Paris start time keep the most members inside working
hours (08:00–19:00 local, Monday to Friday) — all year, since Paris changes to summer time and most
overseas territories do not.

Each candidate is checked on every date it falls on over the coming year. Dates are grouped by their
UTC offsets (a "regime": winter, summer, and the weeks when only one side has changed), so each slot
is evaluated once per regime, not once per date; a day on which some zone changes its clocks is
evaluated on its own, with real conversions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

REF_ZONE = "Europe/Paris"
DAY_START = 8 * 60
DAY_END = 19 * 60
STEP = 30  # minutes between candidate start times
WEEKDAYS = (0, 1, 2, 3, 4)  # candidates are Monday to Friday in Paris
WEEKDAY_PREFERENCE = {1: 0, 2: 1, 3: 2, 0: 3, 4: 4}  # mid-week first, like the rencontres


@dataclass(frozen=True)
class Slot:
    weekday: int  # 0 = Monday, in the reference zone
    start: int  # minutes after midnight, in the reference zone

    @property
    def clock(self) -> time:
        return time(self.start // 60, self.start % 60)


@dataclass
class Score:
    """How a slot fares: members inside working hours on every date, member-dates inside, and per zone
    the number of dates it is inside out of the dates it falls on."""

    slot: Slot
    all_year: int
    member_dates: int
    dates: int
    inside: dict[str, int] = field(default_factory=dict)

    def key(self) -> tuple:
        # member-dates as a share of the slot's dates: a Monday that comes 53 times is no better
        share = Fraction(self.member_dates, self.dates) if self.dates else Fraction(0)
        return (-self.all_year, -share, *preference(self.slot))

    def partial(self) -> list[str]:
        return [zone for zone, n in self.inside.items() if 0 < n < self.dates]

    def never(self) -> list[str]:
        return [zone for zone, n in self.inside.items() if n == 0]


def preference(slot: Slot) -> tuple[int, int, int]:
    """Ties go to a Paris afternoon (13:00–17:00), then closest to 14:00, then mid-week."""
    afternoon = 0 if 13 * 60 <= slot.start <= 17 * 60 else 1
    return afternoon, abs(slot.start - 14 * 60), WEEKDAY_PREFERENCE[slot.weekday]


def candidates(duration: int) -> list[Slot]:
    return [Slot(w, m) for w in WEEKDAYS for m in range(0, 24 * 60, STEP)]


def inside(local: datetime, duration: int) -> bool:
    """Monday–Friday, starting at 08:00 or later and ending by 19:00, in that person's zone."""
    minute = local.hour * 60 + local.minute
    return local.weekday() < 5 and minute >= DAY_START and minute + duration <= DAY_END


def _offset(zone: ZoneInfo, moment: datetime) -> int:
    return int(moment.astimezone(zone).utcoffset().total_seconds() // 60)


def _regimes(weekday: int, zones: list[str], start: date, days: int) -> tuple[Counter, list[date]]:
    """Dates of `weekday` in [start, start+days) grouped by (reference offset, each zone's offset);
    dates on which any offset changes during the day are returned apart, to evaluate exactly."""
    ref = ZoneInfo(REF_ZONE)
    infos = [ZoneInfo(z) for z in zones]
    regimes: Counter = Counter()
    irregular: list[date] = []
    first = start + timedelta(days=(weekday - start.weekday()) % 7)
    day = first
    while day < start + timedelta(days=days):
        morning = datetime.combine(day, time(0, 0), ref)
        evening = datetime.combine(day, time(23, 59), ref)
        offsets = tuple(_offset(z, morning) for z in [ref, *infos])
        if offsets != tuple(_offset(z, evening) for z in [ref, *infos]):
            irregular.append(day)
        else:
            regimes[offsets] += 1
        day += timedelta(days=7)
    return regimes, irregular


def score_all(zone_counts: dict[str, int], duration: int, start: date, days: int = 365) -> list[Score]:
    """Every candidate slot scored over `days` days from `start`."""
    zones = sorted(zone_counts)
    scores: list[Score] = []
    for weekday in WEEKDAYS:
        regimes, irregular = _regimes(weekday, zones, start, days)
        total = sum(regimes.values()) + len(irregular)
        for slot in (s for s in candidates(duration) if s.weekday == weekday):
            counts = dict.fromkeys(zones, 0)
            for offsets, n in regimes.items():
                ref_offset = offsets[0]
                for zone, zone_offset in zip(zones, offsets[1:], strict=True):
                    local = slot.start - ref_offset + zone_offset
                    local_day = (weekday + local // (24 * 60)) % 7
                    minute = local % (24 * 60)
                    if local_day < 5 and minute >= DAY_START and minute + duration <= DAY_END:
                        counts[zone] += n
            for day in irregular:
                moment = datetime.combine(day, slot.clock, ZoneInfo(REF_ZONE)).astimezone(UTC)
                for zone in zones:
                    if inside(moment.astimezone(ZoneInfo(zone)), duration):
                        counts[zone] += 1
            all_year = sum(zone_counts[z] for z in zones if counts[z] == total)
            member_dates = sum(zone_counts[z] * counts[z] for z in zones)
            scores.append(Score(slot, all_year, member_dates, total, counts))
    return scores


def best_slots(zone_counts: dict[str, int], duration: int, start: date, days: int = 365,
               limit: int = 3) -> list[Score]:
    """The best slots first: most members all year, then the largest share of member-dates, then a Paris
    afternoon. After the best one, one slot per other weekday, so the alternatives differ."""
    ranked = sorted(score_all(zone_counts, duration, start, days), key=Score.key)
    chosen: list[Score] = []
    for score in ranked:
        if all(score.slot.weekday != c.slot.weekday for c in chosen):
            chosen.append(score)
        if len(chosen) == limit:
            break
    return chosen


def local_times(slot: Slot, duration: int, zone: str, start: date, days: int = 365) -> list[tuple[str, str]]:
    """The distinct local (start, end) hours of a slot in `zone` over the period, in order of first use."""
    ref = ZoneInfo(REF_ZONE)
    seen: list[tuple[str, str]] = []
    day = start + timedelta(days=(slot.weekday - start.weekday()) % 7)
    while day < start + timedelta(days=days):
        begin = datetime.combine(day, slot.clock, ref).astimezone(ZoneInfo(zone))
        end = begin + timedelta(minutes=duration)
        shown = (begin.strftime("%H:%M"), end.strftime("%H:%M"))
        if begin.date() != day:
            shown = (shown[0] + (" (+1 j)" if begin.date() > day else " (-1 j)"), shown[1])
        if shown not in seen:
            seen.append(shown)
        day += timedelta(days=7)
    return seen


def dates_outside(slot: Slot, duration: int, zone: str, start: date, days: int = 365) -> list[date]:
    ref = ZoneInfo(REF_ZONE)
    out: list[date] = []
    day = start + timedelta(days=(slot.weekday - start.weekday()) % 7)
    while day < start + timedelta(days=days):
        moment = datetime.combine(day, slot.clock, ref)
        if not inside(moment.astimezone(ZoneInfo(zone)), duration):
            out.append(day)
        day += timedelta(days=7)
    return out
