"""Recounting from the platform: handlers cannot call platforms, so the bot reads the reactions for them.

A handler returns `Reply(recount=Recount(...))`; the deliverer calls `recount()`, which reads every
message posted for the recount's anchors and hands the platform's state to `Service.handle_recount`.
A message that cannot be read is left out, so its votes stay as the database has them (never lost).
"""

from __future__ import annotations

import logging

from bot.platforms.base import Platform
from handlers import Anchor, Recount, Reply, Service

log = logging.getLogger(__name__)


def read_reactions(service: Service, platform: Platform, anchors: tuple[Anchor, ...]
                   ) -> dict[Anchor, dict[str, set[str]]]:
    """{anchor: {emoji: user ids}} for every anchor whose posted messages could all be read."""
    own = getattr(platform, "bot_user_id", None)
    state: dict[Anchor, dict[str, set[str]]] = {}
    for anchor in anchors:
        merged: dict[str, set[str]] = {}
        posted = service.posted_for(platform.name, anchor)
        if not posted:
            continue  # never shown on this platform: nothing to read, nothing to replace
        try:
            for channel, message_id in posted:
                for emoji, users in platform.reactions(channel, message_id).items():
                    merged.setdefault(emoji, set()).update(u for u in users if u != own)
        except Exception:
            log.warning("reactions of %s:%s unreadable on %s: its votes are kept as recorded",
                        anchor.kind, anchor.object_id, platform.name, exc_info=True)
            continue
        state[anchor] = merged
    return state


def recount(service: Service, platform: Platform, request: Recount) -> list[Reply]:
    state = read_reactions(service, platform, request.anchors)
    log.info("recount %s #%s on %s: %d/%d message groups read", request.kind, request.object_id,
             platform.name, len(state), len(request.anchors))
    return service.handle_recount(platform.name, request, state)
