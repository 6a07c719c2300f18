"""A seminar day's workshops: places taken per workshop and phase, and the teams (collectifs de territoire)
that register together. One workshop per person and phase; a workshop's row is locked while places are taken."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class Workshop(Base):
    """A workshop of the programme file (its capacity stays in the file); the row is what registrations lock."""

    __tablename__ = "workshops"
    __table_args__ = (UniqueConstraint("club_id", "phase", "key", name="uq_workshop_phase_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    phase: Mapped[int] = mapped_column()
    key: Mapped[str] = mapped_column(String(16))


class WorkshopTeam(Base):
    """A collectif de territoire: people of one territory who register together."""

    __tablename__ = "workshop_teams"
    __table_args__ = (UniqueConstraint("club_id", "key", name="uq_workshop_team_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(120))  # the folded name
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkshopTeamMember(Base):
    __tablename__ = "workshop_team_members"
    __table_args__ = (UniqueConstraint("club_id", "member_id", name="uq_workshop_team_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("workshop_teams.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))


class WorkshopRegistration(Base):
    __tablename__ = "workshop_registrations"
    __table_args__ = (UniqueConstraint("club_id", "phase", "member_id", name="uq_workshop_registration"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    phase: Mapped[int] = mapped_column()
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("workshop_teams.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
