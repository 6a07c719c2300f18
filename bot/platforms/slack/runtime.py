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

    def __post_init__(self) -> None:
        self.deliverer = Deliverer(self.service, self.platform, self.club_channel)

    def later(self, replies: list[Reply], channel: str | None, user: str | None) -> None:
        """Web API calls happen after the ack, off the request thread, so the 3 s ack is never at risk."""
        if replies:
            self.executor.submit(self.deliverer.deliver, replies, channel, user)

    def now(self) -> datetime:
        return self.service.clock() if self.service else datetime.now(UTC)
