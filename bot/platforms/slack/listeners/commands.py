"""`/club …` slash commands: the first reply rides on the ack, the rest go out after it. The same commands
typed to the bot in a direct message, or after a mention of it in a channel, are answered by a message."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace

from slack_bolt import Ack, App

from bot.platforms.slack import render
from bot.platforms.slack.runtime import SlackRuntime
from handlers import Command, Reply, Visibility
from handlers.i18n import DEFAULT_LANG, N_, translate
from handlers.members.lookup import find_member
from handlers.outbox import in_response

log = logging.getLogger(__name__)
_ESCAPED_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]*))?>")
# A trigger_id must be used within 3 s of Slack sending it
# (slackapi/bolt-python:docs/english/concepts/opening-modals.md); part of them is the way there and back.
TRIGGER_SECONDS = 3.0
TRIGGER_MARGIN = 0.5
MIN_VIEW_TIMEOUT = 0.1  # below this, views.open is not even tried
FORM_DID_NOT_OPEN = N_("Le formulaire n'a pas pu s'ouvrir : utilisez la commande en une ligne ci-dessous.")


def to_command(body: dict, slack: SlackRuntime) -> Command:
    return typed_command(body["user_id"], body.get("user_name", body["user_id"]), body.get("channel_id", ""),
                         body.get("text", ""), slack)


def typed_command(user_id: str, user_name: str, channel: str, text: str, slack: SlackRuntime) -> Command:
    mentions = {mentioned: name or mentioned for mentioned, name in _ESCAPED_MENTION.findall(text)}
    return Command(
        platform="slack", user_id=user_id, user_name=user_name, channel_id=channel,
        text=_ESCAPED_MENTION.sub(r"<@\1>", text), received_at=slack.now(),
        profile=slack.profile_loader(user_id), mentions=mentions,
    )


def _reader_lang(slack: SlackRuntime, user_id: str) -> str:
    """The language the handlers answered `user_id` in (their member row's, else French)."""
    with slack.service.db.transaction() as session:
        member = find_member(session, slack.service.club_id, "slack", user_id)
        return (member.lang if member is not None else None) or DEFAULT_LANG


def _did_not_open(reply: Reply, slack: SlackRuntime, user_id: str) -> Reply:
    sentence = translate(_reader_lang(slack, user_id), FORM_DID_NOT_OPEN)
    return replace(reply, text=f"{sentence}\n{reply.text}")


def open_forms(replies: list[Reply], trigger_id: str | None, channel: str, slack: SlackRuntime,
               user_id: str, received: float) -> list[Reply]:
    """A form opens as a modal now, while its trigger lives (3 s from `received`, a `time.monotonic()`);
    if it cannot, its text (the one-line command) is shown, saying that the form did not open."""
    kept = []
    for reply in replies:
        if reply.form is None or not trigger_id:
            kept.append(reply)
            continue
        left = received + TRIGGER_SECONDS - TRIGGER_MARGIN - time.monotonic()
        try:
            if left < MIN_VIEW_TIMEOUT:
                raise TimeoutError(f"{left:.2f} s left of the trigger")
            slack.platform.open_view(trigger_id, render.modal(reply.form, channel), timeout=left)
            continue
        except Exception as error:  # a 429, an expired trigger, a timeout: no second attempt would be in time
            log.warning("modal %s could not open (%s); its one-line command shown instead",
                        reply.form.form_id, error)
        kept.append(_did_not_open(reply, slack, user_id))
    return kept


def club_command(ack: Ack, body: dict, slack: SlackRuntime, received: float | None = None) -> bool:
    """Answers on the ack; True when a form was opened (a Web API call during the request).
    `received`: when the request arrived (`time.monotonic()`), by default now."""
    received = time.monotonic() if received is None else received
    command = to_command(body, slack)
    replies = slack.service.handle_command(command).answer
    forms = any(reply.form is not None for reply in replies)
    replies = open_forms(replies, body.get("trigger_id"), command.channel_id, slack, command.user_id, received)
    first, rest = in_response(replies)  # the ack carries the first
    if first is None:
        ack()
    else:
        response_type = "in_channel" if first.visibility == Visibility.CHANNEL else "ephemeral"
        ack(response_type=response_type, **render.message(first))
    slack.later(rest, command.channel_id, command.user_id)
    slack.refresh_home(command.user_id)
    return forms


def without_command_name(text: str, slack: SlackRuntime) -> str:
    """`/club aide` or `aide`: what follows the command's name, when a message carries it."""
    text = text.strip()
    named = re.match(rf"{re.escape(slack.command)}(?:\s+|$)", text, re.IGNORECASE)
    return text[named.end():] if named else text


def _posted(reply: Reply) -> Reply:
    """In the person's direct conversation with the bot, the answer is a message there (an ephemeral one
    would vanish from the Messages tab)."""
    if reply.visibility == Visibility.EPHEMERAL and reply.channel is None and reply.user is None:
        return replace(reply, visibility=Visibility.CHANNEL)
    return reply


def message_command(user_id: str, channel: str, text: str, slack: SlackRuntime, direct: bool) -> None:
    """A command typed in a message (no ack to ride on): its answer is posted after the event's answer.
    Forms cannot open (a message event carries no trigger_id): their one-line command is shown."""
    command = typed_command(user_id, user_id, channel, without_command_name(text, slack), slack)
    replies = slack.service.handle_command(command).answer
    if direct:
        replies = [_posted(reply) for reply in replies]
    slack.later(replies, channel, user_id)
    slack.refresh_home(user_id)


def other_command(ack: Ack, slack: SlackRuntime) -> bool:
    ack(text=f"club-bot répond à la commande {slack.command}. Essayez `{slack.command} aide`.")
    return False


def register(app: App, slack: SlackRuntime) -> None:
    app.command(slack.command)(
        lambda ack, body, context: club_command(ack, body, slack, context.get("received")))
    app.command(re.compile(r".*"))(lambda ack: other_command(ack, slack))
