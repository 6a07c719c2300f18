"""Requests that are not Slack's or Mattermost's own are refused, and leave the database untouched."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from storage.polls import Poll, Vote
from tests.reliability.support import snapshot
from tests.support.mattermost import COMMAND_TOKEN, MattermostBot, running_mattermost_bot
from tests.support.slack import (
    CLUB_CHANNEL,
    SECRET,
    SlackBot,
    click_body,
    reaction_body,
    running_slack_bot,
    signed_headers,
    trigger_id,
)

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
    assert said(mattermost) == []


def request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What handling the request logged (uvicorn logs an unhandled error, with its traceback), and any error."""
    return [r for r in caplog.records if r.levelno >= logging.ERROR
            or r.name.startswith(("bot.web", "bot.platforms", "uvicorn", "slack_bolt"))]


def refused_quietly(caplog: pytest.LogCaptureFixture) -> None:
    """One short line, no traceback: strangers cannot flood the logs."""
    records = request_records(caplog)
    assert len(records) == 1, [r.getMessage() for r in records]
    assert records[0].levelno in (logging.INFO, logging.WARNING) and records[0].exc_info is None


FORM = "application/x-www-form-urlencoded"
NOT_UTF8 = b"command=%2Fclub&text=\xff\xfe&user_id=U0INTRUS"


def now() -> bytes:
    return str(int(time.time())).encode()


@pytest.mark.parametrize(("timestamp", "signature", "body", "content_type"), [
    (b"abc", None, COMMAND.encode(), FORM),
    (b"", None, COMMAND.encode(), FORM),
    (b"1e10", None, COMMAND.encode(), FORM),
    ("\N{FULLWIDTH DIGIT ONE}".encode() * 10, None, COMMAND.encode(), FORM),
    (now, "v0=é".encode() * 16, COMMAND.encode(), FORM),  # a signature that is not ASCII
    (None, None, NOT_UTF8, FORM),
    (None, None, b'{"type": "event_callback", "event": ', "application/json"),
    (None, None, b"payload=%7Bnot+json", FORM),
    (None, None, b"[" * 100_000, "application/json"),
])
def test_malformed_slack_requests_are_refused_with_one_log_line(slack: SlackBot, caplog: pytest.LogCaptureFixture,
                                                                 timestamp, signature: bytes | None, body: bytes,
                                                                 content_type: str) -> None:
    caplog.set_level(logging.INFO)
    before = snapshot(slack.service)
    headers: dict[str, str | bytes] = {"Content-Type": content_type}
    if timestamp is not None:
        headers |= {"X-Slack-Request-Timestamp": timestamp() if callable(timestamp) else timestamp,
                    "X-Slack-Signature": signature or signed_headers(COMMAND)["X-Slack-Signature"]}
    response = slack.http.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 401, response.text
    refused_quietly(caplog)
    assert snapshot(slack.service) == before


def test_a_signed_body_that_is_not_utf8_is_refused(slack: SlackBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    timestamp = str(int(time.time()))
    signature = "v0=" + hmac.new(SECRET.encode(), f"v0:{timestamp}:".encode() + NOT_UTF8, hashlib.sha256).hexdigest()
    response = slack.http.post("/slack/events", content=NOT_UTF8, headers={
        "Content-Type": FORM, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature})
    assert response.status_code == 400
    refused_quietly(caplog)


def test_slacks_unsigned_certificate_check_is_answered_and_does_nothing(slack: SlackBot) -> None:
    before = snapshot(slack.service)
    response = slack.http.post("/slack/events", content=b"ssl_check=1&token=x", headers={"Content-Type": FORM})
    assert response.status_code == 200 and response.text == ""
    smuggled = urlencode({"ssl_check": "true", "command": "/club", "text": "sondage A B", "user_id": "U0INTRUS"})
    assert slack.http.post("/slack/events", content=smuggled, headers={"Content-Type": FORM}).status_code == 401
    assert snapshot(slack.service) == before


def anonymous_click(slack: SlackBot, user: str) -> str:
    """An anonymous poll #1 (options Alpha, Beta) and a new click of `user` on Alpha's button."""
    if polls(slack.service) == 0:
        assert slack.command('sondage "Qui ?" "Alpha" "Beta" --unique --anonyme', user="UADMIN01").status_code == 200
    alpha = next(call for call in slack.api.wait_for("chat.postMessage", count=3) if "Alpha" in call.params["text"])
    blocks = alpha.params["blocks"]
    return click_body(user, (json.loads(blocks) if isinstance(blocks, str) else blocks)[1]["elements"][0])


def votes(service) -> int:
    with service.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Vote))


