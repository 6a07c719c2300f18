"""The Club's short numbers (#1, #2…) when several transactions create rows at once: every row gets one,
none is shared, none is skipped, and the numbering of a database that already has rows goes on from them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from storage import Database
from storage.groups import Group
from storage.models import Club
from storage.numbers import add_numbered
from tests.support.postgres import wait_for_lock_waiters


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def new_club(db: Database, slug: str) -> int:
    with db.transaction() as session:
        club = Club(slug=slug, name=slug)
        session.add(club)
        session.flush()
        return club.id


def create_group(db: Database, club_id: int, title: str) -> None:
    with db.transaction() as session:
        add_numbered(session, Group(club_id=club_id, title=title), Group.number)


def numbers(db: Database, club_id: int) -> list[int]:
    with db.transaction() as session:
        return list(session.scalars(select(Group.number).where(Group.club_id == club_id).order_by(Group.number)))


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_groups_created_while_another_transaction_holds_a_number_all_get_the_next_ones(db: Database) -> None:
    """Ten facilitators create a group while an eleventh creation is not committed yet: each of the ten waits
    for it and takes the next number. (PostgreSQL only: on SQLite a second transaction cannot even start
    while one writes.)"""
    club_id = new_club(db, "club")
    others = 10
    with ThreadPoolExecutor(others) as pool:
        with db.transaction() as session:
            add_numbered(session, Group(club_id=club_id, title="Premier"), Group.number)
            created = [pool.submit(create_group, db, club_id, f"Groupe {n}") for n in range(others)]
            wait_for_lock_waiters(db.engine, others)
        for future in created:
            future.result()
    assert numbers(db, club_id) == list(range(1, others + 2))


def test_numbers_given_at_once_by_two_processes_are_unique_and_without_gaps(database_url: str) -> None:
    """Two replicas (two engines, two pools) and eight threads create groups of two Clubs at the same
    instant: each Club counts 1, 2, 3… on its own, with no number shared or skipped."""
    replicas = [Database(database_url), Database(database_url)]
    clubs = [new_club(replicas[0], "a"), new_club(replicas[0], "b")]
    threads, each = 8, 4
    start = threading.Barrier(threads)

    def create(worker: int) -> None:
        start.wait()
        for n in range(each):
            create_group(replicas[worker % 2], clubs[(worker + n) % 2], f"Groupe {worker}-{n}")

    try:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(create, range(threads)))
        for club_id in clubs:
            assert numbers(replicas[1], club_id) == list(range(1, threads * each // 2 + 1))
    finally:
        for replica in replicas:
            replica.dispose()


def test_a_creation_rolled_back_gives_its_number_back(db: Database) -> None:
    club_id = new_club(db, "club")
    create_group(db, club_id, "Premier")
    with pytest.raises(RuntimeError), db.transaction() as session:
        add_numbered(session, Group(club_id=club_id, title="Abandonné"), Group.number)
        raise RuntimeError("the command failed after numbering its group")
    create_group(db, club_id, "Deuxième")
    assert numbers(db, club_id) == [1, 2]


def test_numbering_goes_on_from_the_rows_already_there(db: Database) -> None:
    """A database whose groups were numbered before (or rows copied with their numbers, as a presidency's
    history is): the next group takes the number after the highest one."""
    club_id, other = new_club(db, "club"), new_club(db, "autre")
    with db.transaction() as session:
        session.add_all([Group(club_id=club_id, number=n, title=f"Ancien {n}") for n in (1, 2, 3)])
    create_group(db, club_id, "Nouveau")
    create_group(db, other, "Premier de l'autre Club")
    with db.transaction() as session:
        session.add(Group(club_id=club_id, number=9, title="Importé"))
    create_group(db, club_id, "Après l'import")
    assert numbers(db, club_id) == [1, 2, 3, 4, 9, 10]
    assert numbers(db, other) == [1]
