"""The seminar day (config/examples/seminaire-bloc-local.toml): timed programme, workshops per phase with
capacities, registration alone or as a collectif de territoire, contacts and the registration code."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.platforms.console import SimulatedClock
from handlers import ClubSettings, Command, Service
from storage.workshops import WorkshopRegistration, WorkshopTeam, WorkshopTeamMember
from tests.handlers.formats.support import console_at, settings_for


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock()


@pytest.fixture
def club_settings() -> ClubSettings:
    settings = settings_for("seminaire-bloc-local.toml")
    settings.programme.seminar.workshop(1, "A").capacity = 2  # a small room, to reach its capacity
    return settings


def test_the_day_shows_its_timed_slots_workshops_contacts_and_code(service: Service) -> None:
    console = console_at(service, "2 septembre 2019 10h")
    shown = console.run_line("/club journee")
    assert "Construire ensemble un processus coopératif pour son territoire" in shown
    assert "vendredi 15 novembre 2019 · INSET d'Angers (#1)" in shown
    assert "• 08:30–09:00 Café d'accueil" in shown and "• 12:15 Buffet-déjeuner sur place" in shown
    assert "• 10:45–12:15 Ateliers « Histoires de territoire et d'expériences collectives » (première phase)" in shown
    assert "◦ A — Histoire de territoire n° 1 (2 place(s) sur 2)" in shown
    assert "• 17:00 Clôture et perspectives" in shown
    assert "Code action d'inscription en ligne : CIDGI 006" in shown
    assert "Stéphanie GROSS, INSET d'Angers, stephanie.gross@cnfpt.fr" in console.run_line("/club contacts")
    announced = console.run_line("/club journee annoncer")
    assert "#club | Construire ensemble" in announced and "CIDGI 006" in announced


def test_one_workshop_per_phase_alone_or_as_a_collectif(service: Service) -> None:
    console = console_at(service, "2 septembre 2019 10h")
    console.run_line(":as lea")
    assert "Inscription enregistrée : vous — phase 1, atelier A" in console.run_line("/club atelier 1 A")
    changed = console.run_line("/club atelier 1 b")
    assert "atelier B" in changed and "Remplace l'inscription précédente de la phase pour : lea" in changed
    console.run_line("/club atelier 1 A")
    console.run_line("/club atelier 2 C")
    assert "Ateliers : phase 1 : A, phase 2 : C" in console.run_line("/club moi")
    console.run_line(":as kevin")
    team = console.run_line("/club collectif Pays de Mauges @yann @maeva")
    assert "Collectif Pays de Mauges : kevin, maeva, yann" in team
    full = console.run_line("/club atelier 1 A collectif")
    assert "L'atelier A (phase 1) n'a plus que 1 place(s) pour 3 personne(s)" in full
    joined = console.run_line("/club atelier 1 D collectif")
    assert "le collectif Pays de Mauges (kevin, maeva, yann) — phase 1, atelier D" in joined
    console.run_line(":as yann")
    console.run_line("/club atelier 1 A")
    console.run_line(":as maeva")
    assert "n'a plus que 0 place(s)" in console.run_line("/club atelier 1 A")
    assert "(0 place(s)" not in console.run_line("/club journee")
    assert "A — Histoire de territoire n° 1 (complet)" in console.run_line("/club journee")
    assert "Désinscription faite pour la phase 1" in console.run_line("/club atelier annuler 1")
    console.run_line(":as camille")
    listed = console.run_line("/club atelier liste 1 A")
    assert "Atelier A (phase 1) — 2/2 : lea, yann" in listed
    assert "Atelier inconnu en phase 2" in console.run_line("/club atelier 2 Z")
    assert "phases : 1, 2" in console.run_line("/club atelier 3 A")


def test_capacity_holds_when_many_register_at_once(service: Service) -> None:
    def register(user: str) -> str:
        replies = service.handle_command(Command(platform="console", user_id=user, user_name=user, channel_id="club",
                                                 text="atelier 1 A", received_at=datetime.now(UTC)))
        return replies[0].text

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(register, [f"p{i}" for i in range(12)]))
    assert sum("Inscription enregistrée" in a for a in answers) == 2
    assert sum("n'a plus que 0 place(s)" in a for a in answers) == 10
    with service.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(WorkshopRegistration)) == 2


def test_workshop_actions_have_their_names_aliases_and_roles(service: Service) -> None:
    console = console_at(service, "2 septembre 2019 10h")
    helped = console.run_line("/club aide atelier")
    assert "/club atelier annuler (cancel)" in helped and "/club atelier liste (list)" in helped
    console.run_line(":as lea")
    for line in ("/club atelier liste 1 A", "/club journee annoncer"):
        assert "réservée aux personnes ayant le rôle « facilitateur »" in console.run_line(line)
    console.run_line("/club workshop 1 A")
    assert "Désinscription faite pour la phase 1" in console.run_line("/club workshop cancel 1")
    console.run_line("/club atelier 2 B")
    assert "Désinscription faite pour la phase 2" in console.run_line("/club atelier 2 annuler")
    assert "Écrivez `/club atelier annuler <phase>` ; phases : 1, 2." in console.run_line("/club atelier annuler")
    assert "Vouliez-vous dire `/club atelier annuler` ?" in console.run_line("/club atelier anuler 1")
    assert "phases : 1, 2 (voir `/club journee`)" in console.run_line("/club atelier A")  # the phase forgotten
    assert "Sous-commande inconnue : « demain »" in console.run_line("/club journee demain")
    console.run_line("/club collectif Pays de Mauges @kevin")
    assert "Vous avez quitté le collectif Pays de Mauges." in console.run_line("/club team leave")
    assert "Vous n'êtes dans aucun collectif de territoire" in console.run_line("/club collectif quitter")
    console.run_line(":as camille")
    assert "Atelier A (phase 1) — 0/2 : personne" in console.run_line("/club workshop list 1 A")


def test_one_collectif_when_its_territory_is_named_by_many_at_once(service: Service) -> None:
    def name(user: str) -> str:
        replies = service.handle_command(Command(platform="console", user_id=user, user_name=user, channel_id="club",
                                                 text="collectif Pays de Mauges", received_at=datetime.now(UTC)))
        return replies[0].text

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(name, [f"p{i}" for i in range(12)]))
    assert all("Collectif Pays de Mauges" in a for a in answers), answers
    with service.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(WorkshopTeam)) == 1
        assert session.scalar(select(func.count()).select_from(WorkshopTeamMember)) == 12
