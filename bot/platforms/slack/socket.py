"""`club-bot slack`: Socket Mode, for workspaces where the bot has no public URL."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.outbox_sender import start_outbox
from bot.runtime import build_service
from bot.scheduler import start_scheduler
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)


def run_socket_mode(settings: Settings) -> None:
    app_token = settings.secret("slack_app_token")
    if not app_token or not settings.secret("slack_bot_token"):
        raise SettingsError("Socket Mode demande SLACK_APP_TOKEN (xapp-…) et SLACK_BOT_TOKEN (xoxb-…).")
    from bot.platforms.slack.app import build_slack_app

    service = build_service(settings)
    app, slack = build_slack_app(settings, service, http_mode=False)
    outbox = start_outbox(service, [slack], timedelta(seconds=settings.outbox_lease_seconds))
    scheduler = start_scheduler(service, outbox)
    try:
        SocketModeHandler(app, app_token).start()
    finally:
        scheduler.shutdown(wait=False)
        outbox.stop()
