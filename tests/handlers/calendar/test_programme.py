"""Programme files of sister formats: clear errors for mistakes, and each example runs in `club-bot console`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from handlers.calendar.programme import ProgrammeError, load_programme
from tests.handlers.formats.support import EXAMPLES

DAY = """[club]
slug = "s"
name = "S"
[[series]]
key = "journee"
kind = "seminaire"
title = "Journée"
cadence = "dates"
dates = [2019-11-15]
weekdays = ["vendredi"]
time = "09:00"
duration = "8h"
slots = [{slots}]
"""


def _load(tmp_path: Path, text: str):
    path = tmp_path / "programme.toml"
    path.write_text(text, encoding="utf-8")
    return load_programme(path)


@pytest.mark.parametrize(("slots", "extra", "expected"), [
    ('{ start = "08:00", title = "Café" }', "", "créneau « Café » (08:00) hors de la journée (09:00, 480 min)"),
    ('{ start = "10:00", end = "09:30", title = "Atelier" }', "", "la fin (09:30) doit suivre le début (10:00)"),
    ('{ start = "10:00", end = "11:00", title = "A" }, { start = "10:30", title = "B" }', "",
     "créneau « B » (10:30) : les créneaux se chevauchent"),
    ('{ start = "10:00", title = "A", workshops = 1 }',
     '[seminar]\nseries = "journee"\n[[seminar.workshops]]\nkey = "A"\nphase = 2\ntitle = "A"\ncapacity = 10\n',
     "aucun créneau de la série 'journee' pour la phase 2"),
    ('{ start = "10:00", title = "A" }', '[seminar]\nseries = "autre"\n', "aucune série de clé 'autre'"),
])
def test_mistakes_in_a_day_are_named(tmp_path: Path, slots: str, extra: str, expected: str) -> None:
    with pytest.raises(ProgrammeError) as error:
        _load(tmp_path, DAY.format(slots=slots) + extra)
    assert expected in str(error.value)


def test_other_mistakes_are_named(tmp_path: Path) -> None:
    head = '[club]\nslug = "p"\nname = "P"\n'
    with pytest.raises(ProgrammeError, match="une phase datée a un début et une fin"):
        _load(tmp_path, head + '[[phases]]\nname = "Test"\nstart = 2018-05-01\n')
    per = ('[[series]]\nkey = "suivis"\nkind = "session"\ntitle = "Suivi"\ncadence = "mois"\nmonths = [6]\n'
           'time = "14:00"\nduration = "1h"\nper_territory = true\n')
    with pytest.raises(ProgrammeError, match=r"une série `per_territory` demande une table \[cohort\]"):
        _load(tmp_path, head + per)
    with pytest.raises(ProgrammeError, match="presidency.order : organisations absentes"):
        _load(tmp_path, head + '[collective]\norganisations = ["A", "B"]\n[collective.presidency]\norder = ["C"]\n')
    with pytest.raises(ProgrammeError, match="collective → presidency → zone : fuseau inconnu : 'Atlantide'"):
        _load(tmp_path, head + '[collective]\norganisations = ["A", "B"]\n[collective.presidency]\nzone = "Atlantide"\n')
    with pytest.raises(ProgrammeError, match="cohort → territories : territoires en double : B"):
        _load(tmp_path, head + '[cohort]\nterritories = ["A", "B", "B"]\n')


def test_a_presidency_zone_is_written_like_any_other(tmp_path: Path) -> None:
    head = '[club]\nslug = "p"\nname = "P"\n'
    loaded = _load(tmp_path, head + '[collective]\norganisations = ["A", "B"]\n[collective.presidency]\nzone = "Martinique"\n')
    assert loaded.collective.presidency.zone == "America/Martinique"


SESSIONS = {
    "collectif.toml": (":now 1 juin 2020 10h\n/club calendrier\n/club odj 1\n/club presidence\n",
                       ["Réunion du Collectif", "1. Rappel du cheminement du Collectif", "Daniel LEBEGUE"]),
    "parcours-co-construction.toml": (":now 15 janvier 2018\n/club calendrier\n/club cohorte rejoindre 1\n",
                                      ["Session collective S1", "Comité d'orientation",
                                       "Vous représentez Territoire pilote 1."]),
    "seminaire-bloc-local.toml": (":now 2 septembre 2019\n/club journee\n/club atelier 1 A\n",
                                  ["09:15–10:30 Conférence en dialogue", "CIDGI 006",
                                   "Inscription enregistrée : vous — phase 1, atelier A"]),
}


@pytest.mark.parametrize("example", sorted(SESSIONS))
def test_each_example_runs_in_the_console(tmp_path: Path, example: str) -> None:
    lines, expected = SESSIONS[example]
    env = {**os.environ, "CLUB_CONFIG": str(EXAMPLES / example),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'club.sqlite3'}"}
    done = subprocess.run([sys.executable, "-m", "bot", "console"], input=lines, capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    for text in expected:
        assert text in done.stdout
