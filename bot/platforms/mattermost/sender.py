"""Mattermost for the outbox sender: the REST errors sorted into "wait", "never" and "try again", and
the lookup of a key in a channel's recent posts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from mattermostautodriver.exceptions import (
    ContentTooLarge,
    InvalidOrMissingParameters,
    NotEnoughPermissions,
    ResourceNotFound,
    TooManyRequests,
)

from bot.outbox_sender import Pace, RateLimited, Refused, Sender
from bot.platforms.base import KEY_FIELD

log = logging.getLogger(__name__)
# The driver raises one class per HTTP status (mattermostautodriver/exceptions.py): 403 when the bot may
# not post in the channel (not a member of a private one), 404 when the channel is gone or unseen.
FINAL = {NotEnoughPermissions: "forbidden", ResourceNotFound: "not_found", InvalidOrMissingParameters: "invalid",
         ContentTooLarge: "too_large"}


class MattermostSender(Sender):
    """POST /posts with the row's key in the post's props; the channel's recent posts find it again."""

    # No pace: a server limits its REST API only when its admin enables RateLimitSettings (off by default,
    # server/public/model/config.go). Then one limiter keys on the client's address (or token) whatever the
    # route (server/channels/app/ratelimit.go): a 429 on any call pauses every call for its Retry-After.
    def pace(self, method: str) -> Pace:
        return Pace("api")

    def call(self, method: Callable, *args: object, **kwargs: object):
        try:
            return method(*args, **kwargs)
        except TooManyRequests as error:  # what is left once the driver's own retries are spent
            # The server's 429 says how long to wait: Retry-After, or X-Ratelimit-Reset (seconds until the
            # bucket refills), both read by the driver (server/channels/app/ratelimit.go).
            raise RateLimited(float(error.retry_after or 1.0)) from error
        except tuple(FINAL) as error:
            raise Refused(next(reason for kind, reason in FINAL.items() if isinstance(error, kind))) from error

    def find(self, channel: str | None, user: str | None, key: str, since: datetime) -> tuple[str, str] | None:
        platform = self.platform
        try:
            where = channel or platform.direct_channel(user)  # type: ignore[attr-defined]
            after = int((since - timedelta(minutes=5)).timestamp() * 1000)
            found = platform.driver.posts.get_posts_for_channel(where, since=after)  # type: ignore[attr-defined]
        except Exception:
            log.warning("post %s could not be looked up in %s", key, channel or user, exc_info=True)
            return None
        for post in (found or {}).get("posts", {}).values():
            if (post.get("props") or {}).get(KEY_FIELD) == key:
                return where, post["id"]
        return None
