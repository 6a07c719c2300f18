"""The Slack App Home: published on `app_home_opened`, valid Block Kit, refreshed after my own votes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.platforms.slack.render import home_view
from handlers import Button
from handlers.home import HomeItem, HomePage, HomeSection
from tests.conftest import CORPUS
from tests.fakes.slack_api import block_kit_problems
from tests.support.slack import CLUB_CHANNEL, SlackBot, running_slack_bot

MEMBER, ADMIN = "U0MEMBER01", "UADMIN01"


@pytest.fixture
def slack(database_url: str, clock) -> Iterator[SlackBot]:
    with running_slack_bot(database_url, clock=clock) as bot:
        bot.api.add_user(MEMBER, "Mary Smith", tz="America/Martinique", locale="en-US")
        bot.api.add_user(ADMIN, "Camille", tz="Europe/Paris", locale="fr-FR")
        yield bot


def texts(view: dict) -> str:
    """Everything a person reads on the home, one block per line."""
    lines = []
    for block in view["blocks"]:
        if "text" in block:
            lines.append(block["text"]["text"])
        lines.extend(e["text"] if isinstance(e["text"], str) else e["text"]["text"]
                     for e in block.get("elements", []))
    return "\n".join(lines)


def published(slack: SlackBot, user: str, count: int) -> dict:
    calls = [c for c in slack.api.wait_for("views.publish", count) if c.params["user_id"] == user]
    view = calls[-1].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert block_kit_problems(view["blocks"]) == []
    assert slack.api.home_views[user] == view  # the fake accepted it as valid Block Kit
    return view


def option_ts(slack: SlackBot, label: str) -> str:
    return next(m.ts for m in slack.api.messages.values() if m.text.endswith(f".* {label}"))


def test_opening_the_home_shows_my_events_in_my_time_and_language(slack: SlackBot) -> None:
    slack.command("calendrier", user=ADMIN)  # the year's programme exists
    response = slack.home_opened(MEMBER)
    assert response.status_code == 200
    view = published(slack, MEMBER, 1)
    assert view["type"] == "home"
    shown = texts(view)
    assert "My Club" in shown and "Mary Smith" in shown and "Martinique" in shown
    assert "My next events" in shown and "#1 " in shown
    assert "Paris" in shown  # every territory's time under each event
    assert "Polls awaiting my vote" in shown and "No poll is waiting for your vote." in shown
    assert "Mes prochains" not in shown  # English reader: no French headings
    assert "Overview" not in shown  # the facilitators' overview is not for members


def test_a_poll_waits_on_my_home_until_i_vote_then_the_home_is_republished(slack: SlackBot) -> None:
    slack.command('sondage "Quel thème en priorité ?" "Eau" "Santé"', user=ADMIN, channel=CLUB_CHANNEL)
    slack.api.wait_for("chat.postMessage", 3)
    slack.home_opened(MEMBER)
    assert "*#1* Quel thème en priorité ?" in texts(published(slack, MEMBER, 1))

    slack.reaction(MEMBER, CLUB_CHANNEL, option_ts(slack, "Eau"), "+1")
    view = published(slack, MEMBER, 2)
    assert "Quel thème en priorité" not in texts(view)
    assert "No poll is waiting for your vote." in texts(view)


def test_my_own_command_refreshes_my_home(slack: SlackBot) -> None:
    slack.home_opened(MEMBER)
    assert "My Club" in texts(published(slack, MEMBER, 1))
    slack.command("langue fr", user=MEMBER)
    assert "Mon Club" in texts(published(slack, MEMBER, 2))


def test_facilitators_see_the_overview(slack: SlackBot) -> None:
    slack.home_opened(ADMIN)
    shown = texts(published(slack, ADMIN, 1))
    assert "Vue d'ensemble (animation)" in shown and "Sondages ouverts : 0" in shown


def test_the_messages_tab_publishes_nothing(slack: SlackBot) -> None:
    body = json.loads((CORPUS / "slack" / "events_app_home_opened_messages_tab.json").read_text())
    body["event"]["user"] = MEMBER
    assert slack.event(body["event"], event_id=body["event_id"]).status_code == 200
    slack.home_opened(ADMIN)
    slack.api.wait_for("views.publish", 1)
    assert [c.params["user_id"] for c in slack.api.calls_to("views.publish")] == [ADMIN]


def test_a_long_home_stays_within_block_kit_limits() -> None:
    items = tuple(HomeItem("x" * 5000, (Button("b" * 100, "vote", "v" * 3000),)) for _ in range(80))
    page = HomePage("T" * 300, "intro", (HomeSection("S" * 200, items, footer="more"),
                                         HomeSection("Empty", (), empty="nothing")))
    view = home_view(page)
    assert len(view["blocks"]) == 100
    assert block_kit_problems(view["blocks"]) == []
    assert view["blocks"][-1]["type"] == "context"  # says the rest was cut
