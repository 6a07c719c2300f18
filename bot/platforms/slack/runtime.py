"""What the Slack listeners share: the Service, the Web API platform, and a pool for slow work."""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.delivery import Deliverer
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

    def __post_init__(self) -> None:
        self.deliverer = Deliverer(self.service, self.platform, self.club_channel)

    def later(self, replies: list[Reply], channel: str | None, user: str | None) -> None:
        """Web API calls happen after the ack, off the request thread, so the 3 s ack is never at risk."""
        if replies:
            self.executor.submit(self.deliverer.deliver, replies, channel, user)

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
