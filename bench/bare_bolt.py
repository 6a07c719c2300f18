"""The baseline: a bare slack-bolt App in its default configuration answering /hello, served on the
same stack as club-bot (Starlette + uvicorn, Bolt dispatch in a worker thread)."""

from __future__ import annotations

import os
import socket

import uvicorn
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

# Default configuration; only the Web API address differs (the same local fake Slack API as club-bot's),
# so Bolt's authorisation check (auth.test on the first request) is answered instead of leaving the machine.
app = App(signing_secret=os.environ["SLACK_SIGNING_SECRET"],
          client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
          token_verification_enabled=False)


@app.command("/hello")
def hello(ack) -> None:
    ack("hello")


async def events(request: Request) -> Response:
    body = (await request.body()).decode()
    resp = await run_in_threadpool(app.dispatch, BoltRequest(body=body, headers=dict(request.headers)))
    return Response(resp.body, status_code=resp.status, headers={k: v[0] for k, v in resp.headers.items()})


async def healthz(_request: Request) -> Response:
    return PlainTextResponse("ok")


web = Starlette(routes=[Route("/slack/events", events, methods=["POST"]), Route("/healthz", healthz)])

if __name__ == "__main__":
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # as club-bot's (TCP_NODELAY)
    sock.bind(("127.0.0.1", 0))
    print(f"bare bolt http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(web, log_level="warning", lifespan="off")).run(sockets=[sock])
