"""Mattermost's REST API v4 as a `Platform`, on mattermostautodriver (which honours 429 Retry-After)."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

from mattermostautodriver import Client, TypedDriver
from mattermostautodriver.exceptions import NotEnoughPermissions, ResourceNotFound

from bot.platforms.base import KEY_FIELD
from bot.platforms.mattermost import render
from handlers import Attachment, Profile, Reply

log = logging.getLogger(__name__)
EMOJI_ALIASES = {"thumbsup": "+1", "thumbsdown": "-1", "heavy_check_mark": "white_check_mark"}
_SKIN_TONE = re.compile(r"(_(light|medium_light|medium|medium_dark|dark)_skin_tone|_tone[1-5])$")


def normalise_emoji(name: str) -> str:
    """'+1_dark_skin_tone' and 'thumbsup' both count as '+1', as on Slack."""
    name = _SKIN_TONE.sub("", name.strip(":"))
    return EMOJI_ALIASES.get(name, name)


class _Client(Client):
    """The driver builds `scheme://host:port`; a server installed under a path (/chat) needs it kept."""

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self._url += options.get("club_base_path", "")


def make_driver(url: str, token: str | None, timeout: float = 10, retries: int = 5) -> TypedDriver:
    """`retries`: how often the driver itself waits out a 429's Retry-After before raising TooManyRequests."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return TypedDriver({
        "scheme": parts.scheme, "url": parts.hostname, "port": port, "token": token or "",
        "club_base_path": parts.path.rstrip("/"), "request_timeout": timeout,
        "max_retries": retries, "retry_max_sleep": 60,
    }, client_cls=_Client)


