"""Delivering neutral replies through a platform, and remembering which message shows what."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.platforms.base import Platform
from handlers import Reply, Service, Visibility

log = logging.getLogger(__name__)


class Deliverer:
    def __init__(self, service: Service, platform: Platform, club_channel: str | None = None) -> None:
        self.service = service
        self.platform = platform
        self.club_channel = club_channel

    def deliver(self, replies: Iterable[Reply], channel: str | None = None, user: str | None = None) -> None:
        """Each reply is delivered on its own: one failure is logged and does not stop the others."""
        for reply in replies:
            try:
                self.deliver_one(reply, channel, user)
            except Exception:
                log.exception("delivery failed on %s (visibility=%s)", self.platform.name, reply.visibility)

    def deliver_one(self, reply: Reply, channel: str | None, user: str | None) -> None:
        if reply.recount is not None:
            # Votes are counted from what the platform shows now; what the handler answers follows.
            from bot.recount import recount

            self.deliver(recount(self.service, self.platform, reply.recount), channel, user)
            return
        if reply.update and reply.anchor:
            for posted_channel, message_id in self.service.posted_for(self.platform.name, reply.anchor):
                self.platform.update(posted_channel, message_id, reply)
            return
        match reply.visibility:
            case Visibility.EPHEMERAL:
                target_user = reply.user or user
                if channel and target_user:
                    self.platform.ephemeral(reply.channel or channel, target_user, reply)
                elif target_user:
                    self.platform.direct(target_user, reply)
                return
            case Visibility.DM:
                target_user = reply.user or user
                if target_user is None:
                    log.warning("direct message without a recipient dropped")
                    return
                target_channel, message_id = self.platform.direct(target_user, reply)
            case Visibility.CLUB:
                target_channel = reply.channel or self.club_channel or channel
                if target_channel is None:
                    log.warning("no Club channel configured for %s: message dropped", self.platform.name)
                    return
                message_id = self.platform.post(target_channel, reply)
            case _:
                target_channel = reply.channel or channel
                if target_channel is None:
                    return
                message_id = self.platform.post(target_channel, reply)
        if reply.anchor and target_channel:
            self.service.record_posted(self.platform.name, target_channel, message_id, reply.anchor)
        for emoji in reply.reactions:
            if target_channel:
                self.platform.add_reaction(target_channel, message_id, emoji)
