"""Workshops of a seminar day: workshops, teams (collectifs de territoire), registrations.

Revision ID: workshops_0001
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "workshops_0001"
down_revision = "0001"
branch_labels = ("workshops",)
depends_on = None

TS = sa.DateTime(timezone=True)


def _fk(name: str, target: str, nullable: bool = False, ondelete: str = "CASCADE") -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "workshops", sa.Column("id", sa.Integer, primary_key=True), _fk("club_id", "clubs.id"),
        sa.Column("phase", sa.Integer, nullable=False), sa.Column("key", sa.String(16), nullable=False),
        sa.UniqueConstraint("club_id", "phase", "key", name="uq_workshop_phase_key"),
    )
    op.create_table(
        "workshop_teams", sa.Column("id", sa.Integer, primary_key=True), _fk("club_id", "clubs.id"),
        sa.Column("name", sa.String(120), nullable=False), sa.Column("key", sa.String(120), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("club_id", "key", name="uq_workshop_team_key"),
    )
    op.create_table(
        "workshop_team_members", sa.Column("id", sa.Integer, primary_key=True), _fk("club_id", "clubs.id"),
        _fk("team_id", "workshop_teams.id"), _fk("member_id", "members.id"),
        sa.UniqueConstraint("club_id", "member_id", name="uq_workshop_team_member"),
    )
    op.create_table(
        "workshop_registrations", sa.Column("id", sa.Integer, primary_key=True), _fk("club_id", "clubs.id"),
        sa.Column("phase", sa.Integer, nullable=False), _fk("workshop_id", "workshops.id"),
        _fk("member_id", "members.id"), _fk("team_id", "workshop_teams.id", nullable=True, ondelete="SET NULL"),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("club_id", "phase", "member_id", name="uq_workshop_registration"),
    )


def downgrade() -> None:
    for table in ("workshop_registrations", "workshop_team_members", "workshop_teams", "workshops"):
        op.drop_table(table)
