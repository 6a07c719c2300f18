"""The proposals migration creates exactly what the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage import Database
from storage.models import Base
from storage.proposals import Difficulty, Proposal, ProposalCall, ProposalDraft

TABLES = {model.__tablename__ for model in (ProposalCall, Proposal, ProposalDraft, Difficulty)}


def _ours(diff) -> bool:
    for item in diff if isinstance(diff, list) else [diff]:
        for part in item:
            table = getattr(part, "table", None)
            name = getattr(part, "name", None) if table is None else table.name
            if name in TABLES:
                return True
    return False


def test_migration_matches_the_models(database_url: str) -> None:
    db = Database(database_url)
    try:
        with db.engine.connect() as conn:
            assert TABLES <= set(inspect(conn).get_table_names())
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            differences = [d for d in compare_metadata(context, Base.metadata) if _ours(d)]
        assert differences == []
    finally:
        db.dispose()


def test_unique_constraints_hold_in_the_database(database_url: str) -> None:
    db = Database(database_url)
    try:
        with db.engine.connect() as conn:
            inspector = inspect(conn)
            uniques = {c["name"] for t in TABLES for c in inspector.get_unique_constraints(t)}
        assert {"uq_proposal_call_club_year", "uq_proposal_club_number", "uq_proposal_draft_author"} <= uniques
    finally:
        db.dispose()
