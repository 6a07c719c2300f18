"""The migrations, applied from scratch, create exactly what the models describe — every capability's
tables, columns, indexes and constraints — on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import UniqueConstraint, inspect

from storage import Database
from storage.schema import metadata


def test_the_migrations_match_the_models(database_url: str) -> None:
    db = Database(database_url)
    try:
        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            assert set(metadata.tables) <= tables, set(metadata.tables) - tables
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            assert compare_metadata(context, metadata) == []
    finally:
        db.dispose()


def test_every_unique_constraint_of_the_models_holds_in_the_database(database_url: str) -> None:
    """Where the real world has one (one vote per voter and option, one registration per person and
    event, one reminder per subject, step and recipient…), the database enforces it, not only the code."""
    expected = {(table.name, constraint.name) for table in metadata.tables.values()
                for constraint in table.constraints if isinstance(constraint, UniqueConstraint) and constraint.name}
    db = Database(database_url)
    try:
        with db.engine.connect() as conn:
            inspector = inspect(conn)
            found = {(table, c["name"]) for table in {t for t, _name in expected}
                     for c in inspector.get_unique_constraints(table)}
    finally:
        db.dispose()
    assert expected - found == set()
    assert {"uq_vote", "uq_registration_person", "uq_reminder_key", "uq_workshop_registration"} <= {
        name for _table, name in found}
