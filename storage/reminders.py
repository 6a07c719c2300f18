"""The outbox of reminders: one row per (subject, kind, recipient), sent exactly once by a reminder sender.

A row names what it reminds of (`subject` "event" | "poll" | "call" and its id), the cadence step
(`kind`: "j7", "j1", "h1", "j30", "poll24", "call_week", "call_close") and its recipient: a member
("member:<id>"), a platform's channel ("club:<platform>"), or an audience expanded when due
("channel", "group", "nonvoters") into rows of the former kinds. APScheduler is only the clock.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class ReminderState(enum.StrEnum):
    PENDING = "pending"  # waiting for `not_before`
    SENDING = "sending"  # claimed by a reminder sender until `lease_until`
    SENT = "sent"
    EXPANDED = "expanded"  # an audience row whose recipients got rows of their own
    SKIPPED = "skipped"  # too late, or its subject is gone: never sent, logged
    CANCELLED = "cancelled"  # its event, poll or call was cancelled or closed


class Reminder(Base):
    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("club_id", "subject", "subject_id", "kind", "recipient", name="uq_reminder_key"),
        Index("ix_reminder_due", "state", "not_before"),
        Index("ix_reminder_subject", "subject", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str | None] = mapped_column(String(20))  # None for an audience not yet expanded
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column()  # the cadence's moment (UTC)
    not_before: Mapped[datetime] = mapped_column()  # due_at, or later out of the recipient's quiet hours
    state: Mapped[str] = mapped_column(String(16), default=ReminderState.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column()
    lease_until: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    late: Mapped[bool] = mapped_column(default=False)
    channel_id: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)  # why it was skipped, or the last error
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def key(self) -> str:
        """The idempotency key carried by the platform message, checked before any second attempt."""
        return f"r{self.id}"
