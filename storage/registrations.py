"""Registrations to events (REX, sessions, seminar workshops): who has a seat, who waits.

One row per person and event (members by id, guests by name and institution): registering again
reuses the row, so the unique constraint holds and the history stays. `registration_events` holds
an event's optional capacity and is the row locked while seats are counted.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, Member, utcnow


class RegistrationState(enum.StrEnum):
    CONFIRMED = "confirmed"  # has a seat
    WAITLISTED = "waitlisted"  # waits for a seat, in `requested_at` order
    CANCELLED = "cancelled"  # left (kept for the record; registering again reuses the row)


class RegistrationEvent(Base):
    """An event's registration settings, keyed by the calendar event id; its row is the seat lock."""

    __tablename__ = "registration_events"

    event_id: Mapped[int] = mapped_column(ForeignKey("calendar_events.id", ondelete="CASCADE"), primary_key=True)
    capacity: Mapped[int | None] = mapped_column()  # None: no limit
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Registration(Base):
    """A member, or a guest registered by a member, for one event."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "person_key", name="uq_registration_person"),
        Index("ix_registration_event_state", "event_id", "state", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("calendar_events.id", ondelete="CASCADE"))
    # "m:<member id>" or "g:<folded name>|<folded institution>": one registration per person
    person_key: Mapped[str] = mapped_column(String(420))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    guest_name: Mapped[str | None] = mapped_column(String(200))
    guest_institution: Mapped[str | None] = mapped_column(String(200))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)  # the waitlist's order
    confirmed_at: Mapped[datetime | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()

    member: Mapped[Member | None] = relationship(foreign_keys=[member_id], lazy="joined")
    invited_by: Mapped[Member | None] = relationship(foreign_keys=[invited_by_id], lazy="joined")

    @property
    def is_guest(self) -> bool:
        return self.member_id is None

    @property
    def name(self) -> str:
        return self.member.display_name if self.member else (self.guest_name or "")

    @property
    def institution(self) -> str:
        if self.member:
            return self.member.institution.name if self.member.institution else ""
        return self.guest_institution or ""
