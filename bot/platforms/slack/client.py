"""The Slack Web API as a `Platform`: every call goes to SLACK_API_URL and honours Retry-After."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.platforms.slack import render
from handlers import Profile, Reply

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


class SlackPlatform:
    name = "slack"

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._bot_user_id: str | None = None

    @property
    def bot_user_id(self) -> str | None:
        """The bot's own user id (auth.test, asked once), so its inviting reactions are not votes."""
        if self._bot_user_id is None:
            try:
                self._bot_user_id = self.client.auth_test()["user_id"]
            except Exception:
                log.warning("auth.test failed: the bot's own user id is unknown for now", exc_info=True)
        return self._bot_user_id

    def post(self, channel: str, reply: Reply) -> str:
        response = self.client.chat_postMessage(channel=channel, unfurl_links=False, **render.message(reply))
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

    def direct(self, user: str, reply: Reply) -> tuple[str, str]:
        channel = self.client.conversations_open(users=user)["channel"]["id"]
        response = self.client.chat_postMessage(channel=channel, **render.message(reply))
        return channel, response["ts"]

    def reactions(self, channel: str, message_id: str) -> dict[str, set[str]]:
        response = self.client.reactions_get(channel=channel, timestamp=message_id, full=True)
        found: dict[str, set[str]] = {}
        for reaction in response.get("message", {}).get("reactions", []):
            found.setdefault(normalise_emoji(reaction["name"]), set()).update(reaction.get("users", []))
        return found

    def profile(self, user_id: str) -> Profile:
        user = self.client.users_info(user=user_id, include_locale=True)["user"]
        profile = user.get("profile", {})
        return Profile(display_name=profile.get("display_name") or profile.get("real_name") or user.get("name"),
                       tz=user.get("tz"), locale=user.get("locale"))
