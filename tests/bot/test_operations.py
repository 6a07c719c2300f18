"""What operators read: Prometheus series at /metrics, /healthz on the database, JSON logs."""

from __future__ import annotations

import json
import logging
import math
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import metrics
from bot.settings import load_settings
from bot.web import BackgroundServer, create_app
from tests.support.slack import CLUB_CHANNEL, SlackBot, running_slack_bot


def scrape(url: str) -> dict[tuple[str, tuple], float]:
    response = httpx.get(f"{url}/metrics")
    assert response.status_code == 200
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def slack(database_url: str, clock) -> Iterator[SlackBot]:
    with running_slack_bot(database_url, clock=clock) as bot:
        bot.api.add_user("U0MEMBER01", "Marie")
        yield bot


def test_metrics_count_commands_by_verb_and_outcome_and_time_them(slack: SlackBot) -> None:
    before = scrape(slack.url)
    slack.command("moi")
    slack.command("fuseau Atlantide")
    slack.command("envol")
    after = scrape(slack.url)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("clubbot_commands_total", verb="moi", outcome="ok") == 1
    assert grew("clubbot_commands_total", verb="fuseau", outcome="user_error") == 1
    assert grew("clubbot_commands_total", verb="unknown", outcome="unknown") == 1
    assert grew("clubbot_handler_seconds_count", kind="command") == 3


def test_metrics_count_reactions_and_read_the_outbox(slack: SlackBot) -> None:
    before = scrape(slack.url)
    slack.command('sondage "Quel thème ?" "Eau" "Santé"', user="UADMIN01", channel=CLUB_CHANNEL)
    slack.api.wait_for("chat.postMessage", 3)
    ts = next(m.ts for m in slack.api.messages.values() if m.text.endswith(".* Eau"))
    assert slack.reaction("U0MEMBER01", CLUB_CHANNEL, ts, "+1").status_code == 200
    assert value(scrape(slack.url), "clubbot_outbox_depth") == 0  # no outbox has reported yet
    metrics.set_outbox_depth_source(lambda: 7)
    try:
        after = scrape(slack.url)
        assert value(after, "clubbot_outbox_depth") == 7
        metrics.set_outbox_depth_source(lambda: 1 / 0)
        assert math.isnan(value(scrape(slack.url), "clubbot_outbox_depth"))  # the scrape still answers
    finally:
        metrics.set_outbox_depth_source(None)
    assert value(after, "clubbot_reactions_processed_total") - value(before, "clubbot_reactions_processed_total") == 1


def test_a_tick_s_reminders_and_the_outbox_depth_reach_the_metrics(slack: SlackBot, clock) -> None:
    from datetime import timedelta

    from bot.outbox_sender import OutboxSender
    from bot.scheduler import report_outbox, run_tick

    assert "inscrit" in slack.command("rex inscrire").json()["text"]  # J-1 and H-1 messages for Marie
    report_outbox(slack.service)
    try:
        before = scrape(slack.url)
        assert value(before, "clubbot_outbox_depth") >= 2
        clock.now += timedelta(days=9, hours=5)  # 20 January 2027, 14:00 Paris: the eve of the REX
        run_tick(slack.service, OutboxSender(slack.service, [platform.sender() for platform in slack.platforms]))
        after = scrape(slack.url)
    finally:
        metrics.set_outbox_depth_source(None)
    assert slack.api.calls_to("chat.postMessage")  # what the counters say went out, went out
    assert value(after, "clubbot_reminders_total", status="sent") - value(
        before, "clubbot_reminders_total", status="sent") >= 1
    assert value(after, "clubbot_outbox_depth") < value(before, "clubbot_outbox_depth")


def test_healthz_answers_503_when_the_database_is_gone(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    settings = load_settings(database_url=f"sqlite:///{folder / 'club.sqlite3'}")
    from bot.runtime import build_service

    service = build_service(settings)
    with BackgroundServer(create_app(settings, service)) as server:
        assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok", "platforms": {}}
        service.db.dispose()
        shutil.rmtree(folder)
        response = httpx.get(f"{server.url}/healthz")
        assert response.status_code == 503
        assert response.json()["status"] == "database unavailable"


def test_log_format_json_writes_one_object_per_line(tmp_path: Path) -> None:
    code = ("import logging; from bot.logs import setup_logging; "
            "from bot.settings import load_settings; s = load_settings(); "
            "setup_logging(s.log_level, s.json_logs); "
            "logging.getLogger('club').warning('sent %s', 3, extra={'platform': 'slack'})")
    env = {"PATH": "/usr/bin:/bin", "LOG_FORMAT": "json", "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                          check=True)
    entry = json.loads(done.stderr.strip().splitlines()[-1])
    assert entry["message"] == "sent 3" and entry["level"] == "WARNING" and entry["platform"] == "slack"
    assert logging.getLevelName(entry["level"]) == logging.WARNING
