"""Reminders: the outbox, one row per subject, cadence step and recipient, sent exactly once.

Revision ID: reminders_0001
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "reminders_0001"
down_revision = "0001"
branch_labels = ("reminders",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("club_id", sa.Integer, sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("subject", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=False),
        sa.Column("platform", sa.String(20), nullable=True),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE"), nullable=True),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("not_before", TS, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_at", TS, nullable=True),
        sa.Column("lease_until", TS, nullable=True),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("late", sa.Boolean, nullable=False),
        sa.Column("channel_id", sa.String(64), nullable=True),
        sa.Column("message_id", sa.String(64), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("club_id", "subject", "subject_id", "kind", "recipient", name="uq_reminder_key"),
    )
    op.create_index("ix_reminder_due", "reminders", ["state", "not_before"])
    op.create_index("ix_reminder_subject", "reminders", ["subject", "subject_id"])


def downgrade() -> None:
    op.drop_index("ix_reminder_subject", "reminders")
    op.drop_index("ix_reminder_due", "reminders")
    op.drop_table("reminders")
