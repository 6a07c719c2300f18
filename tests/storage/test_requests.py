"""Requests already acted on: a second use before expiry is refused, twins racing in two transactions
are told apart, and rows leave the table once expired, kind by kind."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storage import Database
from storage.requests import SeenRequest, first_use

T0 = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def use(db: Database, key: str, at: datetime, kind: str = "slack-signature",
        keep: timedelta = timedelta(minutes=5)) -> bool:
    with db.transaction() as session:
        return first_use(session, kind, key, at, at + keep)


def kept(db: Database) -> set[tuple[str, str]]:
    with db.transaction() as session:
        return {(row.kind, row.key) for row in session.scalars(select(SeenRequest))}


def test_a_key_is_used_once_until_it_expires(db: Database) -> None:
    assert use(db, "v0=abc", T0)
    assert not use(db, "v0=abc", T0 + timedelta(seconds=1))
    assert not use(db, "v0=abc", T0 + timedelta(minutes=5))
    assert use(db, "v0=abc", T0 + timedelta(minutes=5, seconds=1))  # expired: a first use again
    assert use(db, "v0=other", T0)


def test_expired_rows_are_purged_as_new_ones_come_and_each_kind_keeps_its_clock(db: Database) -> None:
    use(db, "old", T0)
    use(db, "42:7:+1", T0 + timedelta(days=400), kind="poll-click", keep=timedelta(seconds=3))
    use(db, "new", T0 + timedelta(minutes=10))
    # The click's row follows the Club's clock, far ahead of the signatures': a signature's arrival leaves it.
    assert kept(db) == {("slack-signature", "new"), ("poll-click", "42:7:+1")}


def test_of_twins_racing_in_two_transactions_exactly_one_is_first(db: Database) -> None:
    ready = threading.Barrier(2)
    results: list[bool] = []

    def twin() -> None:
        ready.wait()
        results.append(use(db, "v0=twin", T0))

    threads = [threading.Thread(target=twin) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
