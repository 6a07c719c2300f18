"""What capabilities tell each other, one small frozen dataclass per event.

A capability emits with `ctx.emit(EventChanged(...))` and another listens with `@on(EventChanged)`
(`handlers.registry`): neither imports the other. Listeners run in the emitter's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ThemesRetained:
    """The rencontre chose these themes (proposal id, title, description): they become working groups."""

    themes: tuple[tuple[int, str, str], ...]


@dataclass(frozen=True)
class GroupCreated:
    """A working group was created: its sessions are planned then."""

    group_id: int


@dataclass(frozen=True)
class EventChanged:
    """A calendar event was created, moved or cancelled (`starts_at` in UTC)."""

    event_id: int
    kind: str
    starts_at: datetime
    cancelled: bool


@dataclass(frozen=True)
class RegistrationChanged:
    """Someone registered for an event, or unregistered."""

    event_id: int
    member_id: int
    registered: bool


@dataclass(frozen=True)
class PollRequested:
    """Another capability asks the Club to decide: a members' poll in the Club's channel."""

    question: str
    options: tuple[str, ...]
    kind: str = "single"
    closes_at: datetime | None = None


@dataclass(frozen=True)
class PollChanged:
    """A poll was opened, got a new closing time (UTC, or none), or was closed."""

    poll_id: int
    closes_at: datetime | None
    closed: bool


@dataclass(frozen=True)
class CallChanged:
    """The call for contributions opened, got a new deadline (UTC), or was closed."""

    call_id: int
    closes_at: datetime
    open: bool
