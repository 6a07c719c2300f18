"""Buttons of the bot's messages (`club:<action>:<n>`), modals, and shortcuts."""

from __future__ import annotations

import json
import logging
import re
import time

from slack_bolt import Ack, App

from bot.platforms.slack import render
from bot.platforms.slack.listeners.commands import open_forms
from bot.platforms.slack.runtime import SlackRuntime
from handlers import ActionEvent, FormSubmission

log = logging.getLogger(__name__)
CLUB_ACTION = re.compile(r"^club:([\w.\-]+):\d+$")


def club_button(ack: Ack, body: dict, action: dict, slack: SlackRuntime, received: float | None = None) -> None:
    """`received`: when the click arrived (`time.monotonic()`): its trigger lives 3 s from then."""
    received = time.monotonic() if received is None else received
    ack()
    user_id = body["user"]["id"]
    container = body.get("container", {})
    channel = container.get("channel_id") or body.get("channel", {}).get("id", "")
    event = ActionEvent(
        platform="slack", user_id=user_id, user_name=body["user"].get("username") or body["user"].get("name", ""),
        channel_id=channel, message_id=container.get("message_ts", ""),
        action=CLUB_ACTION.match(action["action_id"]).group(1), value=action.get("value", ""),
        received_at=slack.now(), profile=slack.profile_loader(user_id),
    )
    # A button may ask for more (an objection's reason): its form opens as a modal with the click's trigger.
    replies = open_forms(slack.service.handle_action(event).answer, body.get("trigger_id"), channel, slack,
                         user_id, received)
    slack.later(replies, channel, user_id)
    slack.refresh_home(user_id)


def form_submitted(ack: Ack, body: dict, view: dict, slack: SlackRuntime) -> None:
    user_id = body["user"]["id"]
    meta = json.loads(view.get("private_metadata") or "{}")
    channel = meta.get("channel", "")
    values = render.form_values(view)
    submission = FormSubmission(
        platform="slack", user_id=user_id, user_name=body["user"].get("username") or body["user"].get("name", ""),
        channel_id=channel, form_id=view["callback_id"].split(":", 1)[1], values=values,
        state=meta.get("state", ""), received_at=slack.now(), profile=slack.profile_loader(user_id),
    )
    replies, error = slack.service.handle_form(submission)
    if error:
        # Shown under the first field of the modal, which stays open with what was typed.
        ack(response_action="errors", errors={next(iter(values), "value"): error[:2000]})
        return
    ack()
    slack.later(replies.answer, channel, user_id)
    slack.refresh_home(user_id)


def acknowledge(ack: Ack, body: dict) -> None:
    ack()
    log.info("interaction %s acknowledged without effect", body.get("type"))


def register(app: App, slack: SlackRuntime) -> None:
    app.action(CLUB_ACTION)(
        lambda ack, body, action, context: club_button(ack, body, action, slack, context.get("received")))
    app.action(re.compile(r".*"))(acknowledge)
    app.view(re.compile(rf"^{render.FORM_CALLBACK}:"))(
        lambda ack, body, view: form_submitted(ack, body, view, slack))
    app.view(re.compile(r".*"))(acknowledge)
    app.shortcut(re.compile(r".*"))(acknowledge)
