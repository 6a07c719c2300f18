"""The collective (config/examples/collectif.toml): roles, and a presidency that rotates at each step."""

from __future__ import annotations

import pytest

from bot.platforms.console import SimulatedClock
from handlers import ClubSettings, Service
from tests.handlers.formats.support import console_at, settings_for


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock()


@pytest.fixture
def club_settings() -> ClubSettings:
    return settings_for("collectif.toml")


def test_presidency_shows_the_current_holder_and_the_history(service: Service) -> None:
    console = console_at(service, "1 juin 2020 10h")
    shown = console.run_line("/club presidence")
    assert "Présidence du Comité de pilotage : Daniel LEBEGUE" in shown
    assert "1. Hubert ALLIER" in shown and "3. Hugues SIBILLE" in shown and "4. Daniel LEBEGUE depuis 2019" in shown
    assert "Prochaine présidence : Organisation membre 1 (prochaine étape : 4 janvier 2021)" in shown
    roles = console.run_line("/club fonctions")
    assert "Présidence (`presidence`) : à pourvoir" in roles and "Secrétariat général (`secretariat`)" in roles


def test_the_secretariat_passes_the_presidency_on_and_history_is_kept(service: Service) -> None:
    console = console_at(service, "1 juin 2020 10h")
    console.run_line(":as kevin")
    assert "réservé à l'équipe d'animation et au secrétariat général" in console.run_line("/club presidence tourner")
    console.run_line(":as camille")
    console.run_line("/club fonction @lea secretariat")
    console.run_line(":as lea")
    turned = console.run_line("/club presidence tourner")
    assert "#club | 🔄 Présidence tournante : la présidence passe à Organisation membre 1 (5e présidence)" in turned
    assert "Présidence du Comité de pilotage : Organisation membre 1" in turned
    assert "4. Daniel LEBEGUE" in turned and "5. Organisation membre 1 depuis 1 juin 2020" in turned
    assert "Fonctions : Secrétariat général" in console.run_line("/club moi")


def test_the_presidency_rotates_by_itself_at_each_step_once(service: Service) -> None:
    console = console_at(service, "1 juin 2020 10h")
    console.run_line("/club calendrier")  # the file's steps are read with the calendar
    console.run_line(":now 5 janvier 2021 9h")
    ticked = console.run_line(":tick")
    assert "la présidence passe à Organisation membre 1 (5e présidence)" in ticked
    assert console.run_line(":tick") == ""
    shown = console.run_line("/club presidence")
    assert "Présidence du Comité de pilotage : Organisation membre 1" in shown
    assert "Prochaine présidence : Organisation membre 2 (prochaine étape : non datée)" in shown
