"""No log shows a secret, at any level, in plain or JSON lines: the configured tokens and signing secrets,
whole or cut short by a library, and well-known token shapes, wherever a record carries them."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import configured_secrets, setup_logging
from bot.platforms.mattermost.run import start_mattermost
from bot.settings import load_settings
from bot.web import create_app
from tests.fakes.mattermost_api import FakeMattermostAPI

# Shaped like the real ones: a Mattermost access token, Slack's bot and app tokens and signing secret.
MATTERMOST_TOKEN = "8xrwbpna6tf8ue6ke8jtjn4qhc"
COMMAND_TOKENS = ("qzgakf1nx3yt9dr4n8585ihbxy", "x7r9kfm2pq8sd3h6j5n1w4b8ce")
SLACK_BOT_TOKEN = "xoxb-2718281828-3141592653-aZ9bY8cX7dW6eV5fU4gT3hS2"
SLACK_APP_TOKEN = "xapp-1-A0CLUB01-2718281828459-0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FRAGMENT = 8  # a piece this long of a secret betrays it


def pieces(secret: str) -> list[str]:
    return [secret[i:i + FRAGMENT] for i in range(len(secret) - FRAGMENT + 1)]


def assert_hidden(logged: str, *secrets: str) -> None:
    for secret in secrets:
        shown = [piece for piece in pieces(secret) if piece in logged]
        assert not shown, f"pieces of a secret in the logs: {shown}\n{logged}"


@pytest.fixture
def root_logging() -> Iterator[None]:
    """`setup_logging` replaces the root logger's handlers: what pytest had is given back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def database(sqlite_template: Path, tmp_path: Path) -> str:
    shutil.copy(sqlite_template, tmp_path / "club.sqlite3")
    return f"sqlite:///{tmp_path / 'club.sqlite3'}"


@pytest.mark.parametrize("as_json", [False, True])
def test_debug_logs_of_the_mattermost_websocket_never_show_the_token(
        database: str, root_logging: None, capsys: pytest.CaptureFixture[str], as_json: bool) -> None:
    with FakeMattermostAPI(token=MATTERMOST_TOKEN) as api:
        settings = load_settings(database_url=database, mattermost_url=api.url, mattermost_bot_token=MATTERMOST_TOKEN,
                                 mattermost_command_token=",".join(COMMAND_TOKENS), slack_signing_secret=None,
                                 mattermost_public_url="https://club-bot.example.gouv.fr", log_level="DEBUG")
        setup_logging(settings.log_level, as_json, secrets=configured_secrets(settings))
        from bot.runtime import build_service

        service = build_service(settings, migrate=False)
        runtime = create_app(settings, service).state.runtime
        listener = start_mattermost(settings, runtime.mattermost, backoff=0.05)
        try:
            api.wait_authenticated()
        finally:
            listener.stop()
            runtime.stop()
            service.db.dispose()
    logged = capsys.readouterr().err
    assert "authentication_challenge" in logged  # websockets did log the frame that carries the token
    assert_hidden(logged, MATTERMOST_TOKEN)
    if as_json:
        assert all(json.loads(line)["level"] for line in logged.splitlines())


@pytest.mark.parametrize("as_json", [False, True])
def test_configured_secrets_are_hidden_wherever_a_record_carries_them(
        root_logging: None, capsys: pytest.CaptureFixture[str], as_json: bool) -> None:
    settings = load_settings(slack_bot_token=SLACK_BOT_TOKEN, slack_app_token=SLACK_APP_TOKEN,
                             slack_signing_secret=SIGNING_SECRET, mattermost_bot_token=MATTERMOST_TOKEN,
                             mattermost_command_token=" , ".join(COMMAND_TOKENS))
    setup_logging("DEBUG", as_json, secrets=configured_secrets(settings))
    log = logging.getLogger("club-bot.test")
    log.debug("headers %s", {"Authorization": f"Bearer {SLACK_BOT_TOKEN}"})
    log.info("signing with %s, app %r", SIGNING_SECRET, SLACK_APP_TOKEN)
    log.warning("command token %s… refused", COMMAND_TOKENS[1][:20])
    log.info("payload", extra={"body": {"token": MATTERMOST_TOKEN, "tokens": list(COMMAND_TOKENS)}})
    try:
        raise ValueError(f"invalid_auth for {SLACK_BOT_TOKEN}")
    except ValueError:
        log.exception("call failed")
    log.error("bad format %d", SIGNING_SECRET)  # arguments that do not fit the message
    logged = capsys.readouterr().err
    assert "call failed" in logged and "ValueError: invalid_auth for" in logged
    assert_hidden(logged, SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SIGNING_SECRET, MATTERMOST_TOKEN, *COMMAND_TOKENS)


def test_token_shapes_are_hidden_even_when_not_configured(root_logging: None,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging("DEBUG")
    log = logging.getLogger("club-bot.test")
    user_token = "xoxp-1111111111-2222222222-3333333333-abcdefabcdefabcdefabcdefabcdefab"
    log.debug("Slack said %s, then %s", SLACK_BOT_TOKEN, user_token)
    log.debug("socket mode with %s", SLACK_APP_TOKEN)
    log.debug("GET /api/v4/users/me Authorization: Bearer %s", MATTERMOST_TOKEN)
    log.debug("{'Authorization': 'Token %s'}", COMMAND_TOKENS[0])
    log.debug("database postgresql://club:%s@db.example/club", "s3cr3t-passw0rd")
    logged = capsys.readouterr().err
    assert "xoxb-" in logged and "xapp-" in logged and "Bearer " in logged and "postgresql://club:" in logged
    assert_hidden(logged, SLACK_BOT_TOKEN, user_token, SLACK_APP_TOKEN, MATTERMOST_TOKEN, COMMAND_TOKENS[0],
                  "s3cr3t-passw0rd")
    log.warning("Bearer tokens are refused: token mismatch")  # ordinary words stay
    assert "Bearer tokens are refused: token mismatch" in capsys.readouterr().err
