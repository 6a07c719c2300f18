"""Retours d'expérience in the console: registering, the waitlist, guests, topics, recordings."""

from __future__ import annotations

import re

import pytest

from bot.platforms.console import Console
from handlers import Service
from handlers.calendar.ics import club_feed
from handlers.events import RegistrationChanged

VISIO = "https://webconf.example/club-des-territoires-rex"
RECORDING = "https://video.exemple.fr/rex-1"


@pytest.fixture
def seats(service: Service) -> list[tuple[int, bool]]:
    """What `RegistrationChanged` told (member id -> registered), as the reminders outbox hears it."""
    heard: list[tuple[int, bool]] = []
    service.registry.listen(RegistrationChanged, lambda ctx, changed: heard.append((changed.member_id,
                                                                                    changed.registered)))
    return heard


def announcement_ref(shown: str) -> str:
    return re.search(r"\[(m\d+)\] #club \| 🎙️ Retour d'expérience #1", shown).group(1)


def as_(console: Console, user: str, line: str) -> str:
    console.run_line(f":as {user}")
    return console.run_line(line)


def test_done_when_capacity_two_waitlist_guest_urgent_topic_and_a_recording_for_members(
        service: Service, seats: list) -> None:
    console = Console(service, user="camille")  # an admin (see conftest)
    console.run_line("/club role @nina participant")
    assert "0/2 places prises" in console.run_line("/club rex capacite 1 2")
    posted = console.run_line("/club rex annoncer 1")
    ref = announcement_ref(posted)
    assert "14:00 Paris · 09:00 Guadeloupe, Martinique" in posted and "17:00 La Réunion" in posted
    assert "[S'inscrire] [Se désinscrire]" in posted and VISIO not in posted

    # three register: the third waits
    lea = as_(console, "lea", "/club rex inscrire")
    assert "vous êtes inscrit·e au REX #1" in lea and VISIO in lea
    kevin = as_(console, "kevin", f":click {ref} S'inscrire")
    assert "vous êtes inscrit·e au REX #1" in kevin and f"[{ref} modifié]" in kevin
    assert "2/2 places prises · 0 en liste d'attente" in kevin and VISIO not in kevin.split("[m")[-1]
    yann = as_(console, "yann", "/club rex inscrire 1")
    assert "Le REX #1 est complet : vous êtes sur la liste d'attente, en position 1" in yann and VISIO not in yann
    assert "2/2 places prises · 1 en liste d'attente" in yann
    assert "déjà sur la liste d'attente du REX #1 (position 1)" in console.run_line("/club rex inscrire 1")

    # one leaves: the third is promoted and told privately
    left = as_(console, "kevin", "/club rex desinscrire 1")
    assert "vous n'êtes plus inscrit·e au REX #1" in left
    assert "✉ yann : 🎉 Une place s'est libérée : vous êtes inscrit·e au REX #1" in left
    assert VISIO in left.split("✉ yann")[1]
    assert "2/2 places prises · 0 en liste d'attente" in left
    assert "Vous êtes inscrit·e." in as_(console, "yann", "/club rex")

    # a guest, once there is room
    as_(console, "camille", "/club rex capacite 1 4")
    guest = as_(console, "lea", "/club rex invite 1 Jeanne Martin, Mairie de Cayenne")
    assert "Jeanne Martin (Mairie de Cayenne) est inscrit·e au REX #1 comme invité·e" in guest and VISIO in guest
    assert "déjà inscrit·e" in console.run_line("/club rex invite 1 jeanne martin, mairie de cayenne")
    assert "inscrit·e au REX #1" in as_(console, "nina", "/club rex inscrire 1")

    # open programming: an urgent topic, programmed by the facilitator; the announcement follows
    proposed = as_(console, "nina", "/club rex sujet urgent Accueil des sinistrés après le cyclone")
    assert "Sujet n° 1 proposé" in proposed
    assert "#club | 💡 Sujet proposé pour un retour d'expérience (n° 1, par nina) : ⚡ Accueil" in proposed
    programmed = as_(console, "camille", "/club rex programmer 1 1 @lea")
    assert f"[{ref} modifié]" in programmed
    assert "Sujet : ⚡ Accueil des sinistrés après le cyclone — avec lea" in programmed
    assert "✉ nina : Votre sujet « Accueil des sinistrés après le cyclone » est programmé au REX #1" in programmed

    # the attendance list, and the recording for the members who registered only
    listed = console.run_line("/club rex presences 1")
    assert "nom,institution,statut,qualite,invite_par,inscription" in listed
    assert "Jeanne Martin,Mairie de Cayenne,inscrit·e,invité·e,lea," in listed
    assert "nina,,inscrit·e,participant·e,," in listed and "kevin" not in listed
    shared = console.run_line(f"/club rex enregistrement 1 {RECORDING}")
    assert "envoyé en privé à 2 membre(s) inscrit·e(s)" in shared
    receivers = re.findall(rf"✉ (\w+) : 🎬 L'enregistrement du REX #1 .*{re.escape(RECORDING)}", shared)
    assert sorted(receivers) == ["lea", "yann"]
    club_posts = [line for line in console.lines if "#club |" in line]
    assert not any(RECORDING in post for post in club_posts)
    assert RECORDING in as_(console, "kevin", "/club rex enregistrements")  # members find it there
    refused = as_(console, "nina", "/club rex enregistrements")  # a participant, not a member
    assert "réservée aux personnes ayant le rôle « membre »" in refused and RECORDING not in refused
    with service.db.transaction() as session:
        assert RECORDING.encode() not in club_feed(session, service.club_id, service.settings.programme)

    ids = member_ids(service)
    assert seats == [(ids["lea"], True), (ids["kevin"], True), (ids["kevin"], False), (ids["yann"], True),
                     (ids["nina"], True)]


