"""Where each capability declares what it answers: verbs and their subcommands, reactions, buttons, forms,
scheduled work, profile sections and the events it listens to.

The decorators only declare; nothing is live until `Registry.build(capabilities)` imports those packages
and gathers what their modules declared. `Service` runs on one registry (by default every capability of
`handlers.CAPABILITIES`), so a test can build a Club with one capability, or add a verb of its own,
without touching anybody else's.

Capabilities that react to each other do it through typed events (`handlers.events`), never by importing
each other: `ctx.emit(SomethingHappened(...))` runs every function declared with `@on(SomethingHappened)`
in the same transaction, in the order of the capabilities given to `build`, and gathers their replies.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from handlers.core import UserError
from handlers.i18n import N_
from handlers.text import fold, user_text
from storage.models import Role

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from handlers.context import ClubSettings, Context
    from handlers.core import Anchor, ReactionEvent, Reply

VerbFunc = Callable[["Context", str], "list[Reply]"]
ReactionFunc = Callable[["Context", "ReactionEvent", int], "list[Reply]"]
ActionFunc = Callable[["Context", str], "list[Reply]"]
FormFunc = Callable[["Context", dict[str, str], str], "list[Reply]"]
TickFunc = Callable[["Session", "datetime", "ClubSettings"], "list[tuple[str | None, Reply]]"]
ProfileSection = Callable[["Context"], "list[str]"]
ListenerFunc = Callable[["Context", Any], "list[Reply] | None"]
# (ctx, object_id, {anchor: {emoji: platform user ids}}) for the anchors the platform could be read for
RecountFunc = Callable[["Context", int, "dict[Anchor, dict[str, set[str]]]"], "list[Reply]"]


@dataclass(frozen=True)
class Verb:
    """A verb (`/club rex`) or one of its subcommands (`/club rex inscrire`, where `parent` is "rex")."""

    name: str
    aliases: tuple[str, ...]
    func: VerbFunc
    summary: str  # French msgid, one line
    usage: str  # French msgid: syntax and details
    examples: tuple[str, ...]
    role: Role
    section: str
    parent: str | None = None
    subverbs: dict[str, Verb] = field(default_factory=dict, compare=False)  # name and aliases -> subcommand
    sub_order: list[Verb] = field(default_factory=list, compare=False)

    @property
    def full_name(self) -> str:
        return f"{self.parent} {self.name}" if self.parent else self.name

    def subverb(self, word: str) -> Verb | None:
        return self.subverbs.get(fold(word)) if word else None


@dataclass(frozen=True)
class _Declared:
    kind: str
    key: Any
    value: Any


_DECLARED: dict[str, list[_Declared]] = {}  # module name -> what it declared, in source order


def _declare(func: Callable[..., Any], kind: str, key: Any, value: Any) -> None:
    _DECLARED.setdefault(func.__module__, []).append(_Declared(kind, key, value))


def verb(name: str, *aliases: str, summary: str, usage: str, examples: tuple[str, ...] = (),
         role: Role = Role.PARTICIPANT, section: str = N_("Général")) -> Callable[[VerbFunc], VerbFunc]:
    def declare(func: VerbFunc) -> VerbFunc:
        _declare(func, "verb", name, Verb(name, aliases, func, summary, usage, examples, role, section))
        return func

    return declare


def subverb(parent: str, name: str, *aliases: str, summary: str, usage: str, examples: tuple[str, ...] = (),
            role: Role = Role.PARTICIPANT) -> Callable[[VerbFunc], VerbFunc]:
    """`/club <parent> <name> …`: the Service checks `role` (and the parent's) before calling `func` with
    the words after the subcommand's name; help and the English aliases come from here."""

    def declare(func: VerbFunc) -> VerbFunc:
        _declare(func, "subverb", (parent, name), Verb(name, aliases, func, summary, usage, examples, role, "",
                                                      parent=parent))
        return func

    return declare


def on_reaction(kind: str) -> Callable[[ReactionFunc], ReactionFunc]:
    def declare(func: ReactionFunc) -> ReactionFunc:
        _declare(func, "reaction", kind, func)
        return func

    return declare


def on_action(action: str) -> Callable[[ActionFunc], ActionFunc]:
    def declare(func: ActionFunc) -> ActionFunc:
        _declare(func, "action", action, func)
        return func

    return declare


def on_form(form_id: str) -> Callable[[FormFunc], FormFunc]:
    def declare(func: FormFunc) -> FormFunc:
        _declare(func, "form", form_id, func)
        return func

    return declare


def on_recount(kind: str) -> Callable[[RecountFunc], RecountFunc]:
    def declare(func: RecountFunc) -> RecountFunc:
        _declare(func, "recount", kind, func)
        return func

    return declare


def on_tick(func: TickFunc) -> TickFunc:
    _declare(func, "tick", None, func)
    return func


def profile_section(func: ProfileSection) -> ProfileSection:
    _declare(func, "profile", None, func)
    return func


def on(event: type) -> Callable[[ListenerFunc], ListenerFunc]:
    """Listen to a typed event (`handlers.events`): `func(ctx, event)` runs in the emitter's transaction."""

    def declare(func: ListenerFunc) -> ListenerFunc:
        _declare(func, "listener", event, func)
        return func

    return declare


@functools.cache
def _modules(package: str) -> tuple[str, ...]:
    """The package and every module below it, imported (importing is what declares); walked once per
    process, as every Service builds its own registry."""
    root = importlib.import_module(package)
    names = [package]
    if hasattr(root, "__path__"):
        for info in pkgutil.walk_packages(root.__path__, prefix=package + "."):
            importlib.import_module(info.name)
            names.append(info.name)
    return tuple(names)


class Registry:
    """What one Service answers: built from capability packages, or filled by hand in a test."""

    def __init__(self) -> None:
        self.verbs: dict[str, Verb] = {}  # every name and alias -> its verb
        self.order: list[Verb] = []  # the capabilities' order, for help
        self.reactions: dict[str, ReactionFunc] = {}  # anchor kind -> handler
        self.actions: dict[str, ActionFunc] = {}  # button action id -> handler
        self.forms: dict[str, FormFunc] = {}  # form id -> handler of its submission (values, state)
        self.ticks: list[TickFunc] = []
        self.profile_sections: list[ProfileSection] = []
        self.listeners: dict[type, list[ListenerFunc]] = {}
        self.recounts: dict[str, RecountFunc] = {}  # Recount kind -> handler of the platform's reaction state

    @classmethod
    def build(cls, capabilities: Iterable[str]) -> Registry:
        """Imports each capability package (`"handlers.polls"`…) and gathers what its modules declared."""
        registry = cls()
        declared = [d for package in capabilities for module in _modules(package) for d in _DECLARED.get(module, ())]
        # Verbs first: a module may declare a subcommand above the verb it belongs to.
        for item in sorted(declared, key=lambda d: d.kind != "verb"):
            registry.add(item.kind, item.key, item.value)
        return registry

    def add(self, kind: str, key: Any, value: Any) -> None:
        if kind == "verb":
            self.add_verb(value)
        elif kind == "subverb":
            self.add_subverb(value)
        elif kind == "listener":
            self.listen(key, value)
        elif kind in ("tick", "profile"):
            (self.ticks if kind == "tick" else self.profile_sections).append(value)
        else:
            table = {"reaction": self.reactions, "action": self.actions, "form": self.forms,
                     "recount": self.recounts}[kind]
            if key in table:
                raise RuntimeError(f"{kind} {key!r} declared twice")
            table[key] = value

    def add_verb(self, entry: Verb) -> Verb:
        """Adds `entry` (without subcommands: they are added to this registry's own copy of it)."""
        entry = replace(entry, subverbs={}, sub_order=[])
        for key in (entry.name, *entry.aliases):
            if key in self.verbs:
                raise RuntimeError(f"verb {key!r} registered twice")
            self.verbs[key] = entry
        self.order.append(entry)
        return entry

    def add_subverb(self, entry: Verb) -> Verb:
        parent = self.verbs.get(entry.parent or "")
        if parent is None:
            raise RuntimeError(f"subcommand {entry.name!r} of an unknown verb {entry.parent!r}")
        for key in (entry.name, *entry.aliases):
            if fold(key) in parent.subverbs:
                raise RuntimeError(f"subcommand {entry.parent} {key!r} registered twice")
            parent.subverbs[fold(key)] = entry
        parent.sub_order.append(entry)
        return entry

    def listen(self, event: type, func: ListenerFunc) -> None:
        self.listeners.setdefault(event, []).append(func)

    def all_verbs(self) -> list[Verb]:
        """Every verb and every subcommand, once each, in help's order."""
        return [entry for verb in self.order for entry in (verb, *verb.sub_order)]

    def emit(self, ctx: Context, event: object) -> list[Reply]:
        """Runs the listeners of `event`'s type inside the caller's transaction; their replies are returned."""
        replies: list[Reply] = []
        for listener in self.listeners.get(type(event), ()):
            replies.extend(listener(ctx, event) or [])
        return replies


# Edit distance, not partial matching: a workshop's key "A" is no mistyped "annuler".
CLOSE = 70


def close_subverb(parent: Verb, word: str) -> str | None:
    """The subcommand of `parent` that `word` is most likely a misspelling of, if any."""
    match = process.extractOne(fold(word), list(parent.subverbs), scorer=fuzz.ratio, score_cutoff=CLOSE)
    return match[0] if match else None


def unknown_subverb(parent: Verb, word: str) -> UserError:
    """The answer to `/club <verb> <word>` when `word` is none of the verb's subcommands."""
    close = close_subverb(parent, word)
    if close:
        return UserError("Sous-commande inconnue : « {mot} ». Vouliez-vous dire `/club {verbe} {proche}` ? "
                         "Tapez `/club aide {verbe}`.", mot=user_text(word[:40]), verbe=parent.name,
                         proche=close)
    return UserError("Sous-commande inconnue : « {mot} ». Tapez `/club aide {verbe}`.", mot=user_text(word[:40]),
                     verbe=parent.name)


def mistyped_subverb(parent: Verb, word: str) -> UserError | None:
    """For verbs taking an action or an object (`cohorte rejoidre 3`, `cohorte Ouessant`): the
    unknown-subcommand answer when `word` is spelt almost like a subcommand, None when it may be a name."""
    return unknown_subverb(parent, word) if close_subverb(parent, word) else None
