"""Calendar: the Club's events, numbered per club, one per programme slot.

Revision ID: calendar_0001
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "calendar_0001"
down_revision = "0001"
branch_labels = ("calendar",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "calendar_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("club_id", sa.Integer, sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("series", sa.String(64)),
        sa.Column("occurrence", sa.String(16)),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("audience", sa.String(20), nullable=False),
        sa.Column("visio_url", sa.String(500)),
        sa.Column("group_id", sa.Integer),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("club_id", "number", name="uq_calendar_event_number"),
        sa.UniqueConstraint("club_id", "series", "occurrence", name="uq_calendar_event_occurrence"),
    )
    op.create_index("ix_calendar_event_starts", "calendar_events", ["club_id", "starts_at"])


def downgrade() -> None:
    op.drop_index("ix_calendar_event_starts", table_name="calendar_events")
    op.drop_table("calendar_events")
