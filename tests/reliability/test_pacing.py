"""The outbox goes at Slack's pace, method by method: a majority-judgment poll's 60 reactions stay
within reactions.add's Tier 3, a 429 on reactions holds back nothing but reactions, and a poll's
messages arrive in order. Time is a fake clock: the sender's waits cost nothing."""

from __future__ import annotations

import threading
import time as clock
from collections.abc import Callable

from slack_sdk import WebClient

from bot.outbox_sender import OutboxSender, OutboxWorker
from bot.platforms.slack.sender import SlackSender
from handlers import Command, Service
from tests.fakes.slack_api import FakeSlackAPI
from tests.support.slack import CLUB_CHANNEL

ADMIN = "UADMIN01"
ELSEWHERE = "C0OTHER001"
OPTIONS = [f"Thème {n}" for n in range(1, 11)]
JM_POLL = 'sondage "Quels thèmes pour 2027 ?" ' + " ".join(f'"{option}"' for option in OPTIONS) + " --jm"
# reactions.add is Tier 3, "50+ per minute", sporadic bursts welcome (docs.slack.dev/apis/web-api/rate-limits).
TIER_3_PER_SECOND, TIER_3_BURST = 50 / 60, 10


class Time:
    """The sender's clock: `sleep` moves it, nothing waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


class TimedSender(SlackSender):
    """Slack as the outbox sees it, noting when (on the fake clock) each call left, and where to."""

    def __init__(self, api: FakeSlackAPI, time: Time) -> None:
        super().__init__(WebClient(token="xoxb-test", base_url=api.url), CLUB_CHANNEL)
        self.time = time
        self.sent: list[tuple[str, object, float]] = []  # (method, its channel, when)

    def call(self, method: Callable, *args: object, **kwargs: object):
        self.sent.append((method.__name__, args[0] if args else None, self.time.now))
        return super().call(method, *args, **kwargs)

    def times(self, method: str, channel: str | None = None) -> list[float]:
        return [at for name, where, at in self.sent if name == method and channel in (None, where)]


def workspace(time: Time) -> FakeSlackAPI:
    """Slack's stand-in on the same fake clock, so its own rate limits hold in the sender's time."""
    api = FakeSlackAPI(clock=time.monotonic)
    api.add_user(ADMIN, "Camille")
    api.add_channel(CLUB_CHANNEL, name="club")
    api.add_channel(ELSEWHERE, name="bureau")
    return api


def poll(service: Service, text: str, channel: str = CLUB_CHANNEL) -> None:
    service.handle_command(Command(platform="slack", user_id=ADMIN, user_name="camille", channel_id=channel,
                                   text=text, received_at=service.clock()))


def within_bucket(times: list[float], per_second: float, burst: int) -> bool:
    """No span of calls holds more than the bucket allows: its burst, plus what refilled meanwhile."""
    return all(j - i + 1 <= burst + per_second * (times[j] - times[i]) + 1e-9
               for i in range(len(times)) for j in range(i, len(times)))


def test_a_majority_judgment_poll_s_60_reactions_stay_within_tier_3(service: Service) -> None:
    time = Time()
    with workspace(time) as api:
        poll(service, JM_POLL)
        sender = TimedSender(api, time)
        OutboxSender(service, [sender], sleep=time.sleep, monotonic=time.monotonic).run_messages()
        reactions = sender.times("add_reaction")
        assert len(reactions) == len(api.calls_to("reactions.add")) == 60
        assert within_bucket(reactions, TIER_3_PER_SECOND, TIER_3_BURST)
        assert within_bucket(sender.times("post", CLUB_CHANNEL), 1.0, 3)  # one post a second after 3
        # No slower than the tier: the last reaction goes as soon as the bucket allows it.
        assert reactions[-1] <= (60 - TIER_3_BURST) / TIER_3_PER_SECOND + 1


def test_a_429_on_reactions_holds_back_reactions_only(service: Service) -> None:
    time = Time()
    with workspace(time) as api:
        poll(service, 'sondage "Quel atelier ?" "Eau" "Santé" --jm')
        poll(service, 'sondage "Qui préside ?" "Léa" "Kevin" "Paul" --unique --anonyme', channel=ELSEWHERE)
        api.rate_limit_next("reactions.add", retry_after=30)
        sender = TimedSender(api, time)
        stats = OutboxSender(service, [sender], sleep=time.sleep, monotonic=time.monotonic).run_messages()
        assert stats.deferred == 1
        reactions = sender.times("add_reaction")
        assert len(api.calls_to("reactions.add")) == 13  # 12 reactions, the first one twice
        assert reactions[1] - reactions[0] >= 30  # that method waited out its Retry-After...
        elsewhere = sender.times("post", ELSEWHERE)
        assert len(elsewhere) == 4 and elsewhere[-1] < reactions[0] + 30  # ... the other channel did not
        assert {message.channel for message in api.messages.values()} == {CLUB_CHANNEL, ELSEWHERE}


def test_a_ten_option_poll_s_messages_and_reactions_keep_their_order(service: Service) -> None:
    time = Time()
    with workspace(time) as api:
        poll(service, JM_POLL)
        api.rate_limit_next("reactions.add", retry_after=5)
        sender = TimedSender(api, time)
        OutboxSender(service, [sender], sleep=time.sleep, monotonic=time.monotonic).run_messages()
        posted = sorted(api.messages.values(), key=lambda message: message.ts)
        assert [message.text.split("\n")[0] for message in posted][1:] == [
            f"*{n}.* {option}" for n, option in enumerate(OPTIONS, 1)]
        assert "Quels thèmes pour 2027 ?" in posted[0].text  # the question before its options
        assert all(len(message.reactions) == 6 for message in posted[1:])
        # Each option's reactions go after it is posted and before the next option is.
        order = [(name, where) for name, where, _at in sender.sent if name in ("post", "add_reaction")]
        posts = [index for index, (name, _where) in enumerate(order) if name == "post"]
        between = [sum(1 for name, _ in order[start + 1:end] if name == "add_reaction")
                   for start, end in zip(posts, posts[1:] + [len(order)], strict=True)]
        assert between[0] == 0 and between[1:] == [7] + [6] * 9  # the 429's reaction sent twice


def test_a_stopping_bot_does_not_wait_out_a_retry_after(service: Service) -> None:
    """Slack asks for 30 s; the bot stopping meanwhile ends at once, and the poll is left to the next start."""
    with FakeSlackAPI() as api:
        api.add_user(ADMIN, "Camille")
        api.add_channel(CLUB_CHANNEL, name="club")
        api.rate_limit_next("chat.postMessage", retry_after=30)
        poll(service, JM_POLL)
        worker = OutboxWorker(OutboxSender(service, [SlackSender(WebClient(token="xoxb-test", base_url=api.url),
                                                                   CLUB_CHANNEL)]))
        worker.wake()
        api.wait_for("chat.postMessage")
        started = clock.monotonic()
        worker.stop(timeout=20)
        assert clock.monotonic() - started < 2
        assert not [t for t in threading.enumerate() if t.name == "outbox"]
