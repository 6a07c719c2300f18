"""Talking to the bot as Slack does: correctly signed requests over real HTTP."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from urllib.parse import parse_qs, urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.settings import load_settings
from bot.web import BackgroundServer, create_app
from handlers import Service
from tests.fakes.slack.interactivity import issue_trigger
from tests.fakes.slack_api import FakeSlackAPI

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CLUB_CHANNEL = "C0CLUB0001"


def trigger_id() -> str:
    """Slack gives each command and click its own trigger id, valid 3 s and once: two of them never have
    the same body, and the local Slack API accepts them for views.open."""
    return issue_trigger()


def with_club_channel(api: FakeSlackAPI) -> FakeSlackAPI:
    """The workspace club-bot is installed in: the Club channel, public, with the bot in it."""
    if CLUB_CHANNEL not in api.conversations:
        api.add_channel(CLUB_CHANNEL, name="club")
    return api


def club_slack_api(**options: object) -> FakeSlackAPI:
    """A local Slack API whose workspace has the Club channel (`options`: FakeSlackAPI's)."""
    return with_club_channel(FakeSlackAPI(**options))  # type: ignore[arg-type]


def _sender(body: str, content_type: str) -> tuple[str | None, str | None]:
    """Who acts in which channel, in a command, an interaction or an event body."""
    try:
        if content_type.startswith("application/json"):
            event = json.loads(body).get("event") or {}
            return event.get("user"), (event.get("item") or {}).get("channel") or event.get("channel")
        form = {key: values[0] for key, values in parse_qs(body).items()}
        if "payload" in form:
            payload = json.loads(form["payload"])
            return (payload.get("user") or {}).get("id"), (payload.get("channel") or {}).get("id")
        return form.get("user_id"), form.get("channel_id")
    except (ValueError, AttributeError):
        return None, None


def declare_sender(api: FakeSlackAPI, body: str, content_type: str) -> None:
    """A payload captured in another workspace (the corpus): its person and channel exist in this one too,
    the bot being in the channel (as it is wherever it receives commands and clicks)."""
    user, channel = _sender(body, content_type)
    if isinstance(user, str) and user not in api.users:
        api.add_user(user, user.lower())
    if isinstance(channel, str) and channel[:1] in ("C", "G") and channel not in api.conversations:
        api.add_channel(channel, private=channel.startswith("G"))
    enrol_sender(api, body, content_type)


def enrol_sender(api: FakeSlackAPI, body: str, content_type: str) -> None:
    """Slack only delivers what someone does in a channel they are in: they are one of its members."""
    user, channel = _sender(body, content_type)
    if isinstance(user, str) and isinstance(channel, str) and channel in api.conversations:
        api.join(channel, user)


def signed_headers(body: str, secret: str = SECRET, timestamp: int | None = None,
                   content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature,
            "Content-Type": content_type}


class SlackBot:
    """The bot's HTTP server, pointed at a fake Slack API, and a client that signs what it sends."""

    def __init__(self, url: str, api: FakeSlackAPI, service: Service) -> None:
        self.url = url
        self.api = api
        self.service = service
        self.platforms: list = []  # the running app's platform runtimes, for tests that tick by hand
        self.http = httpx.Client(base_url=url, timeout=10)

    def post(self, body: str, content_type: str = "application/x-www-form-urlencoded",
             secret: str = SECRET, timestamp: int | None = None, extra: dict | None = None) -> httpx.Response:
        headers = signed_headers(body, secret, timestamp, content_type) | (extra or {})
        enrol_sender(self.api, body, content_type)
        return self.http.post("/slack/events", content=body.encode(), headers=headers)

    def command(self, text: str, user: str = "U0MEMBER01", user_name: str = "marie.dupont",
                channel: str = CLUB_CHANNEL) -> httpx.Response:
        body = urlencode({
            "token": "deprecated", "team_id": "T01ND2P8N91", "team_domain": "club", "channel_id": channel,
            "channel_name": "club", "user_id": user, "user_name": user_name, "command": "/club",
            "text": text, "api_app_id": "A0CLUB", "is_enterprise_install": "false",
            "response_url": self.api.response_url(), "trigger_id": self.api.trigger(),
        })
        return self.post(body)

    def event(self, event: dict, event_id: str | None = None) -> httpx.Response:
        """A signed Events API delivery of `event` (app_home_opened, message…), shaped like Slack's."""
        body = json.dumps({
            "token": "deprecated", "team_id": "T01ND2P8N91", "api_app_id": "A0CLUB", "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:12].upper()}", "event_time": int(time.time()),
            "event": {"event_ts": f"{time.time():.6f}", **event},
            "authorizations": [{"team_id": "T01ND2P8N91", "user_id": "U0CLUBBOT", "is_bot": True}],
        })
        return self.post(body, content_type="application/json")

    def home_opened(self, user: str) -> httpx.Response:
        return self.event({"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"})

    def reaction(self, user: str, channel: str, ts: str, emoji: str, added: bool = True,
                 event_id: str | None = None, http: httpx.Client | None = None,
                 extra: dict | None = None) -> httpx.Response:
        """A signed `reaction_added` / `reaction_removed` delivery, shaped like Slack's."""
        body = reaction_body(user, channel, ts, emoji, added, event_id)
        headers = signed_headers(body, content_type="application/json") | (extra or {})
        enrol_sender(self.api, body, "application/json")
        return (http or self.http).post("/slack/events", content=body.encode(), headers=headers)


def click_body(user: str, button: dict, channel: str = CLUB_CHANNEL, ts: str = "") -> str:
    """The form Slack posts when `user` presses `button` (a Block Kit element) of the message `ts`;
    each call is a new click, with its own trigger id and action time."""
    payload = {"type": "block_actions", "user": {"id": user, "username": user.lower(), "team_id": "T01ND2P8N91"},
               "api_app_id": "A0CLUB", "token": "deprecated", "trigger_id": trigger_id(),
               "team": {"id": "T01ND2P8N91", "domain": "club"}, "channel": {"id": channel, "name": "club"},
               "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
               "actions": [{"action_id": button["action_id"], "block_id": "b1", "value": button["value"],
                            "type": "button", "action_ts": f"{time.time():.6f}"}]}
    return urlencode({"payload": json.dumps(payload)})


def reaction_body(user: str, channel: str, ts: str, emoji: str, added: bool = True,
                  event_id: str | None = None) -> str:
    """The JSON Slack posts for a `reaction_added` / `reaction_removed` event."""
    return json.dumps({
        "token": "deprecated", "team_id": "T01ND2P8N91", "api_app_id": "A0CLUB", "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:12].upper()}", "event_time": int(time.time()),
        "event": {"type": "reaction_added" if added else "reaction_removed", "user": user, "reaction": emoji,
                  "item": {"type": "message", "channel": channel, "ts": ts}, "item_user": "U0CLUBBOT",
                  "event_ts": f"{time.time():.6f}"},
        "authorizations": [{"team_id": "T01ND2P8N91", "user_id": "U0CLUBBOT", "is_bot": True}],
    })


@contextmanager
def running_slack_bot(database_url: str, clock=None, api: FakeSlackAPI | None = None,
                      **env: str) -> Iterator[SlackBot]:
    """The bot's server on `database_url`; `api` keeps one fake Slack across restarts of the bot."""
    with nullcontext(api) if api is not None else FakeSlackAPI() as api:
        with_club_channel(api)
        settings = load_settings(database_url=database_url, slack_signing_secret=SECRET,
                                 slack_bot_token="xoxb-test", slack_api_url=api.url,
                                 slack_club_channel=CLUB_CHANNEL, club_admins="UADMIN01", **env)
        from bot.runtime import build_service

        service = build_service(settings, clock=clock, migrate=False)
        app = create_app(settings, service)
        with BackgroundServer(app) as server:
            bot = SlackBot(server.url, api, service)
            bot.platforms = app.state.runtime.platforms
            try:
                yield bot
            finally:
                bot.http.close()
                service.db.dispose()
