"""The slot finder equals the brute-force optimum: every slot checked on every date, with real zones."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from handlers.calendar import slots

ZONES = ["Europe/Paris", "America/Martinique", "America/Guadeloupe", "America/Cayenne", "Indian/Reunion",
         "Indian/Mayotte", "America/Miquelon", "Pacific/Noumea", "Pacific/Tahiti", "Pacific/Wallis",
         "America/Montreal"]  # Montreal: summer time on other dates than Paris


def brute_force(zone_counts: dict[str, int], duration: int, start: date, days: int = 365):
    """The plainest possible search: each weekday × half-hour, each date, each member's zone."""
    paris = ZoneInfo("Europe/Paris")
    best = None
    for weekday in range(5):
        dates = [start + timedelta(days=i) for i in range(days) if (start + timedelta(days=i)).weekday() == weekday]
        for minute in range(0, 24 * 60, 30):
            inside = dict.fromkeys(zone_counts, 0)
            for day in dates:
                begin = datetime.combine(day, time(minute // 60, minute % 60), paris)
                for zone in zone_counts:
                    local = begin.astimezone(ZoneInfo(zone))
                    local_end = local + timedelta(minutes=duration)
                    if (local.weekday() < 5 and local.hour * 60 + local.minute >= 8 * 60
                            and local_end.date() == local.date()
                            and local_end.hour * 60 + local_end.minute <= 19 * 60):
                        inside[zone] += 1
            all_year = sum(n for zone, n in zone_counts.items() if inside[zone] == len(dates))
            share = Fraction(sum(zone_counts[z] * inside[z] for z in zone_counts), len(dates))
            afternoon = 0 if 13 * 60 <= minute <= 17 * 60 else 1
            key = (-all_year, -share, afternoon, abs(minute - 14 * 60), {1: 0, 2: 1, 3: 2, 0: 3, 4: 4}[weekday])
            if best is None or key < best[0]:
                best = (key, weekday, minute)
    return best


def test_four_territories_fit_a_paris_afternoon() -> None:
    counts = {"Europe/Paris": 1, "America/Martinique": 1, "Indian/Reunion": 1, "America/Cayenne": 1}
    best = slots.best_slots(counts, 60, date(2027, 1, 11))[0]
    assert (best.slot.weekday, best.slot.start) == (1, 14 * 60)
    assert best.all_year == 4 and best.partial() == [] and best.never() == []


def test_a_slot_that_leaves_someone_out_in_summer_is_flagged() -> None:
    counts = {"Europe/Paris": 3, "America/Martinique": 2}
    scores = {(s.slot.weekday, s.slot.start): s for s in slots.score_all(counts, 60, date(2027, 1, 11))}
    # 13:00 in Paris is 08:00 in Martinique in winter but 07:00 in summer
    early = scores[(1, 13 * 60)]
    assert early.partial() == ["America/Martinique"]
    assert slots.dates_outside(early.slot, 60, "America/Martinique", date(2027, 1, 11))[0] == date(2027, 3, 30)


@pytest.mark.parametrize("seed", range(12))
def test_finder_equals_brute_force_on_random_members(seed: int) -> None:
    rng = random.Random(seed)
    chosen = rng.sample(ZONES, rng.randint(1, 6))
    counts = {zone: rng.randint(1, 9) for zone in chosen}
    duration = rng.choice([30, 60, 90, 120, 180])
    start = date(2026, 1, 1) + timedelta(days=rng.randint(0, 700))
    best = slots.best_slots(counts, duration, start)[0]
    expected_key, weekday, minute = brute_force(counts, duration, start)
    assert best.key() == expected_key
    assert (best.slot.weekday, best.slot.start) == (weekday, minute)
