"""`/club accueil`: the same dashboard as Slack's App Home, in the console."""

from __future__ import annotations

from bot.platforms.console import Console
from handlers import Service


def test_my_home_lists_my_polls_until_i_vote_and_the_call_s_proposals(service: Service) -> None:
    console = Console(service, user="camille")
    console.run_line("/club calendrier")
    console.run_line('/club sondage "Date de la plénière ?" "Mardi" "Jeudi" --unique --anonyme')
    console.run_line("/club appel ouvrir")
    console.run_line("/club propose Eau et territoires — la ressource en eau outre-mer")
    console.run_line(":as lea")
    mine = console.run_line("/club accueil")
    assert "Mes prochains rendez-vous" in mine and "Retour d'expérience" in mine and "14:00 Paris" in mine
    assert "#1 Date de la plénière ?" in mine and "[1. Mardi] [2. Jeudi]" in mine  # vote from the home
    assert "Propositions de l'appel en cours" in mine and "#1 Eau et territoires — camille · 👍 0" in mine
    assert "Vue d'ensemble" not in mine  # facilitators only

    console.run_line(":click m{} 1. Mardi".format(mine.split("]")[0].lstrip("[m")))
    assert "Aucun sondage n'attend votre vote." in console.run_line("/club accueil")
    overview = console.run_line(":as camille") and console.run_line("/club accueil")
    assert "Vue d'ensemble (animation)" in overview and "Sondages ouverts : 1" in overview


def test_a_new_club_s_first_home_shows_its_rendez_vous(service: Service) -> None:
    """Nobody has looked at the calendar yet: the home generates it, as `agenda` does."""
    mine = Console(service, user="lea").run_line("/club accueil")
    assert "Aucun rendez-vous à venir" not in mine
    assert "Mes prochains rendez-vous" in mine and "Retour d'expérience" in mine


def test_my_groups_and_english(service: Service) -> None:
    console = Console(service, user="camille")
    console.run_line("/club groupe creer Accueil des agents")
    console.run_line(":as lea")
    console.run_line("/club groupe rejoindre 1 ponctuel")
    console.run_line("/club langue en")
    mine = console.run_line("/club home")
    assert "My working groups" in mine and "#1 Accueil des agents (ponctuel" not in mine
    assert "#1 Accueil des agents (punctual)" in mine


def test_i_register_for_a_rex_from_my_home(service: Service) -> None:
    console = Console(service, user="lea")
    console.run_line("/club calendrier")
    mine = console.run_line("/club accueil")
    home_ref = mine.split("]")[0].lstrip("[")
    assert "[S'inscrire]" in mine and "club-des-territoires-rex" not in mine
    registered = console.run_line(f":click {home_ref} S'inscrire")
    assert "inscrit" in registered and "REX #" in registered
    mine = console.run_line("/club accueil")
    assert "[Se désinscrire]" in mine
    assert "Visio : https://webconf.example/club-des-territoires-rex" in mine  # the link, now that I am in
