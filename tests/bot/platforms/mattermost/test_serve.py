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
                                 mattermost_bot_token=TOKEN, mattermost_command_token=COMMAND_TOKEN)
        from bot.runtime import build_service

        service = build_service(settings, clock=clock, migrate=False)
        app = create_app(settings, service)
        assert [d.platform.name for d in app.state.runtime.deliverers] == ["slack", "mattermost"]
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


def test_mattermost_command_names_the_missing_settings(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture) -> None:
    for name in ("MATTERMOST_URL", "MATTERMOST_BOT_TOKEN", "MATTERMOST_COMMAND_TOKEN", "MATTERMOST_TEAM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MATTERMOST_URL", "https://chat.example.gouv.fr")
    assert main(["mattermost"]) == 2
    error = capsys.readouterr().err
    assert "MATTERMOST_BOT_TOKEN" in error and "MATTERMOST_COMMAND_TOKEN" in error
