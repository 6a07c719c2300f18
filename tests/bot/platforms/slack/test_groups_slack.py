"""Decision notes and dissemination objections over signed Slack requests: modals in, posts out."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from tests.conftest import CORPUS
from tests.handlers.groups.support import add_retain_verb
from tests.support.slack import CLUB_CHANNEL, SlackBot, running_slack_bot, trigger_id

GROUP_CHANNEL = "G0GROUPE01"
SECRET = "SECRET-fusion-des-guichets"
SUBMISSION = json.loads((CORPUS / "slack" / "interactivity_view_submission.json").read_text())
CLICK = json.loads((CORPUS / "slack" / "interactivity_block_actions.json").read_text())


@pytest.fixture
def slack(database_url: str, clock) -> Iterator[SlackBot]:
    with running_slack_bot(database_url, clock=clock) as bot:
        add_retain_verb(bot.service.registry)
        bot.api.add_channel(GROUP_CHANNEL, name="groupe-1", private=True)  # the bot was invited in
        for user, name in (("UADMIN01", "Camille"), ("U0LEA", "Léa"), ("U0KARIM", "Karim"), ("U0NINA", "Nina")):
            bot.api.add_user(user, name)
        bot.command("retenir-test", user="UADMIN01")
        bot.api.wait_for("chat.postMessage")  # the new groups, announced in the Club's channel
        answer = bot.command("groupe referents 1 <@U0LEA|lea> <@U0KARIM|karim>", user="UADMIN01").json()
        assert "Référent·es du groupe #1" in answer["text"]
        bound = bot.command("groupe canal 1", user="U0LEA", channel=GROUP_CHANNEL).json()
        assert "désormais celui du groupe #1" in bound["text"]
        yield bot


def interactive(bot: SlackBot, payload: dict):
    return bot.post(urlencode({"payload": json.dumps(payload)}))


def submission(user: str, form: str, metadata: dict, values: dict[str, dict]) -> dict:
    """A view_submission shaped like Slack's own sample, carrying our modal's fields."""
    payload = copy.deepcopy(SUBMISSION)
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": payload["team"]["id"]}
    payload["view"]["callback_id"] = f"club-form:{form}"
    payload["view"]["private_metadata"] = json.dumps(metadata)
    payload["view"]["state"] = {"values": {name: {"value": value} for name, value in values.items()}}
    return payload


def text(value: str) -> dict:
    return {"type": "plain_text_input", "value": value}


def choice(value: str) -> dict:
    return {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": value},
                                                        "value": value}}


def group_id(bot: SlackBot) -> str:
    view = bot.api.wait_for("views.open")[-1].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    return json.loads(view["private_metadata"])["state"]


def test_the_decision_modal_posts_a_confidential_note_in_the_group_channel_only(slack: SlackBot) -> None:
    slack.command("decision 1", user="U0LEA", channel=GROUP_CHANNEL)
    opened = slack.api.wait_for("views.open")[0].params["view"]
    view = json.loads(opened) if isinstance(opened, str) else opened
    assert view["callback_id"] == "club-form:decision"
    assert [b["block_id"] for b in view["blocks"]] == ["consensus", "dissensus", "suite", "seance", "confidentiel"]
    metadata = json.loads(view["private_metadata"])
    assert metadata["channel"] == GROUP_CHANNEL

    before = len(slack.api.calls_to("chat.postMessage"))
    response = interactive(slack, submission("U0LEA", "decision", metadata, {
        "consensus": text(SECRET), "dissensus": text("le calendrier"), "suite": text("note au comité"),
        "seance": text(""), "confidentiel": choice("oui")}))
    assert response.status_code == 200 and response.text == ""
    posts = slack.api.wait_for("chat.postMessage", count=before + 1)[before:]
    assert [p.params["channel"] for p in posts] == [GROUP_CHANNEL]
    assert SECRET in posts[0].params["text"] and "🔒" in posts[0].params["text"]
    confirmation = slack.api.wait_for("chat.postEphemeral")[-1].params
    assert confirmation["user"] == "U0LEA" and "publié dans le salon du groupe" in confirmation["text"]
    for post in slack.api.calls_to("chat.postMessage"):
        assert post.params["channel"] != CLUB_CHANNEL or SECRET not in post.params["text"]

    listed = slack.command("decisions 1", user="U0NINA").json()["text"]
    assert SECRET not in listed and "Pas encore de relevé" in listed
    assert SECRET in slack.command("decisions 1", user="U0KARIM").json()["text"]


def test_a_modal_from_someone_else_shows_the_rule_beside_the_form(slack: SlackBot) -> None:
    slack.command("decision 1", user="U0LEA", channel=GROUP_CHANNEL)
    metadata = {"state": group_id(slack), "channel": GROUP_CHANNEL}
    refused = interactive(slack, submission("U0NINA", "decision", metadata, {
        "consensus": text("ça passe ?"), "confidentiel": choice("non")})).json()
    assert refused["response_action"] == "errors"
    assert "Réservé aux référent·es du groupe #1" in refused["errors"]["consensus"]
    empty = interactive(slack, submission("U0LEA", "decision", metadata, {
        "consensus": text(""), "dissensus": text(""), "confidentiel": choice("non")})).json()
    assert "au moins le consensus ou le dissensus" in empty["errors"]["consensus"]
    # Nothing but the channel's confirmation, when the group was bound to it: no note was posted.
    assert [p.params["text"] for p in slack.api.calls_to("chat.postMessage")
            if p.params["channel"] == GROUP_CHANNEL and "Ce salon reçoit" not in p.params["text"]] == []


def test_an_objection_opens_a_modal_and_needs_its_reason(slack: SlackBot) -> None:
    slack.command("diffusion 1 Guide de l'accueil https://exemple.fr/guide", user="U0LEA")
    slack.api.wait_for("chat.postMessage", count=3)  # the group channel's confirmation, then the consultation
    post = next(p for p in slack.api.calls_to("chat.postMessage") if "Consultation n° 1" in p.params["text"])
    blocks = post.params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    button = next(e for b in blocks if b["type"] == "actions" for e in b["elements"]
                  if e["text"]["text"] == "Objection")
    ts = next(m.ts for m in slack.api.messages.values() if "Consultation n° 1" in m.text)

    click = copy.deepcopy(CLICK)
    click["user"] = {"id": "U0NINA", "username": "nina", "name": "nina", "team_id": click["team"]["id"]}
    click["container"] = {"type": "message", "message_ts": ts, "channel_id": CLUB_CHANNEL, "is_ephemeral": False}
    click["channel"] = {"id": CLUB_CHANNEL, "name": "club"}
    click["trigger_id"] = trigger_id()  # Slack's, fresh with each click
    click["actions"] = [{"action_id": button["action_id"], "block_id": "b", "value": button["value"],
                         "type": "button", "action_ts": "1700000000.1",
                         "text": {"type": "plain_text", "text": "Objection"}}]
    assert interactive(slack, click).status_code == 200
    opened = slack.api.wait_for("views.open")[0].params["view"]
    view = json.loads(opened) if isinstance(opened, str) else opened
    assert view["callback_id"] == "club-form:objection"
    metadata = json.loads(view["private_metadata"])

    refused = interactive(slack, submission("U0NINA", "objection", metadata, {"raison": text("")})).json()
    assert "Une objection doit être motivée" in refused["errors"]["raison"]
    assert interactive(slack, submission("U0NINA", "objection", metadata,
                                         {"raison": text("une commune y est nommée")})).status_code == 200
    updated = slack.api.wait_for("chat.update")[0].params
    assert updated["ts"] == ts and "1 objection(s)" in updated["text"]
