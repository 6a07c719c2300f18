"""The Slack manifest creates an app that matches the code: command, events, scopes."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.platforms.slack.client import SlackPlatform, make_client
from bot.platforms.slack.sender import SlackSender
from bot.settings import Settings
from handlers import Reply
from tests.fakes.slack_api import FakeSlackAPI
from tests.support.slack import running_slack_bot

MANIFEST = yaml.safe_load((Path(__file__).parent.parent / "config" / "slack-manifest.yml").read_text())
SCOPE_OF = {
    "chat.postMessage": "chat:write", "chat.update": "chat:write", "chat.postEphemeral": "chat:write",
    "reactions.add": "reactions:write", "reactions.get": "reactions:read", "users.info": "users:read",
    "conversations.open": "im:write",
}
# conversations.history needs the history scope of the conversation's kind (api.slack.com/methods/conversations.history)
HISTORY_SCOPE_OF = {"C": "channels:history", "G": "groups:history", "D": "im:history"}


def test_manifest_command_is_the_one_the_bot_answers() -> None:
    commands = [c["command"] for c in MANIFEST["features"]["slash_commands"]]
    assert commands == [Settings.model_fields["slack_command"].default]
    assert MANIFEST["features"]["slash_commands"][0]["should_escape"] is True  # mentions arrive as <@U…>


def test_manifest_scopes_cover_every_web_api_method_the_bot_calls() -> None:
    with FakeSlackAPI() as api:
        api.add_user("U1", "Léa")
        api.add_channel("C1", members=["U1"])
        api.add_channel("G1", private=True)
        platform = SlackPlatform(make_client("xoxb-test", api.url))
        ts = platform.post("C1", Reply("annonce"))
        platform.update("C1", ts, Reply("annonce modifiée"))
        platform.add_reaction("C1", ts, "+1")
        platform.ephemeral("C1", "U1", Reply("pour vous"))
        platform.direct("U1", Reply("message privé"))
        platform.reactions("C1", ts)
        platform.profile("U1")
        # The outbox sender looks a message up before a second attempt: in a channel, a private one, a DM.
        sender = SlackSender(make_client("xoxb-test", api.url), "C1")
        for channel, user in (("C1", None), ("G1", None), (None, "U1")):
            sender.find(channel, user, "o1", datetime.now(UTC))
        history = [call.params["channel"] for call in api.calls_to("conversations.history")]
        called = {call.method for call in api.calls}
    assert called == set(SCOPE_OF) | {"conversations.history"}
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert {SCOPE_OF[method] for method in called - {"conversations.history"}} <= scopes
    assert {HISTORY_SCOPE_OF[channel[0]] for channel in history} == {"channels:history", "groups:history",
                                                                      "im:history"} <= scopes
    assert "commands" in scopes


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_subscribed_event_has_a_listener(database_url: str) -> None:
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert set(events) == {"reaction_added", "reaction_removed", "app_home_opened", "app_mention", "message.im"}
    # message.* subscriptions deliver `message` events; `channel_type` says where (docs.slack.dev/reference/events/message.im)
    assert "im:history" in MANIFEST["oauth_config"]["scopes"]["bot"]
    assert "app_mentions:read" in MANIFEST["oauth_config"]["scopes"]["bot"]
    with running_slack_bot(database_url) as bot:
        for name in events:
            kind, _, channel_type = name.partition(".")
            event = {"type": kind, "user": "U1", "channel": "C1", "tab": "home", "reaction": "+1", "text": "aide",
                     "item": {"type": "message", "channel": "C1", "ts": "1.1"}, "event_ts": "1.2",
                     **({"channel_type": channel_type} if channel_type else {})}
            body = json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1",
                               "event": event, "event_id": "Ev" + uuid.uuid4().hex, "event_time": 1})
            response = bot.post(body, content_type="application/json")
            assert response.status_code == 200, (name, response.text)


def test_manifest_is_ready_for_socket_mode_and_interactivity() -> None:
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["settings"]["event_subscriptions"]["request_url"].endswith("/slack/events")
