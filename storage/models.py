"""Typed models of the Club's data. Timestamps are timezone-aware UTC."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, TypeDecorator, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always gives back an aware datetime, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware UTC datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime()}


class Role(enum.StrEnum):
    """Club roles, each including the powers of the ones before it."""

    PARTICIPANT = "participant"
    MEMBRE = "membre"
    FACILITATEUR = "facilitateur"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _ROLE_RANKS[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


# Every command checks a role: the order is read once, not rebuilt from the enum on each check.
_ROLE_RANKS = {role: rank for rank, role in enumerate(Role)}


class Club(Base):
    __tablename__ = "clubs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Institution(Base):
    __tablename__ = "institutions"
    __table_args__ = (UniqueConstraint("club_id", "key", name="uq_institution_club_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    # Case- and accent-insensitive form of the name, so "dreets martinique" joins "DREETS Martinique".
    key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[Member]] = relationship(back_populates="institution")


class Member(Base):
    """A person known to the bot on one platform (Slack, Mattermost or the console)."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("club_id", "platform", "platform_user_id", name="uq_member_platform_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    platform_user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="SET NULL"))
    tz: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    lang: Mapped[str | None] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBRE.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the person had their data erased (`/club moi effacer`): the row is then an anonymous stand-in
    # that keeps their votes in closed polls counted and their proposals' history, under no name.
    erased_at: Mapped[datetime | None] = mapped_column()
    # Whether the platform's profile was read (zone, language, guest account): someone first met through a
    # mention or a vote by reaction has theirs read at their first command or click.
    profiled: Mapped[bool] = mapped_column(default=False, server_default=false())

    institution: Mapped[Institution | None] = relationship(back_populates="members", lazy="joined")

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class ProcessedEvent(Base):
    """Platform deliveries already handled: a retried delivery (same event id) has no second effect."""

    __tablename__ = "processed_events"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostedMessage(Base):
    """A message the bot posted, tied to the Club object it shows (a proposal, a poll…)."""

    __tablename__ = "posted_messages"
    __table_args__ = (
        UniqueConstraint("platform", "channel_id", "message_id", name="uq_posted_message"),
        Index("ix_posted_message_anchor", "kind", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    channel_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
