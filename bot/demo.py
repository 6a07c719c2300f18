"""A small demo Club for `make run`: a few members across the territories, made through real commands."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers import Command, Profile, Service

DEMO = [
    ("camille", "/club institution Agence nationale de la cohésion des territoires"),
    ("lea", "/club fuseau Martinique"),
    ("lea", "/club institution DEETS Martinique"),
    ("kevin", "/club fuseau La Réunion"),
    ("kevin", "/club institution DEETS La Réunion"),
    ("maeva", "/club fuseau Tahiti"),
    ("maeva", "/club institution Haut-commissariat en Polynésie française"),
    ("yann", "/club fuseau Cayenne"),
    ("yann", "/club institution DGCOPOP Guyane"),
]


def seed_demo(service: Service) -> None:
    """Runs the demo's commands once; a Club that already has members is left as it is."""
    from sqlalchemy import func, select

    from storage.models import Member

    with service.db.transaction() as session:
        if session.scalar(select(func.count()).select_from(Member)):
            return
    for user, text in DEMO:
        service.handle_command(Command(platform="console", user_id=user, user_name=user, channel_id="club",
                                       text=text[len("/club "):], received_at=datetime.now(UTC),
                                       profile=lambda u=user: Profile(display_name=u.capitalize())))
