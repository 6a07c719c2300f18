"""The workspace's conversations, and what the bot may do in each.

A bot user sees only what it is a member of, except public channels: it may post in a public channel it is not
in with `chat:write.public` (docs.slack.dev/reference/scopes/chat:write.public; docs.slack.dev/reference/methods/
chat.postMessage); elsewhere a conversation it is not in does not exist for it (`channel_not_found`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass
class Conversation:
    id: str
    name: str
    kind: str  # "public" | "private" | "im" | "mpim"
    bot_member: bool = True
    members: set[str] = field(default_factory=set)
    archived: bool = False


def dm_id(user: str) -> str:
    return "D" + user


def mpim_id(users: list[str]) -> str:
    return "G" + hashlib.sha1(",".join(sorted(users)).encode()).hexdigest()[:10].upper()


def post_refusal(conversation: Conversation | None, granted: frozenset[str]) -> str | None:
    """chat.postMessage / files.completeUploadExternal: where the bot may post."""
    if conversation is None:
        return "channel_not_found"
    if not conversation.bot_member:
        if conversation.kind != "public":
            return "channel_not_found"
        if "chat:write.public" not in granted:
            return "not_in_channel"  # chat.postMessage errors: "Cannot post … to a channel they are not in"
    if conversation.archived:
        return "is_archived"
    return None


def read_refusal(conversation: Conversation | None) -> str | None:
    """conversations.history: a public channel the bot is not in is `not_in_channel` (a maintainer's answer,
    slackapi/deno-slack-sdk#128: channels:history needs membership); any other one it is not in does not exist
    for it (docs.slack.dev/reference/methods/conversations.history, `channel_not_found`)."""
    if conversation is None or (not conversation.bot_member and conversation.kind != "public"):
        return "channel_not_found"
    if not conversation.bot_member:
        return "not_in_channel"
    return None


def react_refusal(conversation: Conversation | None) -> str | None:
    """reactions.add: errors `channel_not_found` and `is_archived` (docs.slack.dev/reference/methods/reactions.add);
    the page lists no `not_in_channel`, so a conversation the bot is not in is `channel_not_found`."""
    if conversation is None or not conversation.bot_member:
        return "channel_not_found"
    if conversation.archived:
        return "is_archived"
    return None


def visible_refusal(conversation: Conversation | None) -> str | None:
    """reactions.get and chat.update: the conversation must be one the bot can see (`channel_not_found`)."""
    if conversation is None or (not conversation.bot_member and conversation.kind != "public"):
        return "channel_not_found"
    return None


def ephemeral_refusal(conversation: Conversation | None, user: str) -> str | None:
    """chat.postEphemeral: `channel_not_found` where the bot cannot post, `is_archived`, and
    `user_not_in_channel` when the person is not a member (docs.slack.dev/reference/methods/chat.postEphemeral:
    "The user should be in the channel specified")."""
    if conversation is None or not conversation.bot_member:
        return "channel_not_found"
    if conversation.archived:
        return "is_archived"
    if user not in conversation.members:
        return "user_not_in_channel"
    return None
