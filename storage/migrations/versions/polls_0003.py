"""Polls: when a poll was cancelled, because the platform refused its messages and nobody could see it.

Revision ID: polls_0003
Revises: polls_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "polls_0003"
down_revision = "polls_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("polls", sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("polls", "cancelled_at")
