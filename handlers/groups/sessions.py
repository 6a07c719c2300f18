"""Each working group's own sessions: the programme's group series (2 h every two months), one calendar
event per group and occurrence, which the group's referents may move or cancel like facilitators.

The calendar owns the events; this module only ties them to groups, through the calendar's and the
groups' extension points, so neither capability imports the other's internals.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import registry
from handlers.calendar import generation
from handlers.calendar import queries as calendar
from handlers.context import Context
from handlers.core import Reply
from handlers.events import EventChanged, GroupCreated
from handlers.groups.rules import SESSION_PROVIDERS, GroupSession, is_referent, membership
from storage.calendar import Event, EventStatus
from storage.groups import Group
from storage.numbers import add_numbered

HORIZON = timedelta(days=366)  # a group is planned for the year ahead: the charter fixes it a year ahead


def session_key(series_key: str, group: Group) -> str:
    """The calendar series of one group's sessions: generating again never duplicates them."""
    return f"{series_key}#g{group.number}"[:64]


@registry.on(GroupCreated)
def plan_sessions(ctx: Context, created: GroupCreated) -> list[Reply]:
    """The new group's sessions for the coming year, at the programme's group slots."""
    group = ctx.session.get(Group, created.group_id)
    programme = ctx.settings.programme
    year = ctx.now.astimezone(ZoneInfo(programme.club.timezone)).year
    existing = set(ctx.session.scalars(select(Event.occurrence).where(
        Event.club_id == ctx.club.id, Event.group_id == group.id)))
    planned: list[Event] = []
    for plan in [*generation.plan_year(programme, year), *generation.plan_year(programme, year + 1)]:
        if plan.kind != "groupe" or not ctx.now < plan.starts_at < ctx.now + HORIZON:
            continue
        if plan.occurrence in existing:
            continue
        # Numbered as it is inserted: another process may be numbering calendar events at the same time.
        event = generation.event_of(plan, ctx.club.id, 0, ctx.now, series=session_key(plan.series, group),
                                    title=f"{plan.title} — {group.title}"[:200], audience="groupe",
                                    group_id=group.id)
        add_numbered(ctx.session, event, Event.number)
        planned.append(event)
    replies: list[Reply] = []
    for event in planned:
        replies += ctx.emit(EventChanged(event_id=event.id, kind=event.kind,
                                 starts_at=event.starts_at, cancelled=False))
    return replies


def superseded(session: Session, event: Event) -> bool:
    """The programme's generic group slot, once working groups have their own sessions at it: reminders
    and announcements then go to each group's session instead."""
    if event.kind != "groupe" or event.group_id is not None or event.series is None:
        return False
    return session.scalar(select(Event.id).where(
        Event.club_id == event.club_id, Event.occurrence == event.occurrence, Event.group_id.is_not(None),
        Event.series.startswith(f"{event.series}#g", autoescape=True)).limit(1)) is not None


def sessions_of(session: Session, group: Group, now: datetime) -> list[GroupSession]:
    events = session.scalars(select(Event).where(Event.group_id == group.id,
                                                 Event.status != EventStatus.CANCELLED.value))
    return [GroupSession(e.starts_at, e.id) for e in events]


def referent_moves(ctx: Context, event: Event) -> bool:
    group = _group_of(ctx, event)
    return group is not None and is_referent(ctx.session, group, ctx.member)


def member_sees(ctx: Context, event: Event) -> bool:
    group = _group_of(ctx, event)
    return group is not None and (membership(ctx.session, group, ctx.member) is not None
                                  or is_referent(ctx.session, group, ctx.member))


def _group_of(ctx: Context, event: Event) -> Group | None:
    if event.group_id is None:
        return None
    group = ctx.session.get(Group, event.group_id)
    return group if group is not None and group.club_id == ctx.club.id else None


SESSION_PROVIDERS.append(sessions_of)
calendar.MOVERS.append(referent_moves)
calendar.GROUP_AUDIENCE.append(member_sees)
