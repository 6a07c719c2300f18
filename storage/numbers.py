"""The Club's short numbers (#3, n° 12): what people type to name a poll, a proposal, a REX topic…

Each is unique per Club in the database; two rows created at the same instant on PostgreSQL both read
the same highest number, one wins the unique constraint, and the other takes the next.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

ATTEMPTS = 5


def next_number(session: Session, column: InstrumentedAttribute[int], *scope: ColumnElement[bool]) -> int:
    return (session.scalar(select(func.max(column)).where(*scope)) or 0) + 1


def add_numbered(session: Session, row: Any, column: InstrumentedAttribute[int],
                 *scope: ColumnElement[bool]) -> bool:
    """Adds `row` with the next free number of its scope (`column` is e.g. `Poll.number`, `scope` the
    WHERE clauses of one Club); False when every attempt lost the race, for the caller to say so."""
    for _attempt in range(ATTEMPTS):
        setattr(row, column.key, next_number(session, column, *scope))
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
            return True
        except IntegrityError:
            if row in session:
                session.expunge(row)
    return False
