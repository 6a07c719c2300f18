"""Claiming due reminders exactly once, and recording what became of them.

`claim` runs in one transaction: audiences due now are expanded into one row per recipient, then due
rows are taken with `FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite has a single writer) and leased to one
reminder sender. A row whose lease ran out was maybe sent before a crash: it comes back marked `retry`, and
the reminder sender asks the platform for its key before sending it again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from handlers.calendar.programme import Programme
from handlers.polls.votes import non_voters
from handlers.reminders import messages
from handlers.reminders.cadence import CHANNEL, GROUP, NONVOTERS, PENDING, write
from storage.calendar import Event
from storage.groups import GroupChannel, GroupMembership
from storage.models import Member
from storage.reminders import Reminder, ReminderState

log = logging.getLogger(__name__)
SENDING = ReminderState.SENDING.value
LATE_AFTER = timedelta(minutes=10)  # later than this, the text says "(rappel différé)"
GRACE = timedelta(hours=12)  # later than this, it is skipped and logged, never sent
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Delivery:
    """One reminder to send now: to `user` (a direct message) or in `channel`, carrying `key`."""

    id: int
    key: str
    platform: str
    text: str
    user: str | None
    channel: str | None
    retry: bool  # an earlier attempt may have reached the platform: look for `key` first
    since: datetime  # when the first attempt started
    stale: str | None = None  # a retry too late to send: only recorded as sent if the platform has it


def _audience(session: Session, row: Reminder) -> list[Member]:
    if row.recipient == NONVOTERS:
        return non_voters(session, row.subject_id)
    if row.recipient == GROUP:
        event = session.get(Event, row.subject_id)
        if event is None or event.group_id is None:  # the generic slot: each group's session reminds its own
            return []
        return list(session.scalars(select(Member).join(GroupMembership, GroupMembership.member_id == Member.id)
                                    .where(GroupMembership.group_id == event.group_id,
                                           Member.club_id == row.club_id).distinct()))
    return []


def expand(session: Session, platforms: list[str], now: datetime) -> int:
    """Audiences due now become one row per recipient (computed now: poll non-voters, group members)."""
    rows = session.scalars(select(Reminder).where(
        Reminder.platform.is_(None), Reminder.state == PENDING, Reminder.not_before <= now)
        .order_by(Reminder.id).with_for_update(skip_locked=True)).all()
    for row in rows:
        if row.recipient == CHANNEL:
            for platform in platforms:
                write(session, row.club_id, row.subject, row.subject_id, row.kind, f"club:{platform}",
                      row.due_at, now, platform=platform)
        else:
            for member in _audience(session, row):
                write(session, row.club_id, row.subject, row.subject_id, row.kind, f"member:{member.id}",
                      row.due_at, now, member=member)
        row.state, row.updated_at = ReminderState.EXPANDED.value, now
    return len(rows)


def claim(session: Session, programme: Programme, channels: dict[str, str | None], now: datetime, worker: str,
          limit: int = 25, lease: timedelta = timedelta(minutes=5)) -> list[Delivery]:
    """Due rows for these platforms (platform -> Club channel), leased to `worker` until now + `lease`."""
    expand(session, list(channels), now)
    rows = session.scalars(select(Reminder).where(
        Reminder.platform.in_(list(channels)),
        or_(and_(Reminder.state == PENDING, Reminder.not_before <= now),
            and_(Reminder.state == SENDING, Reminder.lease_until < now)))
        .order_by(Reminder.not_before, Reminder.id).limit(limit).with_for_update(skip_locked=True)).all()
    deliveries: list[Delivery] = []
    member_ids = [row.member_id for row in rows if row.member_id is not None]
    members = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(member_ids)))} if member_ids else {}
    cache: dict[tuple, object] = {}  # a fan-out shares its subject and, per zone and language, its text
    for row in rows:
        delivery = _prepare(session, programme, channels, row, now, members, cache)
        if delivery is None:
            continue
        row.state, row.claimed_by, row.lease_until = SENDING, worker, now + lease
        row.claimed_at = row.claimed_at or now
        row.attempts += 1
        row.updated_at = now
        deliveries.append(delivery)
    return deliveries


def _skip(row: Reminder, now: datetime, why: str) -> None:
    log.info("reminder %s (%s %s %s, due %s) skipped: %s", row.id, row.subject, row.subject_id, row.kind,
             row.due_at.isoformat(), why)
    row.state, row.note, row.updated_at = ReminderState.SKIPPED.value, why, now


def _cached(cache: dict[tuple, object], key: tuple, make):
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _prepare(session: Session, programme: Programme, channels: dict[str, str | None], row: Reminder,
             now: datetime, members: dict[int, Member], cache: dict[tuple, object]) -> Delivery | None:
    retry = row.attempts > 0
    moment = _cached(cache, (row.subject, row.subject_id),
                     lambda: messages.subject_moment(session, row.subject, row.subject_id))
    lateness = now - row.not_before
    why = None
    if moment is None:
        why = "its subject is gone, closed or cancelled"
    elif lateness > GRACE:
        why = f"{lateness} late (downtime?), beyond the grace period"
    elif now >= moment and row.kind != "call_close":
        why = "its moment has passed"
    if why and not retry:
        _skip(row, now, why)
        return None
    member = members.get(row.member_id) if row.member_id is not None else None
    row.late = row.late or lateness > LATE_AFTER
    reader = (member.tz, member.lang) if member else None
    text = "" if why else _cached(cache, (row.subject, row.subject_id, row.kind, reader, row.late), lambda: messages.text(
        session, programme, row.subject, row.subject_id, row.kind, member, row.late))
    channel = None
    if member is None:
        channel = _group_channel(session, row) or channels.get(row.platform or "")
        if channel is None:
            _skip(row, now, f"no Club channel configured on {row.platform}")
            return None
    return Delivery(id=row.id, key=row.key, platform=row.platform or "", text=text,
                    user=member.platform_user_id if member else None, channel=channel, retry=retry,
                    since=row.claimed_at or now, stale=why)


def _group_channel(session: Session, row: Reminder) -> str | None:
    """A working group's session is announced in the group's own channel when it has one."""
    if row.subject != "event":
        return None
    event = session.get(Event, row.subject_id)
    if event is None or event.group_id is None:
        return None
    return session.scalar(select(GroupChannel.channel_id).where(GroupChannel.group_id == event.group_id,
                                                                GroupChannel.platform == row.platform))


def mark_sent(session: Session, reminder_id: int, worker: str, channel_id: str | None, message_id: str | None,
              now: datetime) -> bool:
    """Records the platform's message; False if the lease was lost meanwhile (then another worker owns it)."""
    done = session.execute(update(Reminder).where(
        Reminder.id == reminder_id, Reminder.state == SENDING, Reminder.claimed_by == worker).values(
        state=ReminderState.SENT.value, sent_at=now, channel_id=channel_id, message_id=message_id,
        lease_until=None, updated_at=now))
    return done.rowcount == 1


def mark_skipped(session: Session, reminder_id: int, worker: str, why: str, now: datetime) -> None:
    row = session.get(Reminder, reminder_id)
    if row is not None and row.state == SENDING and row.claimed_by == worker:
        _skip(row, now, why)


def mark_failed(session: Session, reminder_id: int, worker: str, error: str, now: datetime) -> None:
    """Tried again later (a minute per attempt so far); after MAX_ATTEMPTS it is skipped and logged."""
    row = session.get(Reminder, reminder_id)
    if row is None or row.state != SENDING or row.claimed_by != worker:
        return
    row.note, row.lease_until, row.updated_at = error[:500], None, now
    if row.attempts >= MAX_ATTEMPTS:
        _skip(row, now, f"failed {row.attempts} times: {error[:200]}")
    else:
        row.state, row.not_before = PENDING, now + timedelta(minutes=row.attempts)


def outbox_depth(session: Session, now: datetime | None = None) -> int:
    """Reminders still to send (only those already due when `now` is given), for metrics."""
    query = select(func.count()).select_from(Reminder).where(Reminder.state.in_([PENDING, SENDING]))
    if now is not None:
        query = query.where(Reminder.not_before <= now)
    return session.scalar(query) or 0
