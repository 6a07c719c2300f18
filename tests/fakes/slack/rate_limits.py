"""Slack's Web API rate limits, as token buckets on a monotonic clock.

Tiers are per method, per workspace, per app: Tier 1 1+/min, Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min,
with bursts tolerated (docs.slack.dev/apis/web-api/rate-limits). A bucket holds the per-minute figure and refills
continuously. The tier of each method: slackapi/java-slack-sdk:metadata/web-api/rate_limit_tiers.json.
Over the limit Slack answers HTTP 429, `Retry-After: <seconds>`, body `{"ok": false, "error": "ratelimited"}`
(same page; slackapi/python-slack-sdk:tests/slack_sdk/web/mock_web_api_handler.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

PER_MINUTE_OF_TIER = {1: 1, 2: 20, 3: 50, 4: 100}
TIER_OF_METHOD = {  # slackapi/java-slack-sdk:metadata/web-api/rate_limit_tiers.json
    "chat.postEphemeral": 4, "chat.update": 3, "chat.delete": 3, "chat.scheduleMessage": 3,
    "reactions.get": 3, "reactions.add": 3, "reactions.remove": 2,
    "users.info": 4, "users.list": 2,
    "conversations.history": 3, "conversations.info": 3, "conversations.open": 3, "conversations.join": 3,
    "conversations.members": 4,
    "views.open": 4, "views.update": 4, "views.publish": 4, "views.push": 4,
    "files.getUploadURLExternal": 4, "files.completeUploadExternal": 4,
}
# "Special" tiers with no published figure (auth.test, chat.getPermalink) are not limited here.
# chat.postMessage: "generally 1 message per second per channel", short bursts allowed
# (docs.slack.dev/apis/web-api/rate-limits, "Posting messages"): a bucket of a few per channel, 1 a second.
POSTS_BURST = 5
POSTS_PER_SECOND = 1.0


@dataclass
class TokenBucket:
    capacity: float
    per_second: float
    tokens: float
    at: float

    def take(self, now: float) -> int | None:
        """Spends one call; None when allowed, else the whole seconds until one is available again."""
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.per_second)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        return max(1, math.ceil((1 - self.tokens) / self.per_second))


class RateLimits:
    """One bucket per method (its tier), and one per channel for chat.postMessage."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.buckets: dict[tuple[str, str], TokenBucket] = {}

    def _bucket(self, key: tuple[str, str], capacity: float, per_second: float) -> TokenBucket:
        if key not in self.buckets:
            self.buckets[key] = TokenBucket(capacity, per_second, capacity, self.clock())
        return self.buckets[key]

    def retry_after(self, method: str, channel: str | None) -> int | None:
        """None when the call is within the limits, else the Retry-After to answer with."""
        if method == "chat.postMessage":
            return self._bucket((method, channel or ""), POSTS_BURST, POSTS_PER_SECOND).take(self.clock())
        tier = TIER_OF_METHOD.get(method)
        if tier is None:
            return None
        per_minute = PER_MINUTE_OF_TIER[tier]
        return self._bucket((method, ""), per_minute, per_minute / 60).take(self.clock())
