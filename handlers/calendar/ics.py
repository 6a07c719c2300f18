"""iCalendar feeds of the Club's events, served by the web server: the public one and one per working group.

Times carry their zone (with its VTIMEZONE), UIDs are stable (the programme slot, or the event's
number), and SEQUENCE grows when an event moves, so subscribed calendars replace the old version.
Feeds are reachable without logging in: visio links never go into them.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as VEvent
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from handlers.calendar.display import describe
from handlers.calendar.programme import Programme
from storage.calendar import Event, EventKind

PRODID = "-//Club des territoires//club-bot//FR"
PUBLIC_AUDIENCES = ("public", "membres")


def uid(event: Event, club_slug: str) -> str:
    """The same UID whenever the event is exported, before and after a move or a regeneration."""
    if event.series and event.occurrence:
        return f"{event.series}-{event.occurrence}.{club_slug}@club-bot"
    return f"event-{event.number}.{club_slug}@club-bot"


def _vevent(event: Event, programme: Programme) -> VEvent:
    tz = ZoneInfo(programme.club.timezone)
    item = VEvent()
    item.add("uid", uid(event, programme.club.slug))
    item.add("dtstamp", event.updated_at)
    item.add("last-modified", event.updated_at)
    item.add("created", event.created_at)
    item.add("sequence", event.sequence)
    item.add("dtstart", event.starts_at.astimezone(tz))
    item.add("dtend", (event.starts_at + timedelta(minutes=event.duration_minutes)).astimezone(tz))
    item.add("summary", f"#{event.number} {event.title}")
    item.add("location", event.place)
    item.add("description", describe(event, programme))
    item.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    item.add("categories", [event.kind])
    return item


def build_feed(events: list[Event], programme: Programme, name: str) -> bytes:
    """A VCALENDAR of `events`, with the VTIMEZONE of every zone used; never a visio link."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", programme.club.timezone)
    for event in events:
        cal.add_component(_vevent(event, programme))
    cal.add_missing_timezones()
    return cal.to_ical()


def public_events(session: Session, club_id: int) -> list[Event]:
    """The Club's calendar as anyone may see it: rencontres, REX, common group sessions, seminars…"""
    return list(session.scalars(select(Event).where(
        Event.club_id == club_id,
        or_(Event.audience.in_(PUBLIC_AUDIENCES), (Event.kind == EventKind.GROUPE.value) & Event.group_id.is_(None)),
    ).order_by(Event.starts_at, Event.number)))


def group_events(session: Session, club_id: int, group_id: int) -> list[Event]:
    """A working group's sessions, and the Club's common group slots when the group has none of its own."""
    own = list(session.scalars(select(Event).where(Event.club_id == club_id, Event.group_id == group_id)
                               .order_by(Event.starts_at, Event.number)))
    if own:
        return own
    return list(session.scalars(select(Event).where(
        Event.club_id == club_id, Event.kind == EventKind.GROUPE.value, Event.group_id.is_(None))
        .order_by(Event.starts_at, Event.number)))


def club_feed(session: Session, club_id: int, programme: Programme) -> bytes:
    """The Club's public .ics: no visio links."""
    return build_feed(public_events(session, club_id), programme, programme.club.name)


def group_feed(session: Session, club_id: int, group_id: int, programme: Programme) -> bytes:
    return build_feed(group_events(session, club_id, group_id), programme,
                      f"{programme.club.name} — groupe {group_id}")
