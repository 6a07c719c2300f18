"""The charter's cadence, written into the outbox when events, registrations, polls and calls change.

Each topic keeps the outbox in step: a new subject gets its rows, a moved one moves its pending rows,
a cancelled or closed one cancels them. Rows whose moment is already past when written are not created.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from handlers import registry
from handlers.context import Context
from handlers.events import CallChanged, EventChanged, PollChanged, RegistrationChanged
from storage.calendar import Event
from storage.db import insert_for
from storage.models import Club, Member, Role
from storage.reminders import Reminder, ReminderState

if TYPE_CHECKING:
    from handlers.context import ClubSettings
    from handlers.registry import Registry

QUIET_START, QUIET_END = 21, 8  # no direct message from 21:00 to 08:00, recipient's local time
CHANNEL, GROUP, NONVOTERS = "channel", "group", "nonvoters"
REGISTRANTS = "registrants"  # rows written per person, on "registration.changed"
PENDING = ReminderState.PENDING.value
MOVED = "moved"


@dataclass(frozen=True)
class Step:
    kind: str
    before: timedelta
    audience: str  # CHANNEL, GROUP, NONVOTERS or REGISTRANTS


SESSION_STEPS = (Step("j7", timedelta(days=7), CHANNEL), Step("j1", timedelta(days=1), REGISTRANTS),
                 Step("h1", timedelta(hours=1), REGISTRANTS))
GROUP_STEPS = (Step("j7", timedelta(days=7), CHANNEL), Step("j1", timedelta(days=1), GROUP),
               Step("h1", timedelta(hours=1), GROUP))
RENCONTRE_STEPS = (Step("j30", timedelta(days=30), CHANNEL), Step("j7", timedelta(days=7), CHANNEL))
POLL_STEPS = (Step("poll24", timedelta(hours=24), NONVOTERS),)
CALL_STEPS = (Step("call_week", timedelta(days=7), CHANNEL), Step("call_close", timedelta(0), CHANNEL))


def steps_for(kind: str) -> tuple[Step, ...]:
    """REX, seminars, committees and sessions remind their registrants; working groups their members."""
    if kind == "rencontre":
        return RENCONTRE_STEPS
    if kind == "groupe":
        return GROUP_STEPS
    return SESSION_STEPS


def out_of_quiet_hours(moment: datetime, tz: str) -> datetime:
    """`moment`, or 08:00 local time when it falls between 21:00 and 08:00 in `tz`."""
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    if QUIET_END <= local.hour < QUIET_START:
        return moment
    day = local.date() + timedelta(days=1) if local.hour >= QUIET_START else local.date()
    return datetime.combine(day, time(QUIET_END), zone).astimezone(moment.tzinfo)


def write(session: Session, club_id: int, subject: str, subject_id: int, kind: str, recipient: str,
          due_at: datetime, now: datetime, member: Member | None = None, platform: str | None = None) -> None:
    """One row, once: writing the same key again moves it if still pending (never a second row)."""
    not_before = out_of_quiet_hours(due_at, member.tz) if member is not None else due_at
    values = dict(club_id=club_id, subject=subject, subject_id=subject_id, kind=kind, recipient=recipient,
                  platform=member.platform if member is not None else platform,
                  member_id=member.id if member is not None else None, due_at=due_at, not_before=not_before,
                  state=PENDING, attempts=0, late=False, created_at=now, updated_at=now)
    statement = insert_for(session)(Reminder).values(**values)
    session.execute(statement.on_conflict_do_update(
        index_elements=["club_id", "subject", "subject_id", "kind", "recipient"],
        set_={"due_at": due_at, "not_before": not_before, "updated_at": now, "state": PENDING, "note": None},
        where=Reminder.state.in_([PENDING, ReminderState.CANCELLED.value])))


def cancel(session: Session, subject: str, subject_id: int, now: datetime, recipient: str | None = None,
           note: str = "") -> None:
    """Pending rows of a subject (or of one recipient) will never go out."""
    query = update(Reminder).where(Reminder.subject == subject, Reminder.subject_id == subject_id,
                                   Reminder.state == PENDING)
    if recipient is not None:
        query = query.where(Reminder.recipient == recipient)
    session.execute(query.values(state=ReminderState.CANCELLED.value, updated_at=now, note=note or None))


def schedule(ctx: Context, subject: str, subject_id: int, moment: datetime, steps: tuple[Step, ...]) -> None:
    """Writes (or moves) the audience rows of a subject and moves the rows already written per person."""
    session = ctx.session
    for step in steps:
        due = moment - step.before
        if step.audience == REGISTRANTS:
            for row in session.scalars(select(Reminder).where(
                    Reminder.subject == subject, Reminder.subject_id == subject_id, Reminder.kind == step.kind,
                    Reminder.member_id.is_not(None), _movable())):
                member = session.get(Member, row.member_id)
                _move(row, due, member.tz if member else None, ctx.now)
        elif due <= ctx.now:  # too late for this step now; it comes back if the subject moves again
            session.execute(update(Reminder).where(
                Reminder.subject == subject, Reminder.subject_id == subject_id, Reminder.kind == step.kind,
                Reminder.recipient == step.audience, Reminder.state == PENDING).values(
                state=ReminderState.CANCELLED.value, note=MOVED, updated_at=ctx.now))
        else:
            write(session, ctx.club.id, subject, subject_id, step.kind, step.audience, due, ctx.now)


def _movable():
    """Pending rows, and rows a move made too late that a later move may bring back."""
    return or_(Reminder.state == PENDING, and_(Reminder.state == ReminderState.CANCELLED.value,
                                               Reminder.note == MOVED))


def _move(row: Reminder, due: datetime, tz: str | None, now: datetime) -> None:
    if due <= now:
        row.state, row.note, row.updated_at = ReminderState.CANCELLED.value, MOVED, now
        return
    row.due_at, row.not_before = due, out_of_quiet_hours(due, tz) if tz else due
    row.state, row.note, row.updated_at = PENDING, None, now


# -- topics -----------------------------------------------------------------------------------------
@registry.on(EventChanged)
def event_changed(ctx: Context, changed: EventChanged) -> None:
    if changed.cancelled:
        cancel(ctx.session, "event", changed.event_id, ctx.now, note="cancelled")
        return
    schedule(ctx, "event", changed.event_id, changed.starts_at, steps_for(changed.kind))


@registry.on(RegistrationChanged)
def registration_changed(ctx: Context, changed: RegistrationChanged) -> None:
    """J-1 and H-1 direct messages for one registrant of a REX or session, in their own quiet hours."""
    event_id, member_id = changed.event_id, changed.member_id
    recipient = f"member:{member_id}"
    if not changed.registered:
        cancel(ctx.session, "event", event_id, ctx.now, recipient, note="unregistered")
        return
    event = ctx.session.get(Event, event_id)
    member = ctx.session.get(Member, member_id)
    if event is None or member is None or event.cancelled:
        return
    for step in steps_for(event.kind):
        if step.audience == REGISTRANTS and event.starts_at - step.before > ctx.now:
            write(ctx.session, ctx.club.id, "event", event_id, step.kind, recipient,
                  event.starts_at - step.before, ctx.now, member=member)


@registry.on(PollChanged)
def poll_changed(ctx: Context, changed: PollChanged) -> None:
    if changed.closed or changed.closes_at is None:
        cancel(ctx.session, "poll", changed.poll_id, ctx.now, note="closed" if changed.closed else "no deadline")
        return
    schedule(ctx, "poll", changed.poll_id, changed.closes_at, POLL_STEPS)


@registry.on(CallChanged)
def call_changed(ctx: Context, changed: CallChanged) -> None:
    if not changed.open:
        cancel(ctx.session, "call", changed.call_id, ctx.now, note="closed")
        return
    schedule(ctx, "call", changed.call_id, changed.closes_at, CALL_STEPS)


def ensure_programme(session: Session, settings: ClubSettings, registry: Registry, club_id: int,
                     now: datetime) -> None:
    """The calendar of this year and the next exists (generated as `/club calendrier` would), so its
    reminders are in the outbox even if nobody looked at the calendar yet."""
    from handlers.calendar.queries import ensure_years

    club = session.get(Club, club_id)
    tz = settings.programme.club.timezone
    system = Member(club_id=club_id, platform="system", platform_user_id="club-bot", display_name="club-bot",
                    tz=tz, role=Role.ADMIN.value)  # never stored: who the scheduled work acts as
    ctx = Context(session=session, club=club, member=system, settings=settings, platform="system",
                  channel_id="", now=now, lang="fr", registry=registry)
    year = now.astimezone(ZoneInfo(tz)).year
    ensure_years(ctx, year, year + 1)
