"""Reactions as votes: a listener on Mattermost's websocket (`/api/v4/websocket`).

The driver's own websocket (aiohttp) reconnects after a fixed delay, logs every drop as an
exception and cannot be stopped from another thread while it waits; this thread, on the
`websockets` package, backs off exponentially and stops at once. Votes missed while disconnected
are not lost: the poll recount reads the post's reactions from REST (`platform.reactions`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import threading

from websockets.sync.client import ClientConnection, connect

from bot.platforms.mattermost.client import normalise_emoji
from bot.platforms.mattermost.runtime import MattermostRuntime
from handlers import ReactionEvent

log = logging.getLogger(__name__)


class AuthenticationFailed(Exception):
    """The server refused the bot token on the websocket."""


def event_id(reaction: dict, channel: str, added: bool) -> str:
    """Mattermost gives reactions no event id: this one is the same for the same delivery (a replay
    after reconnecting), different for a later add or removal of the same emoji."""
    moment = reaction.get("create_at") if added else reaction.get("update_at")
    key = "\x1f".join(str(part) for part in (reaction.get("user_id"), channel, reaction.get("post_id"),
                                             reaction.get("emoji_name"), moment, "+" if added else "-"))
    return "ws-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def reaction_event(message: dict, bot_id: str, mm: MattermostRuntime) -> ReactionEvent | None:
    """A `reaction_added` / `reaction_removed` websocket event as a neutral event (None if not a vote)."""
    kind = message.get("event")
    if kind not in ("reaction_added", "reaction_removed"):
        return None
    reaction = (message.get("data") or {}).get("reaction")
    if isinstance(reaction, str):  # a JSON string inside the JSON event
        reaction = json.loads(reaction)
    if not isinstance(reaction, dict) or not reaction.get("post_id") or not reaction.get("user_id"):
        return None
    if reaction["user_id"] == bot_id:
        return None  # the bot's own invitation reactions
    # In reaction_removed the reaction's channel_id may be empty: the broadcast has it.
    channel = reaction.get("channel_id") or (message.get("broadcast") or {}).get("channel_id") or ""
    added = kind == "reaction_added"
    return ReactionEvent(
        platform="mattermost", event_id=event_id(reaction, channel, added), user_id=reaction["user_id"],
        channel_id=channel, message_id=reaction["post_id"], emoji=normalise_emoji(reaction["emoji_name"]),
        added=added, received_at=mm.now(),
    )


class ReactionListener(threading.Thread):
    def __init__(self, mm: MattermostRuntime, url: str, token: str, backoff: float = 1.0,
                 max_backoff: float = 60.0) -> None:
        super().__init__(name="mattermost-websocket", daemon=True)
        self.mm = mm
        self.url = url
        self.token = token
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.connections = 0  # successful authentications, for health and tests
        self._stop_event = threading.Event()
        self._ws: ClientConnection | None = None

    def stop(self) -> None:
        self._stop_event.set()
        ws = self._ws
        if ws is not None:
            ws.close()
        if self.is_alive():
            self.join(timeout=5)

    def run(self) -> None:
        failures = 0
        while not self._stop_event.is_set():
            try:
                bot_id = self.mm.platform.bot_id
                with connect(self.url, open_timeout=10, ping_interval=20, ping_timeout=20) as ws:
                    self._ws = ws
                    self._authenticate(ws, bot_id)
                    self.connections += 1
                    failures = 0
                    log.info("Mattermost websocket connected (%s)", self.url)
                    for raw in ws:
                        self._dispatch(raw, bot_id)
                log.warning("Mattermost websocket closed by the server")
            except AuthenticationFailed:
                log.error("Mattermost refused the bot token on the websocket (MATTERMOST_BOT_TOKEN)")
            except Exception as exc:
                if not self._stop_event.is_set():
                    log.warning("Mattermost websocket lost: %s", exc)
            finally:
                self._ws = None
            if self._stop_event.is_set():
                break
            delay = min(self.max_backoff, self.backoff * 2 ** failures) * (0.5 + random.random() / 2)
            failures += 1
            log.info("Mattermost websocket: reconnecting in %.1f s", delay)
            self._stop_event.wait(delay)

    def _authenticate(self, ws: ClientConnection, bot_id: str) -> None:
        ws.send(json.dumps({"seq": 1, "action": "authentication_challenge", "data": {"token": self.token}}))
        while True:
            raw = ws.recv(timeout=30)
            message = json.loads(raw)
            if message.get("seq_reply") == 1:
                if message.get("status") != "OK":
                    raise AuthenticationFailed(message.get("error"))
                return
            if message.get("event") == "hello":
                return
            self._dispatch(raw, bot_id)

    def _dispatch(self, raw: str | bytes, bot_id: str) -> None:
        """One event; a bad one is logged and skipped, never a reason to drop the connection."""
        try:
            message = json.loads(raw)
            event = reaction_event(message, bot_id, self.mm) if isinstance(message, dict) else None
            if event is None:
                return
            self.mm.later(self.mm.service.handle_reaction(event).answer, event.channel_id, event.user_id)
        except Exception:
            log.exception("Mattermost websocket event skipped")
