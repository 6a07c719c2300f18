"""Registration to any event that takes it (REX first; sessions and seminar workshops reuse it).

Seats are counted and given while the event's `registration_events` row is locked (`SELECT … FOR
UPDATE` on PostgreSQL; SQLite has a single writer, taken at BEGIN IMMEDIATE), so concurrent
registrations never overbook. Every change of a member's seat is told to the other capabilities
(`RegistrationChanged`): `registered` is True when they get a seat, False when they lose it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from handlers.context import Context
from handlers.core import Reply
from handlers.events import RegistrationChanged
from handlers.text import fold
from storage.db import insert_for
from storage.models import Member
from storage.registrations import Registration, RegistrationEvent, RegistrationState

CONFIRMED = RegistrationState.CONFIRMED.value
WAITLISTED = RegistrationState.WAITLISTED.value
CANCELLED = RegistrationState.CANCELLED.value


@dataclass(frozen=True)
class Guest:
    name: str
    institution: str

    @property
    def key(self) -> str:
        return f"g:{fold(self.name)}|{fold(self.institution)}"[:420]


@dataclass
class Outcome:
    """What a registration change did: the row concerned, whether nothing changed (`already`), who
    left the waitlist for a seat, and what the listeners of `RegistrationChanged` answered."""

    registration: Registration | None
    already: bool = False
    promoted: list[Registration] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)


def member_key(member: Member) -> str:
    return f"m:{member.id}"


def lock(session: Session, event_id: int) -> RegistrationEvent:
    """The event's settings row, created if needed and locked until the transaction ends."""
    session.execute(insert_for(session)(RegistrationEvent).values(event_id=event_id, capacity=None)
                    .on_conflict_do_nothing(index_elements=["event_id"]))
    settings = session.scalar(select(RegistrationEvent).where(RegistrationEvent.event_id == event_id)
                              .with_for_update().execution_options(populate_existing=True))
    assert settings is not None
    return settings


def capacity(session: Session, event_id: int) -> int | None:
    """Seats of the event, None when unlimited."""
    return session.scalar(select(RegistrationEvent.capacity).where(RegistrationEvent.event_id == event_id))


def counts(session: Session, event_id: int) -> tuple[int, int]:
    """(seats taken, people waiting)."""
    row = session.execute(select(
        func.count(case((Registration.state == CONFIRMED, 1))),
        func.count(case((Registration.state == WAITLISTED, 1))),
    ).where(Registration.event_id == event_id)).one()
    return int(row[0]), int(row[1])


def registrants(session: Session, event_id: int, include_waitlist: bool = True) -> list[Registration]:
    """Seated people in the order they registered, then the waitlist in its order."""
    states = [CONFIRMED, WAITLISTED] if include_waitlist else [CONFIRMED]
    rows = session.scalars(select(Registration).where(Registration.event_id == event_id,
                                                      Registration.state.in_(states)))
    return sorted(rows, key=lambda r: (r.state != CONFIRMED, r.requested_at, r.id))


def registration_of(session: Session, event_id: int, member: Member) -> Registration | None:
    """The member's live registration (seated or waiting), if any."""
    return session.scalar(select(Registration).where(
        Registration.event_id == event_id, Registration.person_key == member_key(member),
        Registration.state != CANCELLED))


def waitlist_position(session: Session, registration: Registration) -> int:
    """1 for the first in line; 0 when the registration has a seat."""
    if registration.state != WAITLISTED:
        return 0
    ahead = session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == registration.event_id, Registration.state == WAITLISTED,
        (Registration.requested_at < registration.requested_at)
        | ((Registration.requested_at == registration.requested_at) & (Registration.id < registration.id))))
    return int(ahead or 0) + 1


