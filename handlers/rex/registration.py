"""Registering for a REX, members or not, by command or by button; the seats a facilitator opens; the
visio link kept for people holding a seat. Seats and the waitlist are the calendar's registration core."""

from __future__ import annotations

from handlers import home
from handlers.calendar import queries as calendar
from handlers.calendar import registrations
from handlers.context import Context
from handlers.core import Button, Reply, UserError
from handlers.i18n import format_datetime
from handlers.registry import on_action, profile_section
from handlers.rex.announcement import REGISTER, UNREGISTER
from handlers.rex.guests import unregister_guest
from handlers.rex.lookup import KIND, LIST_LIMIT, event_of_button, find_rex, split_number, still_open
from handlers.rex.texts import seats, visio
from handlers.rex.waitlist import after_change
from handlers.text import fold, parse_number
from storage.calendar import Event

UNLIMITED = ("illimite", "illimitee", "unlimited", "aucune", "sans limite")


def register_member(ctx: Context, event: Event) -> list[Reply]:
    _ = ctx._
    still_open(event, ctx.now)
    outcome = registrations.register(ctx, event.id, member=ctx.member)
    row = outcome.registration
    assert row is not None
    position = registrations.waitlist_position(ctx.session, row)
    if outcome.already and position:
        return [Reply(_("Vous êtes déjà sur la liste d'attente du REX #{n} (position {position}).",
                        n=event.number, position=position))]
    if outcome.already:
        return [Reply(_("Vous êtes déjà inscrit·e au REX #{n}.", n=event.number) + "\n" + visio(_, event))]
    if position:
        text = _("Le REX #{n} est complet : vous êtes sur la liste d'attente, en position {position}. Si une place "
                 "se libère, vous êtes inscrit·e et prévenu·e en privé.", n=event.number, position=position)
    else:
        text = "\n".join((
            _("C'est noté : vous êtes inscrit·e au REX #{n} du {quand} (votre heure).", n=event.number,
              quand=format_datetime(event.starts_at, ctx.tz, ctx.lang)),
            visio(_, event),
            _("Se désinscrire : `/club rex desinscrire {n}`.", n=event.number)))
    return [Reply(text), *after_change(ctx, event, outcome)]


def unregister_member(ctx: Context, event: Event) -> list[Reply]:
    _ = ctx._
    still_open(event, ctx.now)
    outcome = registrations.unregister(ctx, event.id, member=ctx.member)
    if outcome.registration is None:
        raise UserError("Vous n'êtes pas inscrit·e au REX #{n}.", n=event.number)
    return [Reply(_("C'est fait : vous n'êtes plus inscrit·e au REX #{n}.", n=event.number)),
            *after_change(ctx, event, outcome)]


def register(ctx: Context, args: str) -> list[Reply]:
    """`/club rex inscrire [n]`."""
    return register_member(ctx, find_rex(ctx, args.strip(), "`/club rex inscrire 1`"))


def unregister(ctx: Context, args: str) -> list[Reply]:
    """`/club rex desinscrire [n]`, or `desinscrire <n> <nom>` for one's guest."""
    head, rest = split_number(args)
    event = find_rex(ctx, head, "`/club rex desinscrire 1`")
    if rest:
        return unregister_guest(ctx, event, rest)
    return unregister_member(ctx, event)


def set_capacity(ctx: Context, args: str) -> list[Reply]:
    """`/club rex capacite <n> <places|illimite>`: more seats promote the waitlist; fewer never take one back."""
    _ = ctx._
    head, rest = split_number(args)
    unlimited = fold(rest) in UNLIMITED
    if parse_number(head) is None or not (unlimited or (rest.isdigit() and int(rest) > 0)):
        raise UserError("Écrivez `/club rex capacite <n> <places>` (par exemple `/club rex capacite 1 30`) ou "
                        "`/club rex capacite <n> illimite`.")
    event = still_open(find_rex(ctx, head, "`/club rex capacite 1 30`"), ctx.now)
    outcome = registrations.set_capacity(ctx, event.id, None if unlimited else int(rest))
    return [Reply(_("REX #{n} : {places}", n=event.number, places=seats(ctx, event))),
            *after_change(ctx, event, outcome)]


@on_action(REGISTER)
def register_button(ctx: Context, value: str) -> list[Reply]:
    return register_member(ctx, event_of_button(ctx, value))


@on_action(UNREGISTER)
def unregister_button(ctx: Context, value: str) -> list[Reply]:
    return unregister_member(ctx, event_of_button(ctx, value))


@home.event_buttons
def home_buttons(ctx: Context, event: Event) -> list[Button]:
    """On my Home, each REX offers the step I can take: register, or leave (seat or waitlist)."""
    if event.kind != KIND or event.cancelled:
        return []
    if registrations.registration_of(ctx.session, event.id, ctx.member) is None:
        return [Button(ctx._("S'inscrire"), REGISTER, str(event.id), "primary")]
    return [Button(ctx._("Se désinscrire"), UNREGISTER, str(event.id))]


def visio_for_registered(ctx: Context, event: Event) -> bool | None:
    """A REX's link goes to the people holding a seat (members or not), not to every member."""
    if event.kind != KIND:
        return None
    row = registrations.registration_of(ctx.session, event.id, ctx.member)
    return row is not None and row.state == registrations.CONFIRMED


calendar.VISIO_GATES.append(visio_for_registered)


@profile_section
def my_registrations(ctx: Context) -> list[str]:
    _ = ctx._
    events = calendar.upcoming(ctx.session, ctx.club.id, ctx.now, kind=KIND, limit=LIST_LIMIT)
    mine = [e for e in events if registrations.registration_of(ctx.session, e.id, ctx.member)]
    if not mine:
        return []
    return [_("• Inscriptions aux REX : {liste}", liste=", ".join(f"#{e.number}" for e in mine))]
