"""Many people create at the same instant, on two `club-bot serve` replicas sharing one PostgreSQL, just as
both start and generate the year's calendar: nobody gets the apology, the Club's numbers (#1, #2…) are
unique and without gaps, and the calendar holds each event once.

SQLite is one process with one writer by design (a second replica is not a deployment it supports); the
allocator's own tests (tests/storage/test_numbers.py) run on both databases.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select

from handlers import ClubSettings, Command, Service
from handlers.calendar import generation
from handlers.calendar.programme import load_programme
from handlers.i18n import translate
from handlers.service import APOLOGY
from storage import Database
from storage.calendar import Event
from storage.groups import Group
from storage.polls import Poll
from storage.rex import RexTopic
from tests.fakes.slack_api import FakeSlackAPI
from tests.support.postgres import wait_for_lock_waiters
from tests.support.slack import CLUB_CHANNEL, SECRET, signed_headers

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

SORRY = translate("fr", APOLOGY)
FACILITATORS = [f"UFACIL{n:02d}" for n in range(1, 9)]


# -- the Club before the replicas start -------------------------------------------------------------------
def say(service: Service, user: str, line: str) -> str:
    replies = service.handle_command(Command(platform="console", user_id=user, user_name=user, channel_id="club",
                                             text=line, received_at=datetime.now(UTC)))
    return "\n".join(reply.text for reply in replies)


def club_with_three_proposals(database_url: str) -> None:
    """A call for contributions with three themes, and no calendar yet: the replicas' first commands and their
    schedulers are the ones to generate it."""
    db = Database(database_url)
    try:
        service = Service(db, ClubSettings(programme=load_programme(), admins=frozenset({"console:camille"})))
        assert "appel" in say(service, "camille", "appel ouvrir").lower()
        for user, title in (("lea", "Mobilité en zone rurale"), ("bob", "Numérique et inclusion"),
                            ("zoe", "Habitat indigne")):
            assert "#" in say(service, user, f"propose {title}")
        with db.transaction() as session:
            assert session.scalar(select(func.count()).select_from(Event)) == 0
    finally:
        db.dispose()


# -- two replicas -----------------------------------------------------------------------------------------
@contextmanager
def replicas(database_url: str, api: FakeSlackAPI, folder: Path, count: int = 2) -> Iterator[list[str]]:
    """`count` `club-bot serve` processes on one database, started together; yields their base URLs.
    Their logs go to files (a pipe nobody reads would stall a process that logs a lot)."""
    env = {**os.environ, "DATABASE_URL": database_url, "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": api.url, "SLACK_CLUB_CHANNEL": CLUB_CHANNEL,
           "CLUB_ADMINS": ",".join(FACILITATORS)}
    started = []
    try:
        for n in range(count):
            log = (folder / f"replica{n}.log").open("w")
            process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0"],
                                       stdout=subprocess.PIPE, stderr=log, text=True, env=env, cwd=folder)
            started.append((process, log))
        urls = []
        for n, (process, _log) in enumerate(started):
            line = process.stdout.readline()
            assert line.startswith("club-bot écoute sur http://127.0.0.1:"), (folder / f"replica{n}.log").read_text()
            urls.append(line.split()[-1])
        yield urls
    finally:
        for process, log in started:
            process.terminate()
            process.wait(timeout=10)
            log.close()


def command_body(text: str, user: str) -> str:
    return urlencode({"token": "deprecated", "team_id": "T01ND2P8N91", "team_domain": "club",
                      "channel_id": CLUB_CHANNEL, "channel_name": "club", "user_id": user,
                      "user_name": user.lower(), "command": "/club", "text": text, "api_app_id": "A0CLUB",
                      "response_url": "https://hooks.slack.com/commands/T01ND2P8N91/1/x", "trigger_id": "1.2.3"})


def all_at_once(urls: list[str], commands: list[tuple[str, str]]) -> list[str]:
    """Every (user, text) sent at the same instant, alternately to each replica; the answers, in order."""
    start = threading.Barrier(len(commands))

    def send(index: int) -> str:
        user, line = commands[index]
        body = command_body(line, user)
        with httpx.Client(base_url=urls[index % len(urls)], timeout=60) as http:
            start.wait()
            response = http.post("/slack/events", content=body.encode(), headers=signed_headers(body))
        assert response.status_code == 200, response.text
        return response.json()["text"]

    with ThreadPoolExecutor(len(commands)) as pool:
        return list(pool.map(send, range(len(commands))))


def club_numbers(db: Database, model) -> list[int]:
    with db.transaction() as session:
        return list(session.scalars(select(model.number).order_by(model.number)))


def test_two_replicas_creating_at_once_as_they_start_never_apologise_and_number_without_gaps(
        database_url: str, tmp_path: Path) -> None:
    club_with_three_proposals(database_url)
    members = [f"UMEMBER{n:02d}" for n in range(1, 13)]
    commands = [(FACILITATORS[0], "retenir 1 2 3")]
    commands += [(user, f'sondage "Quelle date pour la réunion {n} ?" "Mardi" "Jeudi"')
                 for n, user in enumerate(members[:6], 1)]
    commands += [(user, f"groupe creer Groupe de travail {n}") for n, user in enumerate(FACILITATORS[1:7], 1)]
    commands += [(user, f"rex sujet Un retour d'expérience numéro {n}") for n, user in enumerate(members[6:], 1)]
    with FakeSlackAPI() as api:
        for user in [*members, *FACILITATORS]:
            api.add_user(user, user.title())
        with replicas(database_url, api, tmp_path) as urls:
            answers = all_at_once(urls, commands)
    logs = "".join(path.read_text() for path in sorted(tmp_path.glob("replica*.log")))

    assert [answer for answer in answers if SORRY in answer] == [], logs
    assert "3 thème(s) retenu(s)" in answers[0]
    assert all("lancé" in answer for answer in answers[1:7]), answers[1:7]
    assert all("créé" in answer for answer in answers[7:13]), answers[7:13]
    assert all("proposé, merci" in answer for answer in answers[13:]), answers[13:]
    db = Database(database_url)
    try:
        assert club_numbers(db, Poll) == [1, 2, 3, 4, 5, 6]
        assert club_numbers(db, Group) == list(range(1, 10))  # three retained themes, six groups created
        assert club_numbers(db, RexTopic) == [1, 2, 3, 4, 5, 6]
        events = club_numbers(db, Event)
        assert events == list(range(1, len(events) + 1))
        programme = load_programme()
        year = datetime.now(ZoneInfo(programme.club.timezone)).year
        planned = {(p.series, p.occurrence) for y in (year, year + 1) for p in generation.plan_year(programme, y)}
        with db.transaction() as session:
            generated = session.execute(select(Event.series, Event.occurrence).where(
                Event.group_id.is_(None))).all()
            sessions = session.scalar(select(func.count()).select_from(Event).where(Event.group_id.is_not(None)))
        assert sorted(generated) == sorted(planned)  # each event of the two years once
        assert sessions > 0  # the retained themes' groups have their sessions, numbered among the events
    finally:
        db.dispose()
    assert "UniqueViolation" not in logs and "IntegrityError" not in logs, logs


def test_two_first_commands_generating_the_calendar_at_once_write_it_once(database_url: str) -> None:
    """The second generation waits for the first, then finds nothing missing: no duplicate, no error."""
    programme = load_programme()
    first, second = Database(database_url), Database(database_url)
    try:
        service = Service(first, ClubSettings(programme=programme))
        now = datetime.now(UTC)
        years = (now.year, now.year + 1)
        with ThreadPoolExecutor(1) as pool:
            with first.transaction() as session:
                written = generation.ensure_years(session, service.club_id, programme, years, now)

                def generate_again() -> list[Event]:
                    with second.transaction() as other:
                        return generation.ensure_years(other, service.club_id, programme, years, now)

                again = pool.submit(generate_again)
                wait_for_lock_waiters(first.engine, 1)
            assert again.result() == []
        assert written and club_numbers(first, Event) == list(range(1, len(written) + 1))
    finally:
        first.dispose()
        second.dispose()
