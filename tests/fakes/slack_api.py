"""A local HTTP server that answers like Slack's Web API, on port 0, records every call, and refuses what
Slack refuses: a missing token or scope, a conversation the bot is not in, calls beyond the rate limits,
Block Kit Slack would not render, a spent or stale trigger_id. The rules live in `tests.fakes.slack`, one
module each, with their sources.

It keeps the workspace's conversations, the messages the bot posted and their reactions, so `reactions.get`
answers what a real workspace would; tests can also inject `ok: false` errors, HTTP errors and 429s.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

from tests.fakes.slack import auth, conversations
from tests.fakes.slack.block_kit import block_kit_problems, message_refusal, view_problems
from tests.fakes.slack.conversations import Conversation, dm_id, mpim_id
from tests.fakes.slack.interactivity import ResponseUrls, Triggers, issue_trigger
from tests.fakes.slack.rate_limits import RateLimits

__all__ = ["BOT_ID", "BOT_USER", "TEAM", "FakeSlackAPI", "block_kit_problems"]

BOT_USER = "U0CLUBBOT"
BOT_ID = "B0CLUBBOT"
TEAM = "T01ND2P8N91"
RATE_LIMITED = {"ok": False, "error": "ratelimited"}


@dataclass
class Call:
    method: str
    params: dict
    headers: dict
    at: float = field(default_factory=time.monotonic)


@dataclass
class FakeMessage:
    channel: str
    ts: str
    text: str
    blocks: list = field(default_factory=list)
    reactions: dict[str, list[str]] = field(default_factory=dict)
    metadata: dict | None = None
    files: list[str] = field(default_factory=list)  # ids of the files shared with the message


@dataclass
class FakeFile:
    """A file of the external upload: issued (`files.getUploadURLExternal`), uploaded, then shared."""

    id: str
    filename: str
    length: int
    content: bytes | None = None  # None until its bytes reach the upload URL
    title: str = ""
    channel: str | None = None  # where `files.completeUploadExternal` shared it


class Refused(Exception):
    """A method's `ok: false` answer, with any extra fields Slack sends along."""

    def __init__(self, error: str, **extra: object) -> None:
        super().__init__(error)
        self.body = {"ok": False, "error": error, **extra}


