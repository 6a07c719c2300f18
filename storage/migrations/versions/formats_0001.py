"""Sister formats: roles of the programme file, rotating presidency, cohort seats.

Revision ID: formats_0001
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "formats_0001"
down_revision = "0001"
branch_labels = ("formats",)
depends_on = None

TS = sa.DateTime(timezone=True)


def _club() -> sa.Column:
    return sa.Column("club_id", sa.Integer, sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False)


def _member(name: str = "member_id", nullable: bool = False, ondelete: str = "CASCADE") -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey("members.id", ondelete=ondelete), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "format_role_holders", sa.Column("id", sa.Integer, primary_key=True), _club(),
        sa.Column("role_key", sa.String(32), nullable=False), _member(),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("club_id", "role_key", "member_id", name="uq_format_role_holder"),
    )
    op.create_table(
        "presidency_terms", sa.Column("id", sa.Integer, primary_key=True), _club(),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("rotation_index", sa.Integer),
        sa.Column("since", TS),
        sa.Column("reason", sa.String(20), nullable=False),
        _member("by_member", nullable=True, ondelete="SET NULL"),
        sa.UniqueConstraint("club_id", "number", name="uq_presidency_term_number"),
    )
    op.create_table(
        "presidency_steps", sa.Column("id", sa.Integer, primary_key=True), _club(),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("applied_at", TS),
        sa.UniqueConstraint("club_id", "due_at", name="uq_presidency_step"),
    )
    op.create_table(
        "presidency_order", sa.Column("id", sa.Integer, primary_key=True), _club(),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.UniqueConstraint("club_id", "position", name="uq_presidency_order"),
    )
    op.create_table(
        "cohort_seats", sa.Column("id", sa.Integer, primary_key=True), _club(),
        sa.Column("territory", sa.Integer, nullable=False), _member(),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("club_id", "member_id", name="uq_cohort_seat_member"),
    )


def downgrade() -> None:
    for table in ("cohort_seats", "presidency_order", "presidency_steps", "presidency_terms",
                  "format_role_holders"):
        op.drop_table(table)
