"""Settings from environment variables and `.env`, validated with messages that name the variable."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.calendar.programme import DEFAULT_PROGRAMME
from storage.models import Role


class SettingsError(Exception):
    """A setting is wrong; the message says which variable and why, in French."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite:///club-bot.sqlite3"
    club_config: Path = DEFAULT_PROGRAMME
    club_admins: str = ""  # comma-separated platform user ids ("U123", "slack:U123", "mattermost:abc")
    club_default_role: Role = Role.MEMBRE

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_club_channel: str | None = None
    slack_command: str = "/club"

    mattermost_url: str | None = None
    mattermost_bot_token: SecretStr | None = None
    mattermost_command_token: SecretStr | None = None  # one or several, comma-separated
    mattermost_club_channel: str | None = None
    mattermost_command: str = "/club"
    # Signs the context of the bot's buttons and the state of its dialogs; derived from the bot token if unset.
    mattermost_action_secret: SecretStr | None = None
    # The address Mattermost uses to reach club-bot (buttons and dialogs post back to it): required with
    # MATTERMOST_URL, never taken from a request's Host header, which whoever sends the request chooses.
    mattermost_public_url: str | None = Field(default=None, validate_default=True)
    # A team name or id: club-bot then registers its slash command there at start (needs the public URL).
    mattermost_team: str | None = None

    public_url: str | None = None  # the bot's address seen from outside, for links such as the .ics feeds

    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=0, le=65535)
    listener_threads: int = Field(default=16, ge=1, le=256)
    request_threads: int = Field(default=4, ge=1, le=256)  # Slack requests handled at once (others queue)
    # How long a message being posted stays another process's: after a crash, it is looked up and resent.
    outbox_lease_seconds: float = Field(default=60, gt=0, le=3600)
    log_level: str = "INFO"
    log_json: bool = False  # the same as LOG_FORMAT=json
    log_format: Literal["text", "json"] = "text"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgres")):
            raise ValueError("doit commencer par sqlite:/// ou postgresql://")
        return value

    @field_validator("mattermost_url", "mattermost_public_url")
    @classmethod
    def _mattermost_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("doit être une URL http(s), par exemple https://chat.example.gouv.fr")
        return value.rstrip("/")

    @field_validator("mattermost_public_url")
    @classmethod
    def _mattermost_public_url_required(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("mattermost_url"):
            raise ValueError("obligatoire quand MATTERMOST_URL est défini : l'adresse de club-bot vue par "
                             "Mattermost, où reviennent les clics des boutons et les formulaires "
                             "(par exemple https://club-bot.example.gouv.fr)")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("doit être une URL http(s)")
        return value if value.endswith("/") else value + "/"

    @property
    def json_logs(self) -> bool:
        return self.log_json or self.log_format == "json"

    @property
    def admins(self) -> frozenset[str]:
        return frozenset(part.strip() for part in self.club_admins.split(",") if part.strip())

    @property
    def mattermost_command_tokens(self) -> list[str]:
        raw = self.secret("mattermost_command_token") or ""
        return [part.strip() for part in raw.split(",") if part.strip()]

    def secret(self, name: str) -> str | None:
        value = getattr(self, name)
        return value.get_secret_value() if value is not None else None


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{str(error['loc'][0]).upper()} : {error['msg']}" for error in exc.errors()
        )
        raise SettingsError(f"Configuration invalide — {problems}") from exc
