"""How long personal data is kept (`[retention]` of the programme file): the scheduler deletes registrations,
guests' details and sent reminders once their time is up, and nothing sooner — time moved by the clock."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.platforms.console import Console, SimulatedClock
from handlers import ClubSettings, Command, Service
from handlers.calendar.programme import DEFAULT_PROGRAMME, ProgrammeError, load_programme
from handlers.calendar.programme_schema import Retention
from storage import Database
from storage.outbox import OutboxMessage
from storage.registrations import Registration
from storage.reminders import Reminder
from storage.workshops import WorkshopRegistration
from tests.handlers.formats.support import console_at, settings_for


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock()


@contextmanager
def club(database_url: str, retention: Retention | None = None) -> Iterator[Console]:
    programme = load_programme()
    if retention is not None:
        programme = programme.model_copy(update={"retention": retention})
    db = Database(database_url)
    service = Service(db, ClubSettings(programme=programme, admins=frozenset({"console:camille"})),
                      clock=SimulatedClock())
    yield Console(service, user="camille")
    db.dispose()


@pytest.fixture
def console(database_url: str) -> Iterator[Console]:
    with club(database_url) as console:
        yield console


def at(console: Console, when: str) -> None:
    """Time moves to `when` and the scheduler passes (as `:tick` does every 30 seconds in production)."""
    assert console.run_line(f":now {when}").startswith("(horloge simulée")
    console.run_line(":tick")


def january_rex(console: Console) -> None:
    """lea (with a guest) and bob register for the REX of Thursday 21 January 2027; its reminders go out."""
    at(console, "2027-01-11T10:00+01:00")
    for user in ("lea", "bob"):
        console.run_line(f":as {user}")
        assert "inscrit·e au REX #1" in console.run_line("/club rex inscrire 1")
    console.run_line(":as lea")
    console.run_line("/club rex invite 1 Jeanne Martin, Mairie de Cayenne")
    console.run_line("/club moi donnees")  # a direct message with two files, sent at once
    at(console, "2027-01-21T13:10+01:00")  # 50 minutes before: the H-1 reminder goes out


def exported(console: Console, user: str) -> dict:
    replies = console.service.handle_command(Command("console", user, user, "club", "moi donnees",
                                                     console.service.clock()))
    [private] = [reply for reply in replies if reply.attachments]
    return json.loads(next(a.content for a in private.attachments if a.filename.endswith(".json")))


def counts(console: Console) -> dict[str, int]:
    with console.service.db.transaction() as session:
        return {
            "members": session.scalar(select(func.count()).select_from(Registration)
                                      .where(Registration.member_id.is_not(None))),
            "guests": session.scalar(select(func.count()).select_from(Registration)
                                     .where(Registration.member_id.is_(None))),
            "sent": session.scalar(select(func.count()).select_from(Reminder).where(Reminder.state == "sent")),
            # the direct message of `moi donnees` on 11 January (later exports here send their own)
            "messages": session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.state == "sent", OutboxMessage.created_at < datetime(2027, 1, 12, tzinfo=UTC))),
        }


def test_sent_reminders_go_after_three_months_and_registrations_after_a_year(console: Console) -> None:
    january_rex(console)
    assert counts(console) == {"members": 2, "guests": 1, "sent": 2, "messages": 1}  # H-1 to lea and bob
    assert {r["etape"] for r in exported(console, "lea")["rappels"]} == {"j1", "h1"}

    at(console, "2027-04-10T10:00+02:00")  # not three months yet
    assert counts(console)["sent"] == 2 and counts(console)["messages"] == 1
    at(console, "2027-04-12T10:00+02:00")  # the data went out on 11 January
    assert counts(console)["messages"] == 0 and counts(console)["sent"] == 2
    at(console, "2027-04-22T10:00+02:00")
    assert counts(console) == {"members": 2, "guests": 1, "sent": 0, "messages": 0}
    assert exported(console, "lea")["rappels"] == []
    console.run_line(":as lea")
    may = re.search(r"inscrit·e au REX #(\d+) du jeudi 20 mai 2027", console.run_line("/club rex inscrire")).group(1)

    at(console, "2028-01-21T10:00+01:00")  # the January REX is not a year old before 15:00
    assert counts(console)["guests"] == 1
    at(console, "2028-01-22T10:00+01:00")
    assert counts(console) == {"members": 1, "guests": 0, "sent": 0, "messages": 0}  # May's stays
    assert [r["evenement"] for r in exported(console, "lea")["inscriptions"]] == [f"#{may} Retour d'expérience"]
    assert exported(console, "lea")["invites"] == []


def test_the_programme_file_sets_the_periods(database_url: str) -> None:
    with club(database_url, Retention(registrations=24, guests=1, reminders=1)) as console:
        january_rex(console)
        at(console, "2027-02-20T10:00+01:00")
        assert counts(console) == {"members": 2, "guests": 1, "sent": 2, "messages": 0}  # sent 11 January
        at(console, "2027-02-22T10:00+01:00")
        assert counts(console) == {"members": 2, "guests": 0, "sent": 0, "messages": 0}
        at(console, "2028-06-01T10:00+02:00")
        assert counts(console)["members"] == 2  # kept two years
        at(console, "2029-01-22T10:00+01:00")
        assert counts(console)["members"] == 0


@pytest.fixture
def club_settings() -> ClubSettings:
    return settings_for("seminaire-bloc-local.toml")


def test_a_seminar_s_workshop_choices_go_a_year_after_its_day(service: Service) -> None:
    console = console_at(service, "2 septembre 2019 10h")
    console.run_line(":as lea")
    assert "Inscription enregistrée : vous — phase 1, atelier A" in console.run_line("/club atelier 1 A")

    def kept() -> int:
        with service.db.transaction() as session:
            return session.scalar(select(func.count()).select_from(WorkshopRegistration))

    at(console, "14 novembre 2020 10h")  # the day was Friday 15 November 2019
    assert kept() == 1
    at(console, "16 novembre 2020 10h")
    assert kept() == 0
    assert "Ateliers : aucun" in console.run_line("/club moi")


def test_the_shipped_programmes_show_the_periods() -> None:
    for path in (DEFAULT_PROGRAMME, *sorted((DEFAULT_PROGRAMME.parent / "examples").glob("*.toml"))):
        assert re.search(r'^\[retention\]\nregistrations = "1 an".*\nguests = "1 an".*\nreminders = "3 mois"',
                         path.read_text(encoding="utf-8"), re.M), path.name
        assert load_programme(path).retention == Retention(registrations=12, guests=12, reminders=3)


@pytest.mark.parametrize(("written", "said"), [
    ('registrations = "deux ans"', "retention → registrations : durée illisible 'deux ans' ; exemples : \"3 mois\""),
    ("reminders = 0", "retention → reminders : durée de conservation entre 1 mois et 10 ans"),
    ('guests = "11 ans"', "retention → guests : durée de conservation entre 1 mois et 10 ans"),
    ('visits = "1 an"', "retention → visits : Extra inputs are not permitted"),
])
def test_a_wrong_period_is_named_in_the_file(tmp_path: Path, written: str, said: str) -> None:
    path = tmp_path / "club.toml"
    path.write_text(f'[club]\nslug = "c"\nname = "C"\n\n[retention]\n{written}\n', encoding="utf-8")
    with pytest.raises(ProgrammeError) as wrong:
        load_programme(path)
    assert said in str(wrong.value)


def test_periods_read_in_months_and_years(tmp_path: Path) -> None:
    path = tmp_path / "club.toml"
    path.write_text('[club]\nslug = "c"\nname = "C"\n\n[retention]\nregistrations = "2 ans"\n'
                    'guests = "6 mois"\nreminders = 1\n', encoding="utf-8")
    assert load_programme(path).retention == Retention(registrations=24, guests=6, reminders=1)
    path.write_text('[club]\nslug = "c"\nname = "C"\n', encoding="utf-8")
    assert load_programme(path).retention == Retention(registrations=12, guests=12, reminders=3)
