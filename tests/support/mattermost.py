"""Talking to the bot as a Mattermost server does: slash commands, button clicks and dialog
submissions over real HTTP, the bot's REST calls and websocket going to a local fake Mattermost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

import httpx

from bot.platforms.mattermost.run import start_mattermost
from bot.platforms.mattermost.runtime import MattermostRuntime
from bot.platforms.mattermost.websocket import ReactionListener
from bot.settings import load_settings
from bot.web import BackgroundServer, create_app
from handlers import Service
from tests.conftest import CORPUS
from tests.fakes.mattermost_api import TEAM, TOKEN, FakeMattermostAPI, FakePost

MATTERMOST = CORPUS / "mattermost"
COMMAND_TOKEN = "qzgakf1nx3yt9dr4n8585ihbxy"  # the corpus' command token
CLUB_CHANNEL = "fukxanjgjbnp7ng383at53k1sy"
ADMIN = "adminadminadminadminadmin1"


def corpus_user(name: str) -> dict:
    return json.loads((MATTERMOST / f"api_users_get.{name}.json").read_text())


class MattermostBot:
    """The bot's HTTP server, pointed at a fake Mattermost, and what the Mattermost server would send it."""

    def __init__(self, url: str, api: FakeMattermostAPI, service: Service, mm: MattermostRuntime,
                 listener: ReactionListener | None) -> None:
        self.url = url
        self.api = api
        self.service = service
        self.mm = mm
        self.listener = listener
        self.http = httpx.Client(base_url=url, timeout=10)

    def command(self, text: str, user: str = "erj6qck3rfgtujs86w5r6rckzh", user_name: str = "alan",
                channel: str = CLUB_CHANNEL, mentions: dict[str, str] | None = None, token: str | None = None,
                trigger: str = "/club") -> httpx.Response:
        fields = [("channel_id", channel), ("channel_name", "club-general"), ("command", trigger),
                  ("response_url", "https://chat.example.gouv.fr/hooks/commands/44jt6ez9y1p78o9e73b9mj8mx3"),
                  ("team_domain", "club"), ("team_id", TEAM), ("text", text),
                  ("token", COMMAND_TOKEN if token is None else token),
                  ("trigger_id", "dHJpZ2dlcg=="), ("user_id", user), ("user_name", user_name)]
        for name, user_id in (mentions or {}).items():
            fields += [("user_mentions", name), ("user_mentions_ids", user_id)]
        body = urlencode(sorted(fields, key=lambda pair: pair[0]))  # Go's url.Values.Encode order
        return self.http.post("/mattermost/command", content=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
            "Authorization": f"Token {COMMAND_TOKEN}", "User-Agent": "Mattermost-Bot/1.1"})

    def click(self, post: FakePost, label: str, user: str = "erj6qck3rfgtujs86w5r6rckzh",
              user_name: str = "alan", context: dict | None = None) -> httpx.Response:
        """What Mattermost does when someone presses a button: POST the action's context to its URL."""
        action = next(a for attachment in post.props.get("attachments", []) for a in attachment["actions"]
                      if a["name"] == label)
        payload = {"user_id": user, "user_name": user_name, "channel_id": post.channel_id,
                   "channel_name": "club-general", "team_id": TEAM, "team_domain": "club", "post_id": post.id,
                   "trigger_id": "Y2xpY2s=", "type": "button", "data_source": "",
                   "context": action["integration"]["context"] if context is None else context}
        return httpx.post(action["integration"]["url"], json=payload, timeout=10)

    def submit(self, opened: dict, values: dict, user: str = "erj6qck3rfgtujs86w5r6rckzh",
               state: str | None = None) -> httpx.Response:
        """What Mattermost does when someone submits a dialog the bot opened."""
        payload = {"type": "dialog_submission", "callback_id": opened["dialog"]["callback_id"],
                   "state": opened["dialog"]["state"] if state is None else state, "user_id": user,
                   "channel_id": CLUB_CHANNEL, "team_id": TEAM, "submission": values, "cancelled": False}
        return httpx.post(opened["url"], json=payload, timeout=10)


@contextmanager
def running_mattermost_bot(database_url: str, clock=None, listen: bool = False,
                           **env: str) -> Iterator[MattermostBot]:
    # MATTERMOST_PUBLIC_URL is required; by default the server's own address, known once its port is bound.
    public_url = env.pop("mattermost_public_url", None)
    with FakeMattermostAPI() as api:
        api.add_channel(CLUB_CHANNEL)  # the bot was added to the Club's channel
        settings = load_settings(database_url=database_url, mattermost_url=api.url, mattermost_bot_token=TOKEN,
                                 mattermost_command_token=f"another-command-token,{COMMAND_TOKEN}",
                                 mattermost_club_channel=CLUB_CHANNEL, club_admins=f"mattermost:{ADMIN}",
                                 slack_signing_secret=None, mattermost_public_url=public_url or "http://127.0.0.1",
                                 **env)
        from bot.runtime import build_service

        service = build_service(settings, clock=clock, migrate=False)
        app = create_app(settings, service)
        mm: MattermostRuntime = app.state.runtime.mattermost
        listener = None
        with BackgroundServer(app) as server:
            mm.public_url = public_url or server.url
            if listen:
                listener = start_mattermost(settings, mm, backoff=0.05)
                api.wait_authenticated()
            bot = MattermostBot(server.url, api, service, mm, listener)
            try:
                yield bot
            finally:
                if listener is not None:
                    listener.stop()
                bot.http.close()
                service.db.dispose()
        # What the server accepts but logs as wrong (an invalid dialog) is a defect all the same.
        assert api.warnings == [], api.warnings
