"""A local server answering like Mattermost's REST API v4 and its websocket, on one port (port 0).

It records every call, keeps the posts the bot made and everyone's reactions (so `GET
/posts/{id}/reactions` answers what a real server would), pushes websocket events in the shapes
of the corpus (the reaction double-encoded as a JSON string), and can inject AppError answers,
429 rate limits with Retry-After, and dropped websocket connections.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser

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


def new_id(*parts: object) -> str:
    """26 lower-case characters, like Mattermost's ids."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:26]


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
        self.channels: set[str] = set()  # where the bot is a member (and may upload): its direct channels and these
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
            if self.rate_limits.get(route):
                retry_after = self.rate_limits[route].pop(0)
                return PlainTextResponse("limit exceeded", status_code=429, headers={
                    "Retry-After": str(retry_after), "X-Ratelimit-Limit": "101", "X-Ratelimit-Remaining": "0",
                    "X-Ratelimit-Reset": str(retry_after)})
            if self.errors.get(route):
                status, error_id = self.errors[route].pop(0)
                return app_error(status, error_id, "Injected error")
            handler = getattr(self, "api_" + re.sub(r"\W+", "_", route).strip("_").lower())
            return handler(body, *args)

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
        if len(json.dumps(file_ids)) > 300:  # Post.FileIds: 300 characters of JSON, about ten ids
            return app_error(400, "model.post.is_valid.file_ids.app_error", "Invalid file ids.")
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
        if post is None or not re.fullmatch(r"[a-zA-Z0-9\-+_]+", body.get("emoji_name", "")):
            return app_error(400, "api.context.invalid_body_param.app_error", "Invalid reaction.")
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
        dialog = body.get("dialog") or {}
        if not body.get("trigger_id") or not body.get("url") or not dialog.get("elements"):
            return app_error(400, "interactive_message.decode_trigger_id.missing_data", "Invalid dialog.")
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
