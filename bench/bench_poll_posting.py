"""A 10-option majority-judgment poll posted on Slack: its question, 10 option messages and 60 reactions.

Against a local Slack API limiting chat.postMessage to 1 a second in the channel and reactions.add to its
Tier 3 (50 a minute; the stand-in's `limit_rate` counts whole seconds: 1 a second), the time from the
first call to the last reaction, beside the floor Slack's figures allow, computed in the same run:
reactions.add at 50 a minute (docs.slack.dev/apis/web-api/rate-limits), each option's reactions after it is
posted at 1 a second per channel; with the burst the bot tries, and without it (the stand-in's one-second
window refuses a burst: then the bot waits out the Retry-After and goes on at the tier's pace). Target:
within 10 % of the floor without bursts, every message and reaction there, in order.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from slack_sdk import WebClient

from bench.common import line
from bot.outbox_sender import OutboxSender
from bot.platforms.slack.sender import SlackSender
from handlers import ClubSettings, Command, Service
from handlers.calendar.programme import load_programme
from handlers.polls.votes import GRADES
from storage import Database
from storage.migrate import upgrade
from tests.fakes.slack_api import FakeSlackAPI
from tests.support.slack import CLUB_CHANNEL

ADMIN = "UADMIN01"
OPTIONS = 10
POLL = 'sondage "Thèmes 2027 ?" ' + " ".join(f'"Thème {n}"' for n in range(1, OPTIONS + 1)) + " --jm"
TOLERANCE = 0.10


def floor_seconds(sender: SlackSender, bursts: bool = True) -> float:
    """The soonest the last reaction can go at the paces Slack publishes, as the bot declares them: the
    question then each option posted (a burst, then one a second), each option's reactions after it.
    `bursts=False`: where no burst is taken (the stand-in's one-second windows refuse them)."""
    posts, reactions = sender.paces["post"], sender.paces["add_reaction"]
    post_rate, reaction_rate = posts.per_minute / 60, reactions.per_minute / 60
    burst = reactions.burst if bursts else 1
    clock, tokens = 0.0, float(burst)
    for option in range(1, OPTIONS + 1):
        posted = max(0, option - posts.burst + 1) / post_rate
        for _grade in GRADES:
            start = max(clock, posted)
            tokens = min(burst, tokens + (start - clock) * reaction_rate)
            if tokens < 1:
                start, tokens = start + (1 - tokens) / reaction_rate, 1.0
            clock, tokens = start, tokens - 1
    return clock


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'club.sqlite3'}"
        upgrade(url)
        db = Database(url)
        service = Service(db, ClubSettings(programme=load_programme(), admins=frozenset({ADMIN})))
        with FakeSlackAPI() as api:
            api.add_user(ADMIN, "Camille")
            api.add_channel(CLUB_CHANNEL, name="club")
            api.limit_rate("chat.postMessage", 1)
            api.limit_rate("reactions.add", 1)
            service.handle_command(Command(platform="slack", user_id=ADMIN, user_name="camille",
                                           channel_id=CLUB_CHANNEL, text=POLL, received_at=service.clock()))
            sender = SlackSender(WebClient(token="xoxb-test", base_url=api.url), CLUB_CHANNEL)
            started = time.monotonic()
            stats = OutboxSender(service, [sender]).run_messages()
            elapsed = time.monotonic() - started
            with api.lock:
                posted = sorted((m for m in api.messages.values() if m.channel == CLUB_CHANNEL),
                                key=lambda m: m.ts)
            calls = len(api.calls_to("reactions.add")) + len(api.calls_to("chat.postMessage"))
            refused = calls - sum(len(m.reactions) for m in posted) - len(posted)
        db.dispose()
    floor, with_bursts = floor_seconds(sender, bursts=False), floor_seconds(sender)
    in_order = [m.text.split("\n")[0] for m in posted[1:]] == [f"*{n}.* Thème {n}" for n in range(1, OPTIONS + 1)]
    reactions = sum(len(m.reactions) for m in posted[1:])
    complete = len(posted) == OPTIONS + 1 and reactions == OPTIONS * len(GRADES) and in_order
    print(f"sondage jugement majoritaire, {OPTIONS} options : {len(posted)} messages, {reactions} réactions, "
          f"{stats.deferred} attentes de Retry-After, {refused} appels refusés (429)")
    line("sondage publié en entier (messages et réactions)", f"{elapsed:.1f} s", f"≤ {floor * (1 + TOLERANCE):.1f} s",
         f"plancher {floor:.1f} s", elapsed <= floor * (1 + TOLERANCE) and complete)
    print(f"  (plancher si Slack prend les rafales que le bot tente : {with_bursts:.1f} s ; la référence compte "
          "les rafales refusées par le Slack local, qui limite par seconde entière)")
    if not complete or elapsed > floor * (1 + TOLERANCE):
        raise RuntimeError("objectif manqué : tout publié, dans l'ordre, dans les 10 % du plancher")


if __name__ == "__main__":
    main()
