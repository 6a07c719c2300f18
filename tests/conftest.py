"""Fixtures: every database test runs on SQLite and on PostgreSQL, each from `alembic upgrade head`."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from handlers import ClubSettings, Service
from handlers.calendar.programme import load_programme
from storage import Database
from storage.migrate import upgrade
from tests.support.postgres import PostgresCluster

# The groups area's `club` fixture (a Club whose console channel is the Club's), for every module testing it.
pytest_plugins = ["tests.handlers.groups.support"]

CORPUS = Path(__file__).resolve().parent / "corpus"  # real payload samples; SOURCES.md says where each is from
_names = itertools.count()


class FakeClock:
    """An injected clock: tests move time instead of sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2027, 1, 11, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "club.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated template database; each test gets its own copy (CREATE DATABASE … TEMPLATE)."""
    cluster = None
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        cluster = PostgresCluster()
        url = cluster.start()
    admin = create_engine(Database(url).url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS club_template"))
        conn.execute(text("CREATE DATABASE club_template"))
    template_url = make_url(Database(url).url).set(database="club_template").render_as_string(False)
    upgrade(template_url)
    try:
        yield Database(url).url
    finally:
        admin.dispose()
        if cluster:
            cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "club.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server_url = request.getfixturevalue("postgres_template")
    name = f"club_test_{os.getpid()}_{next(_names)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE club_template'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def club_settings() -> ClubSettings:
    return ClubSettings(programme=load_programme(), admins=frozenset({"console:camille", "UADMIN01"}))


@pytest.fixture
def service(database_url: str, club_settings: ClubSettings, clock: FakeClock) -> Iterator[Service]:
    db = Database(database_url)
    yield Service(db, club_settings, clock=clock)
    db.dispose()
