"""The reminders migration creates exactly what the model describes; one row per subject, step and recipient."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from storage import Database
from storage.models import Base, Club
from storage.reminders import Reminder


def test_migration_matches_the_model(database_url: str) -> None:
    db = Database(database_url)
    try:
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            ours = [d for d in compare_metadata(context, Base.metadata) if "reminders" in repr(d)]
        assert ours == []
    finally:
        db.dispose()


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
