"""Finding the REX someone names: by its calendar number, or the next one when they give none."""

from __future__ import annotations

from datetime import datetime

from handlers.calendar import queries as calendar
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.text import parse_number
from storage.calendar import Event, EventKind

KIND = EventKind.REX.value
LIST_LIMIT = 3  # upcoming REX shown by `/club rex` and in the profile


def ensure_calendar(ctx: Context) -> list[Reply]:
    """The calendar is generated a year ahead on first use: make sure this year's and next year's REX exist."""
    year = calendar.local_year(ctx)
    return calendar.ensure_years(ctx, year, year + 1)


def find_rex(ctx: Context, token: str, usage: str) -> Event:
    """REX #token, or the next one when `token` is empty; `usage` is what to type, for the error."""
    if not token:
        found = calendar.upcoming(ctx.session, ctx.club.id, ctx.now, kind=KIND, limit=1)
        if not found:
            raise UserError("Aucun retour d'expérience à venir au calendrier (`/club calendrier`).")
        return found[0]
    number = parse_number(token)
    if number is None:
        raise UserError("Indiquez le numéro du REX : {usage}. Les numéros sont dans `/club rex`.", usage=usage)
    event = calendar.event_by_number(ctx.session, ctx.club.id, number)
    if event is None or event.kind != KIND:
        raise UserError("#{n} n'est pas un retour d'expérience. Les REX à venir : `/club rex`.", n=number)
    return event


def still_open(event: Event, now: datetime) -> Event:
    """`event`, when it can still change: neither cancelled nor started."""
    if event.cancelled:
        raise UserError("Le REX #{n} est annulé.", n=event.number)
    if event.starts_at <= now:
        raise UserError("Le REX #{n} a déjà eu lieu (ou a commencé) : les inscriptions sont closes.",
                        n=event.number)
    return event


def event_of_button(ctx: Context, value: str) -> Event:
    """The REX a button of an announcement or of the Home names; an old or forged value is refused."""
    event = ctx.session.get(Event, int(value)) if value.isdigit() else None
    if event is None or event.kind != KIND or event.club_id != ctx.club.id:
        raise UserError("Ce bouton n'est plus actif.")
    return event


def split_number(args: str) -> tuple[str, str]:
    """`"1 Jeanne Martin"` -> `("1", "Jeanne Martin")`: the REX's number, then the rest."""
    head, _sep, rest = args.strip().partition(" ")
    return head, rest.strip()
