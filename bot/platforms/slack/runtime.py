"""What the Slack listeners share: the Service, the Web API platform, and a pool for slow work."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.delivery import Deliverer
from bot.platforms.base import health, keep_trying
from bot.platforms.slack.client import SlackPlatform
from handlers import Reply, Service

log = logging.getLogger(__name__)


@dataclass
class SlackRuntime:
    service: Service
    platform: SlackPlatform
    executor: Executor
    command: str = "/club"
    club_channel: str | None = None
    deliverer: Deliverer = field(init=False)
    # Who opened the App Home in this process: their home is republished after what they do.
    home_seen: set[str] = field(default_factory=set)
    # Wakes the outbox sender, which posts what the handlers queued (set by whoever runs it).
    wake: Callable[[], None] = lambda: None

    def __post_init__(self) -> None:
        self.deliverer = Deliverer(self.platform, self.club_channel)

    def sender(self):
        from bot.platforms.slack.sender import SlackSender

        return SlackSender(self.platform.client, self.club_channel, self.platform.identity)

    def connect(self, stopped: threading.Event) -> threading.Thread:
        """auth.test in the background until Slack answers: the bot starts, and serves the other platforms,
        while Slack is unreachable; /healthz says so meanwhile."""
        return keep_trying(self.platform.check, "slack-connect", stopped)

    def health(self) -> str:
        return health(self.platform.identity.reachable)

    def later(self, answer: list[Reply], channel: str | None, user: str | None) -> None:
        """After the ack, off the request thread (the 3 s ack is never at risk): what the ack could not
        carry of the answer is shown, and the outbox sender posts the rest, already committed."""
        if answer:
            self.executor.submit(self.deliverer.deliver, answer, channel, user)
        self.wake()

    def publish_home(self, user_id: str) -> None:
        """Builds and publishes one person's App Home (views.publish); failures are logged, not raised."""
        from bot.platforms.slack.render import home_view
        from handlers.home import page_for

        page = page_for(self.service, "slack", user_id, profile=lambda: self.platform.profile(user_id))
        if page is None:
            return
        # Noted before the call: a command answered while views.publish is under way refreshes it again.
        self.home_seen.add(user_id)
        try:
            self.platform.client.views_publish(user_id=user_id, view=home_view(page))
        except Exception:
            self.home_seen.discard(user_id)
            log.warning("App Home of %s not published", user_id, exc_info=True)

    def refresh_home(self, user_id: str) -> None:
        """After someone's command, click or vote: their home shows the change (after the ack)."""
        if user_id in self.home_seen:
            self.executor.submit(self.publish_home, user_id)

    def now(self) -> datetime:
        return self.service.clock() if self.service else datetime.now(UTC)
