"""Slash commands over HTTP, answered without Bolt's dispatch (the same listeners, the same checks).

A slash command needs none of what Bolt's dispatch does for the other requests (authorisation, event
filters, kwargs injection, listener matching), and must be answered within Slack's 3 seconds even when
the whole Club clicks at once (BENCHMARKS.md says what this saves). The request was verified before
(`signing`: the HMAC of the raw body, the timestamp within 5 minutes); its signature is claimed here, so a
replayed command runs once. Everything that is not a slash command goes on to Bolt.

Short commands are answered on the event loop itself, without the hop to a worker thread and back (nor
the threads' contention for the GIL under load). A command is short when the person is already known (no
profile to fetch from Slack) and its verb has lately been: its cost is learnt in a worker thread (CPU
time) and checked again on the loop (wall time); a verb that turns slow, or that opens a form (a Web API
call), goes back to the worker threads.
"""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import parse_qsl

from slack_bolt import Ack

from bot.platforms.slack.listeners.commands import club_command, other_command
from bot.platforms.slack.runtime import SlackRuntime
from bot.platforms.slack.signing import (
    FORM,
    JSON,
    REFUSED,
    Answer,
    SignedRequest,
    SignedRequests,
    content_type,
)
from handlers.service import split_verb

log = logging.getLogger(__name__)
QUICK_SECONDS = 0.003  # what a request may hold the event loop for
FORGET = 0.9  # a slow run is forgotten after a few dozen quick ones
FORM_COST = 1.0  # a form opened by a Web API call: the verb stays off the loop for a while


class SlashCommands:
    def __init__(self, signing_secret: str, slack: SlackRuntime) -> None:
        self.verifier = SignedRequests(signing_secret, slack.service.db)  # every Slack request's check
        self.slack = slack
        self._costs: dict[str, float] = {}  # verb -> its recent cost in seconds (slow runs fade slowly)

    @staticmethod
    def accepts(body: str, headers: dict[str, str]) -> bool:
        """A slash command's body: form-encoded fields with `command`, no `payload`, not an ssl_check."""
        return (content_type(headers) == FORM and not body.startswith("{")
                and "command=" in body and "payload=" not in body and "ssl_check=" not in body)

    @staticmethod
    def read(body: str) -> dict[str, str] | Answer:
        """The fields of a verified command; or the answer to a command without them."""
        fields = dict(parse_qsl(body, keep_blank_values=True))
        if not fields.get("command") or not fields.get("user_id"):
            return 404, json.dumps({"error": "unhandled request"}), JSON
        return fields

    def _kind(self, fields: dict[str, str]) -> str:
        if fields["command"] != self.slack.command:
            return ""
        verb = self.slack.service.registry.verbs.get(split_verb(fields.get("text", ""))[0] or "aide")
        return verb.name if verb is not None else "?"

    def quick(self, fields: dict[str, str]) -> bool:
        """Whether this command may be answered on the event loop."""
        cost = self._costs.get(self._kind(fields))
        return cost is not None and cost < QUICK_SECONDS and self.slack.service.knows("slack", fields["user_id"])

    def answer(self, fields: dict[str, str], request: SignedRequest, on_loop: bool = False,
               received: float | None = None) -> Answer:
        """(status, body, headers) of the answer, as Bolt would give them; the verb's cost is noted.
        A replayed request (its signature already used) is refused before the command runs. `received`
        (a `time.monotonic()`, by default now): when it arrived; a form's trigger lives 3 s from then."""
        received = time.monotonic() if received is None else received
        ack = Ack()
        clock = time.perf_counter if on_loop else time.thread_time
        start = clock()  # the claim is measured too: it holds the loop as long as the command does
        try:
            if not self.verifier.first_use(request):
                return REFUSED
            if fields["command"] == self.slack.command:
                opened_form = club_command(ack, fields, self.slack, received)
            else:
                opened_form = other_command(ack, self.slack)
        except Exception:
            log.exception("slash command %s failed", fields["command"])
            return 500, "", {}
        kind = self._kind(fields)
        cost = FORM_COST if opened_form else clock() - start
        self._costs[kind] = max(cost, self._costs.get(kind, cost) * FORGET)
        response = ack.response
        if response is None:  # every listener acks; kept as Bolt answers a listener that did not
            return 404, json.dumps({"error": "unhandled request"}), JSON
        return response.status, response.body, {k: v[0] for k, v in response.headers.items() if v}
