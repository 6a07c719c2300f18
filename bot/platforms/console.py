"""The console: a chat on the terminal over the same handlers and database.

Lines starting with `/club` are commands; every bot message is printed with a reference such as
`[m12]` that the meta-commands (`:react`, `:click`…) use. Works with piped standard input.
"""

from __future__ import annotations

import re
import shlex
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.delivery import Deliverer
from bot.outbox_sender import OutboxSender, Sender
from handlers import ActionEvent, Attachment, Command, Profile, ReactionEvent, Reply, Service
from handlers.outbox import Replies
from handlers.text import ZWSP, fold

CHANNEL = "club"
_MENTION = re.compile(r"(?<![\w<])@([\w.\-]+)")
_TOKEN = re.compile(r"<@([^>|]+)(?:\|[^>]*)?>")
_UNSAFE_PATH = re.compile(r"[^\w.\-]+")
FILES = Path(tempfile.gettempdir()) / "club-bot-fichiers"  # where the console puts the files it is sent

META_HELP = """Méta-commandes : :as <nom> · :react <mN> <emoji> · :unreact <mN> <emoji> · :click <mN> <bouton>
· :now <date> · :tick · :quit"""


@dataclass
class ConsoleMessage:
    ref: str
    channel: str
    text: str
    buttons: list = field(default_factory=list)
    reactions: dict[str, set[str]] = field(default_factory=dict)


class SimulatedClock:
    """Real time until `:now` sets it; then it stays where it was set, so scripts are repeatable."""

    def __init__(self) -> None:
        self.fixed: datetime | None = None

    def __call__(self) -> datetime:
        return self.fixed or datetime.now(UTC)


class ConsolePlatform:
    name = "console"
    bot_user_id = "club-bot"  # the name under which the bot's own reactions appear

    def __init__(self, write: Callable[[str], None], files: Path = FILES) -> None:
        self.write = write
        self.files = files
        self.messages: dict[str, ConsoleMessage] = {}
        self._count = 0

    def _new(self, channel: str, reply: Reply) -> ConsoleMessage:
        self._count += 1
        message = ConsoleMessage(f"m{self._count}", channel, reply.text, list(reply.buttons))
        self.messages[message.ref] = message
        return message

    def _show(self, header: str, message: ConsoleMessage) -> None:
        text = render_text(message.text)
        lines = text.split("\n")
        self.write(f"[{message.ref}] {header}{lines[0]}")
        for line in lines[1:]:
            self.write(f"      {line}")
        if message.buttons:
            self.write("      " + " ".join(f"[{button.label}]" for button in message.buttons))

    def post(self, channel: str, reply: Reply, key: str | None = None) -> str:
        message = self._new(channel, reply)
        self._show(f"#{channel} | ", message)
        return message.ref

    def update(self, channel: str, message_id: str, reply: Reply) -> None:
        message = self.messages.get(message_id)
        if message is None:
            return
        message.text, message.buttons = reply.text, list(reply.buttons)
        self.write(f"[{message_id} modifié]")
        self._show(f"#{channel} | ", message)

    def add_reaction(self, channel: str, message_id: str, emoji: str) -> None:
        message = self.messages.get(message_id)
        if message is not None:
            message.reactions.setdefault(emoji, set()).add("club-bot")
            self.write(f"      (club-bot réagit :{emoji}: sur {message_id})")

    def ephemeral(self, channel: str, user: str, reply: Reply) -> None:
        message = self._new(channel, reply)
        self._show(f"(pour {user}) ", message)

    def direct(self, user: str, reply: Reply, key: str | None = None) -> tuple[str, str]:
        message = self._new(f"@{user}", reply)
        self._show(f"✉ {user} : ", message)
        return message.channel, message.ref

    def reactions(self, channel: str, message_id: str) -> dict[str, set[str]]:
        message = self.messages.get(message_id)
        return {emoji: set(users) for emoji, users in (message.reactions if message else {}).items()}

    def upload(self, channel: str, attachment: Attachment) -> None:
        """A terminal shows no file: it is written under `files`, one folder per channel, and its path
        printed (a remark of the console, not a message)."""
        folder = self.files / (_UNSAFE_PATH.sub("_", channel.lstrip("@#")) or "_")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (_UNSAFE_PATH.sub("_", Path(attachment.filename).name) or "fichier")
        path.write_text(attachment.content, encoding="utf-8")
        self.write(f"(fichier pour {channel} : {path})")


def render_text(text: str) -> str:
    """Light Markdown for a terminal: bold markers dropped, mention tokens shown as @name."""
    text = text.replace("**", "").replace(ZWSP, "")
    return _TOKEN.sub(lambda m: "@" + m.group(1), text)


