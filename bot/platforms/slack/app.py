"""Building the Bolt app: signing verified, Web API at SLACK_API_URL, listeners registered."""

from __future__ import annotations

import time
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App, BoltRequest

from bot.platforms.slack.client import SlackPlatform, make_client
from bot.platforms.slack.listeners import register_listeners
from bot.platforms.slack.runtime import SlackRuntime
from bot.platforms.slack.signing import REFUSED, Answer, SignedRequest, SignedRequests, is_event_delivery
from bot.settings import Settings
from handlers import Service


def build_slack_app(settings: Settings, service: Service, executor: Executor | None = None,
                    http_mode: bool = True) -> tuple[App, SlackRuntime]:
    """In HTTP mode listeners run in the request's own thread (`process_before_response`) and the
    ack carries the reply: no 10 ms ack polling, and short work answers at once. Slow Web API
    calls go to `executor`, after the ack."""
    client = make_client(settings.secret("slack_bot_token"), settings.slack_api_url)
    app = App(
        client=client,
        signing_secret=settings.secret("slack_signing_secret"),
        process_before_response=http_mode,
        # Not at start: an unreachable Slack must not stop the bot (SlackRuntime.connect asks in the background).
        token_verification_enabled=False,
        # Every request reaching Bolt was verified already, on its raw bytes (`signing.SignedRequests`, in
        # `/slack/events`): Bolt's own check would compute the same HMAC a second time.
        request_verification_enabled=False,
        listener_executor=ThreadPoolExecutor(settings.listener_threads, thread_name_prefix="slack-listener"),
    )
    slack = SlackRuntime(service=service, platform=SlackPlatform(client),
                         executor=executor or ThreadPoolExecutor(4, thread_name_prefix="slack-out"),
                         command=settings.slack_command, club_channel=settings.slack_club_channel)
    register_listeners(app, slack)
    return app, slack


def dispatch_verified(app: App, verifier: SignedRequests, request: SignedRequest, query: str,
                      headers: dict[str, str]) -> Answer:
    """Bolt's dispatch of a verified request, once: a replayed interaction (a click, a form) is refused
    before any listener runs. Events are left to their event id (see `signing`). Runs in a worker thread.
    Listeners find in their context when the request was `received` (a click's trigger lives 3 s)."""
    received = time.monotonic()
    if not is_event_delivery(request, headers) and not verifier.first_use(request):
        return REFUSED
    response = app.dispatch(BoltRequest(body=request.body, query=query, headers=headers,
                                        context={"received": received}))
    return response.status, response.body, {k: v[0] for k, v in response.headers.items() if v}
