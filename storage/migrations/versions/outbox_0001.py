"""The outbox of messages posted after an answer.

Revision ID: outbox_0001
Revises: 0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "outbox_0001"
down_revision = "0001"
branch_labels = ("outbox",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox", sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("club_id", sa.Integer, sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False), sa.Column("batch", sa.String(32), nullable=False),
        sa.Column("reply", sa.JSON, nullable=False),
        sa.Column("channel_id", sa.String(64)), sa.Column("user_id", sa.String(64)),
        sa.Column("lang", sa.String(8), nullable=False), sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False), sa.Column("not_before", TS, nullable=False),
        sa.Column("claimed_by", sa.String(64)), sa.Column("claimed_at", TS), sa.Column("lease_until", TS),
        sa.Column("sent_at", TS), sa.Column("posted_channel", sa.String(64)), sa.Column("posted_id", sa.String(64)),
        sa.Column("note", sa.Text), sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_outbox_due", "outbox", ["state", "not_before"])
    op.create_index("ix_outbox_batch", "outbox", ["batch", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_batch", "outbox")
    op.drop_index("ix_outbox_due", "outbox")
    op.drop_table("outbox")
