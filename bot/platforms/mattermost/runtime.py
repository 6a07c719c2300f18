"""What the Mattermost endpoints and the websocket listener share, built from the settings."""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.delivery import Deliverer
from bot.platforms.base import health, keep_trying
from bot.platforms.mattermost import render
from bot.platforms.mattermost.client import MattermostPlatform, make_driver
from bot.settings import Settings
from handlers import Reply, Service

log = logging.getLogger(__name__)


@dataclass
class MattermostRuntime:
    service: Service
    platform: MattermostPlatform
    executor: Executor
    secret: bytes
    command_tokens: list[str] = field(default_factory=list)
    command: str = "/club"
    club_channel: str | None = None
    public_url: str | None = None
    deliverer: Deliverer = field(init=False)
    # Wakes the outbox sender, which posts what the handlers queued (set by whoever runs it).
    wake: Callable[[], None] = lambda: None
    reachable: bool | None = None  # None until users/me first answers or fails

    def __post_init__(self) -> None:
        self.deliverer = Deliverer(self.platform, self.club_channel)
        self.platform.action_url = self.action_url
        self.platform.secret = self.secret

    def sender(self):
        from bot.platforms.mattermost.sender import MattermostSender

        return MattermostSender(self.platform, self.club_channel)

    def connect(self, stopped: threading.Event) -> threading.Thread:
        """Who the bot is (users/me), asked in the background until Mattermost answers."""
        def check() -> bool:
            try:
                self.platform.bot_id  # noqa: B018 (asked for its effect: the answer is kept)
                self.reachable = True
            except Exception:
                self.reachable = False
                log.warning("Mattermost unreachable for now (users/me)", exc_info=True)
            return self.reachable

        return keep_trying(check, "mattermost-connect", stopped)

    def health(self) -> str:
        return health(self.reachable)

    def later(self, answer: list[Reply], channel: str | None, user: str | None) -> None:
        """After the HTTP answer, off the request thread: what the answer could not carry is shown, and
        the outbox sender posts the rest, already committed."""
        if answer:
            self.executor.submit(self.deliverer.deliver, answer, channel, user)
        self.wake()

    def now(self) -> datetime:
        return self.service.clock() if self.service else datetime.now(UTC)

    def action_url(self) -> str:
        return f"{self.public_url or ''}/mattermost/action"

    def dialog_url(self) -> str:
        return f"{self.public_url or ''}/mattermost/dialog"

    def open_forms(self, replies: list[Reply], trigger_id: str | None, channel: str, user_id: str) -> list[Reply]:
        """A form opens as a dialog now (its trigger_id is short-lived); its text is the fallback."""
        kept = []
        for reply in replies:
            if reply.form is not None and trigger_id:
                try:
                    self.platform.open_dialog(trigger_id, self.dialog_url(),
                                              render.dialog(reply.form, channel, user_id, self.secret))
                    continue
                except Exception:
                    log.warning("dialog %s could not open; showing its text instead", reply.form.form_id,
                                exc_info=True)
            kept.append(reply)
        return kept


def action_secret(settings: Settings) -> bytes:
    explicit = settings.secret("mattermost_action_secret")
    if explicit:
        return explicit.encode()
    token = settings.secret("mattermost_bot_token")
    if token:
        return hashlib.sha256(b"club-bot mattermost actions\0" + token.encode()).digest()
    log.warning("no MATTERMOST_ACTION_SECRET nor bot token: buttons will not survive a restart")
    return secrets.token_bytes(32)


def build_mattermost(settings: Settings, service: Service, executor: Executor | None = None) -> MattermostRuntime:
    if not settings.mattermost_url:
        raise ValueError("MATTERMOST_URL is required")
    token = settings.secret("mattermost_bot_token")
    platform = MattermostPlatform(make_driver(settings.mattermost_url, token), token)
    runtime = MattermostRuntime(
        service=service, platform=platform,
        executor=executor or ThreadPoolExecutor(4, thread_name_prefix="mattermost-out"),
        secret=action_secret(settings), command_tokens=settings.mattermost_command_tokens,
        command=settings.mattermost_command, club_channel=settings.mattermost_club_channel,
        public_url=settings.mattermost_public_url,
    )
    if not runtime.command_tokens and not settings.mattermost_team:
        log.warning("MATTERMOST_COMMAND_TOKEN is empty: every slash command request will be refused")
    return runtime
