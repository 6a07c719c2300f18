"""What the Slack listeners share: the Service, the Web API platform, and a pool for slow work."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.delivery import Deliverer
from bot.platforms.base import health, keep_trying
from bot.platforms.slack.client import SlackPlatform, may_succeed_later, retry_after
from handlers import Profile, Reply, Service
from handlers.core import ProfileLoader

log = logging.getLogger(__name__)
PROFILE_ATTEMPTS = 8  # after the answer; with the backoff below, about three minutes of trying
PROFILE_BACKOFF_CEILING = 60.0


class ProfileUnavailable(Exception):
    """The profile is being read after the answer (Slack asked to wait): this answer goes without it."""


class LateProfiles:
    """Profiles Slack could not give before an answer (a 429, a timeout), read after it in a thread of their
    own, one call at a time, never before the Retry-After of Slack's last 429 (which holds for the method,
    docs.slack.dev/apis/web-api/rate-limits). A profile read waits for the person's next command."""

    def __init__(self, read: Callable[[str], Profile], ask_again: Callable[[str], None]) -> None:
        self._read = read
        self._ask_again = ask_again  # the person's next command asks for their profile again
        self.stopped = threading.Event()
        self._lock = threading.Lock()
        self._wanted: dict[str, tuple[float, int]] = {}  # user id -> (not before, attempts made)
        self._ready: dict[str, Profile] = {}
        self._not_before = 0.0  # the method's Retry-After, for everyone
        self._thread: threading.Thread | None = None

    def take(self, user_id: str) -> Profile | None:
        with self._lock:
            return self._ready.pop(user_id, None)

    def pending(self, user_id: str) -> bool:
        with self._lock:
            return user_id in self._wanted

    def want(self, user_id: str, wait: float | None) -> None:
        """Read `user_id`'s profile after `wait` seconds (a 429's Retry-After) or at once."""
        with self._lock:
            if wait is not None:
                self._not_before = max(self._not_before, time.monotonic() + wait)
            if user_id in self._wanted or user_id in self._ready:
                return
            self._wanted[user_id] = (0.0, 0)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="slack-profiles", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        """Ends when nothing is left to read, or when the bot stops: no thread is left waiting for nothing."""
        while not self.stopped.is_set():
            with self._lock:
                if not self._wanted:
                    self._thread = None
                    return
                user_id, (at, attempts) = min(self._wanted.items(), key=lambda item: item[1][0])
                delay = max(at, self._not_before) - time.monotonic()
            if delay > 0:
                self.stopped.wait(min(delay, 1.0))  # then looks again: someone else may be due first
                continue
            self._attempt(user_id, attempts + 1)
        with self._lock:
            self._thread = None

    def _attempt(self, user_id: str, attempt: int) -> None:
        try:
            profile = self._read(user_id)
        except Exception as error:
            wait = retry_after(error)
            with self._lock:
                if may_succeed_later(error) and attempt < PROFILE_ATTEMPTS:
                    if wait is not None:
                        self._not_before = max(self._not_before, time.monotonic() + wait)
                    backoff = 0.0 if wait is not None else min(2.0 ** attempt, PROFILE_BACKOFF_CEILING)
                    self._wanted[user_id] = (time.monotonic() + backoff, attempt)
                    return
                del self._wanted[user_id]
            log.warning("Slack profile of %s not read after the answer (attempt %d): %s", user_id, attempt, error)
            if may_succeed_later(error):
                self._ask_again(user_id)  # their next command tries once more
            return
        with self._lock:
            self._wanted.pop(user_id, None)
            self._ready[user_id] = profile
        self._ask_again(user_id)


@dataclass
class SlackRuntime:
    service: Service
    platform: SlackPlatform
    executor: Executor
    command: str = "/club"
    club_channel: str | None = None
    deliverer: Deliverer = field(init=False)
    # Who opened the App Home in this process: their home is republished after what they do.
    home_seen: set[str] = field(default_factory=set)
    # Wakes the outbox sender, which posts what the handlers queued (set by whoever runs it).
    wake: Callable[[], None] = lambda: None

    late_profiles: LateProfiles = field(init=False)

    def __post_init__(self) -> None:
        self.deliverer = Deliverer(self.platform, self.club_channel)
        self.late_profiles = LateProfiles(
            lambda user_id: self.platform.profile(user_id, self.platform.single_attempt),
            lambda user_id: self.service.forget(self.platform.name, user_id))

    def sender(self):
        from bot.platforms.slack.sender import SlackSender

        return SlackSender(self.platform.client, self.club_channel, self.platform.identity)

    def connect(self, stopped: threading.Event) -> threading.Thread:
        """auth.test in the background until Slack answers: the bot starts, and serves the other platforms,
        while Slack is unreachable; /healthz says so meanwhile. A stopped bot stops reading profiles too."""
        self.late_profiles.stopped = stopped
        return keep_trying(self.platform.check, "slack-connect", stopped)

    def health(self) -> str:
        return health(self.platform.identity.reachable)

    def profile_loader(self, user_id: str) -> ProfileLoader:
        return lambda: self.profile_before_answer(user_id)

    def profile_before_answer(self, user_id: str) -> Profile:
        """users.info without any wait: on a 429, a timeout or a server error the answer goes with the
        defaults (the loader raises, as when no profile can be had), and the profile is read after it."""
        ready = self.late_profiles.take(user_id)
        if ready is not None:
            return ready
        if self.late_profiles.pending(user_id):
            raise ProfileUnavailable(user_id)  # Slack asked to wait: no second call before it says so
        try:
            return self.platform.profile(user_id, self.platform.answering)
        except Exception as error:
            if may_succeed_later(error):
                self.late_profiles.want(user_id, retry_after(error))
            raise

    def later(self, answer: list[Reply], channel: str | None, user: str | None) -> None:
        """After the ack, off the request thread (the 3 s ack is never at risk): what the ack could not
        carry of the answer is shown, and the outbox sender posts the rest, already committed."""
        if answer:
            self.executor.submit(self.deliverer.deliver, answer, channel, user)
        self.wake()

    def publish_home(self, user_id: str) -> None:
        """Builds and publishes one person's App Home (views.publish); failures are logged, not raised."""
        from bot.platforms.slack.render import home_view
        from handlers.home import page_for

        page = page_for(self.service, "slack", user_id, profile=lambda: self.platform.profile(user_id))
        if page is None:
            return
        # Noted before the call: a command answered while views.publish is under way refreshes it again.
        self.home_seen.add(user_id)
        try:
            self.platform.client.views_publish(user_id=user_id, view=home_view(page))
        except Exception:
            self.home_seen.discard(user_id)
            log.warning("App Home of %s not published", user_id, exc_info=True)

    def refresh_home(self, user_id: str) -> None:
        """After someone's command, click or vote: their home shows the change (after the ack)."""
        if user_id in self.home_seen:
            self.executor.submit(self.publish_home, user_id)

    def now(self) -> datetime:
        return self.service.clock() if self.service else datetime.now(UTC)
