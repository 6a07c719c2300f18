"""The outbox: what undoes the action a message announces, should the platform refuse it for good.

Revision ID: outbox_0002
Revises: outbox_0001
Create Date: 2027-01-11
"""

import sqlalchemy as sa
from alembic import op

revision = "outbox_0002"
down_revision = "outbox_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("undo", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("undo")
