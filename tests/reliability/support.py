"""What the reliability scenarios share: a count of every table's rows, to prove nothing was written."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers import Service
from storage.schema import metadata


def snapshot(service: Service, skip: tuple[str, ...] = ()) -> dict[str, int]:
    """Every table's row count, read in one statement (the permission matrix takes thousands)."""
    tables = [table for table in metadata.sorted_tables if table.name not in skip]
    counts = select(*(select(func.count()).select_from(table).scalar_subquery() for table in tables))
    with service.db.transaction() as session:
        return dict(zip((table.name for table in tables), session.execute(counts).one(), strict=True))
