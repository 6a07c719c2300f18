"""The small contract every chat platform fulfils: post, update, react, whisper, message privately."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from handlers.core import Attachment, Reply

# The name under which a posted message carries its outbox key (Slack metadata, Mattermost props), so an
# unsure attempt can be looked up before a second one.
KEY_FIELD = "club_message"


class Platform(Protocol):
    name: str

    def post(self, channel: str, reply: Reply, key: str | None = None) -> str:
        """Post in a channel, carrying `key`; returns the platform's message id."""

    def update(self, channel: str, message_id: str, reply: Reply) -> None: ...

    def add_reaction(self, channel: str, message_id: str, emoji: str) -> None: ...

    def ephemeral(self, channel: str, user: str, reply: Reply) -> None:
        """A message only `user` sees, in `channel`."""

    def direct(self, user: str, reply: Reply, key: str | None = None) -> tuple[str, str]:
        """A direct message to `user`, carrying `key`; returns the (direct channel, message id)."""

    def reactions(self, channel: str, message_id: str) -> dict[str, set[str]]:
        """The reactions on a message as the platform has them now: emoji -> user ids."""

    def upload(self, channel: str, attachment: Attachment) -> None:
        """Posts the file in `channel` (a direct channel from `direct`, or any channel the bot is in)."""


def keep_trying(check: Callable[[], bool], name: str, stopped: threading.Event, backoff: float = 1.0,
                ceiling: float = 60.0) -> threading.Thread:
    """Runs `check` in the background until it answers True, waiting longer each time (up to `ceiling`):
    a platform unreachable at start never stops the bot, it is reached when it comes back. Setting
    `stopped` ends the attempts: a bot that stops does not keep calling a platform it no longer serves."""
    def attempt() -> None:
        wait = backoff
        while not stopped.is_set() and not check():
            stopped.wait(wait)
            wait = min(wait * 2, ceiling)

    thread = threading.Thread(target=attempt, name=name, daemon=True)
    thread.start()
    return thread


def health(reachable: bool | None) -> str:
    """What /healthz says of a platform: reached, not reached, or not asked yet."""
    return "ok" if reachable else ("injoignable" if reachable is False else "connexion en cours")
