"""The collective (config/examples/collectif.toml): roles, and a presidency that rotates at each step."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.platforms.console import SimulatedClock
from handlers import ClubSettings, Command, Service
from storage.formats import PresidencyTerm
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


def test_roles_are_given_and_taken_back_by_facilitators(service: Service) -> None:
    console = console_at(service, "1 juin 2020 10h")
    helped = console.run_line("/club aide fonction")
    assert "/club fonction donner (attribuer, give)" in helped and "/club fonction retirer (remove)" in helped
    assert "Réservé au rôle « facilitateur » et au-delà." in helped
    assert "kevin a la fonction « Présidence »." in console.run_line("/club fonction give @kevin presidence")
    assert "Présidence (`presidence`) : kevin" in console.run_line("/club fonctions")
    console.run_line(":as lea")
    for line in ("/club fonction @lea secretariat", "/club fonction retirer @kevin presidence"):
        assert "réservée aux personnes ayant le rôle « facilitateur »" in console.run_line(line)
    console.run_line(":as camille")
    assert "kevin n'a plus la fonction « Présidence »." in console.run_line("/club fonction remove @kevin presidence")
    assert "Présidence (`presidence`) : à pourvoir" in console.run_line("/club fonctions")
    assert "clés : `presidence`, `secretariat`" in console.run_line("/club fonction retirer @kevin")


def test_an_unknown_or_mistyped_presidency_action_is_named(service: Service) -> None:
    console = console_at(service, "1 juin 2020 10h")
    assert "Sous-commande inconnue : « demain »" in console.run_line("/club presidence demain")
    assert "Vouliez-vous dire `/club presidence tourner` ?" in console.run_line("/club presidence tourne")
    assert "Écrivez `/club presidence` (la voir)" in console.run_line("/club presidence tourner demain")
    assert "4. Daniel LEBEGUE depuis 2019" in console.run_line("/club presidence")  # nothing passed on
    assert "(5e présidence)" in console.run_line("/club presidency rotate")


def test_the_presidency_is_copied_once_when_many_look_at_once(service: Service) -> None:
    def look(user: str) -> str:
        replies = service.handle_command(Command(platform="console", user_id=user, user_name=user, channel_id="club",
                                                 text="presidence", received_at=datetime.now(UTC)))
        return replies[0].text

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(look, [f"p{i}" for i in range(12)]))
    assert all("** : Daniel LEBEGUE" in a for a in answers), answers
    with service.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(PresidencyTerm)) == 4
