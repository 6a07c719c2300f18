"""`/club …` slash commands: the first reply rides on the ack, the rest go out after it."""

from __future__ import annotations

import logging
import re

from slack_bolt import Ack, App

from bot.platforms.slack import render
from bot.platforms.slack.runtime import SlackRuntime
from handlers import Command, Reply, Visibility
from handlers.outbox import in_response

log = logging.getLogger(__name__)
_ESCAPED_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]*))?>")


def to_command(body: dict, slack: SlackRuntime) -> Command:
    text = body.get("text", "")
    mentions = {user_id: name or user_id for user_id, name in _ESCAPED_MENTION.findall(text)}
    user_id = body["user_id"]
    return Command(
        platform="slack", user_id=user_id, user_name=body.get("user_name", user_id),
        channel_id=body.get("channel_id", ""), text=_ESCAPED_MENTION.sub(r"<@\1>", text),
        received_at=slack.now(), profile=lambda: slack.platform.profile(user_id), mentions=mentions,
    )


def open_forms(replies: list[Reply], trigger_id: str | None, channel: str, slack: SlackRuntime) -> list[Reply]:
    """A form opens as a modal now (a trigger_id lives 3 s); its text is the fallback if it cannot."""
    kept = []
    for reply in replies:
        if reply.form is not None and trigger_id:
            try:
                slack.platform.client.views_open(trigger_id=trigger_id, view=render.modal(reply.form, channel))
                continue
            except Exception:
                log.warning("modal %s could not open; showing its text instead", reply.form.form_id,
                            exc_info=True)
        kept.append(reply)
    return kept


def club_command(ack: Ack, body: dict, slack: SlackRuntime) -> bool:
    """Answers on the ack; True when a form was opened (a Web API call during the request)."""
    command = to_command(body, slack)
    replies = slack.service.handle_command(command).answer
    forms = any(reply.form is not None for reply in replies)
    replies = open_forms(replies, body.get("trigger_id"), command.channel_id, slack)
    first, rest = in_response(replies)  # the ack carries the first
    if first is None:
        ack()
    else:
        response_type = "in_channel" if first.visibility == Visibility.CHANNEL else "ephemeral"
        ack(response_type=response_type, **render.message(first))
    slack.later(rest, command.channel_id, command.user_id)
    slack.refresh_home(command.user_id)
    return forms


def other_command(ack: Ack, slack: SlackRuntime) -> bool:
    ack(text=f"club-bot répond à la commande {slack.command}. Essayez `{slack.command} aide`.")
    return False


def register(app: App, slack: SlackRuntime) -> None:
    app.command(slack.command)(lambda ack, body: club_command(ack, body, slack))
    app.command(re.compile(r".*"))(lambda ack: other_command(ack, slack))