def member_ids(service: Service) -> dict[str, int]:
    from sqlalchemy import select

    from storage.models import Member

    with service.db.transaction() as session:
        return {m.platform_user_id: m.id for m in session.scalars(select(Member))}


def test_unregistering_when_not_registered_and_wrong_numbers_say_what_to_type(service: Service) -> None:
    console = Console(service, user="lea")
    assert "Vous n'êtes pas inscrit·e au REX #1" in console.run_line("/club rex desinscrire")
    assert "#2 n'est pas un retour d'expérience" in console.run_line("/club rex inscrire 2")
    assert "Indiquez le numéro du REX" in console.run_line("/club rex inscrire premier")
    assert "Sous-commande inconnue : « danser ». Tapez `/club aide rex`." in console.run_line("/club rex danser")
    assert "Vouliez-vous dire `/club rex inscrire`" in console.run_line("/club rex inscrir 1")
    assert "/club rex invite <n> <nom>, <institution>" in console.run_line("/club rex invite 1 Jeanne")
    assert "Décrivez le sujet" in console.run_line("/club rex sujet ok")
    assert "réservée aux personnes ayant le rôle « facilitateur »" in console.run_line("/club rex capacite 1 3")
    assert "réservée" in console.run_line(f"/club rex enregistrement 1 {RECORDING}")
    assert "réservée" in console.run_line("/club rex presences 1")


def test_participants_register_but_cannot_invite_and_past_rex_are_closed(service: Service, clock) -> None:
    console = Console(service, user="camille")
    console.run_line("/club role @nina participant")
    console.run_line(":as nina")
    assert "vous êtes inscrit·e au REX #1" in console.run_line("/club rex inscrire 1")
    assert "Vous êtes déjà inscrit·e au REX #1" in console.run_line("/club rex inscrire 1")
    assert "réservée aux personnes ayant le rôle « membre »" in console.run_line(
        "/club rex invite 1 Jeanne Martin, Mairie de Cayenne")
    assert "Inscriptions aux REX : #1" in console.run_line("/club moi")
    clock.now = clock.now.replace(month=2)
    assert "#1 a déjà eu lieu" in console.run_line("/club rex desinscrire 1")
    assert "#1 a déjà eu lieu" in console.run_line("/club rex inscrire 1")
    assert "vous êtes inscrit·e au REX #4" in console.run_line("/club rex inscrire")  # the next one


