"""The outbox sender: claims due rows of the two outboxes — messages posted after an answer, and
reminders — sends each once, and records the platform's message.

Several processes may run it on one PostgreSQL: a row is leased to one of them (`FOR UPDATE SKIP
LOCKED`). Each message carries its row's key (Slack message metadata, Mattermost post props); a row
whose lease ran out — its process died between sending and recording — is looked up on the platform
before any second attempt, so nobody sees it twice. Each method of a platform goes at the pace its
Sender declares (a token bucket per method, per channel for posts); a 429 pauses that method (that
channel's, for posts) for exactly Retry-After seconds, never on a listener's thread, and the rows waiting
on another method or channel go on meanwhile. A message the platform refuses for good (the bot is not in
the channel, the blocks are invalid) is not retried: its author is told.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.platforms.base import Platform
from bot.recount import read_reactions
from handlers import Reply, Service, Visibility
from handlers import outbox as messages
from handlers.reminders import Delivery, claim, ensure_programme, mark_failed, mark_sent, mark_skipped
from storage.outbox import OutboxMessage

log = logging.getLogger(__name__)
MESSAGE_BATCH = 10  # rows in flight at once; posts in one channel go at about one a second: each ends within its lease


EPSILON = 1e-9
# A row whose only call would wait longer than this on its method's pace goes back to the queue until then,
# leaving its place to rows that can go now (a burst of notices must not hold back a poll's results).
DEFER_AFTER = 1.0


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after


class Refused(Exception):
    """The platform refused the call for good (`reason`: its error code): trying again would not help."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Pace:
    """How fast a platform takes one of its methods: `burst` calls at once, then `per_minute` (None: as
    fast as it answers, only a 429 slows it). `limit` names the platform's limit the method counts
    against (methods naming the same one share it, and its 429s); `per_channel`: one limit per channel."""

    limit: str
    per_minute: float | None = None
    burst: int = 1
    per_channel: bool = False


Steps = Generator[float, None, object]  # yields the seconds it must wait before going on; returns its result


class Sender:
    """A platform as the outbox sender uses it. `call` turns the platform's errors into `RateLimited`
    (wait, then again) and `Refused` (never again); `find` looks a key up after an unsure attempt.
    `paces`: the pace of each method (`post`, `direct`, `update`, `add_reaction`, `ephemeral`, `upload`,
    `find`) where the platform limits it; a method not named is unpaced, its 429s its own."""

    paces: dict[str, Pace] = {}

    def pace(self, method: str) -> Pace:
        return self.paces.get(method) or Pace(method)

    def __init__(self, platform: Platform, club_channel: str | None) -> None:
        self.platform = platform
        self.name = platform.name
        self.club_channel = club_channel

    def call(self, method: Callable, *args: object, **kwargs: object):
        return method(*args, **kwargs)

    def find(self, channel: str | None, user: str | None, key: str, since: datetime) -> tuple[str, str] | None:
        """(channel, message id) of the message carrying `key`, or None: unknown, or it cannot be read."""
        return None


@dataclass
class DispatchStats:
    """What one run did, for logs and metrics: sent, failed (will be retried), deferred by rate limits."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0  # waits on a 429's Retry-After
    recovered: int = 0  # found already on the platform after a crash: recorded, not sent again
    skipped: int = 0
    refused: int = 0  # refused for good by the platform: its author was told


@dataclass
class Bucket:
    """A token bucket: `capacity` calls at once, refilled at `rate` a second (0: never empty). While a
    429's Retry-After runs, `at` lies ahead: nothing is taken before it."""

    capacity: float
    rate: float
    tokens: float
    at: float
    waiting: int = 0  # calls of rows in flight waiting for a token: those go first

    def queue_wait(self, now: float) -> float:
        """Seconds before one more call may go, behind the calls already waiting."""
        return self.wait(now) + (self.waiting / self.rate if self.rate else 0.0)

    def wait(self, now: float) -> float:
        """Seconds before one call may go (a nanosecond short counts as there: sleeps are not exact)."""
        if self.at - now > EPSILON:
            return self.at - now
        missing = 1 - self._tokens(now) if self.rate else 0.0
        return missing / self.rate if missing > EPSILON else 0.0

    def take(self, now: float) -> None:
        if self.rate:
            self.tokens, self.at = self._tokens(now) - 1, now

    def pause(self, until: float) -> None:
        """After Retry-After, one call goes at once (the platform said when), then the pace again."""
        self.tokens, self.at = 1.0, until

    def _tokens(self, now: float) -> float:
        return min(self.capacity, self.tokens + (now - self.at) * self.rate)


