"""Reactions as votes through Mattermost's websocket: events, the bot's own reactions, drops and recount."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest

from bot.platforms.mattermost.websocket import reaction_event
from handlers import Anchor, Reply, Visibility
from tests.fakes.mattermost_api import BOT_USER
from tests.support.mattermost import CLUB_CHANNEL, MATTERMOST, MattermostBot, running_mattermost_bot
from tests.support.registry import throwaway_verb

MARIE = "1eifd55acpoim8kshtsourwh51"
ALAN = "erj6qck3rfgtujs86w5r6rckzh"
KEVIN = "mnm6go6uc5eekhn3bj6c11ehoq"


class Votes:
    """A throwaway reaction handler that records what reaches it."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, bool, int]] = []
        self.lock = threading.Lock()

    def __call__(self, ctx, event, object_id) -> list[Reply]:
        with self.lock:
            self.seen.append((event.user_id, event.emoji, event.added, object_id))
        return [Reply(f"vote {event.emoji} noté", visibility=Visibility.CHANNEL)] if event.added else []

    def wait(self, count: int, timeout: float = 15.0) -> list[tuple[str, str, bool, int]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.seen) >= count:
                    return list(self.seen)
            time.sleep(0.01)
        raise AssertionError(f"expected {count} reaction(s), got {self.seen}")


@pytest.fixture
def listening(database_url: str, clock) -> Iterator[tuple[MattermostBot, Votes, str]]:
    votes = Votes()
    with running_mattermost_bot(database_url, clock=clock, listen=True) as bot:
        bot.service.registry.reactions["test-vote"] = votes
        bot.service.registry.add_verb(throwaway_verb("vote-test", lambda ctx, args: [
            Reply("Votez !", visibility=Visibility.CLUB, reactions=["+1", "-1"], anchor=Anchor("test-vote", 5))]))
        bot.command("vote-test")
        bot.api.wait_for("POST /reactions", 2)
        [post] = bot.api.posts.values()
        yield bot, votes, post.id


def test_reactions_through_the_websocket_become_votes(listening) -> None:
    bot, votes, post_id = listening
    bot.api.react(MARIE, post_id, "+1")
    bot.api.react(ALAN, post_id, "-1_dark_skin_tone")
    bot.api.unreact(MARIE, post_id, "+1")
    assert votes.wait(3) == [(MARIE, "+1", True, 5), (ALAN, "-1", True, 5), (MARIE, "+1", False, 5)]
    posts = bot.api.wait_for("POST /posts", 3)  # the announcement, then one answer per added vote
    assert [p.body["message"] for p in posts[1:]] == ["vote +1 noté", "vote -1 noté"]
    assert all(p.body["channel_id"] == CLUB_CHANNEL for p in posts)


def test_the_bots_own_reactions_and_other_events_are_ignored(listening) -> None:
    bot, votes, post_id = listening
    own = {"user_id": BOT_USER, "post_id": post_id, "emoji_name": "+1", "create_at": 1, "update_at": 1,
           "delete_at": 0, "remote_id": "", "channel_id": CLUB_CHANNEL}
    bot.api.push("reaction_added", own, CLUB_CHANNEL)
    for name in ("ws_posted.json", "ws_posted_dm.json", "ws_hello.json"):
        bot.api.send_raw((MATTERMOST / name).read_text())
    bot.api.send_raw("not json at all")
    bot.api.react(KEVIN, post_id, "+1")
    assert votes.wait(1) == [(KEVIN, "+1", True, 5)]
    time.sleep(0.2)  # leave a wrongly counted event the time to show up
    assert len(votes.seen) == 1
    assert bot.listener.connections == 1  # a bad event never costs the connection


def test_a_replayed_event_counts_once(listening) -> None:
    bot, votes, post_id = listening
    reaction = {"user_id": MARIE, "post_id": post_id, "emoji_name": "+1", "create_at": 1755850160789,
                "update_at": 1755850160789, "delete_at": 0, "remote_id": "", "channel_id": CLUB_CHANNEL}
    bot.api.push("reaction_added", reaction, CLUB_CHANNEL)
    bot.api.push("reaction_added", reaction, CLUB_CHANNEL)  # the same delivery again
    bot.api.react(ALAN, post_id, "+1")
    votes.wait(2)
    time.sleep(0.2)
    assert [(user, added) for user, _emoji, added, _id in votes.seen] == [(MARIE, True), (ALAN, True)]


def test_a_dropped_websocket_reconnects_and_the_recount_loses_no_vote(listening) -> None:
    bot, votes, post_id = listening
    bot.api.react(MARIE, post_id, "+1")
    votes.wait(1)
    bot.api.drop_websockets()
    bot.api.react(ALAN, post_id, "+1", broadcast=False)  # while the bot is away: it never hears of it
    bot.api.wait_authenticated(2)
    bot.api.react(KEVIN, post_id, "-1")
    assert [user for user, *_ in votes.wait(2)] == [MARIE, KEVIN]
    assert bot.listener.connections == 2
    # Closing a poll recounts from the API: the vote cast during the drop is there, the bot's are not.
    assert bot.mm.platform.reactions(CLUB_CHANNEL, post_id) == {"+1": {MARIE, ALAN}, "-1": {KEVIN}}


def test_a_refused_token_is_retried_with_back_off(database_url: str, clock) -> None:
    with running_mattermost_bot(database_url, clock=clock) as bot:
        from bot.platforms.mattermost.client import websocket_url
        from bot.platforms.mattermost.websocket import ReactionListener

        listener = ReactionListener(bot.mm, websocket_url(bot.api.url), "not-the-token", backoff=0.05,
                                    max_backoff=0.2)
        listener.start()
        try:
            deadline = time.monotonic() + 5
            while bot.api.refused < 3 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert bot.api.refused >= 3  # it keeps trying, backing off
            assert listener.connections == 0 and bot.api.authentications == 0
        finally:
            listener.stop()
        assert not listener.is_alive()


class _Runtime:
    """Only what `reaction_event` reads of the runtime: the time of reception."""

    @staticmethod
    def now():
        from datetime import UTC, datetime

        return datetime(2027, 1, 11, tzinfo=UTC)


def test_corpus_reaction_events_become_neutral_events() -> None:
    added = reaction_event(json.loads((MATTERMOST / "ws_reaction_added.json").read_text()), BOT_USER, _Runtime())
    removed = reaction_event(json.loads((MATTERMOST / "ws_reaction_removed.json").read_text()), BOT_USER,
                             _Runtime())
    assert (added.user_id, added.message_id, added.emoji, added.added) == \
        (MARIE, "dndk5t3icnsqzea5i5twki8tsi", "+1", True)
    # reaction_removed carries an empty channel_id: the broadcast's is used.
    assert (removed.channel_id, removed.added) == ("fukxanjgjbnp7ng383at53k1sy", False)
    assert added.event_id != removed.event_id and len(added.event_id) <= 128
    again = reaction_event(json.loads((MATTERMOST / "ws_reaction_added.json").read_text()), BOT_USER, _Runtime())
    assert again.event_id == added.event_id
    assert reaction_event(json.loads((MATTERMOST / "ws_reaction_added.json").read_text()), MARIE,
                          _Runtime()) is None  # the bot's own reaction
