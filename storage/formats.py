"""Sister formats: roles held in the format, a rotating presidency, the seats of a cohort's territories."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class RoleHolder(Base):
    """Someone holding a role of the programme file (`[[roles]]`: secretariat général…)."""

    __tablename__ = "format_role_holders"
    __table_args__ = (UniqueConstraint("club_id", "role_key", "member_id", name="uq_format_role_holder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    role_key: Mapped[str] = mapped_column(String(32))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PresidencyTerm(Base):
    """One presidency, numbered from the first; the last one is the current one. `rotation_index` is the
    holder's place in the rotation order (None for a holder from the file's history outside it)."""

    __tablename__ = "presidency_terms"
    __table_args__ = (UniqueConstraint("club_id", "number", name="uq_presidency_term_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    holder: Mapped[str] = mapped_column(String(200))
    rotation_index: Mapped[int | None] = mapped_column()
    since: Mapped[datetime | None] = mapped_column()
    reason: Mapped[str] = mapped_column(String(20))  # "historique", "manuel", "etape"
    by_member: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class PresidencyStep(Base):
    """A step of the programme at which the presidency passes on by itself; `applied_at` once done."""

    __tablename__ = "presidency_steps"
    __table_args__ = (UniqueConstraint("club_id", "due_at", name="uq_presidency_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column()
    applied_at: Mapped[datetime | None] = mapped_column()


class PresidencyOrder(Base):
    """The rotation order, copied from the programme file when the presidency starts."""

    __tablename__ = "presidency_order"
    __table_args__ = (UniqueConstraint("club_id", "position", name="uq_presidency_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    organisation: Mapped[str] = mapped_column(String(200))


class CohortSeat(Base):
    """A person representing one territory of the cohort (a binôme is two seats); one territory each."""

    __tablename__ = "cohort_seats"
    __table_args__ = (UniqueConstraint("club_id", "member_id", name="uq_cohort_seat_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    territory: Mapped[int] = mapped_column()  # its number in the file's list, from 1
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
