"""What the reliability scenarios share: a count of every table's rows, to prove nothing was written."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers import Service
from storage.schema import metadata


def snapshot(service: Service, skip: tuple[str, ...] = ()) -> dict[str, int]:
    with service.db.transaction() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in metadata.sorted_tables if table.name not in skip}
