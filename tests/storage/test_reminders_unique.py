"""One reminder row per subject, step and recipient, whatever the code does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from storage import Database
from storage.models import Club
from storage.reminders import Reminder


def test_a_reminder_exists_once_per_subject_step_and_recipient(database_url: str) -> None:
    db = Database(database_url)
    now = datetime(2027, 1, 1, tzinfo=UTC)
    row = dict(subject="event", subject_id=1, kind="j1", recipient="member:1", due_at=now, not_before=now)
    try:
        with db.transaction() as session:
            club = Club(slug="c", name="C")
            session.add(club)
            session.flush()
            session.add(Reminder(club_id=club.id, **row))
        with pytest.raises(IntegrityError), db.transaction() as session:
            session.add(Reminder(club_id=club.id, **row))
    finally:
        db.dispose()
