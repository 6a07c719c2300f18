"""Registrations: one per person and event, with an optional capacity per event and a waitlist.

Revision ID: registrations_0001
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "registrations_0001"
down_revision = "0001"
branch_labels = ("registrations",)
depends_on = ("calendar_0001",)  # registrations point at calendar events

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "registration_events",
        sa.Column("event_id", sa.Integer, sa.ForeignKey("calendar_events.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("capacity", sa.Integer),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("calendar_events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("person_key", sa.String(420), nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE")),
        sa.Column("guest_name", sa.String(200)),
        sa.Column("guest_institution", sa.String(200)),
        sa.Column("invited_by_id", sa.Integer, sa.ForeignKey("members.id", ondelete="SET NULL")),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("requested_at", TS, nullable=False),
        sa.Column("confirmed_at", TS),
        sa.Column("cancelled_at", TS),
        sa.UniqueConstraint("event_id", "person_key", name="uq_registration_person"),
    )
    op.create_index("ix_registration_event_state", "registrations", ["event_id", "state", "requested_at"])


def downgrade() -> None:
    op.drop_index("ix_registration_event_state", table_name="registrations")
    op.drop_table("registrations")
    op.drop_table("registration_events")
