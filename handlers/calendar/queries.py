"""The calendar as the other capabilities read and extend it: the next events, an event by its number,
a year's events, my events; one-off events and the programme's years, created and announced
(`EventChanged`); and the extension points of the capabilities that own some events.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.calendar import generation
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.events import EventChanged
from storage.calendar import Event, EventStatus
from storage.models import Role
from storage.numbers import add_numbered

AGENDA_LIMIT = 5

# Extension points for the capabilities that own some events (a working group owns its sessions, the
# REX their registrations): who else may move an event, who sees a group's event in their agenda, and
# who may see an event's visio link.
MOVERS: list[Callable[[Context, Event], bool]] = []
GROUP_AUDIENCE: list[Callable[[Context, Event], bool]] = []
VISIO_GATES: list[Callable[[Context, Event], bool | None]] = []  # None: no opinion


def upcoming(session: Session, club_id: int, now: datetime, kind: str | None = None,
             limit: int = AGENDA_LIMIT, group_id: int | None = None) -> list[Event]:
    """The next events not cancelled, soonest first (an event under way counts until it ends)."""
    query = select(Event).where(Event.club_id == club_id, Event.status != EventStatus.CANCELLED.value,
                                Event.starts_at > now - timedelta(hours=12))
    if kind:
        query = query.where(Event.kind == kind)
    if group_id is not None:
        query = query.where(Event.group_id == group_id)
    events = [e for e in session.scalars(query.order_by(Event.starts_at, Event.number)) if e.ends_at > now]
    return events[:limit]


def event_by_number(session: Session, club_id: int, number: int) -> Event | None:
    return session.scalar(select(Event).where(Event.club_id == club_id, Event.number == number))


def event_or_error(ctx: Context, number: int) -> Event:
    """The event people named by its number (`#4`), or the error that says where numbers are."""
    event = event_by_number(ctx.session, ctx.club.id, number)
    if event is None:
        raise UserError("Aucun événement #{n}. Les numéros sont dans `/club calendrier`.", n=number)
    return event


def year_events(session: Session, club_id: int, year: int, tz: str) -> list[Event]:
    """Every event of `year` (in zone `tz`), cancelled ones included, in time order."""
    zone = ZoneInfo(tz)
    start = datetime(year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    return list(session.scalars(select(Event).where(Event.club_id == club_id, Event.starts_at >= start,
                                                    Event.starts_at < end).order_by(Event.starts_at, Event.number)))


def local_year(ctx: Context) -> int:
    """This year in the Club's zone: the calendar's year turns at midnight in Paris."""
    return ctx.now.astimezone(ZoneInfo(ctx.settings.programme.club.timezone)).year


def can_move(ctx: Context, event: Event) -> bool:
    """Facilitators move any event; an owner registered in MOVERS (a group's referents) moves its own."""
    return ctx.member.role_enum.at_least(Role.FACILITATEUR) or any(rule(ctx, event) for rule in MOVERS)


def may_see_visio(ctx: Context, event: Event) -> bool:
    """Members see an online event's link, unless a capability owning the event decides (REX: the people
    registered, members or not)."""
    if not event.visio_url:
        return False
    for gate in VISIO_GATES:
        verdict = gate(ctx, event)
        if verdict is not None:
            return verdict
    return event.place == "en ligne" and ctx.member.role_enum.at_least(Role.MEMBRE)


def concerns_me(ctx: Context, event: Event) -> bool:
    """Every event but a group's own sessions, which concern its members (and facilitators)."""
    if event.group_id is None or ctx.member.role_enum.at_least(Role.FACILITATEUR):
        return True
    return any(rule(ctx, event) for rule in GROUP_AUDIENCE)


def my_upcoming(ctx: Context, limit: int = AGENDA_LIMIT) -> list[Event]:
    """My next events: a group's own sessions only if it is mine, and instead of the generic group slot."""
    events = [e for e in upcoming(ctx.session, ctx.club.id, ctx.now, limit=limit * 10) if concerns_me(ctx, e)]
    own = {(e.kind, e.starts_at) for e in events if e.group_id is not None}
    return [e for e in events if e.group_id is not None or (e.kind, e.starts_at) not in own][:limit]


def announce(ctx: Context, event: Event) -> list[Reply]:
    """Tells the other capabilities (reminders, agendas…) that `event` was created, moved or cancelled."""
    return ctx.emit(EventChanged(event_id=event.id, kind=event.kind, starts_at=event.starts_at,
                                 cancelled=event.cancelled))


def add_event(ctx: Context, kind: str, title: str, starts_at: datetime, duration_minutes: int, place: str,
              audience: str = "membres", group_id: int | None = None, visio_url: str | None = None) -> Event:
    """A one-off event (a group's own session, a seminar…), numbered and announced (`EventChanged`)."""
    event = Event(club_id=ctx.club.id, kind=kind, title=title[:200], starts_at=starts_at,
                  duration_minutes=duration_minutes, place=place[:200], audience=audience, group_id=group_id,
                  visio_url=visio_url, created_at=ctx.now, updated_at=ctx.now)
    add_numbered(ctx.session, event, Event.number)
    announce(ctx, event)
    return event


def ensure_years(ctx: Context, *years: int) -> list[Reply]:
    """Generates the programme's events of those years that are missing, and tells subscribers."""
    replies: list[Reply] = []
    for event in generation.ensure_years(ctx.session, ctx.club.id, ctx.settings.programme, years, ctx.now):
        replies.extend(announce(ctx, event))
    return replies
