"""`club-bot serve` with Slack and Mattermost at once, and `club-bot mattermost` refusing bad settings."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest

from bot.cli import main
from bot.settings import load_settings
from bot.web import BackgroundServer, create_app
from tests.fakes.mattermost_api import TOKEN, FakeMattermostAPI
from tests.fakes.slack_api import FakeSlackAPI
from tests.support.mattermost import COMMAND_TOKEN
from tests.support.slack import SECRET, signed_headers


def test_one_server_answers_slack_and_mattermost(database_url: str, clock) -> None:
    with FakeSlackAPI() as slack_api, FakeMattermostAPI() as mm_api:
        settings = load_settings(database_url=database_url, slack_signing_secret=SECRET, slack_bot_token="xoxb-t",
                                 slack_api_url=slack_api.url, mattermost_url=mm_api.url,
                                 mattermost_bot_token=TOKEN, mattermost_command_token=COMMAND_TOKEN,
                                 mattermost_public_url="https://club-bot.example.gouv.fr")
        from bot.runtime import build_service

        service = build_service(settings, clock=clock, migrate=False)
        app = create_app(settings, service)
        assert [p.platform.name for p in app.state.runtime.platforms] == ["slack", "mattermost"]
        with BackgroundServer(app) as server, httpx.Client(base_url=server.url, timeout=10) as http:
            slack_body = urlencode({"command": "/club", "text": "fuseau Martinique", "user_id": "U1",
                                    "user_name": "u", "channel_id": "C1", "team_id": "T1"})
            slack = http.post("/slack/events", content=slack_body, headers=signed_headers(slack_body))
            mm_body = urlencode({"command": "/club", "text": "fuseau Martinique", "user_id": "u1",
                                 "user_name": "u", "channel_id": "c1", "token": COMMAND_TOKEN})
            mattermost = http.post("/mattermost/command", content=mm_body,
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        service.db.dispose()
    assert "America/Martinique" in slack.json()["text"]
    assert "America/Martinique" in mattermost.json()["text"]


def test_mattermost_endpoints_answer_404_when_not_configured(database_url: str, clock) -> None:
    settings = load_settings(database_url=database_url)
    from bot.runtime import build_service

    service = build_service(settings, clock=clock, migrate=False)
    with BackgroundServer(create_app(settings, service)) as server:
        assert httpx.post(f"{server.url}/mattermost/command", content="token=x").status_code == 404
        assert httpx.post(f"{server.url}/mattermost/action", json={}).status_code == 404
    service.db.dispose()


MATTERMOST_SETTINGS = ("MATTERMOST_URL", "MATTERMOST_BOT_TOKEN", "MATTERMOST_COMMAND_TOKEN", "MATTERMOST_TEAM",
                       "MATTERMOST_PUBLIC_URL")


def test_mattermost_command_names_the_missing_settings(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture) -> None:
    for name in MATTERMOST_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MATTERMOST_URL", "https://chat.example.gouv.fr")
    monkeypatch.setenv("MATTERMOST_PUBLIC_URL", "https://club-bot.example.gouv.fr")
    assert main(["mattermost"]) == 2
    error = capsys.readouterr().err
    assert "MATTERMOST_BOT_TOKEN" in error and "MATTERMOST_COMMAND_TOKEN" in error


@pytest.mark.parametrize("command", ["serve", "mattermost"])
def test_mattermost_without_its_public_url_does_not_start(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture, command: str) -> None:
    """Buttons and forms post back to MATTERMOST_PUBLIC_URL: without it club-bot says so, in French, and
    stops, instead of trusting the Host header of the first request to say where it is."""
    for name in MATTERMOST_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    for name, value in (("MATTERMOST_URL", "https://chat.example.gouv.fr"), ("MATTERMOST_BOT_TOKEN", TOKEN),
                        ("MATTERMOST_COMMAND_TOKEN", COMMAND_TOKEN), ("DATABASE_URL", "sqlite://")):
        monkeypatch.setenv(name, value)
    started: list[object] = []
    monkeypatch.setattr("bot.web.serve", lambda *args, **kwargs: started.append(args))
    assert main([command]) == 2
    assert started == []
    error = capsys.readouterr().err
    assert "MATTERMOST_PUBLIC_URL" in error and "obligatoire quand MATTERMOST_URL est défini" in error
