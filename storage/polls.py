"""Polls and votes. A vote is one live reaction (or button choice): one row per (target, voter, value).

Rows mirror what the platform shows, so adding is insert-or-ignore and removing is a delete: events
commute, retries are harmless, and a recount can replace the rows with the platform's own state.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, Member, utcnow


class Poll(Base):
    __tablename__ = "polls"
    __table_args__ = (
        UniqueConstraint("club_id", "number", name="uq_poll_club_number"),
        Index("ix_poll_due", "closed_at", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()  # the short "#n" people type
    question: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))  # approval | single | jm | dates
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    hide_results: Mapped[bool] = mapped_column(Boolean, default=False)
    by_institution: Mapped[bool] = mapped_column(Boolean, default=False)
    members_only: Mapped[bool] = mapped_column(Boolean, default=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    channel_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closes_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    # Set with closed_at when no one could see it (its messages refused for good): never counted, never results.
    cancelled_at: Mapped[datetime | None] = mapped_column()

    author: Mapped[Member] = relationship(lazy="joined")
    options: Mapped[list[PollOption]] = relationship(order_by="PollOption.position", back_populates="poll",
                                                     lazy="selectin")


class PollOption(Base):
    __tablename__ = "poll_options"
    __table_args__ = (UniqueConstraint("poll_id", "position", name="uq_poll_option_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()  # 1, 2, 3…
    label: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime | None] = mapped_column()  # date polls: the instant this option proposes

    poll: Mapped[Poll] = relationship(back_populates="options")


class Vote(Base):
    """One live vote on a target: a poll option ("poll_option", id) or a proposal ("proposal", id)."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("target_kind", "target_id", "voter_id", "value", name="uq_vote"),
        Index("ix_vote_poll_voter", "poll_id", "voter_id", "target_id"),
        Index("ix_vote_tally", "poll_id", "target_kind", "target_id", "value", "voter_id"),  # covers a tally
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # increasing: the latest vote wins where one must
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    target_kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int] = mapped_column()
    voter_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(String(64))  # the emoji, or the grade for majority judgment
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