def test_raising_the_capacity_promotes_the_waitlist_and_lowering_it_keeps_seats(service: Service) -> None:
    console = Console(service, user="camille")
    console.run_line("/club rex capacite 1 1")
    for user in ("lea", "kevin", "yann"):
        as_(console, user, "/club rex inscrire 1")
    raised = as_(console, "camille", "/club rex capacite 1 2")
    assert "2/2 places prises · 1 en liste d'attente" in raised and "✉ kevin : 🎉 Une place s'est libérée" in raised
    lowered = console.run_line("/club rex capacite 1 1")
    assert "2/1 places prises · 1 en liste d'attente" in lowered and "✉" not in lowered
    unlimited = console.run_line("/club rex capacite 1 illimité")
    assert "3 inscrit·e(s), places illimitées" in unlimited and "✉ yann : 🎉" in unlimited


def test_a_member_removes_their_guest_and_the_line_moves(service: Service) -> None:
    console = Console(service, user="camille")
    console.run_line("/club rex capacite 1 1")
    as_(console, "lea", "/club rex invite 1 Jeanne Martin, Mairie de Cayenne")
    waiting = as_(console, "kevin", "/club rex invite 1 Paul Durand, ARS Guyane")
    assert "Paul Durand (ARS Guyane) est sur la liste d'attente, en position 1" in waiting
    assert "Aucun·e invité·e « Jeanne Martin » inscrit·e par vous" in console.run_line(
        "/club rex desinscrire 1 Jeanne Martin")
    freed = as_(console, "lea", "/club rex desinscrire 1 jeanne martin")
    assert "Jeanne Martin n'est plus inscrit·e au REX #1" in freed
    assert "✉ kevin : 🎉 Une place s'est libérée : votre invité·e Paul Durand (ARS Guyane) est inscrit·e" in freed


def test_moving_a_rex_updates_its_announcement(service: Service) -> None:
    console = Console(service, user="camille")
    ref = announcement_ref(console.run_line("/club rex annoncer 1"))
    moved = console.run_line("/club deplacer 1 mercredi 20 janvier 2027 15h")
    assert f"[{ref} modifié]" in moved and "mercredi 20 janvier 2027, 1 h en ligne" in moved
    cancelled = console.run_line("/club calendrier annuler 1")
    assert "❌ Ce REX est annulé." in cancelled and "[S'inscrire]" not in cancelled.split(f"[{ref} modifié]")[1]
    assert "Le REX #1 est annulé" in as_(console, "lea", "/club rex inscrire 1")


def test_topics_are_listed_urgent_first_and_user_text_cannot_ping(service: Service) -> None:
    console = Console(service, user="lea")
    console.run_line("/club rex sujet Les tiers-lieux en zone rurale")
    console.run_line("/club rex sujet urgent: @channel Inondations et relogement")
    listed = console.run_line("/club rex sujets")
    assert listed.index("n° 2 ⚡") < listed.index("n° 1 Les tiers-lieux")
    club_post = next(m.text for m in console.platform.messages.values() if "💡" in m.text and "n° 2" in m.text)
    assert "@\u200bchannel" in club_post and "@channel" not in club_post


def test_english_readers_get_english_and_the_announcement_speaks_the_clubs_language(service: Service) -> None:
    console = Console(service, user="lea")
    console.run_line("/club langue en")
    assert "Noted: you are registered for REX #1" in console.run_line("/club rex inscrire 1")
    assert "Upcoming experience-sharing sessions (REX)" in console.run_line("/club rex")


def test_help_lists_each_subcommand_with_its_aliases_and_role(service: Service) -> None:
    console = Console(service, user="lea")
    shown = console.run_line("/club aide rex")
    assert "/club rex inscrire (inscription, register) : S'inscrire à un REX" in shown
    assert "/club rex capacite (places, capacity)" in shown and "Réservé au rôle « facilitateur »" in shown
    assert shown.index("rex inscrire") < shown.index("rex desinscrire") < shown.index("rex programmer")
    one = console.run_line("/club aide rex invite")
    assert "`/club rex invite 1 Jeanne Martin, Mairie de Cayenne`" in one and "« membre »" in one
    assert "vous êtes inscrit·e au REX #1" in console.run_line("/club rex register 1")  # the English alias
    assert "Aucun sujet en attente de programmation" in console.run_line("/club rex topics")
    rex = service.registry.verbs["rex"]
    for word in ("inscription", "unregister", "inviter", "topic", "schedule", "capacity", "Capacité", "places",
                 "announce", "inscrits", "attendance", "recording", "recordings"):
        assert rex.subverb(word) is not None, word
