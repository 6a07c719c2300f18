"""REX registration over Slack: the "S'inscrire" button of the announcement, clicked through signed
`block_actions` payloads; the announcement is updated in place, the visio link only goes to registrants."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from tests.conftest import CORPUS
from tests.support.slack import CLUB_CHANNEL, SlackBot, running_slack_bot, trigger_id

FACILITATOR, LEA, KEVIN = "UADMIN01", "U0LEA", "U0KEVIN"
VISIO = "webconf.example/club-des-territoires-rex"
CLICK = json.loads((CORPUS / "slack" / "interactivity_block_actions.json").read_text())


@pytest.fixture
def slack(database_url: str, clock) -> Iterator[SlackBot]:
    with running_slack_bot(database_url, clock=clock) as bot:
        for user, name, tz in ((FACILITATOR, "Camille", "Europe/Paris"), (LEA, "Léa", "America/Martinique"),
                               (KEVIN, "Kevin", "Indian/Reunion")):
            bot.api.add_user(user, name, tz=tz)
        yield bot


def blocks_of(params: dict) -> list[dict]:
    blocks = params["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def click(slack: SlackBot, user: str, ts: str, blocks: list[dict], label: str):
    """A signed block_actions payload shaped like Slack's sample, for a button of the Club's message `ts`."""
    button = next(e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["text"]["text"] == label)
    payload = copy.deepcopy(CLICK)
    payload["user"] = {"id": user, "username": user.lower(), "name": user.lower(), "team_id": payload["team"]["id"]}
    payload["container"] = {"type": "message", "message_ts": ts, "channel_id": CLUB_CHANNEL, "is_ephemeral": False}
    payload["channel"] = {"id": CLUB_CHANNEL, "name": "club"}
    payload["message"]["ts"] = ts
    payload["actions"] = [{**button, "block_id": "b1", "action_ts": "1700000100.000001"}]
    payload["trigger_id"] = trigger_id()  # each click its own, as Slack gives them
    return slack.post(urlencode({"payload": json.dumps(payload)}))


def ephemeral_to(slack: SlackBot, user: str, count: int) -> str:
    calls = [c for c in slack.api.wait_for("chat.postEphemeral", count=count) if c.params["user"] == user]
    return calls[-1].params["text"]


def test_the_register_button_seats_then_waitlists_and_a_leaver_promotes(slack: SlackBot) -> None:
    assert "0/1 places prises" in slack.command("rex capacite 1 1", user=FACILITATOR).json()["text"]
    slack.command("rex annoncer 1", user=FACILITATOR)
    posted = next(c for c in slack.api.wait_for("chat.postMessage") if c.params["channel"] == CLUB_CHANNEL)
    ts = next(m.ts for m in slack.api.messages.values() if m.channel == CLUB_CHANNEL)
    blocks = blocks_of(posted.params)
    assert "Retour d'expérience #1" in posted.params["text"] and VISIO not in posted.params["text"]
    assert "09:00 Guadeloupe, Martinique" in posted.params["text"]

    assert click(slack, LEA, ts, blocks, "S'inscrire").status_code == 200
    seated = ephemeral_to(slack, LEA, 1)
    assert "vous êtes inscrit·e au REX #1 du jeudi 21 janvier 2027 à 09:00 (votre heure)" in seated
    assert VISIO in seated
    update = slack.api.wait_for("chat.update")[0].params
    assert update["ts"] == ts and "1/1 places prises · 0 en liste d'attente" in update["text"]
    assert VISIO not in update["text"] and [b for b in blocks_of(update) if b["type"] == "actions"]

    assert click(slack, KEVIN, ts, blocks, "S'inscrire").status_code == 200
    waiting = ephemeral_to(slack, KEVIN, 2)
    assert "liste d'attente, en position 1" in waiting and VISIO not in waiting
    assert "1/1 places prises · 1 en liste d'attente" in slack.api.wait_for("chat.update", count=2)[1].params["text"]
    assert click(slack, LEA, ts, blocks, "S'inscrire").status_code == 200  # twice: already registered
    assert "déjà inscrit·e" in ephemeral_to(slack, LEA, 3)

    assert click(slack, LEA, ts, blocks, "Se désinscrire").status_code == 200
    promoted = next(c for c in slack.api.wait_for("chat.postMessage", count=2) if c.params["channel"] in (KEVIN, "D" + KEVIN))
    assert "Une place s'est libérée : vous êtes inscrit·e au REX #1 du jeudi 21 janvier 2027 à 17:00" in \
        promoted.params["text"] and VISIO in promoted.params["text"]
    refreshed = slack.api.wait_for("chat.update", count=3)[2].params
    assert refreshed["ts"] == ts and "1/1 places prises · 0 en liste d'attente" in refreshed["text"]
    for call in slack.api.calls_to("chat.postMessage") + slack.api.calls_to("chat.update"):
        assert call.params["channel"] != CLUB_CHANNEL or VISIO not in call.params["text"]


def test_the_recording_reaches_registered_members_in_private_only(slack: SlackBot) -> None:
    slack.command("role <@U0KEVIN|kevin> participant", user=FACILITATOR)
    slack.command("rex annoncer 1", user=FACILITATOR)
    slack.command("rex inscrire 1", user=LEA)
    slack.command("rex inscrire 1", user=KEVIN)
    slack.command("rex invite 1 Jeanne Martin, Mairie de Cayenne", user=LEA)
    answer = slack.command("rex enregistrement 1 https://video.exemple.fr/rex-1", user=FACILITATOR).json()["text"]
    assert "envoyé en privé à 1 membre(s)" in answer
    # the announcement's update comes after the private messages: once it is there, all were sent
    updates = slack.api.wait_for("chat.update", count=4)
    assert "🎬 L'enregistrement est disponible pour les membres" in updates[-1].params["text"]
    sent = slack.api.calls_to("chat.postMessage") + updates
    assert [c.params["channel"] in (LEA, "D" + LEA) for c in sent if "video.exemple.fr" in c.params["text"]] == [True]
