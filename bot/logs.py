"""Logging: readable lines by default, one JSON object per line with LOG_FORMAT=json (or LOG_JSON=true).

No line shows a secret, whatever the level: libraries log more than we do (with LOG_LEVEL=DEBUG,
websockets prints the frames it sends, the Mattermost authentication challenge among them), so every
record is redacted where it is written, not where it is made.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from pydantic import BaseModel, SecretStr

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}
HIDDEN = "[redacted]"
# Shapes of credentials whatever their origin: Slack's tokens, HTTP authorisations, passwords in URLs.
_SHAPES = re.compile(
    r"\b(?P<slack>xox[a-z]|xapp)-[A-Za-z0-9-]+"
    r"|(?P<scheme>\bBearer\s+|\bAuthorization['\"]?\s*[:=]\s*['\"]?(?:Bearer|Basic|Token)\s+)[A-Za-z0-9._~+/=-]{8,}"
    r"|(?P<userinfo>://[^/\s:@]+:)[^/\s@]+@"
)
MIN_SECRET = 6  # shorter values would hide ordinary words, and no real secret is that short
# Libraries cut long payloads when they log them (websockets keeps a frame's start and end): a run of
# token characters sharing this many with a secret is a piece of it.
FRAGMENT = 8
_RUN = re.compile(rf"[A-Za-z0-9_-]{{{FRAGMENT},}}")


def _shape(match: re.Match[str]) -> str:
    if match["slack"]:
        return f"{match['slack']}-{HIDDEN}"
    if match["userinfo"]:
        return f"{match['userinfo']}{HIDDEN}@"
    return f"{match['scheme']}{HIDDEN}"


class Redactor(logging.Filter):
    """Hides the configured secrets, whole or in pieces, and well-known credential shapes, in a record's
    message and arguments, its extra fields (JSON logs show them) and its traceback."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret containing another one is hidden whole.
        self.secrets = sorted({s for s in secrets if len(s) >= MIN_SECRET}, key=len, reverse=True)
        self._pieces = {s[i:i + FRAGMENT] for s in self.secrets for i in range(len(s) - FRAGMENT + 1)}

    def _piece(self, match: re.Match[str]) -> str:
        run = match[0]
        found = any(run[i:i + FRAGMENT] in self._pieces for i in range(len(run) - FRAGMENT + 1))
        return HIDDEN if found else run

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, HIDDEN)
        if self._pieces:
            text = _RUN.sub(self._piece, text)
        return _SHAPES.sub(_shape, text)

    def _value(self, value: object) -> object:
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {key: self._value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self._value(item) for item in value]
        if value is None or isinstance(value, bool | int | float):
            return value
        return self.redact(str(value))

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit: logging reports them as they are, so hide them too
            record.msg = self.redact(str(record.msg))
            if isinstance(record.args, tuple):
                record.args = tuple(self._value(arg) for arg in record.args)
            elif record.args:
                record.args = self._value(record.args)
        else:
            record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD and not key.startswith("_"):
                setattr(record, key, self._value(value))
        return True


def configured_secrets(settings: BaseModel) -> list[str]:
    """Every secret setting's value (each of a comma-separated list too): the tokens, signing secrets and
    passwords, present and future, since they are all declared as `SecretStr`."""
    found: list[str] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            raw = value.get_secret_value()
            found += [raw, *(part.strip() for part in raw.split(",") if part.strip())]
    return found


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({key: value for key, value in record.__dict__.items()
                      if key not in _STANDARD and not key.startswith("_")})
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(level: str = "INFO", as_json: bool = False, quiet: bool = False,
                  secrets: Iterable[str] = ()) -> None:
    """One handler on the root logger, its records redacted of `secrets` (see `configured_secrets`)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if as_json else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(Redactor(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    # The console is a chat: only problems go to the terminal, not routine logs.
    root.setLevel(logging.WARNING if quiet else level.upper())
