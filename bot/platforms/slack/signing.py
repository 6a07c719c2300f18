"""Every request to `/slack/events` is checked on its raw bytes before anything reads it.

Slack signs each request (docs.slack.dev/authentication/verifying-requests-from-slack): `v0=` and the hex
HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret, the timestamp within five minutes of
now. slack_sdk's `SignatureVerifier` (which Bolt uses) computes the same, but raises on a timestamp that
is not an integer, a signature that is not ASCII and a body that is not UTF-8: a stranger's request must
be refused with one log line, never a traceback. Slack's `ssl_check` pings carry no signature and are answered before, as Bolt
does, with nothing done.

A verified request's signature is then remembered in the database for its five minutes, so a copy sent
again (a replay) is refused by every process sharing it. Events API deliveries are the exception: Slack
delivers them again itself (`X-Slack-Retry-Num`) and wants a 200, and their effects are deduplicated by
event id (a vote) or have nothing to double (a home published again, a message ignored).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from storage.db import Database
from storage.requests import first_use

log = logging.getLogger(__name__)
Answer = tuple[int, str, dict[str, str]]
JSON = {"content-type": "application/json;charset=utf-8"}
REFUSED: Answer = (401, json.dumps({"error": "invalid request"}), JSON)  # Bolt's answer to a bad signature
MALFORMED: Answer = (400, json.dumps({"error": "malformed request"}), JSON)
SSL_CHECK: Answer = (200, "", {})
WINDOW = 5 * 60  # Slack's: a request signed longer ago (or ahead) than this is refused
# Replicas' clocks may differ a little: a signature is kept a minute beyond its window, so that no
# process whose clock is behind can take a replay for a first use.
SKEW = 60
SIGNATURE = "slack-signature"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # int() would also take "+1", " 1", "1_0" and other digits
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class SignedRequest:
    body: str
    signature: str
    timestamp: int


def content_type(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


def is_ssl_check(raw: bytes, headers: Mapping[str, str]) -> bool:
    """Slack's unsigned certificate check: `ssl_check=1` exactly (not a payload that smuggles the word)."""
    if b"ssl_check=" not in raw or content_type(headers) != FORM:
        return False
    return dict(parse_qsl(raw.decode("latin-1"))).get("ssl_check") == "1"


def is_event_delivery(request: SignedRequest, headers: Mapping[str, str]) -> bool:
    """An Events API callback: deduplicated by its event id, not by its signature."""
    if content_type(headers) != "application/json" or '"event_callback"' not in request.body:
        return False
    try:
        payload = json.loads(request.body)
    except (ValueError, RecursionError):
        return False
    return isinstance(payload, dict) and payload.get("type") == "event_callback"


class SignedRequests:
    """Verifies Slack's signature on the raw request, then refuses a second use of one signature."""

    def __init__(self, signing_secret: str, db: Database, clock: Callable[[], float] = time.time) -> None:
        self.secret = signing_secret.encode()
        self.db = db
        self.clock = clock

    def verify(self, raw: bytes, headers: Mapping[str, str]) -> SignedRequest | Answer:
        """The request once signed by Slack within five minutes; else the refusal (401, or 400 for a
        signed body that is not UTF-8). Headers are Starlette's: lower-case names, latin-1 values."""
        timestamp = headers.get("x-slack-request-timestamp", "")
        signature = headers.get("x-slack-signature", "")
        if not _TIMESTAMP.fullmatch(timestamp) or not signature:
            log.info("Slack request refused: no signature or no valid timestamp")
            return REFUSED
        if abs(self.clock() - int(timestamp)) > WINDOW:
            log.info("Slack request refused: signed at %s, outside the five minutes", timestamp)
            return REFUSED
        expected = hmac.new(self.secret, b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(f"v0={expected}".encode(), signature.encode("latin-1", "replace")):
            log.info("Slack request refused: invalid signature")
            return REFUSED
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            log.warning("signed Slack request refused: its body is not UTF-8")
            return MALFORMED
        return SignedRequest(body=body, signature=signature, timestamp=int(timestamp))

    def first_use(self, request: SignedRequest) -> bool:
        """True the first time this signature is seen (it is then remembered); False for a replay."""
        now = datetime.fromtimestamp(self.clock(), UTC)
        expires = datetime.fromtimestamp(request.timestamp + WINDOW + SKEW, UTC)
        with self.db.transaction() as session:
            first = first_use(session, SIGNATURE, request.signature, now, expires)
        if not first:
            log.info("Slack request refused: its signature was already used (a replay)")
        return first
