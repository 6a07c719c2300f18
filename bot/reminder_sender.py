"""The reminder sender: claims due rows of the outbox, sends them once, records the message.

Several processes may run it on one PostgreSQL: a row is leased to one of them (`FOR UPDATE SKIP
LOCKED`). Each message carries its row's key (Slack message metadata, Mattermost post props); a row
whose lease ran out — its process died between sending and recording — is looked up on the platform
before any second attempt, so nobody sees it twice. A 429 pauses that platform for exactly Retry-After
seconds (this runs on the scheduler's thread, never on a listener's); posts in one channel are spaced
by about a second, as Slack asks.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.delivery import Deliverer
from bot.platforms.base import Platform
from handlers import Reply, Service
from handlers.reminders import Delivery, claim, ensure_programme, mark_failed, mark_sent, mark_skipped

log = logging.getLogger(__name__)
METADATA_TYPE = "club_reminder"


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after


class Sender:
    """Any platform: post or message privately; it cannot tell whether an earlier attempt got through."""

    channel_interval = 0.0  # seconds between two posts in one channel

    def __init__(self, platform: Platform, club_channel: str | None) -> None:
        self.platform = platform
        self.name = platform.name
        self.club_channel = club_channel

    def send(self, delivery: Delivery) -> tuple[str, str]:
        reply = Reply(delivery.text)
        if delivery.user is not None:
            return self.platform.direct(delivery.user, reply)
        assert delivery.channel is not None
        return delivery.channel, self.platform.post(delivery.channel, reply)

    def find(self, delivery: Delivery) -> tuple[str, str] | None:
        return None


class SlackSender(Sender):
    """chat.postMessage with the row's key in the message metadata; conversations.history finds it again."""

    channel_interval = 1.0

    def __init__(self, platform: Platform, club_channel: str | None) -> None:
        super().__init__(platform, club_channel)
        from slack_sdk import WebClient
        from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

        shared = platform.client  # type: ignore[attr-defined]
        # Its own client: 429 comes back here (no jittered sleep inside the SDK), the pace is ours.
        self.client = WebClient(token=shared.token, base_url=shared.base_url, timeout=shared.timeout,
                                retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2)])
        self._direct: dict[str, str] = {}

    def _call(self, method: Callable[..., dict], **kwargs: object) -> dict:
        from slack_sdk.errors import SlackApiError

        try:
            return method(**kwargs)
        except SlackApiError as error:
            if error.response.status_code == 429:
                headers = {key.lower(): value for key, value in (error.response.headers or {}).items()}
                value = headers.get("retry-after", "1")
                raise RateLimited(float(value[0] if isinstance(value, list) else value)) from error
            raise

    def _channel(self, delivery: Delivery) -> str:
        if delivery.user is None:
            assert delivery.channel is not None
            return delivery.channel
        if delivery.user not in self._direct:
            opened = self._call(self.client.conversations_open, users=delivery.user)
            self._direct[delivery.user] = opened["channel"]["id"]
        return self._direct[delivery.user]

    def send(self, delivery: Delivery) -> tuple[str, str]:
        """A user id as channel posts in the app's direct conversation with them (one call, not two)."""
        from bot.platforms.slack import render

        response = self._call(self.client.chat_postMessage, channel=delivery.user or delivery.channel,
                              unfurl_links=False,
                              metadata={"event_type": METADATA_TYPE, "event_payload": {"key": delivery.key}},
                              **render.message(Reply(delivery.text)))
        return response["channel"], response["ts"]

    def find(self, delivery: Delivery) -> tuple[str, str] | None:
        channel = self._channel(delivery)
        history = self._call(self.client.conversations_history, channel=channel, limit=100,
                             include_all_metadata=True)
        for message in history.get("messages", []):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == METADATA_TYPE and \
                    (metadata.get("event_payload") or {}).get("key") == delivery.key:
                return channel, message["ts"]
        return None


