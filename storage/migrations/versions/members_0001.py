"""Members whose data was erased: the moment, on the row that stands for them anonymously from then on;
and whether a member's platform profile was read.

Revision ID: members_0001
Revises: 0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "members_0001"
down_revision = "0001"
branch_labels = ("members",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("profiled", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("profiled")
        batch.drop_column("erased_at")
