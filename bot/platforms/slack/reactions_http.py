"""Reaction events over HTTP, handled without Bolt's dispatch (the same check, the same listener).

A vote comes as a `reaction_added` or `reaction_removed` event, in bursts when a poll is announced. None of
Bolt's dispatch of an event (its middleware chain, listener matching, kwargs injection) is needed for it
(BENCHMARKS.md says what this saves). The request was verified before (`signing`: the HMAC of the raw
body, the timestamp within 5 minutes); its signature is not claimed, since the vote's own transaction
claims the event id, which a retry or a replay carries too. The bot's own reactions are ignored, as Bolt's
`IgnoringSelfEvents` does; the vote is written before the answer (as with Bolt's `process_before_response`),
and a listener error answers 500 as Bolt does, so that Slack delivers the event again. Every other event
goes on to Bolt.
"""

from __future__ import annotations

import json
import logging

from bot.platforms.slack.listeners.events import reaction
from bot.platforms.slack.runtime import SlackRuntime
from bot.platforms.slack.signing import Answer

log = logging.getLogger(__name__)
KINDS = {"reaction_added": True, "reaction_removed": False}  # event type -> added


class ReactionEvents:
    def __init__(self, slack: SlackRuntime) -> None:
        self.slack = slack

    @staticmethod
    def read(body: str, headers: dict[str, str]) -> dict | None:
        """The event callback when the verified body is a reaction event; None for anything else (Bolt's)."""
        if '"reaction_' not in body or not headers.get("content-type", "").startswith("application/json"):
            return None
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            return None
        if not isinstance(payload, dict) or payload.get("type") != "event_callback":
            return None
        event = payload.get("event")
        return payload if isinstance(event, dict) and event.get("type") in KINDS else None

    def answer(self, payload: dict) -> Answer:
        event = payload["event"]
        user, emoji = event.get("user"), event.get("reaction")
        if not user or not isinstance(user, str) or not isinstance(emoji, str):
            return 200, "", {}
        self.slack.platform.learn(payload)
        if event["user"] == self.slack.platform.bot_user_id:
            return 200, "", {}  # the bot's own inviting reactions
        try:
            reaction(payload, event, self.slack, KINDS[event["type"]])
        except Exception:
            log.exception("reaction event %s failed", payload.get("event_id"))
            return 500, "", {}
        return 200, "", {}