class FakeSlackAPI:
    """`scopes`: the bot scopes granted (default: those of config/slack-manifest.yml); `token`: the only bot
    token accepted (default: any `xoxb-…`); `clock`: monotonic seconds, for rate limits, triggers and
    response URLs."""

    def __init__(self, scopes: Iterable[str] | None = None, token: str | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.scopes = frozenset(scopes) if scopes is not None else auth.manifest_scopes()
        self.token = token
        self.clock = clock
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], FakeMessage] = {}
        self.users: dict[str, dict] = {}
        self.conversations: dict[str, Conversation] = {}
        self.rates = RateLimits(clock)
        self.triggers = Triggers(clock)
        self.response_urls = ResponseUrls(clock)
        self.errors: dict[str, list[str]] = {}  # method -> queue of error codes to answer with
        self.rate_limits: dict[str, list[int]] = {}  # method -> queue of Retry-After values (429)
        self.per_second: dict[str, int] = {}  # method -> calls allowed per second (rate-limit mode)
        self._windows: dict[str, tuple[int, int]] = {}  # method -> (second, calls in it)
        self.home_views: dict[str, dict] = {}  # user id -> the App Home last published for them
        self.held: dict[str, threading.Event] = {}  # method -> calls wait until it is set
        self.late: dict[str, float] = {}  # method -> seconds its answer takes, its effect being immediate
        self.http_errors: dict[str, list[int]] = {}  # method -> queue of HTTP statuses (5xx) to answer with
        self.files: dict[str, FakeFile] = {}  # file id -> the file, from the upload URL's issue on
        self._file_ids = itertools.count(1)
        self.lock = threading.Lock()
        self._ts = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = self.base + "/api/"
        # Slack's upload URLs are on another host (files.slack.com/upload/v1/…); here, another path.
        self.upload_url = self.base + "/upload/v1/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- test controls ----------------------------------------------------------------------
    def __enter__(self) -> FakeSlackAPI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_user(self, user_id: str, name: str, tz: str = "Europe/Paris", locale: str = "fr-FR") -> None:
        self.users[user_id] = {"id": user_id, "name": name.lower(), "real_name": name, "tz": tz,
                               "tz_offset": 0, "locale": locale, "is_bot": False,
                               "profile": {"display_name": name, "real_name": name}}

    def add_channel(self, channel_id: str, name: str | None = None, private: bool = False,
                    bot_member: bool = True, members: Iterable[str] = (), archived: bool = False) -> Conversation:
        """A channel of the workspace; `members` are its people (the bot's membership is `bot_member`)."""
        conversation = Conversation(channel_id, name or channel_id.lower(), "private" if private else "public",
                                    bot_member, set(members), archived)
        self.conversations[channel_id] = conversation
        return conversation

    def join(self, channel_id: str, *users: str) -> None:
        """People join a channel already declared."""
        self.conversations[channel_id].members.update(users)

    def archive(self, channel_id: str) -> None:
        self.conversations[channel_id].archived = True

    def trigger(self) -> str:
        """A trigger_id as Slack sends with a command or a click: opens one modal within 3 s."""
        return issue_trigger(self.clock)

    def response_url(self) -> str:
        """A response URL served here, as Slack sends with a command or a click (5 uses, 30 minutes)."""
        return self.base + self.response_urls.issue()

    def responses(self, url: str) -> list[dict]:
        """What was posted to a response URL, in order."""
        with self.lock:
            return list(self.response_urls.urls[urlparse(url).path].posts)

    def fail_next(self, method: str, error: str) -> None:
        self.errors.setdefault(method, []).append(error)

    def hold(self, method: str) -> threading.Event:
        """Calls to `method` are received, then wait until the returned event is set (a stalled API)."""
        gate = self.held[method] = threading.Event()
        return gate

    def answer_late(self, method: str, seconds: float) -> None:
        """`method` takes effect at once and answers `seconds` later (past a client's timeout)."""
        self.late[method] = seconds

    def fail_http_next(self, method: str, status: int = 500) -> None:
        self.http_errors.setdefault(method, []).append(status)

    def rate_limit_next(self, method: str, retry_after: int = 1) -> None:
        self.rate_limits.setdefault(method, []).append(retry_after)

    def limit_rate(self, method: str, per_second: int) -> None:
        """Rate-limit mode: beyond `per_second` calls in one second, 429 with Retry-After (whole seconds)."""
        self.per_second[method] = per_second

    def _over_limit(self, method: str) -> int | None:
        limit = self.per_second.get(method)
        if limit is None:
            return None
        now = time.monotonic()
        second, count = self._windows.get(method, (int(now), 0))
        if second != int(now):
            second, count = int(now), 0
        if count >= limit:
            return max(1, math.ceil(second + 1 - now))
        self._windows[method] = (second, count + 1)
        return None

    def keys_posted(self) -> list[str]:
        """The outbox keys carried by every message posted (a key twice is a duplicate someone saw)."""
        with self.lock:
            return [m.metadata["event_payload"]["key"] for m in self.messages.values()
                    if m.metadata and m.metadata.get("event_type") == "club_message"]

    def calls_to(self, method: str) -> list[Call]:
        with self.lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 15.0) -> list[Call]:
        """Replies are sent after the ack, off the request thread: wait until they arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            time.sleep(0.01)
        raise AssertionError(f"expected {count} call(s) to {method}, got {len(self.calls_to(method))}")

    def react(self, channel: str, ts: str, name: str, user: str) -> None:
        """A person reacts in the workspace (whether or not the bot hears of it)."""
        with self.lock:
            users = self.messages[(channel, ts)].reactions.setdefault(name, [])
            if user not in users:
                users.append(user)

    def unreact(self, channel: str, ts: str, name: str, user: str) -> None:
        """A person removes their reaction in the workspace (whether or not the bot hears of it)."""
        with self.lock:
            users = self.messages[(channel, ts)].reactions.get(name, [])
            if user in users:
                users.remove(user)

    # -- the API: controls first, then the token, the rate limits, the scope, the method ---------
    def answer(self, method: str, params: dict, headers: dict | None = None) -> tuple[int, dict, dict]:
        with self.lock:
            if self.rate_limits.get(method):
                retry_after = self.rate_limits[method].pop(0)
                return 429, {"Retry-After": str(retry_after)}, RATE_LIMITED
            retry_after = self._over_limit(method)
            if retry_after is not None:
                return 429, {"Retry-After": str(retry_after)}, RATE_LIMITED
            if self.http_errors.get(method):
                return self.http_errors[method].pop(0), {}, {"ok": False, "error": "internal_error"}
            refusal = auth.token_refusal(_header(headers, "Authorization"), params.get("token"), self.token)
            if refusal:
                return 200, {}, {"ok": False, "error": refusal}
            retry_after = self.rates.retry_after(method, self._posting_channel(method, params))
            if retry_after is not None:
                return 429, {"Retry-After": str(retry_after)}, RATE_LIMITED
            if self.errors.get(method):
                return 200, {}, {"ok": False, "error": self.errors[method].pop(0)}
            handler = getattr(self, "api_" + method.replace(".", "_"), None)
            if handler is None:
                return 200, {}, {"ok": False, "error": "unknown_method"}
            try:
                self._require_scope(method, params)
                return 200, {}, {"ok": True, **handler(params)}
            except Refused as refused:
                return 200, {}, refused.body

    def _posting_channel(self, method: str, params: dict) -> str | None:
        channel = params.get("channel")
        return self._resolve(channel) if method == "chat.postMessage" and channel else None

    def _require_scope(self, method: str, params: dict) -> None:
        if method in auth.SCOPE_SUFFIX_OF_METHOD:
            conversation = self.conversations.get(params.get("channel", ""))
            if conversation is None:
                return  # the method answers channel_not_found
            needed = f"{auth.SCOPE_PREFIX_OF_KIND[conversation.kind]}:{auth.SCOPE_SUFFIX_OF_METHOD[method]}"
        elif method == "conversations.open":
            needed = auth.conversations_open_scope(params.get("users", ""))
        else:
            needed = auth.SCOPE_OF_METHOD.get(method)
        if needed is not None and needed not in self.scopes:
            raise Refused("missing_scope", **auth.missing_scope(needed, self.scopes))

    def _resolve(self, channel: str) -> str:
        """A user id as `channel` is the app's DM with them (docs.slack.dev/reference/methods/chat.postMessage,
        "Direct messages": post to a user id and it lands in the app's DM / messages tab)."""
        return dm_id(channel) if channel[:1] in ("U", "W") else channel

    def _dm(self, user: str) -> Conversation:
        if dm_id(user) not in self.conversations:
            self.conversations[dm_id(user)] = Conversation(dm_id(user), user, "im", True, {user})
        return self.conversations[dm_id(user)]

    def _conversation(self, channel: str) -> Conversation | None:
        if channel[:1] in ("U", "W"):
            return self._dm(channel) if channel in self.users else None
        return self.conversations.get(channel)

    def _new_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _check_message(self, params: dict) -> tuple[str, list]:
        text, blocks = params.get("text", ""), _json_list(params.get("blocks"))
        refused = message_refusal(text, blocks)
        if refused:
            error, problems = refused
            raise Refused(error, **({"response_metadata": {"messages": problems}} if problems else {}))
        return text, blocks

    def api_auth_test(self, params: dict) -> dict:
        return {"url": "https://club.slack.com/", "team": "Club", "user": "club-bot", "team_id": TEAM,
                "user_id": BOT_USER, "bot_id": BOT_ID, "is_enterprise_install": False}

    def api_chat_postMessage(self, params: dict) -> dict:  # noqa: N802 (Slack's method name)
        conversation = self._conversation(params["channel"])
        refusal = conversations.post_refusal(conversation, self.scopes)
        if refusal:
            raise Refused(refusal)
        assert conversation is not None
        text, blocks = self._check_message(params)
        ts = self._new_ts()
        metadata = params.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        self.messages[(conversation.id, ts)] = FakeMessage(conversation.id, ts, text, blocks, metadata=metadata)
        return {"channel": conversation.id, "ts": ts,
                "message": {"type": "message", "text": text, "user": BOT_USER, "bot_id": BOT_ID, "ts": ts}}

    def api_chat_update(self, params: dict) -> dict:
        refusal = conversations.visible_refusal(self.conversations.get(params["channel"]))
        if refusal:
            raise Refused(refusal)
        message = self.messages.get((params["channel"], params["ts"]))
        if message is None:
            raise Refused("message_not_found")
        text, blocks = self._check_message(params)
        message.text = text or message.text
        message.blocks = blocks or message.blocks
        return {"channel": params["channel"], "ts": params["ts"], "text": message.text}

    def api_chat_postEphemeral(self, params: dict) -> dict:  # noqa: N802 (Slack's method name)
        refusal = conversations.ephemeral_refusal(self._conversation(params["channel"]), params.get("user", ""))
        if refusal:
            raise Refused(refusal)
        self._check_message(params)
        return {"message_ts": self._new_ts()}

    def api_conversations_open(self, params: dict) -> dict:
        """A DM with one person, a group DM with several (docs.slack.dev/reference/methods/conversations.open:
        `user_not_found` for an unknown user)."""
        users = [user for user in params.get("users", "").split(",") if user]
        if not users:
            raise Refused("users_list_not_supplied")
        if any(user not in self.users for user in users):
            raise Refused("user_not_found")
        if len(users) == 1:
            return {"channel": {"id": self._dm(users[0]).id}}
        conversation = self.conversations.setdefault(
            mpim_id(users), Conversation(mpim_id(users), "mpdm-" + "--".join(users), "mpim", True, set(users)))
        return {"channel": {"id": conversation.id}}

    def api_conversations_info(self, params: dict) -> dict:
        conversation = self.conversations.get(params.get("channel", ""))
        if conversations.visible_refusal(conversation):
            raise Refused("channel_not_found")
        assert conversation is not None
        return {"channel": {"id": conversation.id, "name": conversation.name,
                            "is_private": conversation.kind == "private", "is_im": conversation.kind == "im",
                            "is_mpim": conversation.kind == "mpim", "is_archived": conversation.archived,
                            "is_member": conversation.bot_member}}

    def api_conversations_history(self, params: dict) -> dict:
        """Newest first; metadata only with include_all_metadata, as Slack does."""
        refusal = conversations.read_refusal(self.conversations.get(params["channel"]))
        if refusal:
            raise Refused(refusal)
        found = sorted((m for m in self.messages.values() if m.channel == params["channel"]),
                       key=lambda m: m.ts, reverse=True)[:int(params.get("limit", 100))]
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        return {"messages": [{"type": "message", "text": m.text, "ts": m.ts, "user": BOT_USER, "bot_id": BOT_ID,
                              **({"metadata": m.metadata} if with_metadata and m.metadata else {})}
                             for m in found], "has_more": False}

    def api_reactions_add(self, params: dict) -> dict:
        refusal = conversations.react_refusal(self.conversations.get(params["channel"]))
        if refusal:
            raise Refused(refusal)
        message = self.messages.get((params["channel"], params["timestamp"]))
        if message is None:
            raise Refused("message_not_found")
        users = message.reactions.setdefault(params["name"], [])
        if BOT_USER in users:
            raise Refused("already_reacted")
        users.append(BOT_USER)
        return {}

    def api_reactions_get(self, params: dict) -> dict:
        refusal = conversations.visible_refusal(self.conversations.get(params["channel"]))
        if refusal:
            raise Refused(refusal)
        message = self.messages.get((params["channel"], params["timestamp"]))
        if message is None:
            raise Refused("message_not_found")
        reactions = [{"name": name, "users": list(users), "count": len(users)}
                     for name, users in message.reactions.items() if users]
        return {"type": "message", "channel": message.channel,
                "message": {"type": "message", "text": message.text, "ts": message.ts, "reactions": reactions}}

    def api_files_getUploadURLExternal(self, params: dict) -> dict:  # noqa: N802 (Slack's method name)
        """An upload URL for `length` bytes named `filename` (both required; a length of 0 is refused)."""
        filename, length = params.get("filename"), str(params.get("length", ""))
        if not filename or not length.isdigit():
            raise Refused("invalid_arguments")
        if int(length) == 0:
            raise Refused("missing_argument")
        file_id = f"F0{next(self._file_ids):09d}"
        self.files[file_id] = FakeFile(file_id, filename, int(length))
        return {"upload_url": self.upload_url + file_id, "file_id": file_id}

    def upload(self, file_id: str, data: bytes) -> tuple[int, str]:
        """A POST of the file's bytes to its upload URL: 200 "OK - <size>", as Slack's upload service answers."""
        with self.lock:
            found = self.files.get(file_id)
            if found is None or found.channel is not None:
                return 404, "Not Found"
            found.content = data
            return 200, f"OK - {len(data)}"

    def api_files_completeUploadExternal(self, params: dict) -> dict:  # noqa: N802 (Slack's method name)
        """Shares uploaded files in `channel_id` (a conversation the bot may post in, never a user id), once:
        a file never uploaded, or already completed, is `file_not_found`."""
        try:
            wanted = json.loads(params.get("files") or "")
        except ValueError:
            raise Refused("invalid_arguments") from None
        if not isinstance(wanted, list) or not wanted or not all(isinstance(f, dict) and f.get("id") for f in wanted):
            raise Refused("invalid_arguments")
        found = [self.files.get(f["id"]) for f in wanted]
        if any(f is None or f.content is None or f.channel is not None for f in found):
            raise Refused("file_not_found")
        channel = params.get("channel_id")
        conversation = self.conversations.get(channel) if channel else None
        if channel is not None:
            refusal = conversations.post_refusal(conversation, self.scopes)
            if refusal:
                raise Refused(refusal)
        shared = []
        for item, file in zip(wanted, found, strict=True):
            assert file is not None
            file.title = item.get("title") or file.filename
            file.channel = channel or ""
            in_dm = conversation is not None and conversation.kind in ("im", "mpim")
            shared.append({"id": file.id, "name": file.filename, "title": file.title, "size": len(file.content or b""),
                           "channels": [channel] if channel and not in_dm else [],
                           "ims": [channel] if channel and in_dm else []})
        if channel:
            ts = self._new_ts()
            self.messages[(channel, ts)] = FakeMessage(channel, ts, params.get("initial_comment") or "",
                                                       files=[file.id for file in found if file])
        return {"files": shared}

    def api_users_info(self, params: dict) -> dict:
        user = self.users.get(params["user"])
        if user is None:
            raise Refused("user_not_found")
        return {"user": user}

    def api_views_open(self, params: dict) -> dict:
        refusal = self.triggers.exchange(params.get("trigger_id"))
        if refusal:
            raise Refused(refusal)
        view = _json(params.get("view"))
        problems = view_problems(view, "modal")
        if problems:
            raise Refused("invalid_arguments", response_metadata={"messages": problems})
        return {"view": {"id": "V" + self._new_ts().replace(".", ""), **view}}

    def api_views_publish(self, params: dict) -> dict:
        if not params.get("user_id"):
            raise Refused("invalid_arguments", response_metadata={"messages": ["user_id is required"]})
        view = _json(params.get("view"))
        problems = view_problems(view, "home")
        if problems:
            raise Refused("invalid_arguments", response_metadata={"messages": problems})
        self.home_views[params["user_id"]] = view
        return {"view": {"id": "V" + params["user_id"], **view}}

    def _respond(self, path: str, body: dict, headers: dict) -> tuple[int, dict]:
        with self.lock:
            self.calls.append(Call("response_url", body, headers))
            return self.response_urls.post(path, body)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, payload: bytes, content_type: str, headers: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def _serve(self, params: dict) -> None:
                method = urlparse(self.path).path.rsplit("/", 1)[-1]
                with api.lock:
                    api.calls.append(Call(method, params, dict(self.headers)))
                gate = api.held.get(method)
                if gate is not None:
                    gate.wait()
                status, headers, body = api.answer(method, params, dict(self.headers))
                if api.late.get(method):
                    time.sleep(api.late[method])
                self._send(status, json.dumps(body).encode(), "application/json; charset=utf-8", headers)

            def _upload(self, file_id: str) -> None:
                data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with api.lock:
                    api.calls.append(Call("upload", {"file_id": file_id}, dict(self.headers)))
                status, text = api.upload(file_id, data)
                self._send(status, text.encode(), "text/plain; charset=utf-8")

            def do_GET(self) -> None:  # noqa: N802
                self._serve(dict(parse_qsl(urlparse(self.path).query)))

            def do_POST(self) -> None:  # noqa: N802
                path = urlparse(self.path).path
                if path.startswith("/upload/v1/"):
                    self._upload(path.rsplit("/", 1)[-1])
                    return
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    params = dict(parse_qsl(raw))
                if path.startswith("/commands/"):
                    status, body = api._respond(path, params, dict(self.headers))
                    self._send(status, json.dumps(body).encode(), "application/json; charset=utf-8")
                    return
                params.update(dict(parse_qsl(urlparse(self.path).query)))
                self._serve(params)

        return Handler


def _header(headers: dict | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def _json_list(value: object) -> list:
    if isinstance(value, str):
        return json.loads(value or "[]")
    return list(value or [])


def _json(value: object) -> dict:
    if isinstance(value, str):
        return json.loads(value)
    return dict(value or {})
