"""Where each capability module declares what it answers: verbs, reactions, buttons, scheduled work.

Modules register plain functions with these decorators at import; `handlers/__init__.py` imports
every module, so the router sees them all. Adding a capability is adding a module.

Capabilities that react to each other do it through topics, never by importing each other:
`emit(topic, ctx, **payload)` runs every function registered with `@on(topic)` in the same
transaction and gathers their replies. Topics in use:
- "themes.retained": themes=[(proposal_id, title, description)] — the rencontre chose them.
- "group.created": group_id — a working group was created (its sessions are planned then).
- "event.changed": event_id, kind, starts_at (UTC), cancelled — an event was created, moved or cancelled.
- "registration.changed": event_id, member_id, registered — someone (un)registered for an event.
- "poll.requested": question, options, kind, closes_at — open a members' poll in the Club channel.
- "poll.changed": poll_id, closes_at (UTC or None), closed — a poll was opened, rescheduled or closed.
- "call.changed": call_id, closes_at (UTC), open — the call for contributions opened, got a new
  deadline, or was closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.i18n import N_
from storage.models import Role

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from handlers.context import Context
    from handlers.core import Anchor, ReactionEvent, Reply

VerbFunc = Callable[["Context", str], "list[Reply]"]
ReactionFunc = Callable[["Context", "ReactionEvent", int], "list[Reply]"]
ActionFunc = Callable[["Context", str], "list[Reply]"]
FormFunc = Callable[["Context", dict[str, str], str], "list[Reply]"]
TickFunc = Callable[["Session", "datetime"], "list[tuple[str | None, Reply]]"]
ProfileSection = Callable[["Context"], "list[str]"]
HookFunc = Callable[..., "list[Reply] | None"]
# (ctx, object_id, {anchor: {emoji: platform user ids}}) for the anchors the platform could be read for
RecountFunc = Callable[["Context", int, "dict[Anchor, dict[str, set[str]]]"], "list[Reply]"]


@dataclass(frozen=True)
class Verb:
    name: str
    aliases: tuple[str, ...]
    func: VerbFunc
    summary: str  # French msgid, one line
    usage: str  # French msgid: syntax and details
    examples: tuple[str, ...]
    role: Role
    section: str


VERBS: dict[str, Verb] = {}  # every name and alias -> its verb
ORDER: list[Verb] = []  # registration order, for help
REACTIONS: dict[str, ReactionFunc] = {}  # anchor kind -> handler
ACTIONS: dict[str, ActionFunc] = {}  # button action id -> handler
FORMS: dict[str, FormFunc] = {}  # form id -> handler of its submission (values, state)
TICKS: list[TickFunc] = []
PROFILE_SECTIONS: list[ProfileSection] = []
HOOKS: dict[str, list[HookFunc]] = {}
RECOUNTS: dict[str, RecountFunc] = {}  # Recount kind -> handler of the platform's reaction state


def verb(
    name: str,
    *aliases: str,
    summary: str,
    usage: str,
    examples: tuple[str, ...] = (),
    role: Role = Role.PARTICIPANT,
    section: str = N_("Général"),
) -> Callable[[VerbFunc], VerbFunc]:
    def register(func: VerbFunc) -> VerbFunc:
        entry = Verb(name, aliases, func, summary, usage, examples, role, section)
        for key in (name, *aliases):
            if key in VERBS:
                raise RuntimeError(f"verb {key!r} registered twice")
            VERBS[key] = entry
        ORDER.append(entry)
        return func

    return register


def on_reaction(kind: str) -> Callable[[ReactionFunc], ReactionFunc]:
    def register(func: ReactionFunc) -> ReactionFunc:
        REACTIONS[kind] = func
        return func

    return register


def on_action(action: str) -> Callable[[ActionFunc], ActionFunc]:
    def register(func: ActionFunc) -> ActionFunc:
        ACTIONS[action] = func
        return func

    return register


def on_form(form_id: str) -> Callable[[FormFunc], FormFunc]:
    def register(func: FormFunc) -> FormFunc:
        FORMS[form_id] = func
        return func

    return register


def on_recount(kind: str) -> Callable[[RecountFunc], RecountFunc]:
    def register(func: RecountFunc) -> RecountFunc:
        RECOUNTS[kind] = func
        return func

    return register


def on_tick(func: TickFunc) -> TickFunc:
    TICKS.append(func)
    return func


def profile_section(func: ProfileSection) -> ProfileSection:
    PROFILE_SECTIONS.append(func)
    return func


def on(topic: str) -> Callable[[HookFunc], HookFunc]:
    def register(func: HookFunc) -> HookFunc:
        HOOKS.setdefault(topic, []).append(func)
        return func

    return register


def emit(topic: str, ctx: Context, **payload: object) -> list[Reply]:
    """Runs the subscribers of `topic` inside the caller's transaction; their replies are returned."""
    replies: list[Reply] = []
    for func in HOOKS.get(topic, []):
        replies.extend(func(ctx, **payload) or [])
    return replies
