"""Events API: reactions become votes; the App Home is published when opened; a direct message to the bot,
or a mention of it, is a command; everything else is acknowledged, retries included, once."""

from __future__ import annotations

import logging
import re

from slack_bolt import App, BoltResponse

from bot.platforms.slack.client import normalise_emoji
from bot.platforms.slack.listeners.commands import message_command
from bot.platforms.slack.runtime import SlackRuntime
from handlers import ReactionEvent
from handlers.service import claim_event

log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>[\s:,]*")


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


def _first_delivery(body: dict, slack: SlackRuntime) -> bool:
    """Slack delivers an event again when its answer was late (X-Slack-Retry-Num, the same event_id:
    docs.slack.dev/apis/events-api): a command typed once runs once, as a vote counts once."""
    with slack.service.db.transaction() as session:
        return claim_event(session, "slack", str(body.get("event_id") or ""))


def _from_a_person(event: dict, slack: SlackRuntime) -> bool:
    """Typed by someone: not a bot's post (the bot's own reminders come back as `message.im` events, with
    a `bot_id`), nor an edit, a deletion or a join (a `subtype`: docs.slack.dev/reference/events/message)."""
    user = event.get("user")
    return (isinstance(user, str) and bool(user) and not event.get("bot_id") and not event.get("subtype")
            and user != slack.platform.identity.user_id and isinstance(event.get("text", ""), str))


def message(body: dict, event: dict, slack: SlackRuntime) -> None:
    """A message in the person's direct conversation with the bot (`channel_type` "im",
    docs.slack.dev/reference/events/message.im) is a command, with or without `/club` before it."""
    slack.platform.learn(body)
    if event.get("channel_type") != "im" or not event.get("channel") or not _from_a_person(event, slack):
        return
    if _first_delivery(body, slack):
        message_command(event["user"], event["channel"], event.get("text", ""), slack, direct=True)


def mention(body: dict, event: dict, slack: SlackRuntime) -> None:
    """`@club-bot aide` in a channel: what follows the mention is a command, answered in the channel."""
    slack.platform.learn(body)
    if not event.get("channel") or not _from_a_person(event, slack):
        return
    if _first_delivery(body, slack):
        message_command(event["user"], event["channel"], after_mention(event.get("text", ""), slack), slack,
                        direct=False)


def after_mention(text: str, slack: SlackRuntime) -> str:
    """What follows the bot's mention (the first mention, while the bot's id is not known yet)."""
    bot = slack.platform.identity.user_id
    for found in _MENTION.finditer(text):
        if bot is None or found.group(1) == bot:
            return text[found.end():]
    return text


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
    app.event("message")(lambda body, event: message(body, event, slack))
    app.event("app_mention")(lambda body, event: mention(body, event, slack))
    app.event("member_joined_channel")(ignore)  # not subscribed any more; acknowledged if it still comes
