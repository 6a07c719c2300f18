"""The deployment files: compose.yaml valid against the Compose specification, .env.example complete."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "compose.yaml"
ENV_EXAMPLE = ROOT / ".env.example"


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def example_names() -> set[str]:
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M))


def test_compose_file_follows_the_compose_specification() -> None:
    # The Compose specification's JSON schema, as vendored by check-jsonschema (a dev dependency).
    schema = json.loads(resources.files("check_jsonschema.builtin_schemas.vendor")
                        .joinpath("compose-spec.json").read_text())
    jsonschema.validate(compose(), schema)


@pytest.mark.skipif(shutil.which("docker") is None or subprocess.run(
    ["docker", "compose", "version"], capture_output=True).returncode != 0, reason="no Docker Compose client")
def test_docker_compose_config_accepts_it(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(ENV_EXAMPLE.read_text())
    subprocess.run(["docker", "compose", "-f", str(COMPOSE), "--env-file", str(env), "config", "--quiet"],
                   check=True, cwd=ROOT)


def test_compose_runs_migrations_before_the_bot_on_a_healthy_postgresql() -> None:
    services = compose()["services"]
    db, migrate, bot = services["db"], services["migrate"], services["club-bot"]
    assert db["image"].startswith("postgres:") and "healthcheck" in db
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    assert migrate["command"] == ["club-bot", "db", "upgrade"]
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert "/healthz" in " ".join(bot["healthcheck"]["test"])
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql://")


def test_env_example_lists_every_setting_and_every_compose_variable() -> None:
    names = example_names()
    missing = sorted(name.upper() for name in Settings.model_fields if name.upper() not in names)
    assert not missing, f".env.example lacks {missing}"
    used = set(re.findall(r"\$\{([A-Z_]+)", COMPOSE.read_text()))
    assert used <= names, f"compose.yaml uses {sorted(used - names)} that .env.example does not show"


def test_env_example_as_is_loads_with_no_platform_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text(ENV_EXAMPLE.read_text())
    monkeypatch.chdir(tmp_path)
    for name in example_names():
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url.startswith("sqlite")
    assert not settings.secret("slack_signing_secret") and settings.mattermost_url is None
    assert not settings.json_logs and settings.port == 3000
