"""Slack over real HTTP: signed requests to `club-bot serve`, the bot's calls to a local Slack API."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest
from sqlalchemy import func, select

from handlers import Anchor, Reply, Visibility
from storage.models import Member, ProcessedEvent
from tests.conftest import CORPUS
from tests.support.registry import throwaway_verb
from tests.support.slack import CLUB_CHANNEL, SlackBot, declare_sender, running_slack_bot, trigger_id

SLACK = CORPUS / "slack"


@pytest.fixture
def slack(database_url: str, clock) -> Iterator[SlackBot]:
    with running_slack_bot(database_url, clock=clock) as bot:
        bot.api.add_user("U0MEMBER01", "Marie Dupont", tz="America/Martinique")
        yield bot


def count(bot: SlackBot, model) -> int:
    with bot.service.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_signed_help_command_answers_in_french_within_three_seconds(slack: SlackBot) -> None:
    start = time.monotonic()
    response = slack.command("aide")
    elapsed = time.monotonic() - start
    assert response.status_code == 200
    assert elapsed < 3
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "Commandes" in body["text"] and "fuseau" in body["text"]
    assert body["blocks"][0]["type"] == "section"


def test_first_contact_takes_the_time_zone_from_the_slack_profile(slack: SlackBot) -> None:
    profile = slack.command("moi").json()["text"]
    assert "Martinique (America/Martinique)" in profile
    assert "*Votre profil*" in profile  # mrkdwn bold, not Markdown's **
    assert len(slack.api.calls_to("users.info")) == 1
    slack.command("moi")
    assert len(slack.api.calls_to("users.info")) == 1  # fetched once, then remembered


def test_timezone_command_over_slack(slack: SlackBot) -> None:
    assert "Indian/Reunion" in slack.command("fuseau La Réunion").json()["text"]
    assert "La Réunion (Indian/Reunion)" in slack.command("moi").json()["text"]


def test_role_by_mention_needs_an_admin(slack: SlackBot) -> None:
    slack.api.add_user("UADMIN01", "Camille")
    refused = slack.command("role <@U0MEMBER02|paul> facilitateur").json()["text"]
    assert "réservée" in refused
    granted = slack.command("role <@U0MEMBER02|paul> facilitateur", user="UADMIN01").json()["text"]
    assert "paul a maintenant le rôle « facilitateur »" in granted
    with slack.service.db.transaction() as session:
        paul = session.scalar(select(Member).where(Member.platform_user_id == "U0MEMBER02"))
        assert paul.role == "facilitateur"


@pytest.mark.parametrize("headers", [
    {},
    {"X-Slack-Request-Timestamp": "1531420618", "X-Slack-Signature": "v0=" + "0" * 64},
])
def test_unsigned_or_forged_requests_are_refused_and_write_nothing(slack: SlackBot, headers: dict) -> None:
    body = "command=%2Fclub&text=institution+Pirates&user_id=U0EVIL&user_name=evil&channel_id=C1"
    response = slack.http.post("/slack/events", content=body,
                               headers={"Content-Type": "application/x-www-form-urlencoded", **headers})
    assert response.status_code == 401
    assert count(slack, Member) == 0


def test_wrong_secret_and_stale_requests_are_refused(slack: SlackBot) -> None:
    body = "command=%2Fclub&text=institution+Pirates&user_id=U0EVIL&user_name=evil&channel_id=C1"
    assert slack.post(body, secret="not-the-secret").status_code == 401
    assert slack.post(body, timestamp=int(time.time()) - 6 * 60).status_code == 401
    assert count(slack, Member) == 0
    assert slack.post(body, timestamp=int(time.time()) - 4 * 60).status_code == 200
    assert count(slack, Member) == 1


def _corpus_requests() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(SLACK.glob("*")):
        if path.name.startswith(("events_",)) and path.suffix == ".json":
            found.append((path.name, json.dumps(json.loads(path.read_text())), "application/json"))
        elif path.name.endswith(".form.txt"):
            found.append((path.name, path.read_text().strip(), "application/x-www-form-urlencoded"))
    return found


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_corpus_payload_is_acknowledged(slack: SlackBot, caplog: pytest.LogCaptureFixture) -> None:
    requests = _corpus_requests()
    assert len(requests) >= 20
    for name, body, content_type in requests:
        declare_sender(slack.api, body, content_type)  # the workspace the capture comes from
        response = slack.post(body, content_type=content_type)
        assert 200 <= response.status_code < 300, (name, response.status_code, response.text)
        if "url_verification" in name:
            assert json.loads(body)["challenge"] in response.text
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_a_retried_event_has_one_effect(slack: SlackBot) -> None:
    def echo(ctx, event, object_id):
        return [Reply(f"vote {event.emoji} de {event.user_id}", visibility=Visibility.CHANNEL)]

    slack.service.registry.reactions["test-echo"] = echo
    slack.service.record_posted("slack", "C01N9PM1D53", "1613563664.001200", Anchor("test-echo", 1))
    body = json.dumps(json.loads((SLACK / "events_reaction_added.json").read_text()))
    slack.api.add_channel("C01N9PM1D53", members=["U01P3QK7RBX"])  # the workspace the capture comes from
    for retry in range(4):
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        assert slack.post(body, content_type="application/json", extra=extra).status_code == 200
    posted = slack.api.wait_for("chat.postMessage")
    time.sleep(0.2)  # give a wrongly duplicated delivery the time to show up
    assert len(slack.api.calls_to("chat.postMessage")) == 1
    assert posted[0].params["text"] == "vote +1 de U01P3QK7RBX"
    assert count(slack, ProcessedEvent) == 1


def test_replies_after_the_ack_survive_rate_limits(slack: SlackBot) -> None:
    def announce(ctx, args):
        return [Reply("reçu"), Reply("Annonce pour le Club", visibility=Visibility.CLUB, reactions=["+1"],
                                     anchor=Anchor("test-announce", 7))]

    slack.service.registry.add_verb(throwaway_verb("annonce-test", announce))
    slack.api.rate_limit_next("chat.postMessage", retry_after=1)
    assert slack.command("annonce-test").json()["text"] == "reçu"
    reactions = slack.api.wait_for("reactions.add", timeout=10)
    posts = slack.api.calls_to("chat.postMessage")
    assert len(posts) == 2  # the 429, then the retry after Retry-After
    assert posts[-1].params["channel"] == CLUB_CHANNEL
    assert reactions[0].params["name"] == "+1"
    ts = reactions[0].params["timestamp"]
    assert slack.service.posted_for("slack", Anchor("test-announce", 7)) == [(CLUB_CHANNEL, ts)]


def test_user_text_cannot_ping_the_channel(slack: SlackBot) -> None:
    text = slack.command("institution <!channel> @here & co").json()["text"]
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "@here" not in text


def test_unknown_command_gets_the_closest_verb(slack: SlackBot) -> None:
    text = slack.command("fuzeau Martinique").json()["text"]
    assert "Vouliez-vous dire `/club fuseau`" in text


def test_healthz_checks_the_database_and_slack(slack: SlackBot) -> None:
    deadline = time.monotonic() + 10
    while slack.http.get("/healthz").json()["platforms"]["slack"] != "ok" and time.monotonic() < deadline:
        time.sleep(0.05)  # auth.test runs in the background from the start
    response = slack.http.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "platforms": {"slack": "ok"}}


def test_slash_command_body_of_the_corpus_reaches_the_router(slack: SlackBot) -> None:
    """An Enterprise Grid body (W… user, enterprise fields, percent-encoded UTF-8 text) reaches `propose`."""
    body = (SLACK / "command_slash_enterprise.form.txt").read_text().strip()
    fields = parse_qs(body)
    slack.api.add_user(fields["user_id"][0], "Marie")
    response = slack.post(body)
    assert response.status_code == 200
    # `propose` itself answers: outside the call it gives the call's dates
    assert response.json()["text"] == (
        "L'appel à contribution n'est pas ouvert. Il est prévu du vendredi 1 janvier 2027 au dimanche "
        "31 janvier 2027 ; l'équipe d'animation l'annoncera dans le canal du Club.")

    slack.api.add_user("UADMIN01", "Camille")
    assert slack.command("appel ouvrir", user="UADMIN01").status_code == 200
    # The same person typing the same command again: Slack gives it a new trigger id (and signature).
    again = body.replace(fields["trigger_id"][0], trigger_id())
    proposed = slack.post(again).json()["text"]
    assert proposed.startswith("Proposition #1 enregistrée et publiée dans le canal du Club.")
    posts = slack.api.wait_for("chat.postMessage", count=2)  # the call's announcement, then the proposal
    published = [post.params for post in posts if "Numérique" in post.params["text"]]
    assert [post["channel"] for post in published] == [CLUB_CHANNEL]
    assert published[0]["text"].startswith("*#1 · Numérique responsable*\natelier « Outre-mer »\n")
