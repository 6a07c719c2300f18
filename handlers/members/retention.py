"""How long the Club keeps personal data (`[retention]` of the programme file), applied by the scheduler:
registrations of members, and of the guests they registered, a set time after their event (a seminar's
workshop choices after its day); reminders and the outbox's messages a set time after they went out.

The periods are those of the programme the scheduler runs with: only its own Club's data is purged.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from handlers.registry import on_tick
from storage.calendar import Event
from storage.models import Club
from storage.outbox import OutboxMessage, OutboxState
from storage.registrations import Registration
from storage.reminders import Reminder, ReminderState
from storage.workshops import WorkshopRegistration

if TYPE_CHECKING:
    from handlers.calendar.programme import Programme
    from handlers.context import ClubSettings
    from handlers.core import Reply

log = logging.getLogger(__name__)
FINISHED = [state.value for state in (ReminderState.SENT, ReminderState.SKIPPED, ReminderState.EXPANDED,
                                      ReminderState.CANCELLED)]
DONE = [OutboxState.SENT.value, OutboxState.FAILED.value, OutboxState.CANCELLED.value]

def before(now: datetime, months: int) -> datetime:
    return now - relativedelta(months=months)


@on_tick
def purge_expired(session: Session, now: datetime, settings: ClubSettings) -> list[tuple[str | None, Reply]]:
    """What the programme's periods no longer allow to keep is deleted; nothing is posted."""
    programme = settings.programme
    club_id = session.scalar(select(Club.id).where(Club.slug == programme.club.slug))
    if club_id is not None:
        counts = purge(session, club_id, programme, now)
        if any(counts.values()):
            log.info("retention: club=%s deleted %s", club_id, counts)
    return []


def purge(session: Session, club_id: int, programme: Programme, now: datetime) -> dict[str, int]:
    retention = programme.retention
    members = _ended(session, club_id, before(now, retention.registrations))
    guests = _ended(session, club_id, before(now, retention.guests))
    counts = {
        "registrations": _delete(session, delete(Registration).where(
            Registration.event_id.in_(members), Registration.member_id.is_not(None))),
        "guests": _delete(session, delete(Registration).where(
            Registration.event_id.in_(guests), Registration.member_id.is_(None))),
        "workshops": 0,
    }
    last_day = _seminar_end(session, club_id, programme)
    if last_day is not None and last_day < before(now, retention.registrations):
        counts["workshops"] = _delete(session, delete(WorkshopRegistration).where(
            WorkshopRegistration.club_id == club_id))
    sent = before(now, retention.reminders)
    counts["reminders"] = _delete(session, delete(Reminder).where(
        Reminder.club_id == club_id, Reminder.state.in_(FINISHED), Reminder.due_at < sent,
        Reminder.updated_at < sent))
    counts["messages"] = _delete(session, delete(OutboxMessage).where(
        OutboxMessage.club_id == club_id, OutboxMessage.state.in_(DONE), OutboxMessage.updated_at < sent))
    return counts


def _ended(session: Session, club_id: int, cutoff: datetime) -> list[int]:
    """The Club's events that were over before `cutoff`."""
    rows = session.execute(select(Event.id, Event.starts_at, Event.duration_minutes).where(
        Event.club_id == club_id, Event.starts_at < cutoff))
    return [event_id for event_id, starts_at, minutes in rows if starts_at + timedelta(minutes=minutes) < cutoff]


def _seminar_end(session: Session, club_id: int, programme: Programme) -> datetime | None:
    """When the seminar's last day ends (its workshop choices are its registrations): from the calendar, and
    from the file's dates, as the calendar may never have been generated."""
    seminar = programme.seminar
    series = programme.series_by_key(seminar.series) if seminar else None
    if series is None:
        return None
    ends = [starts_at + timedelta(minutes=minutes) for starts_at, minutes in session.execute(
        select(Event.starts_at, Event.duration_minutes).where(Event.club_id == club_id, Event.series == series.key))]
    ends += [datetime.combine(day, series.time, ZoneInfo(series.zone)) + timedelta(minutes=series.duration)
             for day in series.dates]
    return max(ends, default=None)


def _delete(session: Session, statement) -> int:
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount or 0
