"""What Slack hands the bot with each command or click: a trigger_id and a response_url.

- A trigger_id opens a modal "within 3 seconds" of its issue, once (slackapi/bolt-python:docs/english/concepts/
  opening-modals.md); views.open answers `invalid_trigger_id`, `expired_trigger_id` or `exchanged_trigger_id`
  (docs.slack.dev/reference/methods/views.open, errors).
- A response_url takes up to 5 messages within 30 minutes (docs.slack.dev/interactivity/handling-user-interaction,
  "message responses").
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

TRIGGER_SECONDS = 3.0
RESPONSE_URL_SECONDS = 30 * 60
RESPONSE_URL_USES = 5
# Triggers are signed by this module, so one minted before a stand-in starts (a request built in advance)
# is still recognised, and a made-up one is not.
_KEY = secrets.token_bytes(16)
_nonces = itertools.count(1)


def _signature(issued: str, nonce: str) -> str:
    return hmac.new(_KEY, f"{issued}.{nonce}".encode(), hashlib.sha256).hexdigest()[:24]


def issue_trigger(clock: Callable[[], float] = time.monotonic) -> str:
    """A trigger_id shaped like Slack's ("12345.98765.abcd2358fdea"): issue time (ms), a nonce, a signature."""
    issued, nonce = str(int(clock() * 1000)), str(next(_nonces))
    return f"{issued}.{nonce}.{_signature(issued, nonce)}"


def trigger_issued_at(trigger_id: object) -> float | None:
    """When a trigger this module issued was issued (seconds on its clock); None for any other string."""
    parts = str(trigger_id or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    if not hmac.compare_digest(parts[2], _signature(parts[0], parts[1])):
        return None
    return int(parts[0]) / 1000


@dataclass
class Triggers:
    clock: Callable[[], float]
    exchanged: set[str] = field(default_factory=set)

    def exchange(self, trigger_id: object) -> str | None:
        """Uses the trigger; None when it opens a view, else views.open's error code."""
        issued = trigger_issued_at(trigger_id)
        if issued is None:
            return "invalid_trigger_id"
        if trigger_id in self.exchanged:
            return "exchanged_trigger_id"
        if self.clock() - issued > TRIGGER_SECONDS:
            return "expired_trigger_id"
        self.exchanged.add(str(trigger_id))
        return None


@dataclass
class ResponseUrl:
    issued: float
    posts: list[dict] = field(default_factory=list)  # what was posted to it, in order


class ResponseUrls:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.urls: dict[str, ResponseUrl] = {}
        self._ids = itertools.count(1)

    def issue(self) -> str:
        """The path part of a new response URL (Slack's look like /commands/<team>/<id>/<secret>)."""
        path = f"/commands/T01ND2P8N91/{next(self._ids)}/{secrets.token_hex(12)}"
        self.urls[path] = ResponseUrl(self.clock())
        return path

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        """Records a message posted to the URL. Past 30 minutes or 5 uses it is refused; Slack's exact answer
        then is not documented: here HTTP 404 with `expired_url` / `used_url`."""
        url = self.urls.get(path)
        if url is None:
            return 404, {"ok": False, "error": "invalid_url"}
        if self.clock() - url.issued > RESPONSE_URL_SECONDS:
            return 404, {"ok": False, "error": "expired_url"}
        if len(url.posts) >= RESPONSE_URL_USES:
            return 404, {"ok": False, "error": "used_url"}
        url.posts.append(body)
        return 200, {"ok": True}
