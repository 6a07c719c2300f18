"""Meeting agendas in the collective's console: members propose, organisers order, time-box and lock."""

from __future__ import annotations

import pytest

from bot.platforms.console import SimulatedClock
from handlers import ClubSettings, Service
from handlers.calendar.meeting_agenda import agenda_text
from storage.calendar import Event
from tests.handlers.formats.support import console_at, settings_for


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock()


@pytest.fixture
def club_settings() -> ClubSettings:
    return settings_for("collectif.toml")


def test_the_meeting_starts_with_the_items_of_the_file(service: Service) -> None:
    console = console_at(service, "1 juin 2020 10h")
    shown = console.run_line("/club calendrier")
    assert "#1 mar. 23 juin 14:00–16:00 — Réunion du Collectif" in shown
    agenda = console.run_line("/club odj 1")
    assert "Ordre du jour — #1 Réunion du Collectif" in agenda
    assert "1. Rappel du cheminement du Collectif" in agenda
    assert "5. Débat : la démarche « croiser les visions de l'après »" in agenda
    assert "Total : 0 min sur 2 h" in agenda and "durée à fixer" in agenda


def test_members_propose_organisers_order_time_box_and_lock(service: Service) -> None:
    console = console_at(service, "1 juin 2020 10h")
    console.run_line("/club calendrier")
    console.run_line(":as lea")
    added = console.run_line("/club odj 1 ajouter Point sur la lettre ouverte aux élus")
    assert "Point ajouté à l'ordre du jour de #1 (position 6)" in added
    assert "6. Point sur la lettre ouverte aux élus" in added
    refused = console.run_line("/club odj 1 deplacer 6 1")
    assert "réservé à l'équipe d'animation et aux organisateur·trices" in refused
    console.run_line(":as camille")
    assert "Léa" not in console.run_line("/club fonction @lea secretariat")
    console.run_line(":as lea")  # the general secretariat organises the meetings
    moved = console.run_line("/club odj 1 deplacer 6 1")
    assert "1. Point sur la lettre ouverte aux élus" in moved and "2. Rappel du cheminement" in moved
    boxed = console.run_line("/club odj 1 duree 1 1h15")
    assert "1. Point sur la lettre ouverte aux élus — 1 h 15" in boxed and "Total : 1 h 15 sur 2 h" in boxed
    over = console.run_line("/club odj 1 duree 2 60")
    assert "Total : 2 h 15 sur 2 h — ⚠ dépasse de 15 min" in over
    assert "n'est pas" not in console.run_line("/club odj 1 retirer 6")
    locked = console.run_line("/club odj 1 verrouiller")
    assert "est arrêté" in locked and "(arrêté)" in locked
    console.run_line(":as kevin")
    assert "est arrêté : plus de changement" in console.run_line("/club odj 1 ajouter Encore un point")
    with service.db.transaction() as session:
        event = session.query(Event).filter_by(number=1).one()
        text = agenda_text(session, event.id, "en")
    assert text.startswith("**Agenda — #1 Réunion du Collectif") and "(locked)" in text
    assert "Total: 2 h 15 of 2 h" in text


def test_agenda_mistakes_say_what_to_type(service: Service) -> None:
    console = console_at(service, "1 juin 2020 10h")
    console.run_line("/club calendrier")
    assert "Aucun événement #9" in console.run_line("/club odj 9")
    assert "Point inconnu : « 12 »" in console.run_line("/club odj 1 duree 12 10")
    assert "`/club odj 1 duree <point> <minutes>`" in console.run_line("/club odj 1 duree 1 beaucoup")
    assert "Sous-commande inconnue : « effacer »" in console.run_line("/club odj 1 effacer")
    assert "`/club odj <n>`" in console.run_line("/club odj ajouter")
    assert "Aucun événement #9" in console.run_line("/club odj 9 ajouter Un point")


def test_each_change_is_a_subcommand_in_french_or_english(service: Service) -> None:
    console = console_at(service, "1 juin 2020 10h")
    console.run_line("/club calendrier")
    helped = console.run_line("/club aide odj")
    for name in ("ajouter (add)", "deplacer (move)", "duree (duration)", "retirer (remove)",
                 "verrouiller (arreter, lock)", "deverrouiller (unlock)"):
        assert f"/club odj {name}" in helped
    assert "Point ajouté à l'ordre du jour de #1 (position 6)" in console.run_line("/club odj 1 add Budget")
    assert "Point ajouté à l'ordre du jour de #1 (position 7)" in console.run_line("/club odj ajouter 1 Bilan")
    assert "« Bilan » passe en position 1" in console.run_line("/club odj 1 déplacer 7 1")
    assert "« Bilan » : 20 min" in console.run_line("/club odj 1 durée 1 20")
    assert "« Budget » est retiré" in console.run_line("/club odj 1 remove 7")
    assert "est arrêté : il sera joint aux rappels" in console.run_line("/club odj 1 arrêter")
    assert "déjà arrêté" in console.run_line("/club odj 1 lock")
    assert "rouvert aux propositions" in console.run_line("/club odj 1 unlock")


def test_participants_may_read_an_agenda_not_add_to_it(service: Service) -> None:
    console = console_at(service, "1 juin 2020 10h")
    console.run_line("/club calendrier")
    console.run_line("/club role @gilles participant")
    console.run_line(":as gilles")
    assert "1. Rappel du cheminement du Collectif" in console.run_line("/club odj 1")
    refused = console.run_line("/club odj 1 ajouter Un point")
    assert "réservée aux personnes ayant le rôle « membre »" in refused
    assert "réservé à l'équipe d'animation" in console.run_line("/club odj 1 verrouiller")
