"""A listing longer than one Slack message: `/club propositions` of a big call reaches the member as
several messages, in order, each one Slack accepts (checked with slack_sdk's own Block Kit models)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import select

from bot.platforms.slack import render
from handlers import Button, Reply
from storage.models import Member
from storage.proposals import Proposal, ProposalCall
from tests.support.slack import CLUB_CHANNEL, SlackBot, running_slack_bot

FACILITATOR, LEA = "UADMIN01", "U0MEMBER01"
PROPOSALS = 80
# Slack refuses blocks whose texts add up to about 12,000 characters (`msg_blocks_too_long`, undocumented:
# slackapi/bolt-js#2509, #2867); 50 blocks at most (https://docs.slack.dev/reference/block-kit/blocks).
SLACK_BLOCKS_TEXT = 12_000


@pytest.fixture
def slack(database_url: str, clock) -> Iterator[SlackBot]:
    with running_slack_bot(database_url, clock=clock) as bot:
        bot.api.add_user(FACILITATOR, "Camille")
        bot.api.add_user(LEA, "Léa")
        yield bot


def _a_big_call(slack: SlackBot) -> None:
    """80 proposals with titles and carriers as long as the bot accepts, written as a busy January would."""
    assert slack.command("appel ouvrir", user=FACILITATOR).status_code == 200
    assert slack.command("institution DREETS Martinique", user=LEA).status_code == 200
    with slack.service.db.transaction() as session:
        call = session.scalar(select(ProposalCall))
        author = session.scalar(select(Member).where(Member.platform_user_id == LEA))
        for number in range(1, PROPOSALS + 1):
            title = f"Thème {number:02d} " + "accueil des publics et coopération des services " * 3
            session.add(Proposal(club_id=call.club_id, call_id=call.id, number=number, author_id=author.id,
                                 institution_id=author.institution_id, title=title[:150],
                                 carrier_name=("Représentante de la DREETS et de l'ARS " * 6)[:200]))


def _followers(slack: SlackBot, last: str) -> list[dict]:
    """The messages shown after the answer, once the one holding `last` came (they go after the ack)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        calls = slack.api.calls_to("chat.postEphemeral")
        if calls and last in calls[-1].params.get("text", ""):
            return [_blocks(call.params["blocks"]) for call in calls]
        time.sleep(0.02)
    raise AssertionError(f"{last} never shown")


def _blocks(value: object) -> list[dict]:
    return json.loads(value) if isinstance(value, str) else list(value)


def _accepted(blocks: list[dict]) -> None:
    assert len(blocks) <= render.MESSAGE_BLOCKS
    assert sum(len(block["text"]["text"]) for block in blocks) <= SLACK_BLOCKS_TEXT
    _valid(blocks)


def _valid(blocks: list[dict]) -> None:
    for block in blocks:
        Block.parse(block).validate_json()  # raises what Slack would refuse


def test_the_proposals_of_a_big_call_come_as_several_messages_slack_accepts_in_order(slack: SlackBot) -> None:
    _a_big_call(slack)
    answer = slack.command("propositions", user=LEA).json()
    _accepted(answer["blocks"])
    messages = [answer["blocks"], *_followers(slack, f"*#{PROPOSALS}*")]
    assert {(c.params["channel"], c.params["user"]) for c in slack.api.calls_to("chat.postEphemeral")} == {
        (CLUB_CHANNEL, LEA)}  # shown to the member who asked, where they asked
    for blocks in messages:
        _accepted(blocks)
    shown = "\n".join(block["text"]["text"] for blocks in messages for block in blocks)
    assert [int(n) for n in re.findall(r"\*#(\d+)\*", shown)] == list(range(1, PROPOSALS + 1))


def test_a_reply_that_cannot_be_cut_still_renders_within_fifty_blocks() -> None:
    """An update replaces one message: too long, it is shortened rather than refused."""
    lines = [f"Ligne {n} " + "x" * 2990 for n in range(80)]
    payload = render.message(Reply("\n".join(lines), buttons=[Button("Voir", "voir")], update=True))
    assert len(payload["blocks"]) == render.MESSAGE_BLOCKS
    assert payload["blocks"][-2]["text"]["text"].endswith("…")
    _valid(payload["blocks"])
