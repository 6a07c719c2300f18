"""The registrations and REX migrations create exactly what the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage import Database
from storage.models import Base
from storage.registrations import Registration, RegistrationEvent
from storage.rex import RexSession, RexTopic

TABLES = {model.__tablename__ for model in (Registration, RegistrationEvent, RexSession, RexTopic)}


def _only_ours(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Other capabilities' tables are theirs to check; the columns and indexes of ours are compared."""
    return name in TABLES if type_ == "table" else True


def test_migrations_match_the_models_and_keep_one_registration_per_person(database_url: str) -> None:
    db = Database(database_url)
    try:
        with db.engine.connect() as conn:
            inspector = inspect(conn)
            assert TABLES <= set(inspector.get_table_names())
            uniques = {c["name"] for t in TABLES for c in inspector.get_unique_constraints(t)}
            assert {"uq_registration_person", "uq_rex_topic_number"} <= uniques
            context = MigrationContext.configure(conn, opts={"compare_type": False, "include_object": _only_ours})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        db.dispose()
