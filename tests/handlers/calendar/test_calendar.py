"""The calendar as people use it in the console, and what it stores: numbers, moves, feeds."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from bot.platforms.console import Console
from handlers import Service
from handlers.calendar.display import times_in_zones
from handlers.calendar.ics import club_feed, group_feed
from handlers.calendar.queries import event_by_number, upcoming
from handlers.events import EventChanged
from storage.calendar import Event


@pytest.fixture
def changes(service: Service) -> list[dict]:
    """What `EventChanged` announced, as the reminders capability would hear it."""
    heard: list[dict] = []
    service.registry.listen(EventChanged, lambda ctx, changed: heard.append(dataclasses.asdict(changed)))
    return heard


def events(service: Service) -> list[Event]:
    with service.db.transaction() as session:
        return list(session.scalars(select(Event).order_by(Event.number)))


def members_in_four_territories(service: Service) -> Console:
    console = Console(service, user="camille")  # an admin (see conftest)
    for user, zone in (("lea", "Martinique"), ("kevin", "La Réunion"), ("yann", "Cayenne")):
        console.run_line(f":as {user}")
        console.run_line(f"/club fuseau {zone}")
    console.run_line(":as camille")
    return console


def test_calendrier_2027_shows_a_charter_conforming_year(service: Service, changes: list[dict]) -> None:
    console = Console(service, user="camille")
    shown = console.run_line("/club calendrier 2027")
    assert "Calendrier 2027 — Club des territoires" in shown
    assert "▸ Appel à contribution (janvier, en ligne)" in shown
    assert "▸ Groupes de travail thématiques (mars → octobre, en ligne)" in shown
    assert "#1 jeu. 21 janv. 14:00–15:00 — Retour d'expérience · en ligne" in shown
    assert "#2 mar. 16 févr. 10:00–16:00 — Rencontre du Club des territoires de février-mars · Paris" in shown
    assert "09:00 Guadeloupe, Martinique" in shown and "17:00 La Réunion" in shown
    # generated for this year and the next (a year ahead), each announced once
    assert len(events(service)) == 26 and len(changes) == 26
    assert {c["cancelled"] for c in changes} == {False}


def test_generating_again_never_duplicates_even_after_a_move(service: Service, changes: list[dict]) -> None:
    console = Console(service, user="camille")
    console.run_line("/club calendrier 2027")
    console.run_line("/club deplacer 2 mercredi 17 février")
    console.run_line("/club calendrier 2027")
    console.run_line("/club agenda")
    stored = events(service)
    assert len(stored) == 26
    assert [e.number for e in stored] == list(range(1, 27))
    assert stored[1].starts_at == datetime(2027, 2, 17, 9, 0, tzinfo=UTC)


def test_a_facilitator_moves_an_event_the_club_is_told(service: Service, changes: list[dict]) -> None:
    console = Console(service, user="camille")
    console.run_line("/club calendrier 2027")
    changes.clear()
    shown = console.run_line("/club deplacer #7 mercredi 7 juillet 2027 9h30-15h30")
    assert "C'est fait : #7 a lieu mercredi 7 juillet 2027 à 09:30" in shown
    assert "#club | 📅 #7 Rencontre du Club des territoires de juillet est déplacé" in shown
    assert "jeudi 1 juillet 2027 à 10:00 → mercredi 7 juillet 2027 à 09:30" in shown
    assert changes == [{"event_id": events(service)[6].id, "kind": "rencontre",
                        "starts_at": datetime(2027, 7, 7, 7, 30, tzinfo=UTC), "cancelled": False}]
    moved = events(service)[6]
    assert (moved.number, moved.status, moved.duration_minutes, moved.sequence) == (7, "moved", 360, 1)


def test_moves_that_break_the_charter_are_refused(service: Service) -> None:
    console = Console(service, user="camille")
    console.run_line("/club calendrier 2027")
    assert "Le 15 février 2027 est un lundi" in console.run_line("/club deplacer 2 lundi 15 février")
    holiday = console.run_line("/club deplacer 2 jeudi 27 mai 10h")
    assert "férié (Abolition de l'esclavage — Guadeloupe)" in holiday
    assert "Aucun événement #99" in console.run_line("/club deplacer 99 demain")
    assert "/club deplacer 4 jeudi 25 mars 14h" in console.run_line("/club deplacer quatre demain")
    assert "tombe dans le passé" in console.run_line("/club deplacer 3 hier 14h")
    assert events(service)[1].status == "planned"


def test_members_cannot_move_events(service: Service) -> None:
    console = Console(service, user="lea")
    console.run_line("/club calendrier 2027")
    assert "Seul·es les facilitateur·trices" in console.run_line("/club deplacer 2 mercredi 17 février")
    assert events(service)[1].status == "planned"


def test_cancelling_is_announced_and_kept_out_of_the_agenda(service: Service, changes: list[dict]) -> None:
    console = Console(service, user="camille")
    console.run_line("/club calendrier")
    shown = console.run_line("/club calendrier annuler 1")
    assert "❌ #1 Retour d'expérience du jeudi 21 janvier 2027 à 14:00 est annulé." in shown
    assert changes[-1]["cancelled"] is True
    assert "#1 " not in console.run_line("/club agenda")
    assert "déjà annulé" in console.run_line("/club calendrier annuler 1")


def test_cancel_and_ics_are_subcommands_in_french_or_english(service: Service, changes: list[dict]) -> None:
    console = Console(service, user="camille")
    helped = console.run_line("/club aide calendrier")
    assert "/club calendrier annuler (cancel)" in helped and "/club calendrier ics (subscribe)" in helped
    console.run_line("/club calendar 2027")
    assert "/club calendrier annuler 4" in console.run_line("/club calendrier annuler")
    console.run_line(":as lea")
    assert "peuvent annuler l'événement #3" in console.run_line("/club calendrier annuler 3")
    console.run_line(":as camille")
    assert "C'est fait : #3 est annulé" in console.run_line("/club calendar cancel 3")
    assert events(service)[2].sequence == 1 and changes[-1]["cancelled"] is True
    assert "#3 est annulé : il ne peut plus être déplacé" in console.run_line("/club deplacer 3 jeudi 18 mars")
    assert "~~• #3 " in console.run_line("/club calendrier 2027")
    assert "PUBLIC_URL" in console.run_line("/club calendar subscribe")


def test_creneau_with_members_in_paris_martinique_reunion_and_cayenne(service: Service) -> None:
    console = members_in_four_territories(service)
    shown = console.run_line("/club creneau 1h")
    assert "Créneaux hebdomadaires de 1h pour 4 membres" in shown
    assert "1. mardi 14:00 (heure de Paris) — 4 membres sur 4 dans leurs horaires toute l'année" in shown
    assert "• Martinique : 09:00–10:00 / 08:00–09:00" in shown
    assert "• La Réunion : 17:00–18:00 / 16:00–17:00" in shown
    assert "• Guyane : 10:00–11:00 / 09:00–10:00" in shown
    assert "• Paris : 14:00–15:00" in shown


def test_creneau_warns_when_summer_time_leaves_someone_out(service: Service) -> None:
    console = members_in_four_territories(service)
    shown = console.run_line("/club creneau 4h")
    assert "⚠" in shown or "✗" in shown
    assert "Durée non comprise" in console.run_line("/club creneau longtemps")
    console.run_line(":as lea")
    assert "réservée" in console.run_line("/club creneau 1h")


def test_agenda_in_my_zone_with_every_territory_and_the_visio_for_registered_people(service: Service) -> None:
    console = members_in_four_territories(service)
    console.run_line(":as lea")
    shown = console.run_line("/club agenda")
    assert "Vos prochains rendez-vous (heures : Martinique)" in shown
    assert "#1 jeu. 21 janv. 09:00–10:00 — Retour d'expérience" in shown
    assert "14:00 Paris · 09:00 Guadeloupe, Martinique · 10:00 Guyane" in shown
    assert "club-des-territoires-rex" not in shown  # a REX's link is for the people registered
    console.run_line("/club rex inscrire 1")
    assert "Visio : https://webconf.example/club-des-territoires-rex" in console.run_line("/club agenda")
    console.run_line(":as camille")
    console.run_line("/club role @guest participant")
    console.run_line(":as guest")
    assert "Visio" not in console.run_line("/club agenda")
    console.run_line("/club rex inscrire 1")  # REX are open to all: once registered, the link is theirs too
    assert "Visio : https://webconf.example/club-des-territoires-rex" in console.run_line("/club agenda")


def test_the_year_is_fixed_one_year_ahead_only(service: Service) -> None:
    console = Console(service, user="lea")
    assert "fixé un an à l'avance : 2029" in console.run_line("/club calendrier 2029")
    assert "/club calendrier 2028" in console.run_line("/club calendrier demain")


def test_calendrier_ics_gives_the_links(service: Service) -> None:
    console = Console(service, user="lea")
    assert "PUBLIC_URL" in console.run_line("/club calendrier ics")
    with_url = Service(service.db, service.settings.__class__(**{**service.settings.__dict__,
                                                                 "public_url": "https://club.example.fr/"}),
                       clock=service.clock)
    shown = Console(with_url, user="lea").run_line("/club calendrier ics")
    assert "• Tout le Club : https://club.example.fr/calendar.ics" in shown
    assert "https://club.example.fr/calendar/groupe-<n>.ics" in shown


def feed(service: Service, group: int | None = None) -> Calendar:
    with service.db.transaction() as session:
        data = (club_feed(session, service.club_id, service.settings.programme) if group is None
                else group_feed(session, service.club_id, group, service.settings.programme))
    return Calendar.from_ical(data)


def test_the_public_feed_parses_with_zones_and_no_private_links(service: Service) -> None:
    Console(service, user="camille").run_line("/club calendrier 2027")
    cal = feed(service)
    vevents = cal.walk("VEVENT")
    assert len(vevents) == 26
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    first = vevents[0]
    assert str(first["SUMMARY"]) == "#1 Retour d'expérience"
    assert first["DTSTART"].dt == datetime(2027, 1, 21, 13, 0, tzinfo=UTC)
    assert first["DTSTART"].params["TZID"] == "Europe/Paris"
    assert "09:00 Guadeloupe, Martinique" in str(first["DESCRIPTION"])
    text = cal.to_ical().decode()
    assert "webconf" not in text and "visio" not in text.lower()


def test_uids_are_stable_across_regeneration_and_moves(service: Service, database_url: str) -> None:
    console = Console(service, user="camille")
    console.run_line("/club calendrier 2027")
    before = {str(e["UID"]): int(e["SEQUENCE"]) for e in feed(service).walk("VEVENT")}
    console.run_line("/club deplacer 2 mercredi 17 février")
    console.run_line("/club calendrier 2027")
    after = {str(e["UID"]): e for e in feed(service).walk("VEVENT")}
    assert set(after) == set(before)
    moved = after["rencontre-fevrier-2027-02.club-des-territoires@club-bot"]
    assert int(moved["SEQUENCE"]) == 1 and moved["DTSTART"].dt.day == 17


def test_group_feed_holds_the_common_group_sessions(service: Service) -> None:
    Console(service, user="camille").run_line("/club calendrier 2027")
    sessions = feed(service, group=3).walk("VEVENT")
    assert len(sessions) == 8 and all("Groupes de travail" in str(e["SUMMARY"]) for e in sessions)


def test_functions_for_other_capabilities(service: Service, clock) -> None:
    Console(service, user="camille").run_line("/club calendrier 2027")
    with service.db.transaction() as session:
        rex = upcoming(session, service.club_id, clock(), kind="rex", limit=2)
        assert [e.number for e in rex] == [1, 4]
        assert event_by_number(session, service.club_id, 4).kind == "rex"
        assert event_by_number(session, service.club_id, 404) is None
        assert session.scalar(select(func.count()).select_from(Event)) == 26
    shown = times_in_zones(datetime(2027, 1, 21, 13, 0, tzinfo=UTC), ["Europe/Paris", "Pacific/Noumea"], "en")
    assert shown == "14:00 Paris · 00:00 (Fri 22) Nouvelle-Calédonie"


def test_console_now_understands_french(service: Service) -> None:
    console = Console(service, user="lea")
    console.run_line(":now 2027-01-11T09:00+00:00")
    assert "2027-01-14T13:00:00+00:00" in console.run_line(":now jeudi prochain 14h")
