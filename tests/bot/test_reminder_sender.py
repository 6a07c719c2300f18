"""Reminders reach people once, with real processes: two reminder senders on one PostgreSQL, a reminder sender
killed mid fan-out and restarted, and a Slack API answering 429 with Retry-After."""

from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.outbox_sender import OutboxSender
from bot.platforms.slack.client import make_client
from bot.platforms.slack.sender import SlackSender
from handlers import ClubSettings, Reply, Service
from handlers.calendar.programme import load_programme
from handlers.reminders import claim
from storage import Database
from tests.fakes.slack_api import FakeSlackAPI
from tests.support.outbox import CLUB_CHANNEL, seed_fanout, spawn_reminder_sender, states


def _finish(*processes) -> None:
    for process in processes:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output


def _workspace(count: int) -> FakeSlackAPI:
    """The Slack workspace of the fan-out: its `count` registrants (U00000…) are its members."""
    api = FakeSlackAPI()
    for i in range(count):
        api.add_user(f"U{i:05d}", f"Personne {i}")
    return api


def _each_once(api: FakeSlackAPI, count: int) -> None:
    keys = Counter(api.keys_posted())
    assert len(keys) == count, f"{count - len(keys)} missing"
    assert [key for key, seen in keys.items() if seen > 1] == []


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_dispatchers_on_one_postgresql_send_each_reminder_once(database_url: str) -> None:
    seed_fanout(database_url, 300)
    with _workspace(300) as api:
        first, second = spawn_reminder_sender(database_url, api.url), spawn_reminder_sender(database_url, api.url)
        _finish(first, second)
        _each_once(api, 300)
    assert states(database_url).get("sent") == 300


@pytest.mark.slow
def test_a_dispatcher_killed_mid_fanout_and_restarted_sends_each_reminder_once(database_url: str) -> None:
    seed_fanout(database_url, 200)
    with _workspace(200) as api:
        api.limit_rate("chat.postMessage", 50)  # four seconds of work: time to be killed in the middle
        process = spawn_reminder_sender(database_url, api.url)
        deadline = time.monotonic() + 60
        while len(api.keys_posted()) < 60 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert 60 <= len(api.keys_posted()) < 200
        _finish(spawn_reminder_sender(database_url, api.url))
        _each_once(api, 200)
    assert states(database_url).get("sent") == 200


@pytest.mark.slow
def test_a_rate_limited_api_gets_everything_once_at_its_pace(database_url: str) -> None:
    seed_fanout(database_url, 120)
    with _workspace(120) as api:
        api.limit_rate("chat.postMessage", 40)
        started = time.monotonic()
        _finish(spawn_reminder_sender(database_url, api.url))
        elapsed = time.monotonic() - started
        _each_once(api, 120)
        limited = [c for c in api.calls_to("chat.postMessage") if c.params.get("metadata")]
        assert len(limited) > 120  # some were refused with 429, then sent after Retry-After
    assert 2.0 <= elapsed  # 120 at 40 per second cannot take less than two seconds


def test_a_message_sent_just_before_a_crash_is_recorded_not_sent_again(database_url: str) -> None:
    """The process died between the platform's answer and the database's commit: the next one finds the
    message by its key and only records it."""
    seed_fanout(database_url, 3)
    db = Database(database_url)
    service = Service(db, ClubSettings(programme=load_programme()))
    with _workspace(3) as api:
        sender = SlackSender(make_client("xoxb-test", api.url), CLUB_CHANNEL)
        now = datetime.now(UTC)
        with db.transaction() as session:
            leased = claim(session, service.settings.programme, {"slack": CLUB_CHANNEL}, now, "dead",
                           lease=timedelta(seconds=-1))  # already expired: its process is gone
        sender.platform.direct(leased[0].user, Reply(leased[0].text), leased[0].key)  # ... and it had sent this one
        stats = OutboxSender(service, [sender]).run(now + timedelta(seconds=1))
        assert (stats.sent, stats.recovered) == (2, 1)
        _each_once(api, 3)
    db.dispose()


def test_on_mattermost_a_post_made_before_a_crash_is_found_by_its_props(database_url: str) -> None:
    from tests.support.mattermost import running_mattermost_bot

    with running_mattermost_bot(database_url) as bot:
        seed_fanout(database_url, 3, platform="mattermost")
        service, sender = bot.service, bot.mm.sender()
        now = datetime.now(UTC)
        channels = {"mattermost": sender.club_channel}
        with service.db.transaction() as session:
            leased = claim(session, service.settings.programme, channels, now, "dead", lease=timedelta(seconds=-1))
        sender.platform.direct(leased[0].user, Reply(leased[0].text), leased[0].key)
        stats = OutboxSender(service, [sender]).run(now + timedelta(seconds=1))
        assert (stats.sent, stats.recovered) == (2, 1)
        keys = Counter(post.props.get("club_message") for post in bot.api.posts.values())
        assert sorted(count for key, count in keys.items() if key) == [1, 1, 1]
