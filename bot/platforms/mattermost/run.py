"""Starting Mattermost: the slash command registered if asked, then the websocket listener."""

from __future__ import annotations

import logging
import re

from bot.platforms.mattermost.client import websocket_url
from bot.platforms.mattermost.runtime import MattermostRuntime
from bot.platforms.mattermost.websocket import ReactionListener
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)
_ID = re.compile(r"^[a-z0-9]{26}$")
AUTOCOMPLETE = {
    "auto_complete": True, "auto_complete_desc": "Le bot du Club des territoires",
    "auto_complete_hint": "aide | propose | agenda | moi …", "display_name": "Club des territoires",
    "description": "Le bot du Club des territoires", "username": "club-bot", "method": "P",
}


def register_command(mm: MattermostRuntime, team: str) -> str:
    """Creates (or finds, and points at us) the team's slash command; returns its token, which is
    then accepted like the ones of MATTERMOST_COMMAND_TOKEN."""
    if not mm.public_url:
        raise SettingsError("MATTERMOST_TEAM demande MATTERMOST_PUBLIC_URL (l'adresse de club-bot "
                            "vue par Mattermost) pour enregistrer la commande.")
    driver = mm.platform.driver
    team_id = team if _ID.match(team) else driver.teams.get_team_by_name(team)["id"]
    trigger, url = mm.command.lstrip("/"), f"{mm.public_url}/mattermost/command"
    existing = next((c for c in driver.commands.list_commands(team_id=team_id, custom_only=True) or []
                     if c.get("trigger") == trigger and not c.get("delete_at")), None)
    if existing is None:
        existing = driver.commands.create_command(team_id=team_id, method="P", trigger=trigger, url=url)
        log.info("slash command /%s created in team %s", trigger, team_id)
    if existing.get("url") != url or not existing.get("auto_complete"):
        existing = driver.commands.update_command(existing["id"], {**existing, **AUTOCOMPLETE, "url": url})
    token = existing["token"]
    if token not in mm.command_tokens:
        mm.command_tokens.append(token)
    return token


def start_mattermost(settings: Settings, mm: MattermostRuntime, backoff: float = 1.0) -> ReactionListener | None:
    if settings.mattermost_team:
        register_command(mm, settings.mattermost_team)
    token = settings.secret("mattermost_bot_token")
    if not token or not settings.mattermost_url:
        log.warning("no MATTERMOST_BOT_TOKEN: reactions (votes) will not be heard")
        return None
    listener = ReactionListener(mm, websocket_url(settings.mattermost_url), token, backoff=backoff)
    listener.start()
    return listener


def check_settings(settings: Settings) -> None:
    missing = [name for name, value in (("MATTERMOST_URL", settings.mattermost_url),
                                        ("MATTERMOST_BOT_TOKEN", settings.secret("mattermost_bot_token")))
               if not value]
    if not settings.mattermost_command_tokens and not settings.mattermost_team:
        missing.append("MATTERMOST_COMMAND_TOKEN (ou MATTERMOST_TEAM pour l'enregistrer au démarrage)")
    if missing:
        raise SettingsError("Mattermost demande : " + ", ".join(missing) + ".")
