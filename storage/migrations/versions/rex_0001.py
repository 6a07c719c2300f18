"""Retours d'expérience: proposed topics and each REX's recording (members only).

Revision ID: rex_0001
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "rex_0001"
down_revision = "0001"
branch_labels = ("rex",)
depends_on = ("calendar_0001",)  # a REX is a calendar event

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rex_topics",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("club_id", sa.Integer, sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
        sa.Column("speakers", sa.String(300)),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("calendar_events.id", ondelete="SET NULL")),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("programmed_at", TS),
        sa.UniqueConstraint("club_id", "number", name="uq_rex_topic_number"),
    )
    op.create_index("ix_rex_topic_event", "rex_topics", ["event_id"])
    op.create_table(
        "rex_sessions",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("calendar_events.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("recording_url", sa.String(500)),
        sa.Column("recorded_at", TS),
        sa.Column("announced_at", TS),
    )


def downgrade() -> None:
    op.drop_table("rex_sessions")
    op.drop_index("ix_rex_topic_event", table_name="rex_topics")
    op.drop_table("rex_topics")
