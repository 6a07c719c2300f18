"""The Slack Web API as a `Platform`: every call goes to SLACK_API_URL and honours Retry-After.

Work done after an answer waits on a rate limit inside the SDK (`make_client`'s retry handlers). A call made
before an answer must not: Slack wants the answer within 3 s, and the SDK's `RateLimitErrorRetryHandler`
sleeps the whole Retry-After inside the request (slackapi/python-slack-sdk:
slack_sdk/http_retry/builtin_handlers.py). Those calls go through `without_retries` clients.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.web import SlackResponse

from bot.platforms.base import KEY_FIELD
from bot.platforms.slack import render
from handlers import Attachment, Profile, Reply

log = logging.getLogger(__name__)
SKIN_TONE = "::skin-tone-"
EMOJI_ALIASES = {"thumbsup": "+1", "thumbsdown": "-1", "white_check_mark": "white_check_mark"}
ANSWER_TIMEOUT = 1.0  # seconds users.info may take before an answer: what is left of 3 s goes to the command
# `ok: false` codes a later attempt can cure (https://api.slack.com/methods/users.info#errors); others are final.
TRANSIENT_CODES = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})


def normalise_emoji(name: str) -> str:
    """'+1::skin-tone-3' and 'thumbsup' both count as '+1'."""
    name = name.split(SKIN_TONE)[0].strip(":")
    return EMOJI_ALIASES.get(name, name)


def make_client(token: str | None, base_url: str) -> WebClient:
    client = WebClient(token=token, base_url=base_url, timeout=10)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=5))
    client.retry_handlers.append(ConnectionErrorRetryHandler(max_retry_count=2))
    return client


def without_retries(client: WebClient, timeout: float) -> WebClient:
    """The same Slack for a call made before an answer: one attempt, `timeout` seconds at most."""
    return WebClient(token=client.token, base_url=client.base_url, timeout=timeout, retry_handlers=[])


def retry_after(error: BaseException) -> float | None:
    """The seconds a 429 asks to wait (its Retry-After header, docs.slack.dev/apis/web-api/rate-limits);
    None for any other failure."""
    if not isinstance(error, SlackApiError) or error.response.status_code != 429:
        return None
    headers = {key.lower(): value for key, value in (error.response.headers or {}).items()}
    value = headers.get("retry-after", "1")
    try:
        return max(0.0, float(value[0] if isinstance(value, list) else value))
    except ValueError:
        return 1.0


def may_succeed_later(error: BaseException) -> bool:
    """A rate limit, a timeout, a connection or server failure: worth asking again later. Any other
    refusal (`user_not_found`, `missing_scope`…) would be refused again."""
    if not isinstance(error, SlackApiError):
        return isinstance(error, OSError)  # timeouts and connection failures (urllib's URLError included)
    response: SlackResponse = error.response
    if response.status_code == 429 or response.status_code >= 500:
        return True
    return isinstance(response.data, dict) and response.data.get("error") in TRANSIENT_CODES


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
        self.answering = without_retries(client, ANSWER_TIMEOUT)  # before an answer: never a wait
        self.single_attempt = without_retries(client, client.timeout)  # its caller honours Retry-After itself

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
        return self._post(channel, reply, key)[1]

    def _post(self, channel: str, reply: Reply, key: str | None) -> tuple[str, str]:
        response = self.client.chat_postMessage(channel=channel, unfurl_links=False, **_carrying(key),
                                                **render.message(reply))
        return response["channel"], response["ts"]

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
        """Posted to the person's id: Slack puts it in the app's direct conversation (the Messages tab) and
        names it in its answer (docs.slack.dev/reference/methods/chat.postMessage, `channel`), without a
        conversations.open per person (Tier 3: a reminder to 300 people would wait minutes)."""
        channel, ts = self._post(self._direct.get(user, user), reply, key)
        self._direct[user] = channel
        return channel, ts

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

    def open_view(self, trigger_id: str, view: dict, timeout: float) -> None:
        """views.open in one attempt of at most `timeout` seconds: its trigger will not outlive a retry."""
        without_retries(self.client, timeout).views_open(trigger_id=trigger_id, view=view)

    def profile(self, user_id: str, client: WebClient | None = None) -> Profile:
        """users.info through `client` (by default the one that waits out rate limits)."""
        user = (client or self.client).users_info(user=user_id, include_locale=True)["user"]
        profile = user.get("profile", {})
        # Multi-channel (restricted) and single-channel (ultra restricted) guests of the workspace.
        guest = bool(user.get("is_restricted") or user.get("is_ultra_restricted"))
        return Profile(display_name=profile.get("display_name") or profile.get("real_name") or user.get("name"),
                       tz=user.get("tz"), locale=user.get("locale"), guest=guest)
