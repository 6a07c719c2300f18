"""Working groups: groups, channels, memberships, referents, guests, decision notes, consultations.

Revision ID: groups_0001
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "groups_0001"
down_revision = "0001"
branch_labels = ("groups",)
depends_on = None

TS = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True)


def _fk(name: str, target: str, ondelete: str = "CASCADE", nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "groups", _id(),
        _fk("club_id", "clubs.id"),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("source_proposal_id", sa.Integer),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("club_id", "number", name="uq_group_club_number"),
        sa.UniqueConstraint("club_id", "source_proposal_id", name="uq_group_club_proposal"),
    )
    op.create_table(
        "group_channels", _id(),
        _fk("group_id", "groups.id"),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("channel_id", sa.String(64), nullable=False),
        sa.UniqueConstraint("group_id", "platform", name="uq_group_channel_platform"),
    )
    op.create_table(
        "group_memberships", _id(),
        _fk("group_id", "groups.id"),
        _fk("member_id", "members.id"),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("joined_at", TS, nullable=False),
        sa.UniqueConstraint("group_id", "member_id", name="uq_group_membership"),
    )
    op.create_table(
        "group_referents", _id(),
        _fk("group_id", "groups.id"),
        _fk("member_id", "members.id"),
        sa.Column("appointed_at", TS, nullable=False),
        sa.UniqueConstraint("group_id", "member_id", name="uq_group_referent"),
    )
    op.create_table(
        "group_guests", _id(),
        _fk("group_id", "groups.id"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("quality", sa.String(80), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        _fk("member_id", "members.id", "SET NULL", nullable=True),
        _fk("invited_by_id", "members.id", "SET NULL", nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("group_id", "key", name="uq_group_guest_key"),
    )
    op.create_table(
        "decision_notes", _id(),
        _fk("group_id", "groups.id"),
        sa.Column("event_id", sa.Integer),
        sa.Column("consensus", sa.Text, nullable=False),
        sa.Column("dissensus", sa.Text, nullable=False),
        sa.Column("next_steps", sa.Text, nullable=False),
        sa.Column("confidential", sa.Boolean, nullable=False),
        _fk("author_id", "members.id", "SET NULL", nullable=True),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_decision_note_group", "decision_notes", ["group_id", "created_at"])
    op.create_table(
        "consultations", _id(),
        _fk("club_id", "clubs.id"),
        sa.Column("number", sa.Integer, nullable=False),
        _fk("group_id", "groups.id"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("link", sa.String(500), nullable=False),
        sa.Column("deadline", TS, nullable=False),
        _fk("opened_by_id", "members.id", "SET NULL", nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("closed_at", TS),
        sa.Column("outcome", sa.String(20)),
        sa.UniqueConstraint("club_id", "number", name="uq_consultation_club_number"),
    )
    op.create_index("ix_consultation_open", "consultations", ["closed_at", "deadline"])
    op.create_table(
        "consultation_responses", _id(),
        _fk("consultation_id", "consultations.id"),
        _fk("member_id", "members.id"),
        sa.Column("choice", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("responded_at", TS, nullable=False),
        sa.UniqueConstraint("consultation_id", "member_id", name="uq_consultation_response"),
    )


def downgrade() -> None:
    op.drop_table("consultation_responses")
    op.drop_index("ix_consultation_open", table_name="consultations")
    op.drop_table("consultations")
    op.drop_index("ix_decision_note_group", table_name="decision_notes")
    for table in ("decision_notes", "group_guests", "group_referents", "group_memberships", "group_channels",
                  "groups"):
        op.drop_table(table)
