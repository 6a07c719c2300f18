"""The outbox of messages: everything the bot posts after its answer, written with the action it follows.

A handler's replies beyond the answer itself (a poll's option messages, a Club announcement, a direct
message, an update of a results message) become rows here in the same transaction as the action, so an
acknowledged action never depends on a thread's memory. A sender claims rows, posts each once carrying
its key (`o<id>`: Slack message metadata, Mattermost post props), looks the key up on the platform before
any second attempt, and on a permanent failure tells the author — and, when the message was what made
its action real (a poll's question, a group's new channel), undoes that action (`undo`).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class OutboxState(enum.StrEnum):
    PENDING = "pending"  # waiting for `not_before`
    SENDING = "sending"  # claimed by a sender until `lease_until`
    SENT = "sent"
    FAILED = "failed"  # given up: its author was told
    CANCELLED = "cancelled"  # never posted: the action it followed was undone when a message before it was refused


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "not_before"), Index("ix_outbox_batch", "batch", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    batch: Mapped[str] = mapped_column(String(32))  # the replies of one action: posted in order, one at a time
    reply: Mapped[dict] = mapped_column(JSON)  # the neutral Reply, as JSON
    channel_id: Mapped[str | None] = mapped_column(String(64))  # where the action happened
    user_id: Mapped[str | None] = mapped_column(String(64))  # who acted: the default recipient, told on failure
    lang: Mapped[str] = mapped_column(String(8), default="fr")  # the author's language, for that notice
    state: Mapped[str] = mapped_column(String(16), default=OutboxState.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column()
    lease_until: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    posted_channel: Mapped[str | None] = mapped_column(String(64))  # once posted: where, and its id
    posted_id: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)  # the last error
    # Refused for good, this message leaves its action half done: {"kind", "object_id", "before"} names the
    # compensation that undoes it (handlers.outbox.Undo).
    undo: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def key(self) -> str:
        """The idempotency key the platform message carries, looked up before any second attempt."""
        return f"o{self.id}"
