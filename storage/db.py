"""Engine and sessions for SQLite (embedded default) and PostgreSQL (several processes)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import Pool


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def insert_for(session: Session):
    """The INSERT of the session's database (PostgreSQL's or SQLite's): both know ON CONFLICT, which
    makes "one vote per voter and option" and its kin hold without a read before the write."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def make_engine(url: str, *, poolclass: type[Pool] | None = None) -> Engine:
    """The engine of club-bot, SQLite pragmas included; `poolclass` replaces the default pool and its
    sizing (migrations use NullPool: one short-lived connection, closed when they are done)."""
    url = normalise_url(url)
    pooling: dict[str, object] = {} if poolclass is None else {"poolclass": poolclass}
    if not url.startswith("sqlite"):
        sizing = {"pool_size": 10, "max_overflow": 20} if poolclass is None else pooling
        return create_engine(url, pool_pre_ping=True, **sizing)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pooling)

    # SQLite has one writer: take the write lock when a transaction starts (BEGIN IMMEDIATE)
    # so concurrent handlers queue on busy_timeout instead of failing with "database is locked"
    # when a read transaction tries to upgrade to a write.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    """One engine and its session factory; `transaction()` is the unit of work of a handler."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer and every transaction takes the write lock (BEGIN IMMEDIATE). Threads of
        # this process queue on a lock that wakes the next one at once, instead of SQLite's busy handler,
        # which sleeps and polls (up to 100 ms a turn) and made the slow tail under concurrency.
        self._turn = threading.RLock() if self.is_sqlite else nullcontext()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Commit on success, roll back on any exception: nothing partial is ever written."""
        with self._turn, self._sessions.begin() as session:
            yield session

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT 1")).scalar() == 1

    def dispose(self) -> None:
        self.engine.dispose()
