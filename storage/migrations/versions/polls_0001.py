"""Polls: polls, their options, and votes (one row per live reaction or button choice).

Revision ID: polls_0001
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "polls_0001"
down_revision = "0001"
branch_labels = ("polls",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "polls",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("club_id", sa.Integer, sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("question", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("anonymous", sa.Boolean, nullable=False),
        sa.Column("hide_results", sa.Boolean, nullable=False),
        sa.Column("by_institution", sa.Boolean, nullable=False),
        sa.Column("members_only", sa.Boolean, nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("channel_id", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("closes_at", TS),
        sa.Column("closed_at", TS),
        sa.UniqueConstraint("club_id", "number", name="uq_poll_club_number"),
    )
    op.create_index("ix_poll_due", "polls", ["closed_at", "closes_at"])
    op.create_table(
        "poll_options",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("poll_id", sa.Integer, sa.ForeignKey("polls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("starts_at", TS),
        sa.UniqueConstraint("poll_id", "position", name="uq_poll_option_position"),
    )
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("poll_id", sa.Integer, sa.ForeignKey("polls.id", ondelete="CASCADE")),
        sa.Column("target_kind", sa.String(32), nullable=False),
        sa.Column("target_id", sa.Integer, nullable=False),
        sa.Column("voter_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("target_kind", "target_id", "voter_id", "value", name="uq_vote"),
    )
    op.create_index("ix_vote_poll_voter", "votes", ["poll_id", "voter_id", "target_id"])


def downgrade() -> None:
    op.drop_index("ix_vote_poll_voter", table_name="votes")
    op.drop_table("votes")
    op.drop_table("poll_options")
    op.drop_index("ix_poll_due", table_name="polls")
    op.drop_table("polls")
