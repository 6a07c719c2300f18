"""Commands typed to the bot in its Messages tab, or after a mention of it in a channel."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from handlers import Reply
from tests.support.registry import throwaway_verb
from tests.support.slack import CLUB_CHANNEL, SlackBot, running_slack_bot

LEA = "U0MEMBER01"
BOT = "U0CLUBBOT"  # the bot user named in the deliveries' `authorizations`


@pytest.fixture
def slack(database_url: str, clock) -> Iterator[SlackBot]:
    with running_slack_bot(database_url, clock=clock) as bot:
        bot.api.add_user(LEA, "Léa")
        yield bot


def direct_channel(slack: SlackBot, user: str) -> str:
    """The person's direct conversation with the bot, as the workspace has it."""
    return WebClient(token="xoxb-test", base_url=slack.api.url).conversations_open(users=user)["channel"]["id"]


def direct_message(user: str, channel: str, text: str, **extra: object) -> dict:
    """A `message.im` event as Slack delivers it (docs.slack.dev/reference/events/message.im)."""
    return {"type": "message", "channel": channel, "user": user, "text": text, "ts": f"{time.time():.6f}",
            "channel_type": "im", **extra}


def counting_verb(slack: SlackBot) -> list[str]:
    """A verb that notes each run and answers "vu"."""
    runs: list[str] = []

    def seen(ctx, args):
        runs.append(args)
        return [Reply(f"vu {args}")]

    slack.service.registry.add_verb(throwaway_verb("compte-test", seen))
    return runs


def posts_in(slack: SlackBot, channel: str, count: int = 1) -> list[str]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [c.params["text"] for c in slack.api.calls_to("chat.postMessage") if c.params["channel"] == channel]
        if len(found) >= count:
            return found
        time.sleep(0.02)
    raise AssertionError(f"expected {count} message(s) in {channel}")


def test_a_direct_message_is_a_command_answered_in_the_conversation(slack: SlackBot) -> None:
    channel = direct_channel(slack, LEA)
    slack.api.rate_limit_next("users.info", retry_after=2)  # a first contact, while Slack asks to wait
    start = time.monotonic()
    assert slack.event(direct_message(LEA, channel, "fuseau Martinique")).status_code == 200
    assert time.monotonic() - start < 3  # the Events API wants its answer within 3 s
    assert "Fuseau horaire enregistré" in posts_in(slack, channel)[0]
    assert slack.event(direct_message(LEA, channel, "/club moi")).status_code == 200
    assert "Martinique (America/Martinique)" in posts_in(slack, channel, 2)[1]
    assert not slack.api.calls_to("chat.postEphemeral")  # a message that stays in the Messages tab


def test_a_direct_message_delivered_again_runs_once(slack: SlackBot) -> None:
    runs = counting_verb(slack)
    channel = direct_channel(slack, LEA)
    event = direct_message(LEA, channel, "compte-test une fois")
    assert slack.event(event, event_id="Ev0DM0000001").status_code == 200
    retried = slack.event(event, event_id="Ev0DM0000001")  # Slack's retry carries the same event id
    assert retried.status_code == 200
    assert posts_in(slack, channel) == ["vu une fois"]
    time.sleep(0.2)  # time for a wrongly repeated answer to show up
    assert runs == ["une fois"]
    assert len([c for c in slack.api.calls_to("chat.postMessage") if c.params["channel"] == channel]) == 1


def test_only_what_a_person_types_to_the_bot_is_a_command(slack: SlackBot) -> None:
    runs = counting_verb(slack)
    channel = direct_channel(slack, LEA)
    assert slack.event(direct_message(LEA, channel, "compte-test tapé")).status_code == 200
    assert posts_in(slack, channel) == ["vu tapé"]
    for event in (
        direct_message(LEA, channel, "compte-test", bot_id="B0CLUBBOT"),  # the bot's own reminder, back
        direct_message(BOT, channel, "compte-test"),
        direct_message(LEA, channel, "compte-test", subtype="message_changed"),  # an edit
        direct_message(LEA, CLUB_CHANNEL, "compte-test", channel_type="channel"),  # a channel's chatter
    ):
        assert slack.event(event).status_code == 200
    time.sleep(0.3)
    assert runs == ["tapé"]
    assert len(slack.api.calls_to("chat.postMessage")) == 1


def test_a_mention_of_the_bot_in_a_channel_is_a_command_answered_there(slack: SlackBot) -> None:
    runs = counting_verb(slack)
    mention = {"type": "app_mention", "channel": CLUB_CHANNEL, "user": LEA, "ts": f"{time.time():.6f}",
               "text": f"<@{BOT}> compte-test ici"}
    assert slack.event(mention).status_code == 200
    answer = slack.api.wait_for("chat.postEphemeral")[0].params
    assert (answer["channel"], answer["user"], answer["text"]) == (CLUB_CHANNEL, LEA, "vu ici")
    assert runs == ["ici"]
