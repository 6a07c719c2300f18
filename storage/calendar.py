"""The Club's calendar: one row per event, generated a year ahead from the programme or added by hand."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class EventKind(enum.StrEnum):
    RENCONTRE = "rencontre"
    GROUPE = "groupe"
    REX = "rex"
    SEMINAIRE = "seminaire"
    COMITE = "comite"
    SESSION = "session"


class EventStatus(enum.StrEnum):
    PLANNED = "planned"
    MOVED = "moved"
    CANCELLED = "cancelled"


class Event(Base):
    """An event of the Club. `number` is its short per-club number (#n), kept when it moves.

    `series` + `occurrence` name the programme slot it was generated for ("rex", "2027-03"), so
    generating a year again never duplicates it, even after it moved. `group_id` is a working
    group's id (no foreign key: groups live in their own capability)."""

    __tablename__ = "calendar_events"
    __table_args__ = (
        UniqueConstraint("club_id", "number", name="uq_calendar_event_number"),
        UniqueConstraint("club_id", "series", "occurrence", name="uq_calendar_event_occurrence"),
        Index("ix_calendar_event_starts", "club_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    series: Mapped[str | None] = mapped_column(String(64))
    occurrence: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column()
    duration_minutes: Mapped[int] = mapped_column()
    place: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(20), default="membres")
    visio_url: Mapped[str | None] = mapped_column(String(500))  # members only, never in a public feed
    group_id: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.PLANNED.value)
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: calendars replace older versions
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED.value
