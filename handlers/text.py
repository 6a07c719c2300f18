"""Making user text safe to repeat, and the small helpers to read arguments."""

from __future__ import annotations

import re
import unicodedata

ZWSP = "\u200b"
_MENTION_TOKEN = re.compile(r"<@([A-Za-z0-9._\-]+)(?:\|[^>]*)?>")
# C0 and C1 controls but tab and newline (a NUL is refused by PostgreSQL, an escape sequence rewrites a
# terminal), and the marks that reorder what is shown (bidirectional embeddings, overrides and isolates,
# LRM, RLM, the Arabic letter mark): a right-to-left override makes "txt.exe" read "exe.txt".
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_input(text: str) -> str:
    """What a member sends, without the characters no one types on purpose; applied once, when a
    platform's payload becomes a neutral event (`handlers.core`), before anything is handled or stored."""
    return _UNSAFE.sub("", text)


def user_text(text: str) -> str:
    """Text typed by someone, made unable to notify anybody or to disguise a link when the bot repeats it.

    A zero-width space after every '@' defuses @channel, @here, @all and @user on Mattermost
    and in the console; on Slack the renderer also escapes '<', '>' and '&', which defuses
    <!channel>, <!subteam^…>, <@U…> and <url|text>. A zero-width space after every ']' keeps
    `[text](url)`, `[text][ref]` and `[ref]: url` from becoming a link whose text is not its address
    (the Slack renderer's and Mattermost's Markdown alike); addresses written out are still links.
    """
    return clean_input(text).replace("@", "@" + ZWSP).replace("]", "]" + ZWSP)


def mention(platform_user_id: str) -> str:
    """A mention the renderers turn into the platform's own form."""
    return f"<@{platform_user_id}>"


def mentioned_ids(text: str) -> list[str]:
    return _MENTION_TOKEN.findall(text)


def strip_mentions(text: str) -> str:
    return _MENTION_TOKEN.sub("", text).strip()


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced: how names are compared ("La Réunion" == "la reunion")."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = re.sub(r"[\s\-_'’]+", " ", bare.lower())
    return bare.strip()


MAX_DIGITS = 9


def parse_number(token: str) -> int | None:
    """'#12' or '12' -> 12; anything else -> None, including numbers no row can have (over nine digits,
    beyond the database's integers) and digits int() refuses ('²')."""
    token = token.strip()
    if token.startswith("#"):
        token = token[1:]
    return int(token) if token.isascii() and token.isdecimal() and len(token) <= MAX_DIGITS else None


def between_lines(text: str, limit: int) -> list[str]:
    """`text` in parts of at most `limit` characters, cut between lines and in order (a single line longer
    than that is cut where it must): what one message of a platform can hold."""
    if len(text) <= limit:
        return [text]
    found: list[str] = []
    current: str | None = None  # the part being filled; None before its first line
    for line in text.split("\n"):
        while len(line) > limit:
            if current is not None:
                found.append(current)
                current = None
            found.append(line[:limit])
            line = line[limit:]
        if current is not None and len(current) + 1 + len(line) > limit:
            found.append(current)
            current = None
        current = line if current is None else f"{current}\n{line}"
    found.append(current or "")
    return [part for part in found if part] or [""]
