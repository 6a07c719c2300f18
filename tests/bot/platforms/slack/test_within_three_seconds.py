"""Answers within Slack's 3 seconds while its Web API rate-limits the calls made before them."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.support.slack import SlackBot, running_slack_bot

FACILITATOR, LEA = "UADMIN01", "U0MEMBER01"
FORM_DID_NOT_OPEN = "Le formulaire n'a pas pu s'ouvrir : utilisez la commande en une ligne ci-dessous."
ONE_LINE_PROPOSAL = "`/club propose &lt;titre&gt; — &lt;description&gt;`"  # in mrkdwn


@pytest.fixture
def slack(database_url: str, clock) -> Iterator[SlackBot]:
    with running_slack_bot(database_url, clock=clock, club_default_role="membre") as bot:
        bot.api.add_user(FACILITATOR, "Camille")
        bot.api.add_user(LEA, "Léa", tz="America/Martinique")
        yield bot


def timed(slack: SlackBot, text: str, user: str = LEA) -> tuple[float, str]:
    start = time.monotonic()
    response = slack.command(text, user=user)
    elapsed = time.monotonic() - start
    assert response.status_code == 200
    return elapsed, response.json()["text"] if response.text else ""


def test_a_new_persons_first_command_is_answered_at_once_while_users_info_is_rate_limited(slack: SlackBot) -> None:
    slack.api.users[LEA]["is_restricted"] = True  # a guest of the workspace: a participant, never a member
    slack.api.rate_limit_next("users.info", retry_after=2)
    slack.api.rate_limit_next("users.info", retry_after=2)
    elapsed, answer = timed(slack, "moi")
    assert elapsed < 3
    assert "Votre profil" in answer

    # The profile is read after the answer, never before Slack's Retry-After.
    calls = slack.api.wait_for("users.info", count=3, timeout=15)
    assert calls[1].at - calls[0].at >= 1.9 and calls[2].at - calls[1].at >= 1.9
    deadline = time.monotonic() + 10
    while "Rôle : participant" not in (answer := timed(slack, "moi")[1]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Rôle : participant" in answer  # the next command uses the profile read meanwhile
    assert "Martinique" in answer and "Léa" in answer  # her zone and name too, guessed at first
    assert len(slack.api.calls_to("users.info")) == 3


def test_a_users_info_that_does_not_answer_does_not_hold_the_answer(slack: SlackBot) -> None:
    slack.api.answer_late("users.info", 5)
    elapsed, answer = timed(slack, "moi")
    assert elapsed < 3
    assert "Votre profil" in answer


def test_a_form_whose_modal_is_rate_limited_shows_its_one_line_command_and_says_so(slack: SlackBot) -> None:
    assert "ouvert" in timed(slack, "appel ouvrir", user=FACILITATOR)[1]
    timed(slack, "moi")  # Léa is known: only views.open is left before the answer
    slack.api.rate_limit_next("views.open", retry_after=2)
    slack.api.rate_limit_next("views.open", retry_after=2)
    elapsed, answer = timed(slack, "propose")
    assert elapsed < 3
    assert FORM_DID_NOT_OPEN in answer and ONE_LINE_PROPOSAL in answer
    assert len(slack.api.calls_to("views.open")) == 1  # its trigger would not outlive a retry


def test_a_modal_that_opens_too_late_shows_its_one_line_command_and_says_so(slack: SlackBot) -> None:
    timed(slack, "appel ouvrir", user=FACILITATOR)
    timed(slack, "moi")
    slack.api.answer_late("views.open", 5)
    elapsed, answer = timed(slack, "propose")
    assert elapsed < 3
    assert FORM_DID_NOT_OPEN in answer and ONE_LINE_PROPOSAL in answer


def test_an_expired_trigger_is_explained_in_the_readers_language(slack: SlackBot) -> None:
    timed(slack, "appel ouvrir", user=FACILITATOR)
    assert "Language saved" in timed(slack, "langue en")[1]
    slack.api.fail_next("views.open", "expired_trigger_id")
    _elapsed, answer = timed(slack, "propose")
    assert "The form could not open: use the one-line command below." in answer
    assert "/club propose &lt;title&gt;" in answer
