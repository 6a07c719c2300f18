"""Votes: an index covering what a tally reads, so a 10,000-member poll is counted from the index alone.

Revision ID: polls_0002
Revises: polls_0001
"""

from __future__ import annotations

from alembic import op

revision = "polls_0002"
down_revision = "polls_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_vote_tally", "votes", ["poll_id", "target_kind", "target_id", "value", "voter_id"])


def downgrade() -> None:
    op.drop_index("ix_vote_tally", table_name="votes")
