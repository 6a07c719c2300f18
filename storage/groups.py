"""Working groups: their members, referents and guests, decision notes, and dissemination consultations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow

PONCTUEL = "ponctuel"
CONTINU = "continu"
MODES = (PONCTUEL, CONTINU)

ACCORD = "accord"
ABSTENTION = "abstention"
OBJECTION = "objection"
CHOICES = (ACCORD, ABSTENTION, OBJECTION)

APPROVED = "approuve"  # no objection and at least one agreement
BLOCKED = "bloque"  # at least one reasoned objection
NO_OPINION = "sans_avis"  # nobody agreed nor objected


class Group(Base):
    """A thematic working group, usually born from a theme retained at the rencontre."""

    __tablename__ = "groups"
    __table_args__ = (
        UniqueConstraint("club_id", "number", name="uq_group_club_number"),
        # A theme retained twice never makes two groups (NULLs, for groups made by hand, stay distinct).
        UniqueConstraint("club_id", "source_proposal_id", name="uq_group_club_proposal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    source_proposal_id: Mapped[int | None] = mapped_column()  # plain integer: proposals live elsewhere
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupChannel(Base):
    """Where a group's posts go on one platform (a private channel of the group)."""

    __tablename__ = "group_channels"
    __table_args__ = (UniqueConstraint("group_id", "platform", name="uq_group_channel_platform"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    channel_id: Mapped[str] = mapped_column(String(64))


class GroupMembership(Base):
    __tablename__ = "group_memberships"
    __table_args__ = (UniqueConstraint("group_id", "member_id", name="uq_group_membership"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(10), default=CONTINU)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupReferent(Base):
    __tablename__ = "group_referents"
    __table_args__ = (UniqueConstraint("group_id", "member_id", name="uq_group_referent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    appointed_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupGuest(Base):
    """Someone from outside the Club invited by the referents: never a member of the group."""

    __tablename__ = "group_guests"
    __table_args__ = (UniqueConstraint("group_id", "key", name="uq_group_guest_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))  # folded name: "Élise Roy" and "elise roy" are one guest
    quality: Mapped[str] = mapped_column(String(80))
    mode: Mapped[str] = mapped_column(String(10), default=PONCTUEL)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DecisionNote(Base):
    """One entry of a group's relevé de décisions: what was agreed, what was not, what comes next."""

    __tablename__ = "decision_notes"
    __table_args__ = (Index("ix_decision_note_group", "group_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column()  # the session, when given (calendar lives elsewhere)
    consensus: Mapped[str] = mapped_column(Text, default="")
    dissensus: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Consultation(Base):
    """The Club's members consulted on disseminating one deliverable of a group (consent style)."""

    __tablename__ = "consultations"
    __table_args__ = (
        UniqueConstraint("club_id", "number", name="uq_consultation_club_number"),
        Index("ix_consultation_open", "closed_at", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    link: Mapped[str] = mapped_column(String(500))
    deadline: Mapped[datetime] = mapped_column()
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(20))


class ConsultationResponse(Base):
    __tablename__ = "consultation_responses"
    __table_args__ = (UniqueConstraint("consultation_id", "member_id", name="uq_consultation_response"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    choice: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime] = mapped_column(default=utcnow)
