"""Agendas: the ordre du jour of an event, its items, order, time-boxes and lock.

Revision ID: agenda_0001
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "agenda_0001"
down_revision = "0001"
branch_labels = ("agenda",)
depends_on = "calendar_0001"

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "agendas",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("calendar_events.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("locked", sa.Boolean, nullable=False),
        sa.Column("locked_by", sa.Integer, sa.ForeignKey("members.id", ondelete="SET NULL")),
        sa.Column("locked_at", TS),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("agendas.event_id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.String(300), nullable=False),
        sa.Column("minutes", sa.Integer),
        sa.Column("proposed_by", sa.Integer, sa.ForeignKey("members.id", ondelete="SET NULL")),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_agenda_item_event", "agenda_items", ["event_id", "position"])


def downgrade() -> None:
    op.drop_index("ix_agenda_item_event", table_name="agenda_items")
    op.drop_table("agenda_items")
    op.drop_table("agendas")
