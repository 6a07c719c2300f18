"""Console transcripts as the docs write them, and how a doc's lines are matched against the bot's.

A transcript is a fenced block of a `docs/*.md` page that shows the bot's messages (`[m3] …`). Its lines:

- `$ [CLUB_CONFIG=…] club-bot console [--as <nom>] [--demo]` (or `$ make run`), first line only: how the
  console was started;
- what is typed, with or without a leading `> `: `/club …` and the meta-commands (`:as lea`, `:now …`);
- what the bot printed: `[mN] …` (a message, with its indented lines), `[mN modifié]` (the update of a
  message, followed by its new `[mN] …`), `(…)` (a remark of the console, such as the simulated clock).

A doc may leave out whole messages (the numbers `[mN]` still have to agree) and parts of a message with
`…`: a line that is only `…` stands for any number of lines; `…` at the start or the end of a line for
any text, on that line and the neighbouring ones; `…` inside a line for any text on that line. Whatever
is not elided must be what the bot printed, character for character (blank lines aside).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ELLIPSIS = "…"
INDENT = "      "  # the console's indentation of a message's following lines
_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.S | re.M)
_MESSAGE = re.compile(r"^\[(m\d+)\] ")
_UPDATE = re.compile(r"^\[(m\d+) modifié\]$")
_INPUT = re.compile(r"^(/club\b|:[a-z])")


class TranscriptError(ValueError):
    """A transcript line the reader does not know how to take."""


@dataclass
class Item:
    """One thing the bot printed: a message (`msg`), the marker of an update (`upd`) or a remark (`note`)."""

    kind: str
    ref: str | None
    lines: list[str]
    lineno: int = 0  # in the doc, for the messages of a failure

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Step:
    """A typed line and what the doc shows of the bot's answer."""

    line: str
    lineno: int
    shown: list[Item] = field(default_factory=list)


@dataclass
class Setup:
    user: str = "vous"
    demo: bool = False
    config: str | None = None  # CLUB_CONFIG, relative to the project's root


@dataclass
class Transcript:
    doc: str
    index: int  # the block's position among the doc's fenced blocks
    lineno: int  # of the block's first line
    setup: Setup
    steps: list[Step]

    @property
    def id(self) -> str:
        return f"{self.doc}#{self.index}"


def fenced_blocks(text: str) -> list[tuple[int, str, str]]:
    """(line number of the block's first line, info string, body) of each fenced block, in order."""
    return [(text.count("\n", 0, m.start(2)) + 1, m.group(1).strip(), m.group(2)) for m in _FENCE.finditer(text)]


def is_transcript(body: str) -> bool:
    """A block is a console transcript when it shows what the bot printed; a list of example commands,
    a configuration file or a shell session is not."""
    return any(_MESSAGE.match(line) or _UPDATE.match(line) for line in body.splitlines())


def transcripts(path: Path) -> list[Transcript]:
    found = []
    for index, (lineno, _info, body) in enumerate(fenced_blocks(path.read_text(encoding="utf-8"))):
        if is_transcript(body):
            try:
                setup, steps = parse(body, first_lineno=lineno)
            except TranscriptError as error:
                raise TranscriptError(f"docs/{path.name}, {error}") from None
            found.append(Transcript(path.name, index, lineno, setup, steps))
    return found


def parse_setup(command: str) -> Setup:
    words = shlex.split(command)
    if words == ["make", "run"]:
        return Setup(demo=True)
    setup = Setup()
    while words and "=" in words[0]:
        name, _, value = words.pop(0).partition("=")
        if name != "CLUB_CONFIG":
            raise TranscriptError(f"variable non prise en charge par le test : {name}")
        setup.config = value
    if len(words) < 2 or not words[0].endswith("club-bot") or words[1] != "console":
        raise TranscriptError(f"lancement de la console non compris : {command!r}")
    options = words[2:]
    while options:
        option = options.pop(0)
        if option == "--demo":
            setup.demo = True
        elif option == "--as" and options:
            setup.user = options.pop(0)
        else:
            raise TranscriptError(f"option de la console non prise en charge : {option}")
    return setup


