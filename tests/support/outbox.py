"""A fan-out ready to send: one REX starting soon and N registrants whose J-1 reminder is due now,
and a reminder sender process (`python -m tests.support.outbox DATABASE_URL SLACK_API_URL LEASE`) that sends
until the outbox is empty — what a bot process's scheduler does, without a chat server."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from handlers import ClubSettings, Service
from handlers.calendar.programme import load_programme
from storage import Database
from storage.calendar import Event
from storage.models import Club, Member
from storage.reminders import Reminder, ReminderState

ROOT = Path(__file__).resolve().parent.parent.parent
CLUB_CHANNEL = "C0CLUB"


def seed_fanout(url: str, count: int, platform: str = "slack") -> None:
    """`count` registrants (U00001…) of a REX two hours ahead, each with a J-1 reminder due a minute ago."""
    db = Database(url)
    service = Service(db, ClubSettings(programme=load_programme()))
    now = datetime.now(UTC)
    with db.transaction() as session:
        club = session.get(Club, service.club_id)
        event = Event(club_id=club.id, number=900, kind="rex", title="REX de charge", starts_at=now + timedelta(hours=2),
                      duration_minutes=60, place="en ligne", created_at=now, updated_at=now)
        session.add(event)
        session.flush()
        session.execute(insert(Member), [dict(club_id=club.id, platform=platform, platform_user_id=f"U{i:05d}",
                                              display_name=f"Personne {i}", tz="Europe/Paris", role="membre")
                                         for i in range(count)])
        ids = session.scalars(select(Member.id).where(Member.platform == platform).order_by(Member.id)).all()
        due = now - timedelta(minutes=1)
        session.execute(insert(Reminder), [dict(
            club_id=club.id, subject="event", subject_id=event.id, kind="j1", recipient=f"member:{member_id}",
            platform=platform, member_id=member_id, due_at=due, not_before=due, state=ReminderState.PENDING.value,
            attempts=0, late=False, created_at=now, updated_at=now) for member_id in ids])
    db.dispose()


def states(url: str) -> dict[str, int]:
    db = Database(url)
    with db.transaction() as session:
        found: dict[str, int] = {}
        for state in session.scalars(select(Reminder.state)):
            found[state] = found.get(state, 0) + 1
    db.dispose()
    return found


def spawn_reminder_sender(url: str, slack_url: str, lease: float = 2.0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.support.outbox", url, slack_url, str(lease)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def main(url: str, slack_url: str, lease: str) -> None:
    from bot.outbox_sender import OutboxSender
    from bot.platforms.slack.client import make_client
    from bot.platforms.slack.sender import SlackSender
    from handlers.reminders import outbox_depth

    db = Database(url)
    service = Service(db, ClubSettings(programme=load_programme()))
    reminder_sender = OutboxSender(service, [SlackSender(make_client("xoxb-test", slack_url), CLUB_CHANNEL)],
                                   lease=timedelta(seconds=float(lease)))
    while True:
        stats = reminder_sender.run()
        with db.transaction() as session:
            if outbox_depth(session, datetime.now(UTC)) == 0:
                break
        if not stats.sent:
            time.sleep(0.1)  # rows leased by a dead process: wait for their lease to run out
    db.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:4])
