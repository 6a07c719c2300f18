"""The agenda, formats and workshops migrations create exactly what the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage import Database
from storage.agenda import Agenda, AgendaItem
from storage.formats import CohortSeat, PresidencyOrder, PresidencyStep, PresidencyTerm, RoleHolder
from storage.models import Base
from storage.workshops import Workshop, WorkshopRegistration, WorkshopTeam, WorkshopTeamMember

TABLES = {m.__tablename__ for m in (Agenda, AgendaItem, CohortSeat, PresidencyOrder, PresidencyStep, PresidencyTerm,
                                    RoleHolder, Workshop, WorkshopRegistration, WorkshopTeam, WorkshopTeamMember)}


def _ours(diff) -> bool:
    for item in diff if isinstance(diff, list) else [diff]:
        for part in item:
            table = getattr(part, "table", None)
            name = getattr(part, "name", None) if table is None else table.name
            if name in TABLES:
                return True
    return False


def test_migrations_match_the_models(database_url: str) -> None:
    db = Database(database_url)
    try:
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            assert [d for d in compare_metadata(context, Base.metadata) if _ours(d)] == []
    finally:
        db.dispose()
