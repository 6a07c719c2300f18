"""`club-bot serve`: one HTTP server for Slack's Events API, Mattermost's callbacks, health, metrics."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import anyio
import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt import App
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.outbox_sender import OutboxWorker, start_outbox
from bot.runtime import build_service
from bot.settings import Settings
from handlers import Service

if TYPE_CHECKING:
    from bot.platforms.mattermost.runtime import MattermostRuntime
    from bot.platforms.slack.commands_http import SlashCommands
    from bot.platforms.slack.reactions_http import ReactionEvents

log = logging.getLogger(__name__)
# The public page runs its own script and style only, and is never framed by another site.
PUBLIC_HEADERS = {"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
                  "X-Content-Type-Options": "nosniff", "Cache-Control": "max-age=60"}


@dataclass
class WebRuntime:
    service: Service
    slack_app: App | None = None
    slack_commands: SlashCommands | None = None
    slack_reactions: ReactionEvents | None = None
    mattermost: MattermostRuntime | None = None
    platforms: list = field(default_factory=list)  # each configured platform's runtime
    outbox: OutboxWorker | None = None
    stopped: threading.Event = field(default_factory=threading.Event)  # ends the background connections

    def stop(self) -> None:
        """What runs beside the HTTP server ends with it: connection attempts, then the outbox sender."""
        self.stopped.set()
        if self.outbox is not None:
            self.outbox.stop()


def create_app(settings: Settings, service: Service | None = None,
               platforms: tuple[str, ...] = ("slack", "mattermost")) -> Starlette:
    """The HTTP app for every platform of `platforms` that is configured."""
    service = service or build_service(settings)
    runtime = WebRuntime(service=service)
    if settings.slack_signing_secret and "slack" in platforms:
        from bot.platforms.slack.app import build_slack_app
        from bot.platforms.slack.commands_http import SlashCommands
        from bot.platforms.slack.reactions_http import ReactionEvents

        runtime.slack_app, slack = build_slack_app(settings, service)
        runtime.slack_commands = SlashCommands(settings.secret("slack_signing_secret"), slack)
        runtime.slack_reactions = ReactionEvents(slack)  # verified with every request, in slack_events
        runtime.platforms.append(slack)
    if settings.mattermost_url and "mattermost" in platforms:
        from bot.platforms.mattermost.runtime import build_mattermost

        runtime.mattermost = build_mattermost(settings, service)
        runtime.platforms.append(runtime.mattermost)
    for platform in runtime.platforms:
        platform.connect(runtime.stopped)
    runtime.outbox = start_outbox(service, runtime.platforms, timedelta(seconds=settings.outbox_lease_seconds))

    # Few request threads: more only contend for the GIL and the database, and stretch the slow tail.
    workers = anyio.CapacityLimiter(settings.request_threads)

    async def slack_events(request: Request) -> Response:
        from bot.platforms.slack.app import dispatch_verified
        from bot.platforms.slack.signing import is_ssl_check

        commands = runtime.slack_commands
        if runtime.slack_app is None or commands is None:
            return JSONResponse({"error": "Slack n'est pas configuré (SLACK_SIGNING_SECRET)."}, status_code=404)
        received = time.monotonic()  # a trigger_id's 3 s start here, not once a worker thread is free
        raw = await request.body()
        headers = dict(request.headers)
        if is_ssl_check(raw, headers):  # unsigned by Slack, answered as Bolt does, with nothing done
            return Response("", status_code=200)
        # The signature is checked on the raw bytes before anything reads them.
        signed = commands.verifier.verify(raw, headers)
        if isinstance(signed, tuple):
            status, answer, answer_headers = signed
            return Response(answer, status_code=status, headers=answer_headers)
        body = signed.body
        if commands.accepts(body, headers):
            fields = commands.read(body)
            if isinstance(fields, tuple):
                status, answer, answer_headers = fields
            elif commands.quick(fields):  # short work: answered here, without a hop to a thread and back
                status, answer, answer_headers = commands.answer(fields, signed, on_loop=True, received=received)
            else:
                status, answer, answer_headers = await anyio.to_thread.run_sync(
                    commands.answer, fields, signed, False, received, limiter=workers)
            return Response(answer, status_code=status, headers=answer_headers)
        reactions = runtime.slack_reactions
        payload = reactions.read(body, headers) if reactions is not None else None
        if payload is not None:  # a vote: written in a worker thread before the answer
            status, answer, answer_headers = await anyio.to_thread.run_sync(reactions.answer, payload,
                                                                            limiter=workers)
            return Response(answer, status_code=status, headers=answer_headers)
        # Bolt and the handlers are synchronous: run them in a worker thread, never on the event loop.
        status, answer, answer_headers = await anyio.to_thread.run_sync(
            dispatch_verified, runtime.slack_app, commands.verifier, signed, request.url.query, headers,
            limiter=workers)
        return Response(answer, status_code=status, headers=answer_headers)

    async def mattermost_command(request: Request) -> Response:
        from bot.platforms.mattermost import commands

        mm = runtime.mattermost
        if mm is None:
            return JSONResponse({"text": "Mattermost n'est pas configuré (MATTERMOST_URL)."}, status_code=404)
        if not commands.authorized(mm, request.headers.get("authorization")):  # before the body is even read
            log.warning("Mattermost command refused: wrong token in the Authorization header")
            return JSONResponse(commands.REFUSED, status_code=401)
        # Mattermost sends the command form-encoded in the body (POST) or the query string (GET).
        body = (await request.body()).decode("utf-8", "replace") if request.method == "POST" else request.url.query
        fields = commands.read(mm, body)
        if isinstance(fields, tuple):
            status, answer = fields
        else:
            status, answer = await run_in_threadpool(commands.handle, mm, fields)
        return JSONResponse(answer, status_code=status)

    async def mattermost_callback(request: Request) -> Response:
        from bot.platforms.mattermost import actions

        mm = runtime.mattermost
        if mm is None:
            return JSONResponse({"error": {"message": "Mattermost n'est pas configuré."}}, status_code=404)
        try:
            payload = json.loads(await request.body() or b"{}")
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested beyond what Python parses
            payload = None
        dialog = request.url.path.endswith("/dialog")
        if not actions.well_formed(payload, dialog):  # what no Mattermost server sends: nothing runs
            log.info("Mattermost %s refused: malformed body", "dialog" if dialog else "action")
            return JSONResponse({"error": {"message": actions.MALFORMED}}, status_code=400)
        handler = actions.handle_dialog if dialog else actions.handle_action
        return JSONResponse(await run_in_threadpool(handler, mm, payload))

    async def healthz(_request: Request) -> Response:
        """503 only when the database is gone; a platform that is down is named, the others still work."""
        try:
            ok = await run_in_threadpool(runtime.service.db.ping)
        except Exception:
            log.exception("health check: database unreachable")
            ok = False
        platforms = {platform.platform.name: platform.health() for platform in runtime.platforms}
        status = "database unavailable" if not ok else (
            "ok" if all(state == "ok" for state in platforms.values()) else "degraded")
        return JSONResponse({"status": status, "platforms": platforms}, status_code=200 if ok else 503)

    async def metrics(_request: Request) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    def _feed(group_id: int | None) -> bytes:
        from handlers.calendar.ics import club_feed, group_feed

        service = runtime.service
        with service.db.transaction() as session:
            programme = service.settings.programme
            if group_id is None:
                return club_feed(session, service.club_id, programme)
            return group_feed(session, service.club_id, group_id, programme)

    async def calendar_ics(request: Request) -> Response:
        group = request.path_params.get("group_id")
        body = await run_in_threadpool(_feed, group)
        name = "club.ics" if group is None else f"groupe-{group}.ics"
        return Response(body, media_type="text/calendar; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "max-age=300"})

    def _public_page(params: dict[str, str], ics_url: str) -> str:
        from bot.public import render, visit_of

        service = runtime.service
        programme = service.settings.programme
        with service.db.transaction() as session:
            return render(session, service.club_id, programme, service.clock(), visit_of(params, programme),
                          ics_url)

    async def public_page(request: Request) -> Response:
        base = settings.public_url.rstrip("/") if settings.public_url else str(request.base_url).rstrip("/")
        page = await run_in_threadpool(_public_page, dict(request.query_params), f"{base}/calendar.ics")
        return HTMLResponse(page, headers=PUBLIC_HEADERS)

    app = Starlette(routes=[
        Route("/", public_page, methods=["GET"]),
        Mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"),
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/mattermost/command", mattermost_command, methods=["POST", "GET"]),
        Route("/mattermost/action", mattermost_callback, methods=["POST"]),
        Route("/mattermost/dialog", mattermost_callback, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/calendar.ics", calendar_ics, methods=["GET"]),
        Route("/calendar/groupe-{group_id:int}.ics", calendar_ics, methods=["GET"]),
    ])
    app.state.runtime = runtime
    return app


def tcp_socket() -> socket.socket:
    """A listening socket created with IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted connections only
    when the protocol says TCP, and without it each keep-alive answer waits ~40 ms for a delayed ACK."""
    return socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)


class BackgroundServer:
    """uvicorn in a thread on an already-bound socket (port 0 in tests and benchmarks)."""

    def __init__(self, app: Starlette, host: str = "127.0.0.1", port: int = 0) -> None:
        self.socket = tcp_socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((host, port))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the HTTP server did not start")
            threading.Event().wait(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
        runtime = getattr(getattr(self.server.config.app, "state", None), "runtime", None)
        if runtime is not None:
            runtime.stop()


def serve(settings: Settings, host: str | None = None, port: int | None = None,
          platforms: tuple[str, ...] = ("slack", "mattermost")) -> None:
    """Every configured platform at once; Mattermost adds its websocket listener (reactions).
    Port 0 picks a free port; the address is printed once listening."""
    from bot.scheduler import start_scheduler

    app = create_app(settings, platforms=platforms)
    runtime: WebRuntime = app.state.runtime
    listener = None
    if runtime.mattermost is not None:
        from bot.platforms.mattermost.run import start_mattermost

        listener = start_mattermost(settings, runtime.mattermost)
    scheduler = start_scheduler(runtime.service, runtime.outbox)
    sock = tcp_socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host or settings.host, port if port is not None else settings.port))
    sock.listen(2048)  # before the address is printed: a client reading it may connect at once
    bound_host, bound_port = sock.getsockname()[:2]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    print(f"club-bot écoute sur http://{bound_host}:{bound_port}", flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        scheduler.shutdown(wait=False)
        sock.close()
        if listener is not None:
            listener.stop()
        runtime.stop()
