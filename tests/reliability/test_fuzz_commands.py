"""Whatever people type: no server error, an answer in French, and never half of a poll written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from handlers import ClubSettings, Command, Service
from handlers.calendar.programme import load_programme
from handlers.service import default_registry
from storage import Database
from storage.polls import Poll, PollOption
from tests.support.slack import SlackBot, running_slack_bot

APOLOGY = "Désolé, un problème inattendu"
# Every verb, alias and subcommand (`rex inscrire`): new ones are fuzzed by construction.
_REGISTRY = default_registry()
NAMES = sorted({*_REGISTRY.verbs, *(entry.full_name for entry in _REGISTRY.all_verbs())})
pieces = st.one_of(
    st.text(max_size=40),
    st.sampled_from(['"', "«", "»", "--jm", "--fin", "--unique", "--anonyme", "@here", "<!channel>", "<@U0ANNE>",
                     "<@U0ANNE|anne>", "*gras*", "`code`", "```", "\n", "\u200b", "🙂", "🇫🇷", "\u202e", "#1", "0",
                     "-1", "99999999999999999999", "lundi 14h", "31 février", "𝕮𝖑𝖚𝖇"]),
    st.text(min_size=2000, max_size=5000),
)
texts = st.lists(pieces, max_size=12).map(" ".join)


@pytest.fixture
def club(database_url: str) -> Iterator[Service]:
    db = Database(database_url)
    yield Service(db, ClubSettings(programme=load_programme(), admins=frozenset({"console:camille"})))
    db.dispose()


def answer(service: Service, user: str, text: str) -> str:
    replies = service.handle_command(Command("console", user, user, "club", text, datetime.now(UTC)))
    return "\n".join(reply.text for reply in replies)


def polls_are_whole(service: Service) -> None:
    with service.db.transaction() as session:
        for poll in session.scalars(select(Poll)):
            options = session.scalar(select(func.count()).select_from(PollOption).where(PollOption.poll_id == poll.id))
            assert poll.question and options >= 2, poll.id


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(verb=st.sampled_from(NAMES), text=texts)
@example(verb="close", text="9223372036854775808")  # beyond the database's integers (found by this test)
@example(verb="resultats", text="²")  # a digit int() refuses
@example(verb="groupe", text="rejoindre 99999999999999999999")
def test_any_text_after_any_verb_gets_a_clear_answer(club: Service, verb: str, text: str) -> None:
    for user in ("camille", "anne"):  # an admin, and someone new (membre by default)
        reply = answer(club, user, f"{verb} {text}")
        assert reply.strip(), (verb, text)
        assert APOLOGY not in reply and "Traceback" not in reply, (verb, text, reply)
    polls_are_whole(club)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_any_text_as_a_poll_writes_a_whole_poll_or_nothing(club: Service, text: str) -> None:
    reply = answer(club, "camille", f"sondage {text}")
    assert reply.strip() and APOLOGY not in reply
    polls_are_whole(club)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(verb=st.sampled_from(NAMES), text=texts)
def test_any_slash_command_over_http_is_answered_without_a_server_error(slack: SlackBot, verb: str,
                                                                        text: str) -> None:
    response = slack.command(f"{verb} {text}", user="U0ANNE")
    assert response.status_code == 200, (verb, text, response.text)
    if response.content:
        assert APOLOGY not in response.text
    polls_are_whole(slack.service)


@pytest.fixture
def slack(database_url: str) -> Iterator[SlackBot]:
    with running_slack_bot(database_url) as bot:
        yield bot
