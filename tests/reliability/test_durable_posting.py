"""What the bot acknowledged gets posted: after a kill -9, after a 500 or an answer that came too late,
once and only once; and when the platform refuses a message for good, its author is told."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select

from bot.outbox_sender import OutboxSender
from bot.platforms.slack.sender import SlackSender
from handlers import Anchor, Command, ReactionEvent, Service
from handlers.outbox import pending
from storage.outbox import OutboxMessage
from storage.polls import Poll, Vote
from tests.fakes.slack_api import FakeSlackAPI
from tests.support.slack import (
    CLUB_CHANNEL,
    SECRET,
    club_slack_api,
    reaction_body,
    running_slack_bot,
    signed_headers,
)

ADMIN = "UADMIN01"
POLL = 'sondage "Quel atelier ?" "Eau" "Santé"'
ROOT = Path(__file__).resolve().parents[2]


def club_posts(api: FakeSlackAPI) -> list[str]:
    with api.lock:
        return [m.text for m in sorted(api.messages.values(), key=lambda m: m.ts) if m.channel == CLUB_CHANNEL]


def wait_until(condition, timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def each_key_once(api: FakeSlackAPI) -> Counter:
    keys = Counter(api.keys_posted())
    assert [key for key, seen in keys.items() if seen > 1] == [], "a message was posted twice"
    return keys


def option_ts(service: Service) -> list[str]:
    with service.db.transaction() as session:
        ids = [option.id for option in session.scalar(select(Poll)).options]
    return [service.posted_for("slack", Anchor("poll_option", oid))[0][1] for oid in ids]


def votes(service: Service) -> int:
    with service.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Vote)) or 0


# -- a process killed after its answer ----------------------------------------------------------
def serve(database_url: str, api: FakeSlackAPI, cwd: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": "xoxb-test",
           "SLACK_API_URL": api.url, "SLACK_CLUB_CHANNEL": CLUB_CHANNEL, "CLUB_ADMINS": ADMIN,
           "OUTBOX_LEASE_SECONDS": "1", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=cwd)
    line = process.stdout.readline()
    assert line.startswith("club-bot écoute sur http://127.0.0.1:"), line
    return process, line.split()[-1]


def command(url: str, text: str, user: str = ADMIN) -> httpx.Response:
    body = urlencode({"command": "/club", "text": text, "user_id": user, "user_name": user.lower(),
                      "channel_id": CLUB_CHANNEL, "team_id": "T01ND2P8N91", "trigger_id": "1.2.3"})
    return httpx.post(f"{url}/slack/events", content=body, headers=signed_headers(body), timeout=10)


@pytest.mark.slow
def test_a_poll_acknowledged_then_killed_is_posted_after_the_restart_once_and_takes_votes(
        database_url: str, tmp_path: Path) -> None:
    with club_slack_api() as api:  # the workspace with the Club channel
        gate = api.hold("chat.postMessage")  # Slack receives the poll's first message, and is slow to answer
        first, url = serve(database_url, api, tmp_path)
        try:
            assert "Sondage #1 lancé" in command(url, POLL).json()["text"]
            api.wait_for("chat.postMessage")
            first.send_signal(signal.SIGKILL)  # dies before it learns the message's ts
            first.wait(timeout=10)
        finally:
            first.kill()
        gate.set()  # ... but Slack had posted it
        wait_until(lambda: len(club_posts(api)) == 1, what="the message Slack received is there")

        second, url = serve(database_url, api, tmp_path)
        try:
            wait_until(lambda: len(club_posts(api)) == 3, what="the rest of the poll posted after the restart")
            posts = club_posts(api)
            assert "Sondage #1" in posts[0] and "Eau" in posts[1] and "Santé" in posts[2]
            assert len(each_key_once(api)) == 3
            body = reaction_body("U0VOTER1", CLUB_CHANNEL, sorted(m.ts for m in api.messages.values()
                                                                    if m.channel == CLUB_CHANNEL)[1], "+1")
            response = httpx.post(f"{url}/slack/events", content=body,
                                  headers=signed_headers(body, content_type="application/json"))
            assert response.status_code == 200
        finally:
            second.terminate()
            second.wait(timeout=10)
    from storage import Database

    db = Database(database_url)
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Vote)) == 1  # the vote on "Eau" counted
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.state != "sent")) == 0
    db.dispose()


# -- faults of the API --------------------------------------------------------------------------
def test_a_post_answered_500_is_retried_and_posted_once(database_url: str) -> None:
    with running_slack_bot(database_url) as slack:
        slack.api.fail_http_next("chat.postMessage", 500)
        assert "Sondage #1 lancé" in slack.command(POLL, user=ADMIN).json()["text"]
        wait_until(lambda: len(club_posts(slack.api)) == 3, what="the poll posted despite the 500")
        assert len(each_key_once(slack.api)) == 3
        slack.api.wait_for("reactions.add", count=2)
        eau, _sante = option_ts(slack.service)
        assert slack.reaction("U0VOTER1", CLUB_CHANNEL, eau, "+1").status_code == 200
        assert votes(slack.service) == 1


@pytest.mark.parametrize("error, told", [
    ("not_in_channel", "il n'est pas membre de ce canal. Invitez-le dans le canal (`/invite @club-bot`)"),
    ("channel_not_found", "il n'est pas membre de ce canal"),
    ("invalid_blocks", "la plateforme l'a refusé (invalid_blocks)"),
])
def test_a_post_refused_for_good_is_not_retried_and_its_author_is_told(database_url: str, error: str,
                                                                       told: str) -> None:
    with running_slack_bot(database_url) as slack:
        slack.api.add_user(ADMIN, "Camille")
        slack.api.fail_next("chat.postMessage", error)
        assert "Sondage #1 lancé" in slack.command(POLL, user=ADMIN).json()["text"]
        notices = []
        wait_until(lambda: notices.extend(c.params["text"] for c in slack.api.calls_to("chat.postMessage")
                                          if c.params["channel"] in (ADMIN, "D" + ADMIN)) or notices,
                   what="the author told")
        assert told in notices[0] and "Sondage #1" in notices[0]
        with slack.service.db.transaction() as session:
            states = Counter(session.scalars(select(OutboxMessage.state)))
        assert states["failed"] == 1  # given up at once, never tried again


def test_a_retry_whose_lookup_is_refused_posts_the_message_once(service: Service, clock) -> None:
    """A lookup the token may not make (missing_scope) is "not found", not one more failure."""
    with club_slack_api() as api:  # the workspace with the Club channel
        service.handle_command(Command(platform="slack", user_id=ADMIN, user_name="camille",
                                       channel_id=CLUB_CHANNEL, text=POLL, received_at=clock()))
        outbox = OutboxSender(service, [SlackSender(WebClient(token="xoxb-test", base_url=api.url), CLUB_CHANNEL)])
        api.fail_http_next("chat.postMessage", 503)
        api.fail_next("conversations.history", "missing_scope")
        first = outbox.run_messages()
        assert (first.failed, first.sent) == (1, 0)  # the options wait for their question
        clock.now += timedelta(minutes=1)
        assert outbox.run_messages().sent == 3
        posts = club_posts(api)
        assert "Sondage #1" in posts[0] and "Eau" in posts[1] and "Santé" in posts[2]
        assert len(each_key_once(api)) == 3


def test_a_post_answered_after_the_client_s_timeout_is_found_by_its_key_and_its_votes_count(
        service: Service, clock) -> None:
    with club_slack_api() as api:  # the workspace with the Club channel
        service.handle_command(Command(platform="slack", user_id=ADMIN, user_name="camille",
                                       channel_id=CLUB_CHANNEL, text=POLL, received_at=clock()))
        sender = SlackSender(WebClient(token="xoxb-test", base_url=api.url, timeout=0.3), CLUB_CHANNEL)
        outbox = OutboxSender(service, [sender])
        api.answer_late("chat.postMessage", 1.0)  # Slack posts, the answer comes after the client gave up
        first = outbox.run_messages()
        assert first.failed == 1 and len(club_posts(api)) == 1  # posted, but its answer never came
        api.late.clear()
        clock.now += timedelta(minutes=1)
        again = outbox.run_messages()
        assert (again.recovered, again.sent) == (1, 2)  # found by its key: nothing posted twice
        assert len(club_posts(api)) == 3 and len(each_key_once(api)) == 3
        with service.db.transaction() as session:
            assert pending(session) == 0
        eau, _sante = option_ts(service)
        service.handle_reaction(ReactionEvent(platform="slack", event_id="Ev1", user_id="U0VOTER1",
                                              channel_id=CLUB_CHANNEL, message_id=eau, emoji="+1", added=True,
                                              received_at=clock()))
        assert votes(service) == 1
