"""The neutral language between chat platforms and the Club's capabilities.

Adapters in `bot/` translate a Slack payload, a Mattermost post or a console line into one of
these events; handlers answer with `Reply` objects that adapters render for their platform.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from handlers.text import clean_input


class Visibility(enum.StrEnum):
    EPHEMERAL = "ephemeral"  # only the person who typed the command sees it
    CHANNEL = "channel"  # everyone in the channel where the command was typed
    CLUB = "club"  # the Club's channel (configured per platform)
    DM = "dm"  # a direct message to `Reply.user`


@dataclass(frozen=True)
class Anchor:
    """The Club object a posted message stands for, so reactions and clicks find their way back."""

    kind: str
    object_id: int


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    value: str = ""
    style: str | None = None  # "primary" | "danger"


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    multiline: bool = False
    optional: bool = False
    max_length: int = 3000
    initial: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (value, label): a select or checkboxes


@dataclass(frozen=True)
class Form:
    """A form to fill in (a Slack modal, a Mattermost dialog). On submit, the handler registered with
    `registry.on_form(form_id)` receives the values; `state` travels with it (e.g. a group number)."""

    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit: str = "Valider"
    state: str = ""


@dataclass(frozen=True)
class Recount:
    """Ask the bot to read the reactions the platform now shows on the messages posted for `anchors`,
    then hand them to the `registry.on_recount(kind)` handler for `object_id`, acting as `user_id`."""

    kind: str
    object_id: int
    user_id: str
    channel_id: str
    anchors: tuple[Anchor, ...] = ()


@dataclass(frozen=True)
class Attachment:
    """A file that goes with a message (a personal data export…). Text only, so a reply waiting in the
    outbox stays plain JSON; each platform posts it in the message's channel (`Platform.upload`)."""

    filename: str
    content: str
    mime: str = "text/plain"


@dataclass
class Reply:
    """One message to show. `text` is already in the reader's language, in light Markdown
    (**bold**, _italic_, `code`, lists); user-supplied parts went through `text.user_text`."""

    text: str
    visibility: Visibility = Visibility.EPHEMERAL
    user: str | None = None  # platform user id, for DM
    channel: str | None = None  # explicit channel, overrides the visibility's default
    buttons: list[Button] = field(default_factory=list)
    reactions: list[str] = field(default_factory=list)  # emoji the bot adds to invite votes
    anchor: Anchor | None = None
    update: bool = False  # replace the message(s) already posted for `anchor` instead of posting
    form: Form | None = None  # open a form (where the platform can); `text` is the fallback
    recount: Recount | None = None  # not shown: the bot recounts reactions and delivers what follows
    attachments: list[Attachment] = field(default_factory=list)  # files posted after the message


@dataclass(frozen=True)
class Profile:
    """What a platform knows of a person; fetched once, when they first meet the bot."""

    display_name: str | None = None
    tz: str | None = None
    locale: str | None = None
    # A guest account of the platform (Slack's restricted and single-channel guests, Mattermost's
    # system_guest): a participant in the Club, never a member, whatever the default role says.
    guest: bool = False

    def __post_init__(self) -> None:
        if self.display_name is not None:
            object.__setattr__(self, "display_name", clean_input(self.display_name))


ProfileLoader = Callable[[], Profile]


@dataclass(frozen=True)
class Command:
    """`/club <text>` typed by someone. Mentions in `text` are normalised to `<@platform_user_id>`."""

    platform: str
    user_id: str
    user_name: str
    channel_id: str
    text: str
    received_at: datetime
    locale: str | None = None
    profile: ProfileLoader | None = None
    mentions: dict[str, str] = field(default_factory=dict)  # platform user id -> display name

    def __post_init__(self) -> None:
        _clean(self, "text", "user_name")
        object.__setattr__(self, "mentions", {user: clean_input(name) for user, name in self.mentions.items()})


@dataclass(frozen=True)
class ReactionEvent:
    platform: str
    event_id: str
    user_id: str
    channel_id: str
    message_id: str
    emoji: str
    added: bool
    received_at: datetime


@dataclass(frozen=True)
class ActionEvent:
    """A button pressed on one of the bot's messages."""

    platform: str
    user_id: str
    user_name: str
    channel_id: str
    message_id: str
    action: str
    value: str
    received_at: datetime
    profile: ProfileLoader | None = None

    def __post_init__(self) -> None:
        _clean(self, "value", "user_name")


@dataclass(frozen=True)
class FormSubmission:
    platform: str
    user_id: str
    user_name: str
    channel_id: str
    form_id: str
    values: dict[str, str]
    state: str
    received_at: datetime
    profile: ProfileLoader | None = None

    def __post_init__(self) -> None:
        _clean(self, "user_name")
        object.__setattr__(self, "values", {name: clean_input(value) for name, value in self.values.items()})


def _clean(event: object, *names: str) -> None:
    """What a member sent, cleaned once where it enters (`text.clean_input`); the events are frozen."""
    for name in names:
        object.__setattr__(event, name, clean_input(getattr(event, name)))


class UserError(Exception):
    """An expected problem: its message (a French msgid, translated at display) is shown to the user."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params
