"""A local server answering like Mattermost's REST API v4 and its websocket, on one port (port 0).

It records every call, keeps the posts the bot made and everyone's reactions (so `GET
/posts/{id}/reactions` answers what a real server would), pushes websocket events in the shapes
of the corpus (the reaction double-encoded as a JSON string), and can inject AppError answers,
429 rate limits with Retry-After, and dropped websocket connections.

It refuses what the server refuses: a post in a channel the bot is not a member of, a message or props
over the server's size limits, a reaction with an emoji the server does not know, and, once
`limit_rate` is called, requests beyond the server's rate limiter. What the server accepts but logs as
wrong (an interactive dialog its `Dialog.IsValid` finds invalid) is accepted and kept in `warnings`,
as the server's log would.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from bot.web import BackgroundServer

BOT_USER = "gejjytiqr9bsaneigobabwnkcs"
TEAM = "wx4zz8t4ttgmtxqiwfohijayzc"
TOKEN = "mm-bot-token"
ROUTES = [  # (method, path pattern, route name used by tests)
    ("GET", r"/users/([a-z0-9]+)", "GET /users/{id}"),
    ("POST", r"/posts", "POST /posts"),
    ("POST", r"/files", "POST /files"),
    ("POST", r"/posts/ephemeral", "POST /posts/ephemeral"),
    ("PUT", r"/posts/([a-z0-9]+)/patch", "PUT /posts/{id}/patch"),
    ("POST", r"/reactions", "POST /reactions"),
    ("GET", r"/posts/([a-z0-9]+)/reactions", "GET /posts/{id}/reactions"),
    ("DELETE", r"/users/([a-z0-9]+)/posts/([a-z0-9]+)/reactions/([\w+\-]+)", "DELETE /reactions"),
    ("POST", r"/channels/direct", "POST /channels/direct"),
    ("GET", r"/channels/([a-z0-9]+)/posts", "GET /channels/{id}/posts"),
    ("POST", r"/actions/dialogs/open", "POST /actions/dialogs/open"),
    ("GET", r"/teams/name/([\w\-]+)", "GET /teams/name/{name}"),
    ("GET", r"/commands", "GET /commands"),
    ("POST", r"/commands", "POST /commands"),
    ("PUT", r"/commands/([a-z0-9]+)", "PUT /commands/{id}"),
]
# The names of the server's system emoji (model.SystemEmojis); see the file's header for its source.
SYSTEM_EMOJI = frozenset(line for line in (Path(__file__).parent / "mattermost_system_emoji.txt")
                         .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#"))
EMOJI_NAME = re.compile(r"[a-zA-Z0-9\-+_]+")
EMOJI_NAME_MAX_LENGTH = 64  # model.EmojiNameMaxLength (server/public/model/emoji.go)
# Post.IsValid (mattermost/mattermost:server/public/model/post.go): the message counts runes (Python
# characters), and so does the JSON of the props.
POST_MESSAGE_MAX_RUNES = 16383  # PostMessageMaxRunesV2 = PostMessageMaxBytesV2 (65535) / 4
POST_PROPS_MAX_RUNES = 800000  # PostPropsMaxRunes
# Dialog.IsValid / DialogElement.IsValid (server/public/model/integration_action.go) measure with Go's
# len(): bytes of UTF-8, not characters.
DIALOG_TITLE_MAX = 24  # DialogTitleMaxLength
DIALOG_ELEMENT_MAX = {"display_name": 24, "name": 300, "help_text": 150}
DIALOG_TEXT_MAX = {"text": 150, "textarea": 3000, "select": 3000}  # default and placeholder, by type
PERMISSION_DENIED = (403, "api.context.permissions.app_error", "You do not have the appropriate permissions.")


def new_id(*parts: object) -> str:
    """26 lower-case characters, like Mattermost's ids."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:26]


def utf8_length(text: object) -> int:
    return len(str(text or "").encode("utf-8"))


