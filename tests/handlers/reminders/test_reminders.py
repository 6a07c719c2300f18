"""Reminders in the console: the charter's cadence over a year, moves and cancellations, downtime,
quiet hours in several zones, polls and the call for contributions — each reminder once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.platforms.console import Console, SimulatedClock
from handlers import Service
from handlers.calendar.queries import event_by_number
from handlers.events import RegistrationChanged
from handlers.text import parse_number
from storage.reminders import Reminder
from tests.handlers.groups.support import add_retain_verb
from tests.support.registry import throwaway_verb

ZONES = ("Paris", "Guadeloupe, Martinique", "La Réunion", "Mayotte", "Nouvelle-Calédonie", "Polynésie française",
         "Wallis-et-Futuna", "Saint-Pierre-et-Miquelon")


def register(ctx, args: str):
    """Stands for the registration capability: `/club inscrire-test <n> [non]` emits its topic."""
    number, _sep, flag = args.partition(" ")
    event = event_by_number(ctx.session, ctx.club.id, parse_number(number))
    return ctx.emit(RegistrationChanged(event_id=event.id, member_id=ctx.member.id,
                         registered=flag != "non"))




@pytest.fixture
def console(service: Service) -> Iterator[Console]:
    clock = SimulatedClock()
    reminded = Service(service.db, service.settings, clock=clock)
    reminded.registry.add_verb(throwaway_verb("inscrire-test", register))
    add_retain_verb(reminded.registry)
    chat = Console(reminded, user="camille", clock=clock)
    chat.run_line(":now 2027-01-05T10:00+01:00")
    assert chat.run_line(":tick") == ""  # the year's programme is generated; nothing due yet
    yield chat


def say(console: Console, user: str, *lines: str) -> str:
    console.run_line(f":as {user}")
    return "\n".join(console.run_line(line) for line in lines)


def tick_at(console: Console, moment: str) -> str:
    console.run_line(f":now {moment}")
    return console.run_line(":tick")


def test_done_when_j7_post_then_j1_to_registrants_only(console: Console) -> None:
    say(console, "lea", "/club fuseau Martinique", "/club inscrire-test 1")
    say(console, "bob", "/club aide")
    j7 = tick_at(console, "2027-01-14T14:00:20+01:00")
    assert "#club | 📅 Dans une semaine : #1 Retour d'expérience, jeudi 21 janvier à 14:00, en ligne." in j7
    assert all(zone in j7 for zone in ZONES) and "00:00 (ven. 22) Nouvelle-Calédonie" in j7
    assert console.run_line(":tick") == ""  # once
    j1 = tick_at(console, "2027-01-20T14:00+01:00")
    assert "✉ lea : ⏰ Demain : #1 Retour d'expérience, jeudi 21 janvier à 09:00" in j1
    assert "09:00 Martinique" in j1.split("\n")[1].split(" · ")[0]  # her own time first
    assert "bob" not in j1 and "camille" not in j1 and "#club" not in j1
    h1 = tick_at(console, "2027-01-21T13:00+01:00")
    assert "✉ lea : ⏰ Dans une heure" in h1 and "Lien de visio : https://webconf.example/" in h1
    assert console.run_line(":tick") == ""


def test_unregistering_cancels_the_direct_messages(console: Console) -> None:
    say(console, "lea", "/club inscrire-test 1", "/club inscrire-test 1 non")
    assert "✉" not in tick_at(console, "2027-01-20T14:00+01:00")


def test_a_years_programme_follows_the_charters_cadence(console: Console) -> None:
    say(console, "camille", "/club retenir-test")
    say(console, "nina", "/club groupe rejoindre 1")
    lea = say(console, "lea", "/club calendrier")
    rex = [int(n) for n in __import__("re").findall(r"#(\d+) \S+ \d+ \S+ 14:00–15:00", lea)]
    for number in rex:
        console.run_line(f"/club inscrire-test {number}")
    service = console.service
    sent: list[str] = []
    end = datetime(2028, 1, 1, tzinfo=UTC)
    while True:
        with service.db.transaction() as session:
            due = session.scalar(select(func.min(Reminder.not_before)).where(Reminder.state == "pending"))
        if due is None or due >= end:
            break
        sent.extend(line for line in tick_at(console, due.isoformat()).splitlines() if line.startswith("["))
    channel = [line for line in sent if "#club |" in line]
    assert len(rex) == 6
    assert sum("Dans un mois" in line for line in channel) == 3  # the three rencontres
    # rencontres, each of the two groups' four sessions (instead of the programme's generic slot), REX
    assert sum("Dans une semaine" in line for line in channel) == 3 + 2 * 4 + 6
    assert not any("Dans une semaine : #" in line and "Groupes de travail thématiques à" in line for line in channel)
    assert sum("✉ lea : ⏰ Demain" in line for line in sent) == 6  # the REX she registered for
    assert sum("✉ lea : ⏰ Dans une heure" in line for line in sent) == 6
    assert sum("✉ nina : ⏰ Demain" in line for line in sent) == 4  # her group's sessions
    assert sum("✉ nina : ⏰ Dans une heure" in line for line in sent) == 4
    assert not any(line.startswith("[") and "✉ bob" in line for line in sent)
    assert not any("différé" in line for line in sent)
    with service.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Reminder).where(Reminder.state == "sending")) == 0


def test_moving_moves_the_reminders_and_cancelling_cancels_them(console: Console) -> None:
    say(console, "lea", "/club inscrire-test 4")  # REX of 18 March
    moved = say(console, "camille", "/club calendrier", "/club deplacer 4 jeudi 25 mars 14h",
                "/club calendrier annuler 6")
    assert "est déplacé" in moved and "est annulé" in moved
    assert tick_at(console, "2027-03-11T14:00:10+01:00") == ""
    j7 = tick_at(console, "2027-03-18T14:00:10+01:00")
    assert "Dans une semaine : #4 Retour d'expérience, jeudi 25 mars à 14:00" in j7
    assert "✉ lea" in tick_at(console, "2027-03-24T14:00:10+01:00")
    assert tick_at(console, "2027-05-13T14:00:10+02:00") == ""  # #6 (20 May) was cancelled


def test_after_downtime_recent_reminders_say_late_and_old_ones_are_skipped(console: Console, caplog) -> None:
    say(console, "lea", "/club inscrire-test 4")
    late = tick_at(console, "2027-01-14T15:30+01:00")  # J-7 of #1 was due at 14:00
    assert "Dans une semaine : #1" in late and "(rappel différé)" in late
    with caplog.at_level("INFO", logger="handlers.reminders.outbox"):
        back = tick_at(console, "2027-03-17T20:00+01:00")  # down since the 10th
    assert "Dans une semaine : #4" not in back and "#club" not in back  # due on the 11th: skipped, logged
    assert "reminder" in caplog.text and "j7, due 2027-03-11T13:00:00+00:00) skipped" in caplog.text
    assert "✉ lea : ⏰ Demain : #4" in back and "(rappel différé)" in back  # due at 14:00 today: late
    assert console.run_line(":tick") == ""


def test_no_direct_message_at_night_in_each_recipients_zone(console: Console) -> None:
    for user, zone in (("paula", "Paris"), ("tiare", "Tahiti"), ("noa", "Nouméa")):
        say(console, user, f"/club fuseau {zone}", "/club inscrire-test 1")
    # J-1 of the REX of 21 January, 14:00 Paris = 13:00 UTC: 02:00 in Tahiti, 00:00 in Nouméa.
    first = tick_at(console, "2027-01-20T13:00:05+00:00")
    assert "✉ paula" in first and "tiare" not in first and "noa" not in first
    assert "✉ tiare : ⏰ Demain : #1 Retour d'expérience, jeudi 21 janvier à 03:00" in \
        tick_at(console, "2027-01-20T18:00:05+00:00")  # 08:00 in Tahiti
    assert "✉ noa" in tick_at(console, "2027-01-20T21:00:05+00:00")  # 08:00 in Nouméa
    assert console.run_line(":tick") == ""


def test_a_poll_closing_reminder_reaches_only_non_voters(console: Console) -> None:
    say(console, "bob", "/club aide")
    say(console, "camille", "/club aide")
    created = say(console, "lea", '/club sondage "Quel thème ?" "Eau" "Santé" --fin vendredi 8 janvier 18h')
    option = next(line.split("]")[0][1:] for line in created.splitlines() if "Eau" in line and "#club" in line)
    say(console, "bob", f":react {option} +1")
    assert tick_at(console, "2027-01-07T17:00+01:00") == ""
    due = tick_at(console, "2027-01-07T18:00:05+01:00")
    assert "✉ lea : 🗳 Le sondage #1 « Quel thème ? » se clôt" in due and "✉ camille" in due
    assert "bob" not in due


def test_the_call_for_contributions_reminds_a_week_before_and_at_closing(console: Console) -> None:
    say(console, "camille", "/club appel ouvrir jusqu'au 31 janvier")
    week = tick_at(console, "2027-01-25T00:00:10+01:00")
    assert "Plus qu'une semaine pour proposer un thème à l'appel à contribution 2027" in week
    assert "L'appel à contribution 2027 est clos" in tick_at(console, "2027-02-01T00:00:10+01:00")


def test_closing_the_call_by_hand_cancels_its_reminders(console: Console) -> None:
    say(console, "camille", "/club appel ouvrir jusqu'au 31 janvier", "/club appel fermer")
    assert "appel" not in tick_at(console, "2027-01-25T00:00:10+01:00")


def test_the_rex_registrations_and_the_agenda_drive_the_reminders(console: Console) -> None:
    """With the real registration verbs: J-7 in the channel with the agenda, J-1 to the registered only."""
    say(console, "lea", "/club fuseau Martinique", "/club rex inscrire 1")
    say(console, "bob", "/club odj 1 ajouter Tour de table des territoires")
    say(console, "nina", "/club rex inscrire 1", "/club rex desinscrire 1")
    j7 = tick_at(console, "2027-01-14T14:00+01:00")
    assert "#club | 📅 Dans une semaine : #1 Retour d'expérience" in j7
    assert "Ordre du jour — #1" in j7 and "Tour de table des territoires" in j7
    j1 = tick_at(console, "2027-01-20T14:00+01:00")
    assert "✉ lea : ⏰ Demain : #1 Retour d'expérience" in j1 and "Tour de table des territoires" in j1
    assert "nina" not in j1 and "bob" not in j1
