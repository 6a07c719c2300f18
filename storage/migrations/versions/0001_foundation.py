"""Foundation: club, institutions, members, processed events, posted messages.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "clubs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "institutions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("club_id", sa.Integer, sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("club_id", "key", name="uq_institution_club_key"),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("club_id", sa.Integer, sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("platform_user_id", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("institution_id", sa.Integer, sa.ForeignKey("institutions.id", ondelete="SET NULL")),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(8)),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("club_id", "platform", "platform_user_id", name="uq_member_platform_user"),
    )
    op.create_table(
        "processed_events",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("event_id", sa.String(128), primary_key=True),
        sa.Column("received_at", TS, nullable=False),
    )
    op.create_table(
        "posted_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("channel_id", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("object_id", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("platform", "channel_id", "message_id", name="uq_posted_message"),
    )
    op.create_index("ix_posted_message_anchor", "posted_messages", ["kind", "object_id"])


def downgrade() -> None:
    op.drop_index("ix_posted_message_anchor", table_name="posted_messages")
    for table in ("posted_messages", "processed_events", "members", "institutions", "clubs"):
        op.drop_table(table)