def register(ctx: Context, event_id: int, member: Member | None = None, guest: Guest | None = None,
             invited_by: Member | None = None) -> Outcome:
    """Gives `member` (or `guest`, registered by `invited_by`) a seat, or a place on the waitlist when
    the event is full. Registering twice changes nothing and says so (`already`)."""
    if (member is None) == (guest is None):
        raise ValueError("register a member or a guest")
    settings = lock(ctx.session, event_id)
    key = member_key(member) if member else guest.key  # type: ignore[union-attr]
    row = ctx.session.scalar(select(Registration).where(Registration.event_id == event_id,
                                                        Registration.person_key == key))
    if row is not None and row.state != CANCELLED:
        return Outcome(row, already=True)
    seated, waiting = counts(ctx.session, event_id)
    full = settings.capacity is not None and (seated >= settings.capacity or waiting > 0)
    if row is None:
        row = Registration(event_id=event_id, person_key=key, member_id=member.id if member else None,
                           guest_name=guest.name[:200] if guest else None,
                           guest_institution=guest.institution[:200] if guest else None,
                           invited_by_id=invited_by.id if invited_by else None)
        ctx.session.add(row)
    elif invited_by is not None:
        row.invited_by_id = invited_by.id
    row.state, row.requested_at, row.cancelled_at = (WAITLISTED if full else CONFIRMED), ctx.now, None
    row.confirmed_at = None if full else ctx.now
    ctx.session.flush()
    outcome = Outcome(row)
    if row.state == CONFIRMED:
        outcome.replies.extend(_changed(ctx, row, True))
    return outcome


def unregister(ctx: Context, event_id: int, member: Member | None = None, guest_key: str | None = None) -> Outcome:
    """Frees the person's seat (or place in line); the first on the waitlist takes a freed seat.
    `registration` is None when they were not registered."""
    settings = lock(ctx.session, event_id)
    key = member_key(member) if member else guest_key
    row = ctx.session.scalar(select(Registration).where(Registration.event_id == event_id,
                                                        Registration.person_key == key,
                                                        Registration.state != CANCELLED))
    if row is None:
        return Outcome(None)
    had_seat = row.state == CONFIRMED
    row.state, row.cancelled_at = CANCELLED, ctx.now
    ctx.session.flush()
    outcome = Outcome(row)
    if had_seat:
        outcome.replies.extend(_changed(ctx, row, False))
    _fill_seats(ctx, settings, outcome)
    return outcome


def set_capacity(ctx: Context, event_id: int, seats: int | None) -> Outcome:
    """Sets the event's seats (None: unlimited). More seats promote from the waitlist; fewer seats
    never take a seat from someone who has it, they only make newcomers wait."""
    if seats is not None and seats < 0:
        raise ValueError("capacity must be positive")
    settings = lock(ctx.session, event_id)
    settings.capacity, settings.updated_at = seats, ctx.now
    ctx.session.flush()
    outcome = Outcome(None)
    _fill_seats(ctx, settings, outcome)
    return outcome


def _fill_seats(ctx: Context, settings: RegistrationEvent, outcome: Outcome) -> None:
    seated, _waiting = counts(ctx.session, settings.event_id)
    free = None if settings.capacity is None else settings.capacity - seated
    if free is not None and free <= 0:
        return
    line = ctx.session.scalars(select(Registration).where(
        Registration.event_id == settings.event_id, Registration.state == WAITLISTED,
    ).order_by(Registration.requested_at, Registration.id).limit(free))
    for row in list(line):
        row.state, row.confirmed_at = CONFIRMED, ctx.now
        outcome.promoted.append(row)
    ctx.session.flush()
    for row in outcome.promoted:
        outcome.replies.extend(_changed(ctx, row, True))


def _changed(ctx: Context, row: Registration, registered: bool) -> list[Reply]:
    """Members' seats are told to subscribers (reminders); guests have no account to remind."""
    if row.member_id is None:
        return []
    return ctx.emit(RegistrationChanged(event_id=row.event_id, member_id=row.member_id,
                         registered=registered))
