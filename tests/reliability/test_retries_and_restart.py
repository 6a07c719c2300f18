"""Slack retries its deliveries and the bot may be down: every vote still counts exactly once."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from handlers import Anchor
from handlers.polls.votes import tally
from storage.polls import Poll, Vote
from tests.fakes.slack_api import FakeSlackAPI
from tests.support.slack import CLUB_CHANNEL, SlackBot, running_slack_bot

ADMIN = "UADMIN01"


def open_poll(slack: SlackBot) -> list[str]:
    assert slack.command('sondage "Quel atelier ?" "Eau" "Santé" "Mobilités"', user=ADMIN).status_code == 200
    slack.api.wait_for("reactions.add", count=3, timeout=20)
    with slack.service.db.transaction() as session:
        ids = [option.id for option in session.scalar(select(Poll)).options]
    return [slack.service.posted_for("slack", Anchor("poll_option", oid))[0][1] for oid in ids]


def scores(slack: SlackBot) -> list[int]:
    with slack.service.db.transaction() as session:
        poll = session.scalar(select(Poll))
        result = tally(session, poll)
        return [int(result.scores[option.id]) for option in poll.options]


def test_each_event_delivered_four_times_counts_once(database_url: str) -> None:
    with running_slack_bot(database_url) as slack:
        eau, sante, _mobilites = open_poll(slack)
        for number, (user, ts, added) in enumerate([("U0ANNE", eau, True), ("U0BASILE", eau, True),
                                                    ("U0ANNE", sante, True), ("U0BASILE", eau, False)]):
            for retry in range(4):  # the first delivery, then Slack's retries 1, 2 and 3
                extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
                response = slack.reaction(user, CLUB_CHANNEL, ts, "+1", added, event_id=f"Ev0RETRY{number}",
                                          extra=extra)
                assert response.status_code == 200
        assert scores(slack) == [1, 1, 0]
        with slack.service.db.transaction() as session:
            assert session.scalar(select(func.count()).select_from(Vote)) == 2


def _wait_for_results(slack: SlackBot) -> str:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for call in slack.api.calls_to("chat.postMessage"):
            if "Résultats" in call.params.get("text", ""):
                return call.params["text"]
        time.sleep(0.02)
    raise AssertionError("no results posted")


@pytest.mark.slow
def test_reactions_made_while_the_bot_is_down_count_once_it_closes_the_poll(database_url: str) -> None:
    with FakeSlackAPI() as api:
        with running_slack_bot(database_url, api=api) as slack:
            eau, sante, mobilites = open_poll(slack)
            for user, ts in (("U0ANNE", eau), ("U0BASILE", eau), ("U0CLEM", sante)):
                api.react(CLUB_CHANNEL, ts, "+1", user)
                assert slack.reaction(user, CLUB_CHANNEL, ts, "+1").status_code == 200
        # The bot is stopped: people keep reacting, and Slack's deliveries are lost.
        api.react(CLUB_CHANNEL, mobilites, "+1", "U0DAVID")
        api.react(CLUB_CHANNEL, eau, "thumbsup", "U0EMMA")
        api.unreact(CLUB_CHANNEL, sante, "+1", "U0CLEM")
        api.react(CLUB_CHANNEL, sante, "+1::skin-tone-3", "U0FATOU")
        with running_slack_bot(database_url, api=api) as slack:
            assert scores(slack) == [2, 1, 0]  # what the bot saw before it stopped
            assert slack.command("cloturer 1", user=ADMIN).status_code == 200
            text = _wait_for_results(slack)
            platform = [sorted(u for users in api.messages[(CLUB_CHANNEL, ts)].reactions.values() for u in users
                               if u != "U0CLUBBOT") for ts in (eau, sante, mobilites)]
            assert scores(slack) == [len(users) for users in platform] == [3, 1, 1]
            assert "3 vote(s) ajouté(s), 1 retiré(s)" in text
