"""Requests that are not Slack's or Mattermost's own are refused, and leave the database untouched."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from tests.reliability.support import snapshot
from tests.support.mattermost import MattermostBot, running_mattermost_bot
from tests.support.slack import SECRET, SlackBot, reaction_body, running_slack_bot, signed_headers

COMMAND = urlencode({"command": "/club", "text": 'sondage "Intrus ?" "Oui" "Non"', "user_id": "U0INTRUS",
                     "user_name": "intrus", "channel_id": "C0CLUB0001", "team_id": "T01ND2P8N91",
                     "trigger_id": "1.2.3", "response_url": "https://hooks.slack.com/commands/T/1/x"})


@pytest.fixture
def slack(database_url: str) -> Iterator[SlackBot]:
    with running_slack_bot(database_url) as bot:
        yield bot


@pytest.fixture
def mattermost(database_url: str) -> Iterator[MattermostBot]:
    with running_mattermost_bot(database_url) as bot:
        yield bot


@pytest.mark.parametrize("forgery", ["forged", "unsigned", "replayed", "tampered"])
def test_requests_not_signed_by_slack_now_are_refused(slack: SlackBot, forgery: str) -> None:
    before = snapshot(slack.service)
    for body, content_type in ((COMMAND, "application/x-www-form-urlencoded"),
                               (reaction_body("U0INTRUS", "C0CLUB0001", "1.2", "+1"), "application/json")):
        if forgery == "forged":
            response = slack.post(body, content_type, secret="not-the-signing-secret")
        elif forgery == "replayed":  # a genuine signature, captured and sent again 6 minutes later
            response = slack.post(body, content_type, timestamp=int(time.time()) - 6 * 60)
        elif forgery == "tampered":  # signed, then changed on the way
            headers = signed_headers(body, SECRET, content_type=content_type)
            response = slack.http.post("/slack/events", content=body.replace("U0INTRUS", "UADMIN01").encode(),
                                       headers=headers)
        else:
            response = slack.http.post("/slack/events", content=body.encode(),
                                       headers={"Content-Type": content_type})
        assert response.status_code == 401, (forgery, response.text)
    assert snapshot(slack.service) == before
    assert [call.method for call in slack.api.calls if call.method != "auth.test"] == []  # nothing said


@pytest.mark.parametrize("token", ["", "wrong-token", "QZGAKF1NX3YT9DR4N8585IHBXY"])
def test_mattermost_commands_with_a_wrong_token_are_refused(mattermost: MattermostBot, token: str) -> None:
    before = snapshot(mattermost.service)
    response = mattermost.command('sondage "Intrus ?" "Oui" "Non"', token=token)
    assert response.status_code == 401
    assert snapshot(mattermost.service) == before
    assert mattermost.api.calls == []
