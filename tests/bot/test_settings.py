"""Settings come from the environment and `.env`; a wrong one stops the bot with a message naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_run_on_sqlite_without_any_account(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.database_url.startswith("sqlite")
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.admins == frozenset()


def test_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("CLUB_ADMINS=U1, slack:U2\nSLACK_API_URL=http://127.0.0.1:9/api\n")
    settings = load_settings()
    assert settings.admins == frozenset({"U1", "slack:U2"})
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    monkeypatch.setenv("CLUB_ADMINS", "U3")
    assert load_settings().admins == frozenset({"U3"})


def test_a_wrong_value_names_its_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "mysql://nope")
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        load_settings()


def test_the_cli_reports_bad_settings_in_french(tmp_path: Path) -> None:
    env = {**os.environ, "PORT": "quatre-vingt", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
    result = subprocess.run([sys.executable, "-m", "bot", "console"], input="", capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "Configuration invalide" in result.stderr and "PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_programme_file_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "club.toml"
    broken.write_text('[club]\nslug = "x"\nname = "X"\nterritories = ["Atlantide"]\n')
    env = {**os.environ, "CLUB_CONFIG": str(broken), "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
    result = subprocess.run([sys.executable, "-m", "bot", "console"], input="", capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert str(broken) in result.stderr and "Atlantide" in result.stderr
