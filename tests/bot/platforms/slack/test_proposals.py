"""The call for contributions over Slack: signed requests in, the bot's Web API calls to a local Slack."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from handlers import Anchor
from tests.conftest import CORPUS
from tests.support.slack import CLUB_CHANNEL, SlackBot, running_slack_bot, trigger_id

FACILITATOR = "UADMIN01"
LEA, BOB = "U0MEMBER01", "U0MEMBER02"


@pytest.fixture
def slack(database_url: str, clock) -> Iterator[SlackBot]:
    with running_slack_bot(database_url, clock=clock) as bot:
        bot.api.add_user(FACILITATOR, "Camille")
        bot.api.add_user(LEA, "Léa", tz="America/Martinique")
        bot.api.add_user(BOB, "Bob", tz="America/Cayenne")
        yield bot


def say(slack: SlackBot, user: str, text: str) -> str:
    response = slack.command(text, user=user)
    assert response.status_code == 200
    return response.json()["text"] if response.text else ""


def interactive(slack: SlackBot, payload: dict):
    return slack.post(urlencode({"payload": json.dumps(payload)}))


def click(slack: SlackBot, user: str, blocks: list[dict], label: str):
    """A block_actions payload shaped like the corpus sample, for a button of an ephemeral message."""
    payload = json.loads((CORPUS / "slack" / "interactivity_block_actions.json").read_text())
    button = next(e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["text"]["text"] == label)
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T01ND2P8N91"}
    payload["container"] = {"type": "message", "message_ts": "1700000099.000001", "channel_id": CLUB_CHANNEL,
                            "is_ephemeral": True}
    payload["channel"] = {"id": CLUB_CHANNEL, "name": "club"}
    payload.pop("message", None)
    payload["actions"] = [{**button, "block_id": "b1", "action_ts": "1700000100.000001"}]
    payload["trigger_id"] = trigger_id()  # each click its own, as Slack gives them
    return interactive(slack, payload)


def posts_to_club(slack: SlackBot, count: int) -> list:
    calls = slack.api.wait_for("chat.postMessage", count=count)
    return [c for c in calls if c.params["channel"] == CLUB_CHANNEL]


def test_the_call_over_slack_posts_each_proposal_with_the_bots_reaction(slack: SlackBot) -> None:
    opened = say(slack, FACILITATOR, "appel ouvrir")
    assert "Appel à contribution 2027 ouvert" in opened
    announce = posts_to_club(slack, 1)[0]
    assert "*Appel à contribution 2027 : proposez les thèmes de l'année !*" in announce.params["text"]

    say(slack, LEA, "institution DREETS Martinique")
    first = say(slack, LEA, "propose Accueil des publics en situation de handicap — partager nos pratiques")
    assert "Proposition #1 enregistrée" in first
    say(slack, BOB, "propose Santé mentale des jeunes --porteur <@U0MEMBER03|paul>")
    reactions = slack.api.wait_for("reactions.add", count=2)
    posts = [c for c in posts_to_club(slack, 3) if c.params["text"].startswith("*#")]
    assert [p.params["text"].split("\n")[0] for p in posts] == [
        "*#1 · Accueil des publics en situation de handicap*", "*#2 · Santé mentale des jeunes*"]
    assert "portée à la rencontre de février par paul" in posts[1].params["text"]
    ts = {message.ts for message in slack.api.messages.values() if message.text.startswith("*#")}
    assert {(r.params["channel"], r.params["name"]) for r in reactions} == {(CLUB_CHANNEL, "+1")}
    assert {r.params["timestamp"] for r in reactions} == ts
    assert all(slack.api.messages[(CLUB_CHANNEL, t)].reactions == {"+1": ["U0CLUBBOT"]} for t in ts)

    # a near duplicate: a warning with a button, nothing posted until the author confirms
    response = slack.command("propose Handicap : accueil des publics", user=BOB).json()
    assert "Une proposition proche existe déjà : #1" in response["text"]
    assert len(slack.api.calls_to("chat.postMessage")) == 3
    assert click(slack, BOB, response["blocks"], "Proposer quand même").status_code == 200
    third = slack.api.wait_for("reactions.add", count=3)[-1]
    assert slack.api.messages[(CLUB_CHANNEL, third.params["timestamp"])].text.startswith(
        "*#3 · Handicap : accueil des publics*")

    # edits and withdrawals update the posted message in place; its reactions (the votes) stay
    slack.api.react(CLUB_CHANNEL, reactions[0].params["timestamp"], "+1", BOB)
    say(slack, LEA, "modifier 1 — partager nos pratiques, avec les CCAS")
    update = slack.api.wait_for("chat.update")[0]
    first_ts = slack.service.posted_for("slack", Anchor("proposal", 1))[0][1]
    assert (update.params["channel"], update.params["ts"]) == (CLUB_CHANNEL, first_ts)
    assert "avec les CCAS" in slack.api.messages[(CLUB_CHANNEL, first_ts)].text
    assert slack.api.messages[(CLUB_CHANNEL, first_ts)].reactions["+1"] == ["U0CLUBBOT", BOB]
    say(slack, BOB, "retirer 3")
    withdrawn = slack.api.wait_for("chat.update", count=2)[-1]
    assert withdrawn.params["ts"] == third.params["timestamp"]
    assert "_retirée le lundi 11 janvier 2027_" in withdrawn.params["text"]
    assert "seule son auteur·e ou un·e facilitateur·trice" in say(slack, LEA, "retirer 2")
    assert len(slack.api.calls_to("chat.update")) == 2

    listing = say(slack, LEA, "propositions")
    assert "• *#1* Accueil des publics en situation de handicap — Léa (DREETS Martinique), portée par Léa" in listing
    assert "• *#3* Handicap : accueil des publics — Bob, portée par Bob — _retirée_" in listing

    decided = say(slack, FACILITATOR, "retenir 1 2")
    assert "2 thème(s) retenu(s)" in decided
    slack.api.wait_for("chat.update", count=4)
    outcome = next(c for c in posts_to_club(slack, 5) if "Thèmes retenus pour 2027" in c.params["text"])
    assert "#1 Accueil des publics en situation de handicap" in outcome.params["text"]
    assert "✅ *retenue*" in slack.api.messages[(CLUB_CHANNEL, first_ts)].text


def test_propose_without_text_opens_a_modal_whose_submission_is_posted(slack: SlackBot) -> None:
    say(slack, FACILITATOR, "appel ouvrir")
    response = slack.command("propose", user=LEA)
    assert response.status_code == 200 and response.text == ""  # the modal replaces the answer
    raw = slack.api.wait_for("views.open")[0].params["view"]
    view = json.loads(raw) if isinstance(raw, str) else raw
    assert view["callback_id"] == "club-form:proposal"
    assert [b["block_id"] for b in view["blocks"]] == ["titre", "description", "porteur"]
    assert view["blocks"][0]["element"]["max_length"] == 150

    def submission(values: dict[str, str]) -> dict:
        """The corpus's view_submission, carrying our modal's metadata and the values typed."""
        payload = json.loads((CORPUS / "slack" / "interactivity_view_submission.json").read_text())
        payload["user"] = {"id": LEA, "username": "lea", "name": "lea", "team_id": "T01ND2P8N91"}
        payload["view"] = {**copy.deepcopy(payload["view"]), "callback_id": view["callback_id"],
                           "private_metadata": view["private_metadata"], "blocks": view["blocks"],
                           "state": {"values": {name: {"value": {"type": "plain_text_input", "value": value}}
                                                for name, value in values.items()}}}
        return payload

    refused = interactive(slack, submission({"titre": "   ", "description": "", "porteur": ""}))
    assert refused.status_code == 200
    assert refused.json()["response_action"] == "errors"
    assert "Le titre est vide" in refused.json()["errors"]["titre"]

    accepted = interactive(slack, submission({"titre": "Mobilité en zone rurale",
                                              "description": "Transports à la demande <!channel>",
                                              "porteur": "Paul Martin"}))
    assert accepted.status_code == 200 and accepted.text == ""
    reaction = slack.api.wait_for("reactions.add")[0]
    message = slack.api.messages[(CLUB_CHANNEL, reaction.params["timestamp"])]
    assert message.text.startswith("*#1 · Mobilité en zone rurale*")
    assert "&lt;!channel&gt;" in message.text and "<!channel>" not in message.text
    assert "par Paul Martin" in message.text
    whisper = slack.api.wait_for("chat.postEphemeral")[0]
    assert whisper.params["user"] == LEA and "Proposition #1 enregistrée" in whisper.params["text"]


def test_slack_users_cannot_ping_through_a_proposal_or_a_difficulty(slack: SlackBot) -> None:
    say(slack, FACILITATOR, "appel ouvrir")
    say(slack, LEA, "propose Alerte <!channel> <!here> — <!subteam^S0123|@equipe> et @channel")
    say(slack, BOB, "difficulte 1 <!channel> calendrier impossible")
    slack.api.wait_for("reactions.add", count=4)  # 👍 on the proposal, then the decision poll's 1, 2, 3
    for message in slack.api.messages.values():
        assert "<!" not in message.text and "@channel" not in message.text
        assert all("<!" not in json.dumps(block) for block in message.blocks)
    difficulty = next(m for m in slack.api.messages.values() if "Difficulté avec le thème #1" in m.text)
    assert difficulty.channel == CLUB_CHANNEL
    posted = [m for m in slack.api.messages.values() if m.channel == CLUB_CHANNEL]
    assert sorted(emoji for m in posted for emoji in m.reactions) == ["+1", "one", "three", "two"]
    assert slack.service.posted_for("slack", Anchor("difficulty", 1)) == [(CLUB_CHANNEL, difficulty.ts)]


def test_members_cannot_run_the_call_over_slack(slack: SlackBot) -> None:
    assert "réservée" in say(slack, LEA, "appel ouvrir")
    assert "L'appel à contribution n'est pas ouvert" in say(slack, LEA, "propose Un thème")
    say(slack, FACILITATOR, "appel ouvrir")
    say(slack, LEA, "propose Un thème")
    assert "réservée" in say(slack, BOB, "retenir 1")
    assert "seule son auteur·e peut la modifier" in say(slack, BOB, "modifier 1 Autre")
    assert slack.api.calls_to("chat.update") == []
