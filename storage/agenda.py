"""Meeting agendas (ordres du jour): the items of an event, in order, each possibly time-boxed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class Agenda(Base):
    """One per event that has (or had) an agenda: whether it is locked, and that it was started, so the
    items a programme file proposes are written once and never come back after being removed."""

    __tablename__ = "agendas"

    event_id: Mapped[int] = mapped_column(ForeignKey("calendar_events.id", ondelete="CASCADE"), primary_key=True)
    locked: Mapped[bool] = mapped_column(default=False)
    locked_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    locked_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AgendaItem(Base):
    """An item of an agenda. `position` orders them (ties broken by id); moving an item renumbers them."""

    __tablename__ = "agenda_items"
    __table_args__ = (Index("ix_agenda_item_event", "event_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("agendas.event_id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(String(300))
    minutes: Mapped[int | None] = mapped_column()  # the time-box, when set
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
