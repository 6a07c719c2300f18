"""Requests already acted on (replayed Slack signatures, repeated clicks), kept until they expire.

Revision ID: requests_0001
Revises: 0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "requests_0001"
down_revision = "0001"
branch_labels = ("requests",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "seen_requests", sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(160), primary_key=True), sa.Column("expires_at", TS, nullable=False),
    )
    op.create_index("ix_seen_request_expiry", "seen_requests", ["kind", "expires_at"])


def downgrade() -> None:
    op.drop_index("ix_seen_request_expiry", "seen_requests")
    op.drop_table("seen_requests")
