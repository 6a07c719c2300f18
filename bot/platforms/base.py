"""The small contract every chat platform fulfils: post, update, react, whisper, message privately."""

from __future__ import annotations

from typing import Protocol

from handlers.core import Reply


class Platform(Protocol):
    name: str

    def post(self, channel: str, reply: Reply) -> str:
        """Post in a channel; returns the platform's message id."""

    def update(self, channel: str, message_id: str, reply: Reply) -> None: ...

    def add_reaction(self, channel: str, message_id: str, emoji: str) -> None: ...

    def ephemeral(self, channel: str, user: str, reply: Reply) -> None:
        """A message only `user` sees, in `channel`."""

    def direct(self, user: str, reply: Reply) -> tuple[str, str]:
        """A direct message to `user`; returns the (direct channel, message id)."""

    def reactions(self, channel: str, message_id: str) -> dict[str, set[str]]:
        """The reactions on a message as the platform has them now: emoji -> user ids."""
