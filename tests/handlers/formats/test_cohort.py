"""The peer programme (config/examples/parcours-co-construction.toml): dated phases, 12 territories in
binômes, sessions S1–S4, individual follow-ups per territory, a committee meeting three times."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.platforms.console import SimulatedClock
from handlers import ClubSettings, Service
from storage.calendar import Event
from tests.handlers.formats.support import console_at, settings_for


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock()


@pytest.fixture
def club_settings() -> ClubSettings:
    return settings_for("parcours-co-construction.toml")


def test_the_year_has_its_phases_sessions_follow_ups_and_committees(service: Service) -> None:
    console = console_at(service, "15 janvier 2018 10h")
    shown = console.run_line("/club calendrier 2018")
    assert "▸ Réalisation du test (mai 2018 → novembre 2018, Paris et territoires pilotes)" in shown
    assert "#2 jeu. 3 mai 10:00–16:00 — Session collective S1 · Paris" in shown
    assert "Session collective S4" in shown
    assert "Suivi individuel — Territoire pilote 12" in shown
    with service.db.transaction() as session:
        kinds = [e.kind for e in session.scalars(select(Event))]
        committee = [e.title for e in session.scalars(select(Event).where(Event.kind == "comite"))]
    assert committee == ["Comité d'orientation"] * 3
    assert kinds.count("session") == 4 + 2 * 12
    earlier = console.run_line("/club calendrier 2017")
    assert "Aucun événement au calendrier 2017" in earlier


def test_territories_are_represented_by_binomes(service: Service) -> None:
    console = console_at(service, "15 janvier 2018 10h")
    listed = console.run_line("/club cohorte")
    assert "Cohorte des 12 territoires pilotes — 12 territoires" in listed
    assert "12. Territoire pilote 12 : binôme à constituer" in listed
    for user in ("lea", "kevin"):
        console.run_line(f":as {user}")
        joined = console.run_line("/club cohorte rejoindre 3")
    assert "Vous représentez Territoire pilote 3. Votre binôme : lea." in joined
    console.run_line(":as yann")
    assert "déjà représenté par son binôme (lea, kevin)" in console.run_line("/club cohorte rejoindre 3")
    assert "Territoire inconnu : « 13 »" in console.run_line("/club cohorte rejoindre 13")
    console.run_line("/club calendrier 2018")
    one = console.run_line("/club cohorte 3")
    assert "Binôme : lea, kevin" in one and "Suivis individuels (2) :" in one
    assert "— Suivi individuel — Territoire pilote 3 · en ligne" in one
    assert "Territoire pilote 4" not in one
    console.run_line(":as kevin")
    assert "Cohorte : Territoire pilote 3 (binôme)" in console.run_line("/club moi")


def test_cohort_actions_have_their_names_aliases_and_roles(service: Service) -> None:
    console = console_at(service, "15 janvier 2018 10h")
    assert "Vouliez-vous dire `/club cohorte rejoindre` ?" in console.run_line("/club cohorte rejoidre 3")
    assert "Territoire inconnu : « Ouessant »" in console.run_line("/club cohorte Ouessant")
    assert "Binôme : à constituer" in console.run_line("/club cohorte Territoire pilote 2")
    assert "Vous représentez Territoire pilote 3." in console.run_line("/club cohort join 3")
    assert "Vous ne représentez plus Territoire pilote 3." in console.run_line("/club cohort leave")
    console.run_line("/club role @gilles participant")
    console.run_line(":as gilles")
    assert "réservée aux personnes ayant le rôle « membre »" in console.run_line("/club cohorte rejoindre 2")
    assert "Vous ne représentez aucun territoire de la cohorte." in console.run_line("/club cohorte quitter")
