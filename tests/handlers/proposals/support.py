"""What the proposals' tests share: a Club with a facilitator and two members of two institutions, and
ways to read what the bot posted or recorded."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.platforms.console import Console
from handlers import Service
from storage.proposals import Proposal


def club_posts(console: Console) -> list[str]:
    """What the bot printed in the Club channel: posts and edits of posts (not whispers to one person)."""
    return [line for line in console.lines if "#club |" in line]


def count(service: Service, model) -> int:
    with service.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def statuses(service: Service) -> dict[int, str]:
    with service.db.transaction() as session:
        return dict(session.execute(select(Proposal.number, Proposal.status)).all())


def setup_club(service: Service) -> Console:
    """Camille (admin) names Sophie facilitator; Léa and Bob are members of two institutions."""
    console = Console(service, user="camille")
    console.run_line("/club role @sophie facilitateur")
    for user, institution in (("lea", "DREETS Martinique"), ("bob", "ARS Guyane")):
        console.run_line(f":as {user}")
        console.run_line(f"/club institution {institution}")
    console.run_line(":as sophie")
    return console
