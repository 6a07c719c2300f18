"""Retours d'expérience: topics anyone proposes, and what each REX adds to its calendar event
(its recording for members, whether it was announced)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, Member, utcnow


class RexTopic(Base):
    """A topic proposed for a REX (#n per club); a facilitator programs it on a REX (`event_id`)."""

    __tablename__ = "rex_topics"
    __table_args__ = (
        UniqueConstraint("club_id", "number", name="uq_rex_topic_number"),
        Index("ix_rex_topic_event", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(String(500))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    speakers: Mapped[str | None] = mapped_column(String(300))  # display names, as the facilitator gave them
    event_id: Mapped[int | None] = mapped_column(ForeignKey("calendar_events.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    programmed_at: Mapped[datetime | None] = mapped_column()

    author: Mapped[Member] = relationship(lazy="joined")


class RexSession(Base):
    """What a REX adds to its calendar event. The recording is for members only: never in a feed."""

    __tablename__ = "rex_sessions"

    event_id: Mapped[int] = mapped_column(ForeignKey("calendar_events.id", ondelete="CASCADE"), primary_key=True)
    recording_url: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[datetime | None] = mapped_column()
    announced_at: Mapped[datetime | None] = mapped_column()
