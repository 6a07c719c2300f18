"""Wiring: settings -> database (migrated) -> programme -> the platform-neutral Service."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot import metrics
from bot.settings import Settings
from handlers import (
    ActionEvent,
    ClubSettings,
    Command,
    FormSubmission,
    ReactionEvent,
    Reply,
    Service,
)
from handlers.calendar.programme import load_programme
from handlers.service import default_registry, split_verb
from storage import Database
from storage.migrate import upgrade

log = logging.getLogger(__name__)


class MeteredService(Service):
    """The Service with its Prometheus series: latency per kind of event, commands by verb and outcome."""

    def handle_command(self, cmd: Command) -> list[Reply]:
        name = split_verb(cmd.text)[0] or "aide"
        if name not in self.registry.verbs:
            metrics.record_command("unknown", "unknown")
        with metrics.Timer("command"):
            return super().handle_command(cmd)

    def handle_action(self, event: ActionEvent) -> list[Reply]:
        with metrics.Timer("action"):
            return super().handle_action(event)

    def handle_form(self, form: FormSubmission) -> tuple[list[Reply], str | None]:
        with metrics.Timer("form"):
            return super().handle_form(form)

    def handle_reaction(self, event: ReactionEvent) -> list[Reply]:
        metrics.REACTIONS.inc()
        with metrics.Timer("reaction"):
            return super().handle_reaction(event)


def build_service(settings: Settings, clock: Callable[[], datetime] | None = None,
                  migrate: bool | None = None) -> Service:
    """The Service for these settings. Migrations run at start on SQLite (embedded, one process);
    on PostgreSQL they are an explicit step (`club-bot db upgrade`) so replicas never race them."""
    programme = load_programme(settings.club_config)
    db = Database(settings.database_url)
    if migrate if migrate is not None else db.is_sqlite:
        upgrade(db.url)
    channels = {name: channel for name, channel in (
        ("slack", settings.slack_club_channel), ("mattermost", settings.mattermost_club_channel)) if channel}
    club_settings = ClubSettings(programme=programme, admins=settings.admins,
                                 default_role=settings.club_default_role, club_channels=channels,
                                 public_url=settings.public_url or "")
    return MeteredService(db, club_settings, clock=clock, registry=metrics.metered_registry(default_registry()))
