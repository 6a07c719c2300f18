"""Events API: reactions become votes; the App Home is published when opened; everything else is acknowledged, retries included, once."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltResponse

from bot.platforms.slack.client import normalise_emoji
from bot.platforms.slack.runtime import SlackRuntime
from handlers import ReactionEvent

log = logging.getLogger(__name__)


def reaction(body: dict, event: dict, slack: SlackRuntime, added: bool) -> None:
    item = event.get("item", {})
    if item.get("type") != "message" or not item.get("channel") or not item.get("ts"):
        return  # reactions on files and file comments are not votes
    neutral = ReactionEvent(
        platform="slack", event_id=body.get("event_id", ""), user_id=event["user"],
        channel_id=item["channel"], message_id=item["ts"], emoji=normalise_emoji(event["reaction"]),
        added=added, received_at=slack.now(),
    )
    slack.later(slack.service.handle_reaction(neutral).answer, item["channel"], event["user"])
    slack.refresh_home(event["user"])


def home_opened(event: dict, slack: SlackRuntime) -> None:
    """The App Home tab opened: publish a fresh home, after the ack (the Events API wants it within 3 s)."""
    if event.get("tab", "home") == "home" and event.get("user"):
        slack.executor.submit(slack.publish_home, event["user"])


def ignore(body: dict, event: dict) -> None:
    log.debug("event %s (%s) acknowledged", event.get("type"), body.get("event_id"))


def rate_limited(req, resp, next) -> None:  # noqa: A002 (Bolt's middleware signature)
    body = req.body
    if isinstance(body, dict) and body.get("type") == "app_rate_limited":
        log.warning("Slack rate-limited the app's events until minute %s", body.get("minute_rate_limited"))
        return BoltResponse(status=200, body="")
    return next()


def register(app: App, slack: SlackRuntime) -> None:
    app.middleware(rate_limited)
    app.event("reaction_added")(lambda body, event: reaction(body, event, slack, True))
    app.event("reaction_removed")(lambda body, event: reaction(body, event, slack, False))
    app.event("app_home_opened")(lambda event: home_opened(event, slack))
    for name in ("message", "app_mention", "member_joined_channel"):
        app.event(name)(ignore)
