"""Proposals: the call for contributions, proposed themes, pending confirmations, difficulties.

Revision ID: proposals_0001
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "proposals_0001"
down_revision = "0001"
branch_labels = ("proposals",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "proposal_calls",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("club_id", sa.Integer, sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opens_at", TS, nullable=False),
        sa.Column("closes_at", TS, nullable=False),
        sa.Column("opened_by_id", sa.Integer, sa.ForeignKey("members.id", ondelete="SET NULL")),
        sa.Column("closed_at", TS),
        sa.Column("decided_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("club_id", "year", name="uq_proposal_call_club_year"),
    )
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("club_id", sa.Integer, sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("call_id", sa.Integer, sa.ForeignKey("proposal_calls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
        sa.Column("institution_id", sa.Integer, sa.ForeignKey("institutions.id", ondelete="SET NULL")),
        sa.Column("carrier_name", sa.String(200)),
        sa.Column("carrier_user_id", sa.String(64)),
        sa.Column("title", sa.String(150), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("withdrawn_at", TS),
        sa.Column("decided_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS),
        sa.UniqueConstraint("club_id", "number", name="uq_proposal_club_number"),
    )
    op.create_index("ix_proposal_call", "proposals", ["call_id"])
    op.create_table(
        "proposal_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("club_id", sa.Integer, sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.String(150), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("carrier_name", sa.String(200)),
        sa.Column("carrier_user_id", sa.String(64)),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("club_id", "author_id", name="uq_proposal_draft_author"),
    )
    op.create_table(
        "proposal_difficulties",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("club_id", sa.Integer, sa.ForeignKey("clubs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(16)),
        sa.Column("decided_at", TS),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_proposal_difficulty_proposal", "proposal_difficulties", ["proposal_id"])


def downgrade() -> None:
    op.drop_index("ix_proposal_difficulty_proposal", table_name="proposal_difficulties")
    op.drop_table("proposal_difficulties")
    op.drop_table("proposal_drafts")
    op.drop_index("ix_proposal_call", table_name="proposals")
    op.drop_table("proposals")
    op.drop_table("proposal_calls")
