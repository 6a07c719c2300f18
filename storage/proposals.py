"""The call for contributions and the themes proposed to it, until the rencontre chooses.

A call belongs to one year (the year whose themes it collects); proposals carry a short number
per Club (`#12`) that stays theirs across years, so a number always names one proposal.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, Institution, Member, utcnow


class CallStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ProposalStatus(enum.StrEnum):
    PROPOSED = "proposed"
    WITHDRAWN = "withdrawn"
    RETAINED = "retained"
    NOT_RETAINED = "not_retained"


class ProposalCall(Base):
    """One call for contributions per Club and year; reopening reuses it with a new deadline."""

    __tablename__ = "proposal_calls"
    __table_args__ = (UniqueConstraint("club_id", "year", name="uq_proposal_call_club_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default=CallStatus.OPEN.value)
    opens_at: Mapped[datetime] = mapped_column()
    closes_at: Mapped[datetime] = mapped_column()
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column()  # when the rencontre's choice was recorded
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def is_open(self, now: datetime) -> bool:
        return self.status == CallStatus.OPEN.value and self.opens_at <= now < self.closes_at


class Proposal(Base):
    __tablename__ = "proposals"
    __table_args__ = (
        UniqueConstraint("club_id", "number", name="uq_proposal_club_number"),
        Index("ix_proposal_call", "call_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    call_id: Mapped[int] = mapped_column(ForeignKey("proposal_calls.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # The institution at the time of proposing: the theme stays the institution's if the person moves.
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="SET NULL"))
    # Who carries the theme at the February rencontre; None means the author.
    carrier_name: Mapped[str | None] = mapped_column(String(200))
    carrier_user_id: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=ProposalStatus.PROPOSED.value)
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column()

    author: Mapped[Member] = relationship(lazy="joined")
    institution: Mapped[Institution | None] = relationship(lazy="joined")
    call: Mapped[ProposalCall] = relationship()

    @property
    def carrier(self) -> str:
        return self.carrier_name or self.author.display_name


class ProposalDraft(Base):
    """A proposal held back by the near-duplicate warning, until its author confirms it.

    One per person: a new warning replaces the previous draft."""

    __tablename__ = "proposal_drafts"
    __table_args__ = (UniqueConstraint("club_id", "author_id", name="uq_proposal_draft_author"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    carrier_name: Mapped[str | None] = mapped_column(String(200))
    carrier_user_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Difficulty(Base):
    """A member's difficulty with a theme (calendar, technical, political…), for the Club to decide on."""

    __tablename__ = "proposal_difficulties"
    __table_args__ = (Index("ix_proposal_difficulty_proposal", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)
    # keep | compromise | drop, once the collective decision is tallied (poll machinery).
    outcome: Mapped[str | None] = mapped_column(String(16))
    decided_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(lazy="joined")
    author: Mapped[Member] = relationship(lazy="joined")
