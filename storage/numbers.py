"""The Club's short numbers (#3, n° 12): what people type to name a poll, a proposal, a REX topic…

Each kind of row has one counter per Club, a row of `club_numbers` that the transaction giving a number
updates and so keeps locked until it ends. Two replicas creating at the same instant therefore take turns
at the counter instead of both reading the same highest number: nobody loses a race, no retry is needed,
and a transaction rolled back gives its number back (no gaps). SQLite, one writer, takes turns anyway.
A transaction numbering two kinds takes them in one order (a group, then its sessions' events): two
transactions taking two counters in opposite orders would wait for each other.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, mapped_column

from storage.db import insert_for
from storage.models import Base


class NumberCounter(Base):
    """The highest number given so far to one kind of row (its table's name) in one Club."""

    __tablename__ = "club_numbers"

    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


def reserve(session: Session, column: InstrumentedAttribute[int], club_id: int, count: int = 1) -> int:
    """The first of `count` consecutive numbers of `column` (e.g. `Event.number`) in this Club, which no
    other transaction can be given; the Club's counter of that kind stays this transaction's until it ends.
    `count=0` only waits for the counter (to read what the previous holder wrote) and reserves nothing."""
    model = column.class_
    key = (NumberCounter.club_id == club_id, NumberCounter.kind == model.__tablename__)
    bump = (update(NumberCounter).where(*key).values(last=NumberCounter.last + count)
            .returning(NumberCounter.last).execution_options(synchronize_session=False))
    last = session.scalar(bump)
    if last is None:  # this kind's first number in this Club: two transactions may both get here
        session.execute(insert_for(session)(NumberCounter).values(club_id=club_id, kind=model.__tablename__, last=0)
                        .on_conflict_do_nothing())
        last = session.scalar(bump)
    # Read once the counter is held, so rows numbered before the counter existed, or copied with their
    # numbers (a presidency's history), are never numbered again.
    highest = session.scalar(select(func.max(column)).where(model.club_id == club_id)) or 0
    if highest > last - count:
        last = highest + count
        session.execute(update(NumberCounter).where(*key).values(last=last)
                        .execution_options(synchronize_session=False))
    return last - count + 1


def add_numbered(session: Session, row: Any, column: InstrumentedAttribute[int]) -> None:
    """Adds `row` (of a model with `club_id`) under its Club's next number, e.g. `add_numbered(session,
    poll, Poll.number)`; two rows created at once, by any number of processes, never share one."""
    setattr(row, column.key, reserve(session, column, row.club_id))
    session.add(row)
    session.flush()
