"""The 2027 calendar generated from the charter's programme, checked against the charter's rules."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest

from handlers.calendar.generation import covered, plan_year
from handlers.calendar.programme import ProgrammeError, load_programme

PARIS = ZoneInfo("Europe/Paris")
EVERY_TERRITORY = {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "NC", "PF", "WF"}


@pytest.fixture(scope="module")
def year_2027():
    return plan_year(load_programme(), 2027)


def test_the_charter_programme_covers_every_territory_and_their_holidays() -> None:
    assert {c.code for c in covered(load_programme())} == EVERY_TERRITORY


def test_rencontres_are_on_tuesday_wednesday_or_thursday_in_paris(year_2027) -> None:
    rencontres = [e for e in year_2027 if e.kind == "rencontre"]
    assert [e.starts_at.astimezone(PARIS).month for e in rencontres] == [2, 7, 11]
    for event in rencontres:
        assert event.starts_at.astimezone(PARIS).weekday() in (1, 2, 3)
        assert event.place == "Paris" and event.duration_minutes == 6 * 60


def test_no_event_falls_on_a_public_holiday_of_any_covered_territory(year_2027) -> None:
    territories = covered(load_programme())
    for event in year_2027:
        for territory in territories:
            local = event.starts_at.astimezone(ZoneInfo(territory.tz)).date()
            assert local not in holidays.country_holidays(territory.code, years=local.year), (event, territory)


def test_cadences_groups_every_two_months_rex_all_year(year_2027) -> None:
    def months(kind: str) -> list[int]:
        return [e.starts_at.astimezone(PARIS).month for e in year_2027 if e.kind == kind]

    assert months("groupe") == [3, 5, 7, 9]
    assert months("rex") == [1, 3, 5, 7, 9, 11]
    assert all(e.duration_minutes == 120 for e in year_2027 if e.kind == "groupe")
    assert all(e.duration_minutes == 60 for e in year_2027 if e.kind == "rex")


def test_rex_keep_their_fixed_slot(year_2027) -> None:
    for event in (e for e in year_2027 if e.kind == "rex"):
        local = event.starts_at.astimezone(PARIS)
        assert (local.weekday(), local.time()) == (3, time(14, 0))
        # suited to the overseas territories: inside working hours in the Antilles and La Réunion
        for zone in ("America/Martinique", "America/Guadeloupe", "America/Cayenne", "Indian/Reunion"):
            assert 8 <= event.starts_at.astimezone(ZoneInfo(zone)).hour < 19


def test_events_fall_inside_their_phases(year_2027) -> None:
    programme = load_programme()
    phase = {p.name: set(p.months) for p in programme.phases}
    for event in year_2027:
        month = event.starts_at.astimezone(PARIS).month
        if event.kind == "groupe":
            assert month in phase["Groupes de travail thématiques"]
        if event.series == "rencontre-fevrier":
            assert month in phase["Rencontre de février-mars"]
        if event.series == "rencontre-novembre":
            assert month in phase["Rencontre d'octobre-novembre"]


def test_every_event_is_in_2027_and_each_slot_once(year_2027) -> None:
    assert {e.starts_at.astimezone(PARIS).year for e in year_2027} == {2027}
    keys = [(e.series, e.occurrence) for e in year_2027]
    assert len(keys) == len(set(keys)) == 13


OVERSEAS = """
[club]
slug = "essai"
name = "Essai"
territories = ["Paris", "Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte", "Nouvelle-Calédonie"]
{series}
"""


def series(key: str, month: int, week: int, weekday: str, at: str = "10:00", zone: str = "Paris") -> str:
    return f"""
[[series]]
key = "{key}"
kind = "session"
title = "Séance {key}"
cadence = "unique"
months = [{month}]
week = {week}
weekdays = ["{weekday}"]
time = "{at}"
zone = "{zone}"
duration = "1h"
"""


def test_the_overseas_abolition_days_and_local_dates_are_avoided(tmp_path: Path) -> None:
    path = tmp_path / "essai.toml"
    path.write_text(OVERSEAS.format(series="".join([
        series("guadeloupe", 5, 4, "jeudi"),  # Thu 27 May 2027: abolition of slavery in Guadeloupe
        series("guyane", 6, 2, "jeudi"),  # Thu 10 June: in Guyane
        series("reunion", 12, 3, "lundi"),  # Mon 20 December: in La Réunion
        series("mayotte", 4, 4, "mardi"),  # Tue 27 April: in Mayotte
        series("noumea", 9, 4, "jeudi", "15:00"),  # Thu 23 Sept 15:00 Paris = Fri 24 Sept 00:00 in Nouméa
        series("martinique", 5, 4, "samedi", "9:00", "Martinique"),  # Sat 22 May: in Martinique
    ])), encoding="utf-8")
    planned = {p.series: p.starts_at.astimezone(PARIS).date() for p in plan_year(load_programme(path), 2027)}
    assert planned == {
        "guadeloupe": date(2027, 6, 3), "guyane": date(2027, 6, 17), "reunion": date(2027, 12, 27),
        "mayotte": date(2027, 5, 4), "noumea": date(2027, 9, 30), "martinique": date(2027, 5, 29),
    }


@pytest.mark.parametrize(("snippet", "message"), [
    ('weekdays = ["mardy"]', "[[series]] n°1 (rex) → weekdays : jour inconnu 'mardy'"),
    ('months = [1, 2, 5]', "[[series]] n°1 (rex) : cadence \"bimestriel\" : les mois [1, 2, 5] ne sont pas espacés"),
    ('zone = "Atlantide"', "[[series]] n°1 (rex) → zone : fuseau inconnu"),
    ('kind = "apéro"', "[[series]] n°1 (rex) → kind : genre inconnu 'apero'"),
    ('duration = "longtemps"', "[[series]] n°1 (rex) → duration : durée illisible"),
])
def test_programme_mistakes_name_the_file_and_the_key(tmp_path: Path, snippet: str, message: str) -> None:
    fields = {"key": '"rex"', "kind": '"rex"', "title": '"REX"', "cadence": '"bimestriel"', "months": "[1, 3]",
              "weekdays": '["jeudi"]', "time": '"14:00"', "duration": '"1h"'}
    name, _, value = snippet.partition(" = ")
    fields[name] = value
    body = "\n".join(f"{k} = {v}" for k, v in fields.items())
    path = tmp_path / "club.toml"
    path.write_text(f'[club]\nslug = "x"\nname = "X"\n\n[[series]]\n{body}\n', encoding="utf-8")
    with pytest.raises(ProgrammeError) as caught:
        load_programme(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_toml_syntax_errors_give_the_line(tmp_path: Path) -> None:
    path = tmp_path / "club.toml"
    path.write_text('[club]\nslug = "x"\nname = \n', encoding="utf-8")
    with pytest.raises(ProgrammeError) as caught:
        load_programme(path)
    assert "line 3" in str(caught.value) and str(path) in str(caught.value)
