"""`POST /mattermost/command`: Mattermost's outgoing slash command request.

The command's token is the only proof that Mattermost sent it (no signature, no timestamp): it is
compared in constant time with every configured token before anything else happens. Mattermost sends it
twice, in the `Authorization: Token …` header and in the form's `token` field: the header, when there is
one, is checked before the body is even parsed, and the field must be right too.
"""

from __future__ import annotations

import hmac
import logging
import re
from urllib.parse import parse_qs

from bot.platforms.mattermost import render
from bot.platforms.mattermost.runtime import MattermostRuntime
from handlers import Command, Visibility
from handlers.outbox import in_response
from handlers.text import ZWSP

log = logging.getLogger(__name__)
REFUSED = {"response_type": "ephemeral", "text": "Jeton de commande invalide."}


def token_ok(given: str, tokens: list[str]) -> bool:
    # Every token is compared (no early exit), each in constant time.
    results = [hmac.compare_digest(given.encode(), token.encode()) for token in tokens]
    return bool(given) and any(results)


def normalise_mentions(text: str, names: list[str], ids: list[str]) -> tuple[str, dict[str, str]]:
    """`@marie.dupont` -> `<@1eifd…>` for the people Mattermost resolved (user_mentions / _ids).
    A `<@…>` typed by hand is defused first: only the server's mentions count."""
    text = text.replace("<@", "<" + ZWSP + "@")
    mentions: dict[str, str] = {}
    for name, user_id in zip(names, ids, strict=False):
        if not name or not user_id:
            continue
        pattern = re.compile(rf"(?<![\w.\-@])@{re.escape(name)}(?![\w\-]|\.[\w\-])", re.IGNORECASE)
        text, found = pattern.subn(f"<@{user_id}>", text)
        if found:
            mentions[user_id] = name
    return text, mentions


def authorized(mm: MattermostRuntime, authorization: str | None) -> bool:
    """The `Authorization` header, when the request has one, carries a configured token."""
    if authorization is None:
        return True
    scheme, _sep, token = authorization.partition(" ")
    return scheme.lower() == "token" and token_ok(token.strip(), mm.command_tokens)


def read(mm: MattermostRuntime, body: str) -> dict[str, list[str]] | tuple[int, dict]:
    """The command's fields once the form's token is right; else the refusal (401). Cheap: run on the
    loop, so that strangers take no worker thread."""
    fields = parse_qs(body, keep_blank_values=True)
    if not token_ok(fields.get("token", [""])[0], mm.command_tokens):
        log.warning("Mattermost command refused: wrong or missing token (user %s)",
                    fields.get("user_id", [""])[0][:64])
        return 401, REFUSED
    return fields


def handle(mm: MattermostRuntime, fields: dict[str, list[str]]) -> tuple[int, dict]:
    """(HTTP status, CommandResponse JSON) of a command whose token was checked (`read`). Runs in a worker
    thread."""

    def one(key: str) -> str:
        return fields.get(key, [""])[0]

    user_id, channel = one("user_id"), one("channel_id")
    if not user_id:
        return 400, {"response_type": "ephemeral", "text": "Requête incomplète (user_id manquant)."}
    if one("command").lower() != mm.command.lower():
        return 200, {"response_type": "ephemeral",
                     "text": f"club-bot répond à la commande {mm.command}. Essayez `{mm.command} aide`."}
    mm.platform.remember(user_id, one("user_name"))
    text, mentions = normalise_mentions(one("text"), fields.get("user_mentions", []),
                                        fields.get("user_mentions_ids", []))
    for mentioned, name in mentions.items():
        mm.platform.remember(mentioned, name)
    command = Command(
        platform="mattermost", user_id=user_id, user_name=one("user_name") or user_id, channel_id=channel,
        text=text, received_at=mm.now(), profile=lambda: mm.platform.profile(user_id), mentions=mentions,
    )
    replies = mm.open_forms(mm.service.handle_command(command).answer, one("trigger_id"), channel, user_id)
    first, rest = in_response(replies)  # the command response carries the first
    if first is not None and len(first.text) > render.MAX_POST:
        # The response is one post: a longer answer is shown right after, in as many posts as it takes.
        first, rest = None, [first, *rest]
    mm.later(rest, channel, user_id)
    if first is None:
        return 200, {"response_type": "ephemeral", "text": ""}
    return 200, render.command_response(first, first.visibility == Visibility.CHANNEL, mm.platform.username,
                                        mm.action_url(), mm.secret)