def websocket_url(url: str) -> str:
    """http(s)://host[/path] -> ws(s)://host[/path]/api/v4/websocket."""
    parts = urlsplit(url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/api/v4/websocket"


def effective_timezone(timezone: dict | None) -> str | None:
    """Mattermost's `timezone` map of strings: the automatic zone when chosen, else the manual one."""
    timezone = timezone or {}
    if str(timezone.get("useAutomaticTimezone", "")).lower() == "true":
        zone = timezone.get("automaticTimezone")
    else:
        zone = timezone.get("manualTimezone")
    return zone or None


class MattermostPlatform:
    name = "mattermost"

    def __init__(self, driver: TypedDriver, token: str | None,
                 action_url: Callable[[], str] | None = None, secret: bytes = b"") -> None:
        self.driver = driver
        self.driver.client.token = token or ""
        self.action_url = action_url or (lambda: "")
        self.secret = secret
        self._bot_id: str | None = None
        self._usernames: dict[str, str] = {}
        self._lock = threading.Lock()

    # -- who the bot is, who the others are ---------------------------------------------------
    @property
    def bot_id(self) -> str:
        """The bot's own user id, asked once (needed for reactions, direct channels, and to ignore itself)."""
        with self._lock:
            if self._bot_id is None:
                me = self.driver.users.get_user("me")
                self._bot_id = me["id"]
                self._usernames[me["id"]] = me.get("username", me["id"])
            return self._bot_id

    def remember(self, user_id: str, username: str) -> None:
        if user_id and username:
            self._usernames[user_id] = username

    def username(self, user_id: str) -> str:
        """For `<@id>` tokens in replies; looked up once per person, the id itself when unknown."""
        if user_id not in self._usernames:
            try:
                self._usernames[user_id] = self.driver.users.get_user(user_id).get("username") or user_id
            except Exception:
                log.warning("username of %s unavailable", user_id, exc_info=True)
                return user_id
        return self._usernames[user_id]

    def profile(self, user_id: str) -> Profile:
        user = self.driver.users.get_user(user_id)
        self.remember(user_id, user.get("username", ""))
        full = " ".join(part for part in (user.get("first_name"), user.get("last_name")) if part)
        guest = "system_guest" in str(user.get("roles") or "").split()  # Mattermost's guest accounts
        return Profile(display_name=user.get("nickname") or full or user.get("username"),
                       tz=effective_timezone(user.get("timezone")), locale=user.get("locale") or None,
                       guest=guest)

    # -- the Platform contract ----------------------------------------------------------------
    def _post_body(self, reply: Reply) -> tuple[str, dict]:
        return render.message(reply, self.username, self.action_url(), self.secret)

    def post(self, channel: str, reply: Reply, key: str | None = None) -> str:
        """A message over the server's limit goes as several posts, in order; the last carries the buttons,
        the anchor and the key, and is the one whose id is returned (reactions and updates go to it)."""
        message, props = self._post_body(reply)
        if key:
            props = {**props, KEY_FIELD: key}
        *first, last = render.pieces(message)
        for piece in first:
            self.driver.posts.create_post(channel_id=channel, message=piece)
        return self.driver.posts.create_post(channel_id=channel, message=last, props=props)["id"]

    def update(self, channel: str, message_id: str, reply: Reply) -> None:
        message, props = self._post_body(reply)
        if len(message) > render.MAX_POST:
            # One post is edited: the end of a message too long for it is left out, and said so in the log.
            log.warning("update of %s cut to %s characters", message_id, render.MAX_POST)
            message = render.pieces(message)[0]
        # `props` replaces the whole map: an empty attachment list removes buttons that are gone.
        self.driver.posts.patch_post(message_id, message=message, props={"attachments": [], **props})

    def add_reaction(self, channel: str, message_id: str, emoji: str) -> None:
        self.driver.reactions.save_reaction({"user_id": self.bot_id, "post_id": message_id, "emoji_name": emoji})

    def ephemeral(self, channel: str, user: str, reply: Reply) -> None:
        message, props = self._post_body(reply)
        *first, last = render.pieces(message)
        try:
            for piece in first:
                self.driver.posts.create_post_ephemeral(user_id=user, post={"channel_id": channel, "message": piece})
            self.driver.posts.create_post_ephemeral(
                user_id=user, post={"channel_id": channel, "message": last, "props": props})
        except (NotEnoughPermissions, ResourceNotFound):
            # Ephemeral posts need the create_post_ephemeral permission and a channel the bot is in:
            # tell the person privately instead.
            log.info("ephemeral post refused in %s; sending a direct message", channel)
            self.direct(user, reply)

    def direct_channel(self, user: str) -> str:
        return self.driver.channels.create_direct_channel([self.bot_id, user])["id"]

    def direct(self, user: str, reply: Reply, key: str | None = None) -> tuple[str, str]:
        channel = self.direct_channel(user)
        return channel, self.post(channel, reply, key)

    def reactions(self, channel: str, message_id: str) -> dict[str, set[str]]:
        """People's reactions (the bot's own invitations left out, as the websocket ignores them)."""
        found: dict[str, set[str]] = {}
        for reaction in self.driver.reactions.get_reactions(message_id) or []:
            if reaction.get("user_id") == self.bot_id or reaction.get("delete_at"):
                continue
            found.setdefault(normalise_emoji(reaction["emoji_name"]), set()).add(reaction["user_id"])
        return found

    def upload(self, channel: str, attachment: Attachment) -> None:
        """A file is uploaded into a channel, then shown by a post that carries its id (`file_ids`)."""
        uploaded = self.driver.files.upload_file(
            channel_id=channel, files=(attachment.filename, attachment.content.encode("utf-8"), attachment.mime))
        file_ids = [info["id"] for info in uploaded["file_infos"]]
        self.driver.posts.create_post(channel_id=channel, message="", file_ids=file_ids)

    # -- dialogs ------------------------------------------------------------------------------
    def open_dialog(self, trigger_id: str, url: str, dialog: dict) -> None:
        self.driver.integration_actions.open_interactive_dialog(trigger_id=trigger_id, url=url, dialog=dialog)
