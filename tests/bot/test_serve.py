"""`club-bot serve` as deployed: a separate process, signed Slack requests, health."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from tests.fakes.slack_api import FakeSlackAPI
from tests.support.slack import SECRET, signed_headers


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, FakeSlackAPI]]:
    with FakeSlackAPI() as api:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'club.sqlite3'}",
               "SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": api.url}
        process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                   cwd=tmp_path)
        try:
            line = process.stdout.readline()
            assert line.startswith("club-bot écoute sur http://127.0.0.1:"), process.stderr.read()
            yield line.split()[-1], api
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_serve_answers_a_signed_help_command_within_three_seconds(served: tuple[str, FakeSlackAPI]) -> None:
    url, api = served
    api.add_user("U0MEMBER01", "Marie")
    assert httpx.get(f"{url}/healthz").json()["status"] in ("ok", "degraded")  # Slack: connecting
    body = urlencode({"command": "/club", "text": "aide", "user_id": "U0MEMBER01", "user_name": "marie",
                      "channel_id": "C1", "team_id": "T1", "trigger_id": "1.2.3"})
    start = time.monotonic()
    response = httpx.post(f"{url}/slack/events", content=body, headers=signed_headers(body))
    assert time.monotonic() - start < 3
    assert response.status_code == 200
    assert "Commandes" in response.json()["text"]
    assert httpx.post(f"{url}/slack/events", content=body,
                      headers=signed_headers(body, secret="wrong")).status_code == 401
