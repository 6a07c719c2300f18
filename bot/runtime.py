"""Wiring: settings -> database (migrated) -> programme -> the platform-neutral Service."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.settings import Settings
from handlers import ClubSettings, Service
from handlers.programme import load_programme
from storage import Database
from storage.migrate import upgrade

log = logging.getLogger(__name__)


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
    return Service(db, club_settings, clock=clock)