def dialog_problems(dialog: dict) -> list[str]:
    """What the server's Dialog.IsValid finds wrong, in its words (it logs them, and opens the dialog)."""
    problems = []
    title = dialog.get("title") or ""
    if not title or utf8_length(title) > DIALOG_TITLE_MAX:
        problems.append(f"invalid dialog title {title!r}")
    seen: set[str] = set()
    for element in dialog.get("elements") or []:
        name = str(element.get("name") or "")
        if name in seen:
            problems.append(f"duplicate dialog element {name!r}")
        seen.add(name)
        for key, limit in DIALOG_ELEMENT_MAX.items():
            value = element.get(key) or ""
            if key != "help_text" and not value:
                problems.append(f"{name!r} field is not valid: {key} cannot be empty")
            if utf8_length(value) > limit:
                problems.append(f"{name!r} field is not valid: {key} cannot be longer than {limit} characters, "
                                f"got {utf8_length(value)}")
        kind = element.get("type")
        for key in ("default", "placeholder"):
            if kind in DIALOG_TEXT_MAX and utf8_length(element.get(key)) > DIALOG_TEXT_MAX[kind]:
                problems.append(f"{name!r} field is not valid: {key} cannot be longer than {DIALOG_TEXT_MAX[kind]}")
        if int(element.get("min_length") or 0) > int(element.get("max_length") or 0):
            problems.append(f"{name!r} field is not valid: min length should be less then max length")
        if kind == "select" and element.get("default") and not element.get("data_source") and \
                element["default"] not in {option.get("value") for option in element.get("options") or []}:
            problems.append(f"{name!r} field is not valid: default value {element['default']!r} doesn't exist in "
                            "options")
        if kind not in ("text", "textarea", "select", "bool", "radio", "date", "datetime"):
            problems.append(f"{name!r} field is not valid: invalid element type: {kind!r}")
    return problems


def app_error(status: int, error_id: str, message: str) -> JSONResponse:
    return JSONResponse({"id": error_id, "message": message, "detailed_error": "", "request_id": new_id(time.time()),
                         "status_code": status}, status_code=status)


@dataclass
class Call:
    route: str
    path: str
    body: object
    headers: dict


@dataclass
class FakePost:
    id: str
    channel_id: str
    message: str
    props: dict = field(default_factory=dict)
    user_id: str = BOT_USER
    ephemeral_for: str | None = None
    file_ids: list[str] = field(default_factory=list)


@dataclass
class FakeFile:
    """An uploaded file: in its channel, by its creator, attached to one post at most."""

    id: str
    name: str
    content: bytes
    mime_type: str
    channel_id: str
    creator_id: str
    post_id: str = ""


