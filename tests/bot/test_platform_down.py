"""Slack down: the bot starts anyway and says which platform is down; and when auth.test keeps failing,
the bot still knows its own reactions from its votes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
from sqlalchemy import func, select

from storage.polls import Vote
from tests.fakes.slack_api import BOT_USER, FakeSlackAPI
from tests.support.slack import CLUB_CHANNEL, SECRET, SlackBot, running_slack_bot, signed_headers

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    """A port nothing listens on: Slack's API as seen from a machine cut off from it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_starts_while_slack_is_unreachable_and_healthz_names_it(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'club.sqlite3'}", "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": f"http://127.0.0.1:{closed_port()}/api/",
           "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path)
    try:
        line = process.stdout.readline()
        assert line.startswith("club-bot écoute sur http://127.0.0.1:"), "serve exited while Slack was down"
        url = line.split()[-1]
        deadline = time.monotonic() + 20
        health = httpx.get(f"{url}/healthz")
        while health.json()["platforms"]["slack"] != "injoignable" and time.monotonic() < deadline:
            time.sleep(0.1)
            health = httpx.get(f"{url}/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "degraded", "platforms": {"slack": "injoignable"}}
        body = urlencode({"command": "/club", "text": "aide", "user_id": "U0MEMBER01", "user_name": "marie",
                          "channel_id": "C1", "team_id": "T1", "trigger_id": "1.2.3"})
        answer = httpx.post(f"{url}/slack/events", content=body, headers=signed_headers(body), timeout=10)
        assert answer.status_code == 200 and "Commandes" in answer.json()["text"]  # the ack needs no Web API
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_while_auth_test_fails_the_bot_s_own_reactions_are_not_votes(database_url: str) -> None:
    with FakeSlackAPI() as api:
        api.errors["auth.test"] = ["fatal_error"] * 1000  # auth.test fails from the start, and always
        with running_slack_bot(database_url, api=api) as slack:
            own_reactions_are_not_votes(slack)
            assert any(t.name == "slack-connect" for t in threading.enumerate()), "auth.test is still retried"
    # A stopped bot stops asking: nothing keeps calling a Slack it no longer serves (and logging errors).
    deadline = time.monotonic() + 10
    while any(t.name == "slack-connect" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "slack-connect" for t in threading.enumerate())


def own_reactions_are_not_votes(slack: SlackBot) -> None:
    assert "lancé" in slack.command('sondage "Quel atelier ?" "Eau" "Santé"', user="UADMIN01").json()["text"]
    slack.api.wait_for("reactions.add", count=2)
    options = sorted(m.ts for m in slack.api.messages.values() if m.channel == CLUB_CHANNEL)[1:]
    for ts in options:  # Slack tells the bot of its own inviting reactions, as of anyone's
        assert slack.reaction(BOT_USER, CLUB_CHANNEL, ts, "+1").status_code == 200
    with slack.service.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Vote)) == 0
    answer = slack.command("cloturer 1", user="UADMIN01").json()["text"]
    assert "clos" in answer.lower() or "résultats" in answer.lower(), answer
    deadline = time.monotonic() + 15
    results = []
    while not results and time.monotonic() < deadline:
        results = [c.params["text"] for c in slack.api.calls_to("chat.postMessage")
                   if "Résultats" in c.params.get("text", "")]
        time.sleep(0.05)
    assert results, "no results posted"
    assert "Aucun vote" in results[0], results[0]  # nor the bot's reactions counted at the close
