"""The Club's number counters: one row per Club and kind of numbered row.

No data step: the first number given after this migration is read from the highest one already there
(storage/numbers.py), so existing databases keep their numbering.

Revision ID: numbers_0001
Revises: 0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "numbers_0001"
down_revision = "0001"
branch_labels = ("numbers",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "club_numbers",
        sa.Column("club_id", sa.Integer, sa.ForeignKey("clubs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(64), primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("club_numbers")