def polls(service) -> int:
    with service.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Poll))


@pytest.mark.parametrize("request_kind", ["command", "click"])
def test_a_replayed_request_is_refused_by_every_replica(slack: SlackBot, request_kind: str) -> None:
    """A genuine signed request captured and sent again within Slack's five minutes: one effect only, and
    a second process on the same database refuses it as well."""
    if request_kind == "command":
        body, effect = urlencode({"command": "/club", "text": 'sondage "Rejoué ?" "Oui" "Non"',
                                  "user_id": "UADMIN01", "user_name": "camille", "channel_id": CLUB_CHANNEL,
                                  "team_id": "T01ND2P8N91", "trigger_id": trigger_id(),
                                  "response_url": "https://hooks.slack.com/commands/T/1/x"}), polls
    else:
        body, effect = anonymous_click(slack, "U0VOTANT"), votes
    before = effect(slack.service)
    headers = signed_headers(body)
    assert slack.http.post("/slack/events", content=body.encode(), headers=headers).status_code == 200
    assert effect(slack.service) == before + 1
    assert slack.http.post("/slack/events", content=body.encode(), headers=headers).status_code == 401
    with running_slack_bot(slack.service.db.url, api=slack.api) as replica:
        assert replica.http.post("/slack/events", content=body.encode(), headers=headers).status_code == 401
    assert effect(slack.service) == before + 1


def test_a_new_request_with_the_same_content_is_not_a_replay(slack: SlackBot) -> None:
    """Slack signs each delivery anew: the same words typed again a second later are a new command."""
    fields = {"command": "/club", "text": "moi", "user_id": "U0MEMBRE", "user_name": "marie", "channel_id": "C1",
              "team_id": "T01ND2P8N91", "trigger_id": "1.2.3"}
    body = urlencode(fields)
    assert slack.post(body, timestamp=int(time.time()) - 1).status_code == 200
    assert slack.post(body).status_code == 200


@pytest.mark.parametrize(("path", "payload", "status"), [
    ("/mattermost/action", {"user_id": "u1", "context": "action=poll.vote&value=1"}, 400),
    ("/mattermost/action", {"user_id": "u1", "context": ["poll.vote", "1"]}, 400),
    ("/mattermost/action", {"user_id": 42, "context": {"action": "poll.vote", "value": "1", "sig": "0"}}, 400),
    ("/mattermost/action", {"user_id": "u1", "context": {"action": "poll.vote", "value": "1", "sig": "é" * 64}},
     200),  # well formed, but not our signature: Mattermost shows the error
    ("/mattermost/dialog", {"user_id": "u1", "submission": "titre=x", "state": "{}"}, 400),
    ("/mattermost/dialog", {"user_id": "u1", "state": json.dumps({"form": "f", "user": "u1", "sig": "é"})}, 200),
    ("/mattermost/action", "[" * 100_000, 400),
    ("/mattermost/action", b"\xff\xfe", 400),
])
def test_malformed_mattermost_callbacks_are_refused_without_a_server_error(
        mattermost: MattermostBot, caplog: pytest.LogCaptureFixture, path: str, payload: object, status: int) -> None:
    caplog.set_level(logging.INFO)
    before = snapshot(mattermost.service)
    content = payload if isinstance(payload, bytes) else (
        payload.encode() if isinstance(payload, str) else json.dumps(payload).encode())
    response = mattermost.http.post(path, content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == status, response.text
    assert "error" in response.json()
    refused_quietly(caplog)
    assert snapshot(mattermost.service) == before
    assert said(mattermost) == []


def said(mattermost: MattermostBot) -> list:
    """What the bot sent to Mattermost beyond reading (its own account, at start)."""
    return [call for call in mattermost.api.calls if not call.route.startswith("GET ")]


def test_a_mattermost_command_with_a_wrong_authorization_header_is_refused(mattermost: MattermostBot) -> None:
    """Mattermost sends its command token in the Authorization header too: checked before the body is read."""
    before = snapshot(mattermost.service)
    body = urlencode({"command": "/club", "text": 'sondage "Intrus ?" "Oui" "Non"', "user_id": "intrus",
                      "channel_id": "c1", "token": COMMAND_TOKEN})
    response = mattermost.http.post("/mattermost/command", content=body, headers={
        "Content-Type": FORM, "Authorization": "Token not-the-command-token"})
    assert response.status_code == 401
    assert snapshot(mattermost.service) == before
    assert said(mattermost) == []
