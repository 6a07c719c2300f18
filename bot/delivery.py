"""Showing a handler's answer at once: what the platform's response could not carry (a second short
message, a form's text when the form could not open). Everything else goes through the outbox."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.outbox_sender import target_of
from bot.platforms.base import Platform
from handlers import Reply
from handlers.outbox import Origin

log = logging.getLogger(__name__)


class Deliverer:
    def __init__(self, platform: Platform, club_channel: str | None = None) -> None:
        self.platform = platform
        self.club_channel = club_channel

    def deliver(self, replies: Iterable[Reply], channel: str | None = None, user: str | None = None) -> None:
        """Each reply is delivered on its own: one failure is logged and does not stop the others."""
        for reply in replies:
            target = target_of(reply, Origin(self.platform.name, channel, user), self.club_channel)
            try:
                if target is None:
                    log.warning("answer without a destination on %s dropped", self.platform.name)
                elif target.how == "ephemeral":
                    self.platform.ephemeral(target.channel, target.user, reply)
                elif target.how == "dm":
                    self.platform.direct(target.user, reply)
                else:
                    self.platform.post(target.channel, reply)
            except Exception:
                log.exception("answer not shown on %s (visibility=%s)", self.platform.name, reply.visibility)