class MattermostSender(Sender):
    """POST /posts with the row's key in the post's props; the channel's recent posts find it again."""

    def _channel(self, delivery: Delivery) -> str:
        if delivery.user is None:
            assert delivery.channel is not None
            return delivery.channel
        platform = self.platform
        return platform.driver.channels.create_direct_channel([platform.bot_id, delivery.user])["id"]  # type: ignore[attr-defined]

    def send(self, delivery: Delivery) -> tuple[str, str]:
        platform = self.platform
        channel = self._channel(delivery)
        message, props = platform._post_body(Reply(delivery.text))  # type: ignore[attr-defined]
        post = platform.driver.posts.create_post(  # type: ignore[attr-defined]
            channel_id=channel, message=message, props={**props, METADATA_TYPE: delivery.key})
        return channel, post["id"]

    def find(self, delivery: Delivery) -> tuple[str, str] | None:
        channel = self._channel(delivery)
        since = int((delivery.since - timedelta(minutes=5)).timestamp() * 1000)
        found = self.platform.driver.posts.get_posts_for_channel(channel, since=since)  # type: ignore[attr-defined]
        for post in (found or {}).get("posts", {}).values():
            if (post.get("props") or {}).get(METADATA_TYPE) == delivery.key:
                return channel, post["id"]
        return None


def sender_for(deliverer: Deliverer) -> Sender:
    kinds = {"slack": SlackSender, "mattermost": MattermostSender}
    return kinds.get(deliverer.platform.name, Sender)(deliverer.platform, deliverer.club_channel)


@dataclass
class DispatchStats:
    """What one run did, for logs and metrics: sent, failed (will be retried), deferred by rate limits."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0  # waits on a 429's Retry-After
    recovered: int = 0  # found already on the platform after a crash: recorded, not sent again
    skipped: int = 0


class ReminderSender:
    def __init__(self, service: Service, senders: Sequence[Sender], worker: str | None = None,
                 batch: int = 100, lease: timedelta = timedelta(minutes=5),
                 sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.service = service
        self.senders = {sender.name: sender for sender in senders}
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.batch, self.lease = batch, lease
        self.sleep, self.monotonic = sleep, monotonic
        self._last_post: dict[tuple[str, str], float] = {}
        self._paused_until: dict[str, float] = {}
        self._years: set[int] = set()

    @classmethod
    def for_deliverers(cls, service: Service, deliverers: Sequence[Deliverer], **options: object) -> ReminderSender:
        return cls(service, [sender_for(d) for d in deliverers], **options)  # type: ignore[arg-type]

    def run(self, now: datetime | None = None, limit: int | None = None) -> DispatchStats:
        """Sends everything due at `now` (the service's clock by default), batch after batch."""
        stats = DispatchStats()
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
            self._record([self._deliver(delivery, stats) for delivery in deliveries], now)
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

    def _deliver(self, delivery: Delivery, stats: DispatchStats) -> Callable | None:
        """Sends one reminder; returns how to record the outcome (recorded per batch, in one transaction)."""
        sender = self.senders[delivery.platform]
        reminder_id, worker = delivery.id, self.worker
        try:
            found = self._with_pace(sender, delivery, stats, sender.find) if delivery.retry else None
            if found is not None:
                stats.recovered += 1
            elif delivery.stale:
                stats.skipped += 1
                return lambda s, t: mark_skipped(s, reminder_id, worker, delivery.stale or "", t)
            else:
                found = self._with_pace(sender, delivery, stats, sender.send)
                stats.sent += 1
        except Exception as error:
            log.warning("reminder %s not sent on %s", delivery.id, delivery.platform, exc_info=True)
            stats.failed += 1
            reason = repr(error)
            return lambda s, t: mark_failed(s, reminder_id, worker, reason, t)
        channel, message_id = found
        return lambda s, t: mark_sent(s, reminder_id, worker, channel, message_id, t)

    def _record(self, outcomes: list[Callable], now: datetime | None) -> None:
        """A crash before this commit loses nothing: those rows come back and are found on the platform."""
        with self.service.db.transaction() as session:
            moment = now or self.service.clock()
            for outcome in outcomes:
                outcome(session, moment)

    def _with_pace(self, sender: Sender, delivery: Delivery, stats: DispatchStats,
                   call: Callable[[Delivery], tuple[str, str] | None]) -> tuple[str, str] | None:
        """Calls the platform, waiting out its Retry-After as often as it asks, and a second per channel."""
        if delivery.channel and sender.channel_interval:
            last = self._last_post.get((sender.name, delivery.channel))
            if last is not None and self.monotonic() - last < sender.channel_interval:
                self.sleep(sender.channel_interval - (self.monotonic() - last))
        while True:
            wait = self._paused_until.get(sender.name, 0.0) - self.monotonic()
            if wait > 0:
                self.sleep(wait)
            try:
                result = call(delivery)
            except RateLimited as limited:
                stats.deferred += 1
                self._paused_until[sender.name] = self.monotonic() + limited.retry_after
                continue
            if delivery.channel:
                self._last_post[(sender.name, delivery.channel)] = self.monotonic()
            return result