@dataclass(frozen=True)
class Target:
    """Where a reply goes: `post` in channel, `dm` to user, `ephemeral` to user in channel."""

    how: str
    channel: str | None = None
    user: str | None = None


def target_of(reply: Reply, origin: messages.Origin, club_channel: str | None) -> Target | None:
    """The platform destination of a reply, from its visibility and where the action happened."""
    user = reply.user or origin.user
    match reply.visibility:
        case Visibility.EPHEMERAL:
            if user is None:
                return None
            channel = reply.channel or origin.channel
            return Target("ephemeral", channel, user) if channel else Target("dm", None, user)
        case Visibility.DM:
            return Target("dm", None, user) if user else None
        case Visibility.CLUB:
            channel = reply.channel or club_channel or origin.channel
        case _:
            channel = reply.channel or origin.channel
    return Target("post", channel) if channel else None


class OutboxSender:
    def __init__(self, service: Service, senders: Sequence[Sender], worker: str | None = None,
                 # Few reminders in flight at once: after a crash, each is looked up (Tier 3) before a resend.
                 batch: int = 20, lease: timedelta = timedelta(minutes=5),
                 sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.service = service
        self.senders = {sender.name: sender for sender in senders}
        service.platforms.update(self.senders)
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.batch, self.lease = batch, lease
        self.sleep, self.monotonic = sleep, monotonic
        self._buckets: dict[tuple[str, str, str | None], Bucket] = {}  # (platform, limit, channel)
        self._years: set[int] = set()

    def run(self, now: datetime | None = None, limit: int | None = None) -> DispatchStats:
        """Everything due at `now` (the service's clock by default): messages first, then reminders."""
        stats = self.run_messages(now)
        self.run_reminders(now, limit, stats)
        return stats

    # -- messages -----------------------------------------------------------------------------
    def run_messages(self, now: datetime | None = None) -> DispatchStats:
        """Sends every message due, rows side by side: while one waits for its method's pace (or a 429
        on it), rows waiting on nothing, or on another method or channel, go on. Each row's steps stay
        in order, and a row of an action is claimed only once the one before it is done."""
        stats = DispatchStats()
        due: list[tuple[float, int, Steps]] = []  # (when it can go on, order claimed, its steps)
        order = itertools.count()

        def claim_more() -> None:
            if len(due) >= MESSAGE_BATCH:
                return
            with self.service.db.transaction() as session:
                items = messages.claim(session, list(self.senders), now or self.service.clock(), self.worker,
                                       MESSAGE_BATCH - len(due), self.lease)
            for item in items:
                heapq.heappush(due, (self.monotonic(), next(order), self._message(item, stats, now)))

        claim_more()
        while due:
            at, turn, steps = heapq.heappop(due)
            if at > self.monotonic():
                claim_more()  # what came meanwhile may go before this wait ends
                if due and due[0][0] < at:
                    heapq.heappush(due, (at, turn, steps))
                    continue
                self.sleep(max(0.0, at - self.monotonic()))
            try:
                wait = next(steps)
            except StopIteration:
                claim_more()  # the next message of its action, maybe
                continue
            heapq.heappush(due, (self.monotonic() + wait, turn, steps))
        if stats.failed or stats.refused or stats.recovered:
            log.info("outbox: %s sent, %s to retry, %s refused, %s recovered", stats.sent, stats.failed,
                     stats.refused, stats.recovered)
        return stats

    def next_due(self) -> datetime | None:
        """When the earliest message waiting is due: a retry, or one whose lease runs out (its process
        died while posting it). None: nothing waits."""
        platforms = list(self.senders)
        with self.service.db.transaction() as session:
            moments = [session.scalar(select(func.min(OutboxMessage.not_before)).where(
                OutboxMessage.platform.in_(platforms), OutboxMessage.state == messages.PENDING)),
                session.scalar(select(func.min(OutboxMessage.lease_until)).where(
                    OutboxMessage.platform.in_(platforms), OutboxMessage.state == messages.SENDING))]
        found = [moment for moment in moments if moment is not None]
        return min(found) if found else None

    def _record(self, now: datetime | None, outcome: Callable) -> None:
        with self.service.db.transaction() as session:
            outcome(session, now or self.service.clock())

    def _message(self, item: messages.Outgoing, stats: DispatchStats, now: datetime | None) -> Steps:
        sender, worker = self.senders[item.origin.platform], self.worker
        try:
            yield from self._send_message(sender, item, stats, now)
        except Refused as refused:
            stats.refused += 1
            reason = refused.reason
            log.warning("outbox message %s refused by %s: %s", item.id, sender.name, reason)
            self._record(now, lambda s, t: messages.mark_failed(s, item.id, worker, reason, t, permanent=reason))
        except Exception as error:
            stats.failed += 1
            log.warning("outbox message %s not sent on %s", item.id, sender.name, exc_info=True)
            note = repr(error)
            self._record(now, lambda s, t: messages.mark_failed(s, item.id, worker, note, t))

    def _send_message(self, sender: Sender, item: messages.Outgoing, stats: DispatchStats,
                      now: datetime | None) -> Steps:
        reply, worker, platform = item.reply, self.worker, sender.platform
        if reply.recount is not None:
            state = read_reactions(self.service, platform, reply.recount.anchors)
            moment = now or self.service.clock()
            self.service.handle_recount(sender.name, reply.recount, state,
                                        done=lambda s: messages.mark_sent(s, item.id, worker, moment))
            stats.sent += 1
            return
        if reply.update:
            if reply.anchor is not None:
                for channel, message_id in self.service.posted_for(sender.name, reply.anchor):
                    yield from self._paced(sender, stats, platform.update, channel, message_id, reply)
            self._record(now, lambda s, t: messages.mark_sent(s, item.id, worker, t))
            stats.sent += 1
            return
        target = target_of(reply, item.origin, sender.club_channel)
        if target is None:
            raise Refused("no_channel")
        if target.how == "ephemeral":  # nothing to find again: at worst shown twice to one person
            wait = self._bucket(sender, "ephemeral", None).queue_wait(self.monotonic())
            if wait > DEFER_AFTER:  # a notice to one person, its only call: back to the queue, not in the way
                until = (now or self.service.clock()) + timedelta(seconds=wait)
                self._record(now, lambda s, t: messages.defer(s, item.id, worker, until, t))
                return
            yield from self._paced(sender, stats, platform.ephemeral, target.channel, target.user, reply)
            self._record(now, lambda s, t: messages.mark_sent(s, item.id, worker, t))
            stats.sent += 1
            return
        posted = item.posted
        if posted is None and item.retry:
            posted = yield from self._paced(sender, stats, sender.find, target.channel, target.user, item.key,
                                            item.since)
            if posted is not None:
                stats.recovered += 1
        if posted is None:
            if target.how == "dm":  # one direct channel per person: paced as that channel
                posted = yield from self._paced(sender, stats, platform.direct, target.user, reply, item.key,
                                                where=target.user)
            else:
                message_id = yield from self._paced(sender, stats, platform.post, target.channel, reply, item.key,
                                                    where=target.channel)
                posted = (target.channel, message_id)
            stats.sent += 1
        channel, message_id = posted
        finished = not reply.reactions and not reply.attachments
        if item.posted is None:
            # Recorded before its reactions are added, so the first votes on it count.
            def record(s: Session, t: datetime) -> None:
                messages.mark_posted(s, item.id, worker, channel, message_id, t, sender.name, reply.anchor)
                if finished:
                    messages.mark_sent(s, item.id, worker, t)

            self._record(now, record)
        for emoji in reply.reactions:
            yield from self._paced(sender, stats, platform.add_reaction, channel, message_id, emoji)
        for attachment in reply.attachments:
            yield from self._paced(sender, stats, platform.upload, channel, attachment)
        if not finished or item.posted is not None:
            self._record(now, lambda s, t: messages.mark_sent(s, item.id, worker, t))

    # -- reminders ----------------------------------------------------------------------------
    def run_reminders(self, now: datetime | None = None, limit: int | None = None,
                      stats: DispatchStats | None = None) -> DispatchStats:
        """Sends every reminder due at `now`, batch after batch."""
        stats = stats or DispatchStats()
        channels = {name: sender.club_channel for name, sender in self.senders.items()}
        handled = 0
        self._ensure_programme(now or self.service.clock())
        while limit is None or handled < limit:
            moment = now or self.service.clock()
            with self.service.db.transaction() as session:
                deliveries = claim(session, self.service.settings.programme, channels, moment, self.worker,
                                   self.batch if limit is None else min(self.batch, limit - handled),
                                   self.lease)
            if not deliveries:
                break
            outcomes = [self._reminder(delivery, stats) for delivery in deliveries]
            with self.service.db.transaction() as session:  # a crash before this commit loses nothing
                moment = now or self.service.clock()
                for outcome in outcomes:
                    outcome(session, moment)
            handled += len(deliveries)
        if stats.sent or stats.failed or stats.recovered:
            log.info("reminders: %s sent, %s failed, %s recovered, %s rate-limit waits", stats.sent,
                     stats.failed, stats.recovered, stats.deferred)
        return stats

    def _ensure_programme(self, now: datetime) -> None:
        year = now.year
        if year in self._years:
            return
        try:
            with self.service.db.transaction() as session:
                ensure_programme(session, self.service.settings, self.service.registry, self.service.club_id, now)
            self._years.add(year)
        except Exception:
            log.exception("the programme of %s could not be generated; its reminders wait", year)

    def _reminder(self, delivery: Delivery, stats: DispatchStats) -> Callable:
        """Sends one reminder; returns how to record the outcome (recorded per batch, in one transaction)."""
        sender = self.senders[delivery.platform]
        reminder_id, worker = delivery.id, self.worker
        try:
            found = self._waiting(self._paced(sender, stats, sender.find, delivery.channel, delivery.user,
                                              delivery.key, delivery.since)) if delivery.retry else None
            if found is not None:
                stats.recovered += 1
            elif delivery.stale:
                stats.skipped += 1
                return lambda s, t: mark_skipped(s, reminder_id, worker, delivery.stale or "", t)
            elif delivery.user is not None:
                found = self._waiting(self._paced(sender, stats, sender.platform.direct, delivery.user,
                                                  Reply(delivery.text), delivery.key, where=delivery.user))
                stats.sent += 1
            else:
                message_id = self._waiting(self._paced(sender, stats, sender.platform.post, delivery.channel,
                                                       Reply(delivery.text), delivery.key, where=delivery.channel))
                found = (delivery.channel, message_id)
                stats.sent += 1
        except Exception as error:
            log.warning("reminder %s not sent on %s", delivery.id, delivery.platform, exc_info=True)
            stats.failed += 1
            reason = repr(error)
            return lambda s, t: mark_failed(s, reminder_id, worker, reason, t)
        channel, message_id = found
        return lambda s, t: mark_sent(s, reminder_id, worker, channel, message_id, t)

    # -- pace ---------------------------------------------------------------------------------
    def _paced(self, sender: Sender, stats: DispatchStats, method: Callable, *args: object,
               where: str | None = None) -> Steps:
        """Calls the platform at the pace of `method` (in channel `where`, for a per-channel pace), waiting
        out its Retry-After as often as it asks: the wait is yielded, so other rows go on meanwhile."""
        bucket = self._bucket(sender, method.__name__, where)
        bucket.waiting += 1  # counted while it waits (rows run one at a time: never during another's call)
        try:
            while True:
                wait = bucket.wait(self.monotonic())
                if wait > 0:
                    yield wait
                    continue
                bucket.take(self.monotonic())
                try:
                    return sender.call(method, *args)
                except RateLimited as limited:
                    stats.deferred += 1
                    bucket.pause(self.monotonic() + limited.retry_after)
        finally:
            bucket.waiting -= 1

    def _bucket(self, sender: Sender, method: str, where: str | None) -> Bucket:
        pace = sender.pace(method)
        key = (sender.name, pace.limit, where if pace.per_channel else None)
        if key not in self._buckets:
            rate = pace.per_minute / 60 if pace.per_minute else 0.0
            self._buckets[key] = Bucket(float(pace.burst), rate, float(pace.burst), self.monotonic())
        return self._buckets[key]

    def _waiting(self, steps: Steps):
        """Runs steps alone, sleeping through each wait; returns their result."""
        while True:
            try:
                delay = next(steps)
            except StopIteration as done:
                return done.value
            self.sleep(delay)


class Stopped(BaseException):
    """The worker stops while a row waits on a platform's pace: the row keeps its lease and is looked up
    before it is tried again (a BaseException, so no row counts it as a failed attempt)."""


class OutboxWorker:
    """The thread that sends what a command queued, as soon as it is committed: the listeners `wake` it.
    Idle, it waits for the next wake or the next retry, and polls nothing."""

    def __init__(self, sender: OutboxSender) -> None:
        self.sender = sender
        self._wake = threading.Event()
        self._halt = threading.Event()
        sender.sleep = self._sleep  # a wait on a platform's pace ends when the worker stops
        self._reminders = False
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wake(self, reminders: bool = False) -> None:
        with self._lock:
            self._reminders = self._reminders or reminders
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(target=self._loop, name="outbox", daemon=True)
                self._thread.start()
        self._wake.set()

    def _sleep(self, seconds: float) -> None:
        if self._halt.wait(seconds):
            raise Stopped

    def stop(self, timeout: float = 10) -> None:
        self._stopped = True
        self._halt.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        timeout: float | None = None
        while not self._stopped:
            self._wake.wait(timeout)
            self._wake.clear()
            if self._stopped:
                return
            with self._lock:
                reminders, self._reminders = self._reminders, False
            try:
                self.sender.run_messages()
                if reminders:
                    self.sender.run_reminders()
                due = self.sender.next_due()
                clock = self.sender.service.clock()
                timeout = None if due is None else max(0.05, (due - clock).total_seconds())
            except Stopped:
                return
            except Exception:
                log.exception("outbox run failed; trying again shortly")
                timeout = 5.0


def start_outbox(service: Service, runtimes: Sequence, lease: timedelta = timedelta(minutes=1)) -> OutboxWorker:
    """One outbox worker for the platforms of this process (each runtime gives its sender, and is given
    the worker's `wake`), woken once at start for what an earlier process left unsent."""
    worker = OutboxWorker(OutboxSender(service, [runtime.sender() for runtime in runtimes], lease=lease))
    for runtime in runtimes:
        runtime.wake = worker.wake
    worker.wake()
    return worker
