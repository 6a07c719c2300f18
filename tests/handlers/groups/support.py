"""A Club with two working groups, as the tests of the groups area need it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.platforms.console import Console
from handlers import ClubSettings, Command, Service
from handlers.calendar.programme import load_programme
from handlers.events import ThemesRetained
from handlers.registry import Registry
from storage import Database
from storage.models import Role
from tests.support.registry import throwaway_verb

THEMES = [(101, "Accueil des publics", "Guichets et parcours"), (102, "Données partagées", "")]


def retain(ctx, args: str):
    """Stands for the proposals capability's `retenir`: a facilitator's action that emits the topic."""
    themes = [t for t in THEMES if not args or str(t[0]) in args.split()]
    return ctx.emit(ThemesRetained(themes=tuple(themes)))


def add_retain_verb(registry: Registry) -> None:
    """`/club retenir-test [n…]`, for facilitators: the rencontre retains THEMES (or those numbered)."""
    registry.add_verb(throwaway_verb("retenir-test", retain, Role.FACILITATEUR))


SETUP = """
/club retenir-test
/club role @fanny facilitateur
/club role @gilles participant
/club groupe referents 1 @lea @karim
/club groupe referents 2 @paul @sophie
:as nina
/club groupe rejoindre 1
:as lea
/club groupe inviter 1 @gilles, élu
:as camille
"""


@pytest.fixture
def club(database_url: str, clock) -> Iterator[Service]:
    """The console's channel is the Club's; other channels (a group's private one) exist on the side.
    Test modules of the groups area import this fixture."""
    settings = ClubSettings(programme=load_programme(), admins=frozenset({"console:camille"}),
                            club_channels={"console": "club"})
    db = Database(database_url)
    service = Service(db, settings, clock=clock)
    add_retain_verb(service.registry)
    yield service
    db.dispose()


def two_groups(service: Service) -> Console:
    """Group 1 (referents lea, karim; member nina; guest gilles, a participant) and group 2 (paul, sophie);
    fanny is a facilitator, camille an admin."""
    console = Console(service, user="camille")
    for line in SETUP.strip().splitlines():
        answer = console.run_line(line)
        assert "Désolé" not in answer and "réservé" not in answer.lower(), (line, answer)
    return console


def say(service: Service, user: str, text: str, channel: str = "club") -> str:
    """A command typed in a given channel (the console has only the Club's one)."""
    cmd = Command(platform="console", user_id=user, user_name=user, channel_id=channel, text=text,
                  received_at=service.clock())
    return "\n".join(reply.text for reply in service.handle_command(cmd))


def run(console: Console, user: str, line: str) -> str:
    console.run_line(f":as {user}")
    return console.run_line(line)
