"""Slack for the outbox sender: its own Web API client, whose 429s come back here instead of sleeping
inside the SDK, Slack's error codes sorted into "wait", "never" and "try again", and the lookup of a key."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.outbox_sender import Pace, RateLimited, Refused, Sender
from bot.platforms.base import KEY_FIELD
from bot.platforms.slack.client import BotIdentity, SlackPlatform

log = logging.getLogger(__name__)
# Errors of chat.postMessage, chat.update, chat.postEphemeral and reactions.add that a second attempt
# can cure (https://api.slack.com/methods/chat.postMessage#errors); any other `ok: false` is final.
TRANSIENT = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"})

# Slack limits each Web API method per workspace by its tier — Tier 2 "20+ per minute", Tier 3 "50+",
# Tier 4 "100+", bursts tolerated (https://docs.slack.dev/apis/web-api/rate-limits); each method's tier as
# Slack lists it in slackapi/java-slack-sdk:metadata/web-api/rate_limit_tiers.json. Slack publishes no
# burst size: a fifth of the minute's floor goes at once. chat.postMessage is its own tier: "generally one
# message per second per channel … bursts over that limit for short periods" (same page, "Posting
# messages"); a direct message is a post in the person's direct channel.
POSTS = Pace("chat.postMessage", per_minute=60, burst=3, per_channel=True)
TIER_3 = {"per_minute": 50, "burst": 10}
TIER_4 = {"per_minute": 100, "burst": 20}


class SlackSender(Sender):
    """chat.postMessage with the row's key in the message metadata; conversations.history finds it again."""

    paces = {
        "post": POSTS,
        "direct": POSTS,
        "add_reaction": Pace("reactions.add", **TIER_3),
        "update": Pace("chat.update", **TIER_3),
        "ephemeral": Pace("chat.postEphemeral", **TIER_4),
        "upload": Pace("files.getUploadURLExternal", **TIER_4),  # and files.completeUploadExternal, Tier 4 too
        # conversations.history, Tier 3 for an app built by its workspace; Slack lowered it in 2025 only for
        # commercially distributed apps outside the Marketplace (same page, "App types and rate limits").
        "find": Pace("conversations.history", **TIER_3),
    }

    def __init__(self, shared: WebClient, club_channel: str | None, identity: BotIdentity | None = None) -> None:
        client = WebClient(token=shared.token, base_url=shared.base_url, timeout=shared.timeout,
                           retry_handlers=[])  # every retry is the outbox's, after a lookup: never a blind resend
        super().__init__(SlackPlatform(client, identity), club_channel)
        self.client = client

    def call(self, method: Callable, *args: object, **kwargs: object):
        try:
            return method(*args, **kwargs)
        except SlackApiError as error:
            status = error.response.status_code
            if status == 429:
                headers = {key.lower(): value for key, value in (error.response.headers or {}).items()}
                value = headers.get("retry-after", "1")
                raise RateLimited(float(value[0] if isinstance(value, list) else value)) from error
            code = error.response.get("error") if isinstance(error.response.data, dict) else None
            if status < 500 and code and code not in TRANSIENT:
                raise Refused(code) from error
            raise

    def find(self, channel: str | None, user: str | None, key: str, since: datetime) -> tuple[str, str] | None:
        try:
            where = channel or self.call(self.platform.direct_channel, user)
            history = self.call(self.client.conversations_history, channel=where, limit=100,
                                oldest=f"{(since - timedelta(minutes=5)).timestamp():.6f}",
                                include_all_metadata=True)
        except RateLimited:
            raise
        except Exception:
            # Unreadable (a scope, a channel left): as if not found. At worst it is posted a second time.
            log.warning("message %s could not be looked up in %s", key, channel or user, exc_info=True)
            return None
        for message in history.get("messages", []):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == KEY_FIELD and (metadata.get("event_payload") or {}).get("key") == key:
                return where, message["ts"]
        return None
