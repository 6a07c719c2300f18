"""The database layer: migrations both ways, UTC everywhere, and SQLite under concurrent writers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from storage import Database
from storage.db import normalise_url
from storage.migrate import downgrade, upgrade
from storage.models import Club, Institution, ProcessedEvent


def test_migrations_go_down_and_up_again(database_url: str) -> None:
    db = Database(database_url)
    assert {"clubs", "members", "institutions", "processed_events", "posted_messages"} <= set(
        inspect(db.engine).get_table_names())
    downgrade(database_url, "base")
    assert "members" not in inspect(db.engine).get_table_names()
    upgrade(database_url)
    assert "members" in inspect(db.engine).get_table_names()
    db.dispose()


def test_times_are_stored_and_read_back_in_utc(database_url: str) -> None:
    db = Database(database_url)
    paris_winter = datetime(2027, 1, 14, 15, 0, tzinfo=timezone(timedelta(hours=1)))
    with db.transaction() as session:
        session.add(ProcessedEvent(platform="slack", event_id="Ev", received_at=paris_winter))
    with db.transaction() as session:
        stored = session.scalar(select(ProcessedEvent.received_at))
    assert stored == paris_winter and stored.tzinfo == UTC and stored.hour == 14
    with pytest.raises(Exception, match="naive datetime"), db.transaction() as session:
        session.add(ProcessedEvent(platform="slack", event_id="Ev2", received_at=datetime(2027, 1, 1)))
        session.flush()
    db.dispose()


def test_sqlite_takes_concurrent_writers_without_locking_errors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'club.sqlite3'}"
    upgrade(url)
    db = Database(url)
    with db.transaction() as session:
        session.add(Club(slug="c", name="Club"))

    def write(n: int) -> None:
        for i in range(10):
            with db.transaction() as session:
                club = session.scalar(select(Club))
                session.add(Institution(club_id=club.id, name=f"I{n}-{i}", key=f"i{n}-{i}"))

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(write, range(16)))
    with db.transaction() as session:
        assert len(session.scalars(select(Institution)).all()) == 160
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    db.dispose()


def test_postgres_urls_use_psycopg() -> None:
    assert normalise_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