def multipart_parts(content_type: str, raw: bytes) -> list[tuple[str | None, str | None, bytes, str]]:
    """(form name, file name or None for a plain field, bytes, content type) of each part, in order."""
    message = BytesParser(policy=policy.HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    if not message.is_multipart():
        raise ValueError("not multipart")
    return [(part.get_param("name", header="content-disposition"), part.get_filename(),
             part.get_payload(decode=True) or b"", part.get_content_type()) for part in message.iter_parts()]


class FakeMattermostAPI:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.posts: dict[str, FakePost] = {}
        self.ephemerals: list[FakePost] = []
        self.reactions: list[dict] = []
        self.users: dict[str, dict] = {BOT_USER: {"id": BOT_USER, "username": "club-bot", "is_bot": True,
                                                  "locale": "fr", "timezone": {"useAutomaticTimezone": "true"}}}
        self.dialogs: list[dict] = []
        self.files: dict[str, FakeFile] = {}
        # Where the bot is a member (it may post and upload there): its direct channels and the ones it joined.
        self.channels: set[str] = set()
        self.custom_emoji: set[str] = set()
        self.warnings: list[str] = []  # what the server would log as wrong in what the bot sent
        self.rate: tuple[float, int] | None = None  # (requests a second, burst) once limit_rate is called
        self._bucket: tuple[float, float] = (0.0, 0.0)  # (tokens, at)
        self.commands: list[dict] = []
        self.errors: dict[str, list[tuple[int, str]]] = {}
        self.rate_limits: dict[str, list[int]] = {}
        self.sockets: list[tuple[WebSocket, asyncio.AbstractEventLoop]] = []
        self.authentications = 0
        self.refused = 0  # authentication challenges with a wrong token
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        self._ms = itertools.count(1755850100000, 1000)
        self._seq = itertools.count(1)
        self.server = BackgroundServer(Starlette(routes=[
            WebSocketRoute("/api/v4/websocket", self._websocket),
            Route("/api/v4/{path:path}", self._rest, methods=["GET", "POST", "PUT", "DELETE"]),
        ]))
        self.url = self.server.url

    def __enter__(self) -> FakeMattermostAPI:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.drop_websockets()
        self.server.__exit__(*exc)

    # -- test controls ----------------------------------------------------------------------
    def add_user(self, user: dict) -> None:
        self.users[user["id"]] = user

    def add_channel(self, channel_id: str) -> None:
        """The bot joins a channel (it may upload files there)."""
        self.channels.add(channel_id)

    def add_custom_emoji(self, name: str) -> None:
        self.custom_emoji.add(name)

    def limit_rate(self, per_second: float = 10, burst: int = 100) -> None:
        """The server's API rate limiting, off by default (RateLimitSettings.Enable = false, PerSec 10,
        MaxBurst 100 in server/public/model/config.go); the bot shares one bucket, as one remote address."""
        self.rate = (per_second, burst)
        self._bucket = (float(burst + 1), time.monotonic())

    def fail_next(self, route: str, status: int = 500, error_id: str = "app.test.error") -> None:
        self.errors.setdefault(route, []).append((status, error_id))

    def rate_limit_next(self, route: str, retry_after: int = 1) -> None:
        self.rate_limits.setdefault(route, []).append(retry_after)

    def calls_to(self, route: str) -> list[Call]:
        with self.lock:
            return [call for call in self.calls if call.route == route]

    def wait_for(self, route: str, count: int = 1, timeout: float = 15.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(route)
            if len(found) >= count:
                return found
            time.sleep(0.01)
        raise AssertionError(f"expected {count} call(s) to {route}, got {len(self.calls_to(route))}")

    def wait_authenticated(self, count: int = 1, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.authentications >= count and len(self.sockets) >= 1:
                return
            time.sleep(0.01)
        raise AssertionError(f"expected {count} websocket authentication(s), got {self.authentications}")

    def react(self, user_id: str, post_id: str, emoji: str, broadcast: bool = True) -> None:
        """Someone reacts in Mattermost; connected websockets hear of it unless `broadcast` is False."""
        post = self.posts[post_id]
        with self.lock:
            reaction = {"user_id": user_id, "post_id": post_id, "emoji_name": emoji, "create_at": next(self._ms),
                        "update_at": 0, "delete_at": 0, "remote_id": "", "channel_id": post.channel_id}
            reaction["update_at"] = reaction["create_at"]
            self.reactions.append(reaction)
        if broadcast:
            self.push("reaction_added", reaction, post.channel_id)

    def unreact(self, user_id: str, post_id: str, emoji: str, broadcast: bool = True) -> None:
        post = self.posts[post_id]
        with self.lock:
            self.reactions = [r for r in self.reactions if (r["user_id"], r["post_id"], r["emoji_name"])
                              != (user_id, post_id, emoji)]
        removed = {"user_id": user_id, "post_id": post_id, "emoji_name": emoji, "create_at": 0,
                   "update_at": next(self._ms), "delete_at": 0, "remote_id": "", "channel_id": ""}
        if broadcast:
            self.push("reaction_removed", removed, post.channel_id)

    def push(self, event: str, reaction: dict, channel_id: str) -> None:
        self.send_raw(json.dumps({
            "event": event, "data": {"reaction": json.dumps(reaction, separators=(",", ":"))},
            "broadcast": {"omit_users": None, "user_id": "", "channel_id": channel_id, "team_id": "",
                          "connection_id": "", "omit_connection_id": ""},
            "seq": next(self._seq),
        }))

    def send_raw(self, raw: str) -> None:
        for websocket, loop in list(self.sockets):
            asyncio.run_coroutine_threadsafe(websocket.send_text(raw), loop).result(5)

    def drop_websockets(self) -> None:
        """The connection breaks (server restart, proxy timeout…)."""
        sockets, self.sockets = list(self.sockets), []
        for websocket, loop in sockets:
            try:
                asyncio.run_coroutine_threadsafe(websocket.close(code=1001), loop).result(5)
            except Exception:
                pass

    # -- websocket --------------------------------------------------------------------------
    async def _websocket(self, websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            challenge = json.loads(await websocket.receive_text())
            if challenge.get("action") != "authentication_challenge" or \
                    challenge.get("data", {}).get("token") != self.token:
                await websocket.send_text(json.dumps({"status": "FAIL", "seq_reply": challenge.get("seq"),
                                                      "error": {"id": "api.web_socket_router.not_authenticated"}}))
                self.refused += 1
                await websocket.close()
                return
            await websocket.send_text(json.dumps({"status": "OK", "seq_reply": challenge["seq"]}))
            await websocket.send_text(json.dumps({
                "event": "hello", "data": {"connection_id": new_id("conn", time.time()), "server_version": "10.11.0"},
                "broadcast": {"omit_users": None, "user_id": BOT_USER, "channel_id": "", "team_id": "",
                              "connection_id": "", "omit_connection_id": ""}, "seq": 0}))
            self.sockets.append((websocket, asyncio.get_running_loop()))
            self.authentications += 1
            while True:
                await websocket.receive_text()  # the bot sends nothing more; this waits for the close
        except WebSocketDisconnect:
            pass
        finally:
            self.sockets = [(ws, loop) for ws, loop in self.sockets if ws is not websocket]

    # -- REST -------------------------------------------------------------------------------
    async def _rest(self, request: Request) -> Response:
        path = "/" + request.path_params["path"]
        raw = await request.body()
        content_type = request.headers.get("content-type", "")
        if request.method == "POST" and path == "/files":
            body = {"content_type": content_type, "raw": raw, "query": dict(request.query_params)}
        else:
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                return app_error(400, "api.context.invalid_body_param.app_error", "Invalid body")
        route, args = next(((name, m.groups()) for method, pattern, name in ROUTES
                            if method == request.method and (m := re.fullmatch(pattern, path))), (None, ()))
        with self.lock:
            self.calls.append(Call(route or f"{request.method} {path}", path, body, dict(request.headers)))
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return app_error(401, "api.context.session_expired.app_error",
                                 "Invalid or expired session, please login again.")
            if route is None:
                return app_error(404, "api.context.404.app_error", "Sorry, we could not find the page.")
            limited = self._rate_limited()
            if limited is not None:
                return limited
            if self.rate_limits.get(route):
                retry_after = self.rate_limits[route].pop(0)
                return PlainTextResponse("limit exceeded", status_code=429, headers={
                    "Retry-After": str(retry_after), "X-Ratelimit-Limit": "101", "X-Ratelimit-Remaining": "0",
                    "X-Ratelimit-Reset": str(retry_after)})
            if self.errors.get(route):
                status, error_id = self.errors[route].pop(0)
                return app_error(status, error_id, "Injected error")
            handler = getattr(self, "api_" + re.sub(r"\W+", "_", route).strip("_").lower())
            response = handler(body, *args)
            if self.rate is not None:
                response.headers.update(self._rate_headers(0))
            return response

    def _rate_limited(self) -> Response | None:
        """A token bucket of MaxBurst + 1 requests refilled at PerSec, as the server's throttled limiter:
        beyond it, 429 `text/plain` "limit exceeded" with Retry-After and the X-Ratelimit-* headers
        (server/channels/app/ratelimit.go, RateLimitWriter and setRateLimitHeaders)."""
        if self.rate is None:
            return None
        per_second, burst = self.rate
        tokens, at = self._bucket
        now = time.monotonic()
        tokens = min(float(burst + 1), tokens + (now - at) * per_second)
        if tokens >= 1:
            self._bucket = (tokens - 1, now)
            return None
        self._bucket = (tokens, now)
        wait = math.ceil((1 - tokens) / per_second)
        return PlainTextResponse("limit exceeded", status_code=429,
                                 headers={"Retry-After": str(wait), **self._rate_headers(wait)})

    def _rate_headers(self, reset: int) -> dict[str, str]:
        per_second, burst = self.rate or (0.0, 0)
        tokens, _at = self._bucket
        # X-Ratelimit-Reset is the seconds until the bucket is full again, not an epoch (NOTES.md).
        full = math.ceil((burst + 1 - tokens) / per_second) if per_second else 0
        return {"X-Ratelimit-Limit": str(burst + 1), "X-Ratelimit-Remaining": str(int(tokens)),
                "X-Ratelimit-Reset": str(max(reset, full))}

    def _post_json(self, post: FakePost) -> dict:
        return {"id": post.id, "create_at": 1755850100123, "update_at": 1755850100123, "edit_at": 0,
                "delete_at": 0, "is_pinned": False, "user_id": post.user_id, "channel_id": post.channel_id,
                "root_id": "", "original_id": "", "message": post.message, "type": "", "file_ids": post.file_ids,
                "props": {**post.props, "from_bot": "true"}, "hashtags": "", "pending_post_id": "",
                "remote_id": "", "reply_count": 0, "last_reply_at": 0, "participants": None, "metadata": {}}

    def api_get_users_id(self, body: object, user_id: str) -> Response:
        user = self.users.get(BOT_USER if user_id == "me" else user_id)
        if user is None:
            return app_error(404, "app.user.missing_account.const", "Unable to find the user.")
        return JSONResponse(user)

    def api_post_posts(self, body: dict, *args: str) -> Response:
        file_ids = body.get("file_ids") or []
        if not body.get("channel_id") or not (body.get("message") or body.get("props") or file_ids):
            return app_error(400, "api.context.invalid_body_param.app_error", "Invalid or missing post.")
        if body["channel_id"] not in self.channels:
            # createPost checks PermissionCreatePost on the channel: a bot that is not a member has none
            # (server/channels/api4/post.go).
            return app_error(*PERMISSION_DENIED)
        if len(json.dumps(file_ids)) > 300:  # Post.FileIds: 300 characters of JSON, about ten ids
            return app_error(400, "model.post.is_valid.file_ids.app_error", "Invalid file ids.")
        too_large = self._too_large(body)
        if too_large is not None:
            return too_large
        post = FakePost(new_id("post", next(self._ids)), body["channel_id"], body.get("message", ""),
                        body.get("props") or {})
        # As the server does, only files of this creator, uploaded in this channel and not yet attached
        # elsewhere are attached; the others are left out of the post, without an error.
        for file_id in file_ids:
            file = self.files.get(file_id)
            if file and not file.post_id and file.channel_id == post.channel_id and file.creator_id == post.user_id:
                file.post_id = post.id
                post.file_ids.append(file_id)
        self.posts[post.id] = post
        return JSONResponse(self._post_json(post), status_code=201)

    @staticmethod
    def _too_large(body: dict) -> Response | None:
        """Post.IsValid's size checks (server/public/model/post.go)."""
        if len(body.get("message") or "") > POST_MESSAGE_MAX_RUNES:
            return app_error(400, "model.post.is_valid.msg.app_error", "Invalid message.")
        if len(json.dumps(body.get("props") or {}, ensure_ascii=False)) > POST_PROPS_MAX_RUNES:
            return app_error(400, "model.post.is_valid.props.app_error", "Invalid props.")
        return None

    def api_post_files(self, body: dict, *args: str) -> Response:
        """`POST /files`: multipart (a `channel_id` field or query parameter, then `files` parts), or the
        bytes themselves with `channel_id` and `filename` in the query; the bot must be in the channel."""
        if not body["raw"]:
            return app_error(400, "api.file.upload_file.read_request.app_error", "Content-Length should not be 0")
        channel_id = body["query"].get("channel_id", "")
        uploads: list[tuple[str, bytes, str]] = []
        if body["content_type"].startswith("multipart/form-data"):
            try:
                parts = multipart_parts(body["content_type"], body["raw"])
            except ValueError:
                return app_error(400, "api.file.upload_file.read_request.app_error", "Unable to parse multipart.")
            for name, filename, data, mime in parts:
                if filename is None:
                    value = data.decode()
                    if name == "channel_id":
                        if channel_id and value and value != channel_id:
                            return app_error(400, "api.file.upload_file.multiple_channel_ids.app_error",
                                             "Unable to upload files. Multiple conflicting channel_ids.")
                        channel_id = value or channel_id
                    elif name != "client_ids":
                        return app_error(400, "api.context.invalid_param.app_error", f"Invalid {name} parameter.")
                elif name == "files":
                    uploads.append((filename, data, mime))
        else:
            if not body["query"].get("filename"):
                return app_error(400, "api.context.invalid_param.app_error", "Invalid filename parameter.")
            uploads.append((body["query"]["filename"], body["raw"], body["content_type"] or "application/octet-stream"))
        if not re.fullmatch(r"[a-z0-9]{26}", channel_id):
            return app_error(400, "api.context.invalid_param.app_error", "Invalid channel_id parameter.")
        if channel_id not in self.channels:
            return app_error(403, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
        infos = []
        for filename, data, mime in uploads:
            file = FakeFile(new_id("file", next(self._ids)), filename, data, mime, channel_id, BOT_USER)
            self.files[file.id] = file
            infos.append({"id": file.id, "user_id": file.creator_id, "channel_id": channel_id, "post_id": "",
                          "create_at": next(self._ms), "update_at": 0, "delete_at": 0, "name": filename,
                          "extension": filename.rpartition(".")[2] if "." in filename else "", "size": len(data),
                          "mime_type": mime, "width": 0, "height": 0, "has_preview_image": False,
                          "mini_preview": None, "remote_id": "", "archived": False})
        return JSONResponse({"file_infos": infos, "client_ids": []}, status_code=201)

    def api_post_posts_ephemeral(self, body: dict, *args: str) -> Response:
        inner = body.get("post") or {}
        if not body.get("user_id") or not inner.get("channel_id"):
            return app_error(400, "api.context.invalid_body_param.app_error", "Invalid or missing post.")
        post = FakePost(new_id("eph", next(self._ids)), inner["channel_id"], inner.get("message", ""),
                        inner.get("props") or {}, ephemeral_for=body["user_id"])
        self.ephemerals.append(post)
        return JSONResponse(self._post_json(post), status_code=201)

    def api_put_posts_id_patch(self, body: dict, post_id: str) -> Response:
        post = self.posts.get(post_id)
        if post is None:
            return app_error(404, "app.post.get.app_error", "Unable to get the post.")
        too_large = self._too_large({"message": body.get("message") or post.message,
                                     "props": post.props if body.get("props") is None else body["props"]})
        if too_large is not None:
            return too_large
        if body.get("message") is not None:
            post.message = body["message"]
        if body.get("props") is not None:
            post.props = body["props"]
        return JSONResponse(self._post_json(post))

    def api_post_reactions(self, body: dict, *args: str) -> Response:
        if body.get("user_id") != BOT_USER:
            return app_error(403, "api.context.permissions.app_error",
                             "You do not have the appropriate permissions.")
        post = self.posts.get(body.get("post_id", ""))
        if post is None:
            return app_error(404, "app.post.get.app_error", "Unable to get the post.")
        emoji = str(body.get("emoji_name") or "")
        # App.SaveReactionForPost (server/channels/app/reaction.go): a system emoji, else a custom one
        # (GetEmojiByName: 404 app.emoji.get_by_name.no_result); then Reaction.IsValid (model/reaction.go).
        if emoji not in SYSTEM_EMOJI and emoji not in self.custom_emoji:
            return app_error(404, "app.emoji.get_by_name.no_result", "Unable to find the emoji.")
        if not EMOJI_NAME.fullmatch(emoji) or len(emoji) > EMOJI_NAME_MAX_LENGTH:
            return app_error(400, "model.reaction.is_valid.emoji_name.app_error", "Invalid emoji name.")
        reaction = {"user_id": BOT_USER, "post_id": post.id, "emoji_name": body["emoji_name"],
                    "create_at": next(self._ms), "update_at": 0, "delete_at": 0, "remote_id": "",
                    "channel_id": post.channel_id}
        if not any((r["user_id"], r["post_id"], r["emoji_name"]) == (BOT_USER, post.id, body["emoji_name"])
                   for r in self.reactions):
            self.reactions.append(reaction)
        return JSONResponse(reaction, status_code=201)

    def api_get_posts_id_reactions(self, body: object, post_id: str) -> Response:
        if post_id not in self.posts:
            return app_error(404, "app.post.get.app_error", "Unable to get the post.")
        return JSONResponse([r for r in self.reactions if r["post_id"] == post_id])

    def api_delete_reactions(self, body: object, user_id: str, post_id: str, emoji: str) -> Response:
        self.reactions = [r for r in self.reactions if (r["user_id"], r["post_id"], r["emoji_name"])
                          != (user_id, post_id, emoji)]
        return JSONResponse({"status": "OK"})

    def api_post_channels_direct(self, body: list, *args: str) -> Response:
        if not isinstance(body, list) or len(body) != 2 or BOT_USER not in body:
            return app_error(400, "api.context.invalid_body_param.app_error", "Invalid user ids.")
        channel_id = new_id("dm", *sorted(body))
        self.channels.add(channel_id)
        return JSONResponse({"id": channel_id, "type": "D", "name": "__".join(sorted(body))}, status_code=201)

    def api_get_channels_id_posts(self, body: object, channel_id: str) -> Response:
        """A PostList of the channel (the reminder sender looks for its key in the props)."""
        posts = [post for post in self.posts.values() if post.channel_id == channel_id and not post.ephemeral_for]
        return JSONResponse({"order": [post.id for post in reversed(posts)],
                             "posts": {post.id: self._post_json(post) for post in posts}})

    def api_post_actions_dialogs_open(self, body: dict, *args: str) -> Response:
        """openDialog (server/channels/api4/integration_action.go) refuses a request without a URL, then
        App.OpenInteractiveDialog one whose trigger_id does not decode; a dialog that Dialog.IsValid finds
        invalid is only logged ("Interactive dialog is invalid") and opened all the same (TestOpenDialog,
        "Should pass with too long display name of elements")."""
        url = str(body.get("url") or "")
        if not url:
            return app_error(400, "api.context.invalid_param.app_error", "Invalid or missing url in request body.")
        if not body.get("trigger_id"):
            return app_error(400, "interactive_message.decode_trigger_id.missing_data",
                             "Trigger ID for interactive dialog is missing data.")
        if not (url.startswith(("http://", "https://", "/plugins/", "plugins/"))):
            return app_error(400, "api.context.invalid_param.app_error", "Invalid url parameter.")
        self.warnings += [f"Interactive dialog is invalid: {problem}"
                          for problem in dialog_problems(body.get("dialog") or {})]
        self.dialogs.append(body)
        return JSONResponse({"status": "OK"})

    def api_get_teams_name_name(self, body: object, name: str) -> Response:
        return JSONResponse({"id": TEAM, "name": name, "display_name": name})

    def api_get_commands(self, body: object, *args: str) -> Response:
        return JSONResponse(self.commands)

    def api_post_commands(self, body: dict, *args: str) -> Response:
        command = {**body, "id": new_id("cmd", next(self._ids)), "token": new_id("token", next(self._ids)),
                   "creator_id": BOT_USER, "delete_at": 0, "auto_complete": False}
        self.commands.append(command)
        return JSONResponse(command, status_code=201)

    def api_put_commands_id(self, body: dict, command_id: str) -> Response:
        for index, command in enumerate(self.commands):
            if command["id"] == command_id:
                self.commands[index] = {**command, **body, "token": command["token"]}
                return JSONResponse(self.commands[index])
        return app_error(404, "app.command.getcommand.app_error", "Unable to get the command.")