class Console:
    """One console session. `run_line` is also how tests talk to the bot, line by line."""

    def __init__(self, service: Service, user: str = "vous", out: TextIO | None = None,
                 clock: SimulatedClock | None = None) -> None:
        self.service = service
        self.user = user
        # `:now` must move the service's clock too: share it when the service already has one.
        self.clock = clock or (service.clock if isinstance(service.clock, SimulatedClock) else SimulatedClock())
        self.lines: list[str] = []
        self._out = out
        self.platform = ConsolePlatform(self._write)
        self.deliverer = Deliverer(self.platform, club_channel=CHANNEL)
        # One process, one reader: what a command queued is sent right after its answer, in this thread.
        self.outbox = OutboxSender(service, [Sender(self.platform, CHANNEL)], worker="console")

    def _write(self, line: str) -> None:
        self.lines.append(line)
        if self._out is not None:
            print(line, file=self._out, flush=True)

    def run_line(self, line: str) -> str:
        """Runs one line and returns what the bot printed in answer."""
        start = len(self.lines)
        line = line.strip()
        if not line or line.startswith("#"):
            return ""
        if line.startswith("/club"):
            self._command(line[len("/club"):].strip())
        elif line.startswith("/"):
            self._write("Seule la commande /club existe ici. Tapez /club aide.")
        elif line.startswith(":"):
            self._meta(line[1:])
        else:
            self._write("Les commandes commencent par /club (essayez /club aide) ; " + META_HELP)
        return "\n".join(self.lines[start:])

    def _command(self, text: str) -> None:
        mentions = {name: name for name in _MENTION.findall(text)}
        text = _MENTION.sub(lambda m: f"<@{m.group(1)}>", text)
        user = self.user
        cmd = Command(platform="console", user_id=user, user_name=user, channel_id=CHANNEL, text=text,
                      received_at=self.clock(), profile=lambda: Profile(display_name=user), mentions=mentions)
        self._show(self.service.handle_command(cmd), CHANNEL, user)

    def _show(self, replies: Replies, channel: str, user: str) -> None:
        """The answer first, then what the outbox holds (the rest of these replies, in order)."""
        self.deliverer.deliver(replies.answer, channel=channel, user=user)
        self.outbox.run_messages()  # the rows were queued at the service's time

    def _meta(self, line: str) -> None:
        try:
            words = shlex.split(line)
        except ValueError:
            words = line.split()
        if not words:
            return
        verb, args = words[0].lower(), words[1:]
        if verb == "as" and args:
            self.user = " ".join(args)
            self._write(f"(vous êtes maintenant {self.user})")
        elif verb in ("react", "unreact") and len(args) == 2:
            self._react(args[0], args[1].strip(":"), verb == "react")
        elif verb == "click" and len(args) >= 2:
            self._click(args[0], " ".join(args[1:]))
        elif verb == "now" and args:
            self._set_now(" ".join(args))
        elif verb == "tick":
            self.service.tick(self.clock())
            self.outbox.run(self.clock())
        elif verb in ("quit", "q", "exit"):
            raise EOFError
        else:
            self._write("Méta-commande inconnue ou incomplète. " + META_HELP)

    def _react(self, ref: str, emoji: str, added: bool) -> None:
        message = self.platform.messages.get(ref)
        if message is None:
            self._write(f"Message inconnu : {ref}")
            return
        users = message.reactions.setdefault(emoji, set())
        (users.add if added else users.discard)(self.user)
        event = ReactionEvent(platform="console", event_id=uuid.uuid4().hex, user_id=self.user,
                              channel_id=message.channel, message_id=ref, emoji=emoji, added=added,
                              received_at=self.clock())
        self._show(self.service.handle_reaction(event), message.channel, self.user)

    def _click(self, ref: str, label: str) -> None:
        message = self.platform.messages.get(ref)
        wanted = fold(label)
        button = next((b for b in (message.buttons if message else [])
                       if fold(b.label) == wanted or b.action == label), None)
        if message is None or button is None:
            self._write(f"Pas de bouton « {label} » sur {ref}.")
            return
        user = self.user
        event = ActionEvent(platform="console", user_id=user, user_name=user, channel_id=message.channel,
                            message_id=ref, action=button.action, value=button.value,
                            received_at=self.clock(), profile=lambda: Profile(display_name=user))
        self._show(self.service.handle_action(event), message.channel, user)

    def _set_now(self, text: str) -> None:
        moment = parse_moment(text, now=self.clock())
        if moment is None:
            self._write(f"Date non comprise : « {text} ». Exemple : :now 2027-01-14T10:00+01:00")
            return
        self.clock.fixed = moment
        self._write(f"(horloge simulée : {moment.isoformat()})")


def parse_moment(text: str, now: datetime | None = None) -> datetime | None:
    """`:now` accepts an ISO date (UTC when no offset is given) or a French date, read in Paris time
    relative to `now` (the simulated clock) by the same reader as the commands' dates."""
    try:
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        pass
    from handlers.calendar.dates import parse_when
    from handlers.core import UserError

    try:
        return parse_when(text, "Europe/Paris", now or datetime.now(UTC), future=False)
    except UserError:
        return None


def run(console: Console, stream: TextIO = sys.stdin) -> None:
    interactive = stream.isatty()
    if interactive:
        print(f"club-bot — console. Vous êtes {console.user}. Tapez /club aide ; {META_HELP}")
    while True:
        if interactive:
            print("> ", end="", flush=True)
        line = stream.readline()
        if not line:
            break
        try:
            console.run_line(line)
        except EOFError:
            break
