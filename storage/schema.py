"""The whole schema of club-bot in one MetaData.

Each capability keeps its models in its own storage module, and a table joins `Base.metadata` only when
its module is imported. Alembic's autogenerate and `alembic check` compare that metadata with the
database: with only `storage.models` loaded they would see every capability's table as one to drop.
Importing this module loads them all, from storage alone (never handlers or bot, which depend on storage).
"""

from __future__ import annotations

from sqlalchemy import MetaData

from storage import (  # noqa: F401  (imported for their tables)
    agenda,
    calendar,
    formats,
    groups,
    numbers,
    outbox,
    polls,
    proposals,
    registrations,
    reminders,
    requests,
    rex,
    workshops,
)
from storage.models import Base

metadata: MetaData = Base.metadata

__all__ = ["metadata"]
