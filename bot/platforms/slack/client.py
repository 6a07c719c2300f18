"""The Slack Web API as a `Platform`: every call goes to SLACK_API_URL and honours Retry-After."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.platforms.base import KEY_FIELD
from bot.platforms.slack import render
from handlers import Attachment, Profile, Reply

log = logging.getLogger(__name__)
SKIN_TONE = "::skin-tone-"
EMOJI_ALIASES = {"thumbsup": "+1", "thumbsdown": "-1", "white_check_mark": "white_check_mark"}


def normalise_emoji(name: str) -> str:
    """'+1::skin-tone-3' and 'thumbsup' both count as '+1'."""
    name = name.split(SKIN_TONE)[0].strip(":")
    return EMOJI_ALIASES.get(name, name)


def make_client(token: str | None, base_url: str) -> WebClient:
    client = WebClient(token=token, base_url=base_url, timeout=10)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=5))
    client.retry_handlers.append(ConnectionErrorRetryHandler(max_retry_count=2))
    return client


def _carrying(key: str | None) -> dict:
    """Message metadata with the outbox key: `conversations.history` finds the message by it."""
    return {"metadata": {"event_type": KEY_FIELD, "event_payload": {"key": key}}} if key else {}


@dataclass
class BotIdentity:
    """Who the bot is on Slack, once known (auth.test, or an event's `authorizations`): kept for good,
    and shared by every client of the process, so its own reactions are never votes even when auth.test
    fails later."""

    user_id: str | None = None
    reachable: bool | None = None  # None until the first answer or failure of auth.test


class SlackPlatform:
    name = "slack"

    def __init__(self, client: WebClient, identity: BotIdentity | None = None) -> None:
        self.client = client
        self.identity = identity or BotIdentity()
        self._direct: dict[str, str] = {}

    @property
    def bot_user_id(self) -> str | None:
        """The bot's own user id (auth.test, asked until it answers), so its inviting reactions are not votes."""
        if self.identity.user_id is None:
            self.check()
        return self.identity.user_id

    def check(self) -> bool:
        """auth.test: whether Slack answers, learning the bot's id on the way."""
        try:
            self.identity.user_id = self.client.auth_test()["user_id"]
            self.identity.reachable = True
        except Exception:
            self.identity.reachable = False
            log.warning("auth.test failed: Slack is unreachable or the token refused for now", exc_info=True)
        return bool(self.identity.reachable)

    def learn(self, payload: dict) -> None:
        """An Events API delivery names the app's bot user in `authorizations`: no need to ask."""
        if self.identity.user_id is None:
            for authorization in payload.get("authorizations") or []:
                if isinstance(authorization, dict) and authorization.get("is_bot") and authorization.get("user_id"):
                    self.identity.user_id = str(authorization["user_id"])
                    return

    def post(self, channel: str, reply: Reply, key: str | None = None) -> str:
        response = self.client.chat_postMessage(channel=channel, unfurl_links=False, **_carrying(key),
                                                **render.message(reply))
        return response["ts"]

    def update(self, channel: str, message_id: str, reply: Reply) -> None:
        self.client.chat_update(channel=channel, ts=message_id, **render.message(reply))

    def add_reaction(self, channel: str, message_id: str, emoji: str) -> None:
        try:
            self.client.reactions_add(channel=channel, timestamp=message_id, name=emoji)
        except SlackApiError as error:
            if error.response.get("error") != "already_reacted":
                raise

    def ephemeral(self, channel: str, user: str, reply: Reply) -> None:
        try:
            self.client.chat_postEphemeral(channel=channel, user=user, **render.message(reply))
        except SlackApiError as error:
            # The bot cannot whisper in a channel it is not in: tell the person privately instead.
            if error.response.get("error") not in ("channel_not_found", "not_in_channel"):
                raise
            self.direct(user, reply)

    def direct_channel(self, user: str) -> str:
        """The app's direct conversation with `user` (conversations.open, asked once per person)."""
        if user not in self._direct:
            self._direct[user] = self.client.conversations_open(users=user)["channel"]["id"]
        return self._direct[user]

    def direct(self, user: str, reply: Reply, key: str | None = None) -> tuple[str, str]:
        channel = self.direct_channel(user)
        return channel, self.post(channel, reply, key)

    def reactions(self, channel: str, message_id: str) -> dict[str, set[str]]:
        response = self.client.reactions_get(channel=channel, timestamp=message_id, full=True)
        found: dict[str, set[str]] = {}
        for reaction in response.get("message", {}).get("reactions", []):
            found.setdefault(normalise_emoji(reaction["name"]), set()).update(reaction.get("users", []))
        return found

    def upload(self, channel: str, attachment: Attachment) -> None:
        """Slack's external upload (an upload URL, the bytes, then `files.completeUploadExternal` sharing
        the file in `channel`); needs the `files:write` scope."""
        self.client.files_upload_v2(channel=channel, filename=attachment.filename, title=attachment.filename,
                                    content=attachment.content)

    def profile(self, user_id: str) -> Profile:
        user = self.client.users_info(user=user_id, include_locale=True)["user"]
        profile = user.get("profile", {})
        # Multi-channel (restricted) and single-channel (ultra restricted) guests of the workspace.
        guest = bool(user.get("is_restricted") or user.get("is_ultra_restricted"))
        return Profile(display_name=profile.get("display_name") or profile.get("real_name") or user.get("name"),
                       tz=user.get("tz"), locale=user.get("locale"), guest=guest)