def parse(body: str, first_lineno: int = 1) -> tuple[Setup, list[Step]]:
    setup = Setup()
    steps: list[Step] = []
    for offset, raw in enumerate(body.splitlines()):
        lineno = first_lineno + offset
        line = raw.rstrip()
        typed = line[2:] if line.startswith("> ") else line
        if not line.strip():
            continue
        if line.startswith("$ "):
            if steps:
                raise TranscriptError(f"ligne {lineno} : le lancement `$ …` vient avant la première commande")
            setup = parse_setup(line[2:])
        elif _INPUT.match(typed):
            steps.append(Step(typed, lineno))
        elif not steps:
            raise TranscriptError(f"ligne {lineno} : une réponse du bot avant toute commande : {line!r}")
        else:
            try:
                add_output_line(steps[-1].shown, line, lineno)
            except TranscriptError as error:
                raise TranscriptError(f"ligne {lineno} : {error}") from None
    return setup, steps


def add_output_line(items: list[Item], line: str, lineno: int = 0) -> None:
    """Reads one printed line into `items`, the same way for the doc and for the console's output."""
    if not line.strip():
        if items and items[-1].kind == "msg":
            items[-1].lines.append("")
    elif m := _UPDATE.match(line):
        items.append(Item("upd", m.group(1), [], lineno))
    elif m := _MESSAGE.match(line):
        items.append(Item("msg", m.group(1), [line[m.end():]], lineno))
    elif line.startswith(" "):
        if not items or items[-1].kind != "msg":
            raise TranscriptError(f"ligne en retrait hors d'un message `[mN] …` : {line!r}")
        items[-1].lines.append(line[len(INDENT):] if line.startswith(INDENT) else line.lstrip())
    else:
        items.append(Item("note", None, [line], lineno))


def output_items(printed: str) -> list[Item]:
    items: list[Item] = []
    for line in printed.splitlines():
        add_output_line(items, line.rstrip())
    return items


def _line_pattern(line: str) -> str:
    """A doc line as a regular expression: `…` (with the spaces around it) is a wildcard, which reaches
    over the neighbouring lines when it opens or closes the line."""
    parts = re.split(r"[ \t]*…[ \t]*", line)
    pattern = re.escape(parts[0])
    for position, part in enumerate(parts[1:], start=1):
        at_edge = (position == 1 and not parts[0]) or (position == len(parts) - 1 and not part)
        pattern += (r"[\s\S]*?" if at_edge else r"[^\n]*?") + re.escape(part)
    return pattern


def _pattern(lines: list[str]) -> str:
    """The doc's lines of one message, as a pattern for the whole of the bot's message."""
    out = ""
    for line in lines:
        if line.strip():
            out += r"(?:[^\n]*\n)*?" if line.strip() == ELLIPSIS else _line_pattern(line) + r"\n"
    return out


def _printed(bot_lines: list[str]) -> str:
    return "".join(line + "\n" for line in bot_lines if line.strip())


def matches(doc_lines: list[str], bot_lines: list[str]) -> bool:
    return re.fullmatch(_pattern(doc_lines), _printed(bot_lines)) is not None


def first_difference(doc_lines: list[str], bot_lines: list[str]) -> str:
    """The first of the doc's lines after which the message can no longer be the bot's."""
    lines = [line for line in doc_lines if line.strip()]
    for count in range(1, len(lines) + 1):
        if not re.match(_pattern(lines[:count]), _printed(bot_lines)):
            return lines[count - 1]
    return "(la fin du message : le bot écrit davantage ; marquez la coupure par `…`)"


def mismatch(shown: list[Item], printed: list[Item]) -> str | None:
    """None when each item the doc shows is, in order, among what the bot printed, with the same number and
    the same text (elisions aside); otherwise what is wrong."""
    position = 0
    for item in shown:
        while position < len(printed) and not (printed[position].kind == item.kind
                                               and printed[position].ref == item.ref
                                               and (item.kind != "note" or matches(item.lines,
                                                                                   printed[position].lines))):
            position += 1
        if position == len(printed):
            what = {"msg": f"de message [{item.ref}]", "upd": f"de mise à jour [{item.ref} modifié]",
                    "note": f"la ligne {item.text!r}"}[item.kind]
            return f"le bot n'a pas écrit {what} (ligne {item.lineno} de la doc)"
        if not matches(item.lines, printed[position].lines):
            return (f"le message [{item.ref}] (ligne {item.lineno} de la doc) diffère de celui du bot à partir de : "
                    f"{first_difference(item.lines, printed[position].lines)!r}")
        position += 1
    return None
