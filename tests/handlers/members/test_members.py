"""Profiles, time zones, institutions (binômes), languages and roles, as members use them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.platforms.console import Console
from handlers import Service
from handlers.territories import resolve_zone
from storage.models import Institution, Member


@pytest.mark.parametrize(("typed", "zone"), [
    ("Martinique", "America/Martinique"), ("martinique", "America/Martinique"),
    ("Guadeloupe", "America/Guadeloupe"), ("Guyane", "America/Cayenne"), ("Cayenne", "America/Cayenne"),
    ("La Réunion", "Indian/Reunion"), ("la reunion", "Indian/Reunion"), ("Réunion", "Indian/Reunion"),
    ("Mayotte", "Indian/Mayotte"), ("Nouvelle-Calédonie", "Pacific/Noumea"), ("Nouméa", "Pacific/Noumea"),
    ("nouvelle caledonie", "Pacific/Noumea"), ("Polynésie", "Pacific/Tahiti"), ("Tahiti", "Pacific/Tahiti"),
    ("Saint-Pierre-et-Miquelon", "America/Miquelon"), ("Wallis-et-Futuna", "Pacific/Wallis"),
    ("Paris", "Europe/Paris"), ("America/Cayenne", "America/Cayenne"), ("pacific/noumea", "Pacific/Noumea"),
])
def test_territories_and_iana_names_resolve(typed: str, zone: str) -> None:
    assert resolve_zone(typed) == zone


def test_unknown_zone_suggests_the_closest_territory_and_changes_nothing(service: Service) -> None:
    console = Console(service, user="lea")
    console.run_line("/club fuseau Martinique")
    answer = console.run_line("/club fuseau Gwadloup")
    assert "Fuseau inconnu : « Gwadloup »" in answer and "Guadeloupe" in answer
    assert "Fuseau inconnu" in console.run_line("/club fuseau Atlantide")
    assert "America/Martinique" in console.run_line("/club moi")


def test_timezone_without_argument_shows_the_current_one(service: Service) -> None:
    console = Console(service, user="lea")
    assert "Votre fuseau : Paris (Europe/Paris)" in console.run_line("/club fuseau")


def test_binomes_are_two_per_institution(service: Service) -> None:
    console = Console(service, user="lea")
    assert "Vous êtes seul·e" in console.run_line("/club institution DEETS Martinique")
    console.run_line(":as paul")
    assert "Votre binôme : lea" in console.run_line("/club institution  deets   MARTINIQUE ")
    console.run_line(":as zoe")
    warned = console.run_line("/club institution DEETS Martinique")
    assert "compte déjà 2 membres (lea, paul)" in warned
    with service.db.transaction() as session:
        assert session.scalars(select(Institution.name)).all() == ["DEETS Martinique"]
    console.run_line(":as lea")
    assert "binôme : paul, zoe" in console.run_line("/club moi")


def test_institution_input_is_checked(service: Service) -> None:
    console = Console(service, user="lea")
    assert "Indiquez le nom de votre institution" in console.run_line("/club institution")
    assert "trop long (121 caractères, 120 au plus)" in console.run_line("/club institution " + "x" * 121)
    with service.db.transaction() as session:
        assert session.scalar(select(Institution)) is None


def test_roles_are_given_by_admins_only(service: Service) -> None:
    console = Console(service, user="lea")
    assert "réservée aux personnes ayant le rôle « admin »" in console.run_line("/club role @paul facilitateur")
    console.run_line(":as camille")  # an admin through CLUB_ADMINS
    assert "paul a maintenant le rôle « facilitateur »" in console.run_line("/club role @paul facilitateur")
    assert "Écrivez : `/club role @personne" in console.run_line("/club role @paul chef")
    assert "Écrivez" in console.run_line("/club role facilitateur")
    with service.db.transaction() as session:
        roles = dict(session.execute(select(Member.platform_user_id, Member.role)).all())
    assert roles == {"lea": "membre", "camille": "admin", "paul": "facilitateur"}


def test_the_last_admin_cannot_be_demoted(service: Service) -> None:
    console = Console(service, user="camille")
    assert "dernier ou la dernière admin" in console.run_line("/club role @camille membre")
    console.run_line("/club role @dominique admin")
    assert "camille a maintenant le rôle « membre »" in console.run_line("/club role @camille membre")


def test_english_speakers_get_english(service: Service) -> None:
    console = Console(service, user="john")
    assert "Language saved: English." in console.run_line("/club language en")
    profile = console.run_line("/club me")
    assert "Your profile" in profile and "Time zone: Paris (Europe/Paris)" in profile
    assert "Unknown command" in console.run_line("/club dance")
    assert "Langue enregistrée : français." in console.run_line("/club langue fr")
    assert "Langue inconnue : « de »" in console.run_line("/club langue de")


def test_help_details_one_verb_and_hides_admin_verbs_from_members(service: Service) -> None:
    console = Console(service, user="lea")
    overview = console.run_line("/club aide")
    assert "`role`" not in overview
    detail = console.run_line("/club aide fuseau")
    assert "/club fuseau" in detail and "Exemples" in detail and "/club fuseau La Réunion" in detail
    assert "Réservé au rôle « admin »" in console.run_line("/club aide role")
    assert "cette commande n'existe pas" in console.run_line("/club aide danse")
    console.run_line(":as camille")
    assert "`role`" in console.run_line("/club aide")


def test_user_text_never_pings_anyone(service: Service) -> None:
    console = Console(service, user="lea")
    console.run_line("/club institution @channel & <!here>")
    with service.db.transaction() as session:
        member = session.scalar(select(Member).where(Member.platform_user_id == "lea"))
        stored = member.institution.name
    replies = service.handle_command(_cmd("moi"))
    assert "@\u200bchannel" in replies[0].text or "<@\u200bchannel>" in replies[0].text
    assert stored  # the name is kept as typed; only what the bot repeats is defused


def _cmd(text: str):
    from datetime import UTC, datetime

    from handlers import Command

    return Command(platform="console", user_id="lea", user_name="lea", channel_id="club", text=text,
                   received_at=datetime.now(UTC))
