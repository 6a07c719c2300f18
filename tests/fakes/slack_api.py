"""A local HTTP server that answers like Slack's Web API, on port 0, and records every call.

It keeps the messages the bot posted and their reactions, so `reactions.get` answers what a real
workspace would; tests can inject `ok: false` errors and 429 rate limits with Retry-After.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

BOT_USER = "U0CLUBBOT"
BOT_ID = "B0CLUBBOT"
TEAM = "T01ND2P8N91"


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


class FakeSlackAPI:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], FakeMessage] = {}
        self.users: dict[str, dict] = {}
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
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        # Slack's upload URLs are on another host (files.slack.com/upload/v1/…); here, another path.
        self.upload_url = f"http://127.0.0.1:{self.server.server_address[1]}/upload/v1/"
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

    # -- the API ----------------------------------------------------------------------------
    def answer(self, method: str, params: dict) -> tuple[int, dict, dict]:
        with self.lock:
            if self.rate_limits.get(method):
                retry_after = self.rate_limits[method].pop(0)
                return 429, {"Retry-After": str(retry_after)}, {"ok": False, "error": "ratelimited"}
            retry_after = self._over_limit(method)
            if retry_after is not None:
                return 429, {"Retry-After": str(retry_after)}, {"ok": False, "error": "ratelimited"}
            if self.http_errors.get(method):
                return self.http_errors[method].pop(0), {}, {"ok": False, "error": "internal_error"}
            if self.errors.get(method):
                return 200, {}, {"ok": False, "error": self.errors[method].pop(0)}
            handler = getattr(self, "api_" + method.replace(".", "_"), None)
            if handler is None:
                return 200, {}, {"ok": False, "error": "unknown_method"}
            return 200, {}, {"ok": True, **handler(params)}

    def _new_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def api_auth_test(self, params: dict) -> dict:
        return {"url": "https://club.slack.com/", "team": "Club", "user": "club-bot", "team_id": TEAM,
                "user_id": BOT_USER, "bot_id": BOT_ID, "is_enterprise_install": False}

    def api_chat_postMessage(self, params: dict) -> dict:
        channel = params["channel"]
        if channel.startswith(("U", "W")):  # a user id: the app's direct conversation with them
            channel = "D" + channel
        if not params.get("text") and not params.get("blocks"):
            return {"ok": False, "error": "no_text"}
        ts = self._new_ts()
        blocks = params.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        metadata = params.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        self.messages[(channel, ts)] = FakeMessage(channel, ts, params.get("text", ""), blocks, metadata=metadata)
        return {"channel": channel, "ts": ts,
                "message": {"type": "message", "text": params.get("text", ""), "user": BOT_USER,
                            "bot_id": BOT_ID, "ts": ts}}

    def api_chat_update(self, params: dict) -> dict:
        message = self.messages.get((params["channel"], params["ts"]))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message.text = params.get("text", message.text)
        message.blocks = params.get("blocks", message.blocks)
        return {"channel": params["channel"], "ts": params["ts"], "text": message.text}

    def api_chat_postEphemeral(self, params: dict) -> dict:
        return {"message_ts": self._new_ts()}

    def api_conversations_open(self, params: dict) -> dict:
        return {"channel": {"id": "D" + params["users"].split(",")[0]}}

    def api_conversations_history(self, params: dict) -> dict:
        """Newest first; metadata only with include_all_metadata, as Slack does."""
        found = sorted((m for m in self.messages.values() if m.channel == params["channel"]),
                       key=lambda m: m.ts, reverse=True)[:int(params.get("limit", 100))]
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        return {"messages": [{"type": "message", "text": m.text, "ts": m.ts, "user": BOT_USER, "bot_id": BOT_ID,
                              **({"metadata": m.metadata} if with_metadata and m.metadata else {})}
                             for m in found], "has_more": False}

    def api_reactions_add(self, params: dict) -> dict:
        message = self.messages.get((params["channel"], params["timestamp"]))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        users = message.reactions.setdefault(params["name"], [])
        if BOT_USER in users:
            return {"ok": False, "error": "already_reacted"}
        users.append(BOT_USER)
        return {}

    def api_reactions_get(self, params: dict) -> dict:
        message = self.messages.get((params["channel"], params["timestamp"]))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        reactions = [{"name": name, "users": list(users), "count": len(users)}
                     for name, users in message.reactions.items() if users]
        return {"type": "message", "channel": message.channel,
                "message": {"type": "message", "text": message.text, "ts": message.ts, "reactions": reactions}}

    def api_files_getUploadURLExternal(self, params: dict) -> dict:  # noqa: N802 (Slack's method name)
        """An upload URL for `length` bytes named `filename` (both required; a length of 0 is refused)."""
        filename, length = params.get("filename"), str(params.get("length", ""))
        if not filename or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        if int(length) == 0:
            return {"ok": False, "error": "missing_argument"}
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
        """Shares uploaded files in `channel_id` (a conversation id, never a user id), once: a file never
        uploaded, or already completed, is `file_not_found`."""
        try:
            wanted = json.loads(params.get("files") or "")
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(wanted, list) or not wanted or not all(isinstance(f, dict) and f.get("id") for f in wanted):
            return {"ok": False, "error": "invalid_arguments"}
        found = [self.files.get(f["id"]) for f in wanted]
        if any(f is None or f.content is None or f.channel is not None for f in found):
            return {"ok": False, "error": "file_not_found"}
        channel = params.get("channel_id")
        if channel is not None and not channel.startswith(("C", "G", "D")):
            return {"ok": False, "error": "channel_not_found"}
        shared = []
        for item, file in zip(wanted, found, strict=True):
            assert file is not None
            file.title = item.get("title") or file.filename
            file.channel = channel or ""
            shared.append({"id": file.id, "name": file.filename, "title": file.title, "size": len(file.content or b""),
                           "channels": [channel] if channel and channel.startswith("C") else [],
                           "ims": [channel] if channel and channel.startswith("D") else []})
        if channel:
            ts = self._new_ts()
            self.messages[(channel, ts)] = FakeMessage(channel, ts, params.get("initial_comment") or "",
                                                       files=[file.id for file in found if file])
        return {"files": shared}

    def api_users_info(self, params: dict) -> dict:
        user = self.users.get(params["user"])
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"user": user}

    def api_views_open(self, params: dict) -> dict:
        return {"view": {"id": "V" + self._new_ts().replace(".", ""), **_json(params.get("view"))}}

    def api_views_publish(self, params: dict) -> dict:
        view = _json(params.get("view"))
        problems = block_kit_problems(view.get("blocks", []))
        if view.get("type") != "home":
            problems.insert(0, "view.type must be home")
        if not params.get("user_id"):
            problems.insert(0, "user_id is required")
        if problems:
            return {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": problems}}
        self.home_views[params["user_id"]] = view
        return {"view": {"id": "V" + params["user_id"], **view}}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _serve(self, params: dict) -> None:
                method = urlparse(self.path).path.rsplit("/", 1)[-1]
                with api.lock:
                    api.calls.append(Call(method, params, dict(self.headers)))
                gate = api.held.get(method)
                if gate is not None:
                    gate.wait()
                status, headers, body = api.answer(method, params)
                if api.late.get(method):
                    time.sleep(api.late[method])
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def _upload(self, file_id: str) -> None:
                data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with api.lock:
                    api.calls.append(Call("upload", {"file_id": file_id}, dict(self.headers)))
                status, text = api.upload(file_id, data)
                payload = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

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
                params.update(dict(parse_qsl(urlparse(self.path).query)))
                self._serve(params)

        return Handler


BLOCK_TYPES = {"actions", "context", "divider", "header", "image", "input", "rich_text", "section", "video", "file"}
TEXT_TYPES = {"plain_text", "mrkdwn"}


def _text_problems(where: str, text: object, limit: int, plain_only: bool = False) -> list[str]:
    if not isinstance(text, dict) or text.get("type") not in TEXT_TYPES or not isinstance(text.get("text"), str):
        return [f"{where}: a text object is required"]
    if plain_only and text["type"] != "plain_text":
        return [f"{where}: must be plain_text"]
    if not text["text"]:
        return [f"{where}: text must not be empty"]
    if len(text["text"]) > limit:
        return [f"{where}: text longer than {limit} characters"]
    return []


def block_kit_problems(blocks: object) -> list[str]:
    """What Slack would refuse in a list of blocks (types, limits of Block Kit's reference); [] when valid."""
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
    problems = [] if len(blocks) <= 100 else [f"{len(blocks)} blocks: at most 100"]
    action_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"blocks[{index}]"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in BLOCK_TYPES:
            problems.append(f"{where}: unknown block type {kind!r}")
            continue
        if len(block.get("block_id", "")) > 255:
            problems.append(f"{where}: block_id longer than 255")
        if kind == "header":
            problems += _text_problems(where, block.get("text"), 150, plain_only=True)
        elif kind == "section":
            if "text" not in block and "fields" not in block:
                problems.append(f"{where}: a section needs text or fields")
            if "text" in block:
                problems += _text_problems(where, block["text"], 3000)
        elif kind == "context":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 10:
                problems.append(f"{where}: a context has 1 to 10 elements")
            for element in elements:
                problems += _text_problems(where, element, 2000)
        elif kind == "actions":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 25:
                problems.append(f"{where}: an actions block has 1 to 25 elements")
            for element in elements:
                if element.get("type") != "button":
                    continue
                problems += _text_problems(where, element.get("text"), 75, plain_only=True)
                action_id = element.get("action_id", "")
                if not action_id or len(action_id) > 255 or action_id in action_ids:
                    problems.append(f"{where}: action_id missing, too long or repeated")
                action_ids.add(action_id)
                if len(element.get("value", "")) > 2000:
                    problems.append(f"{where}: button value longer than 2000")
    return problems


def _json(value: object) -> dict:
    if isinstance(value, str):
        return json.loads(value)
    return dict(value or {})
