"""Guests: a member registers someone from outside the Club (an elected official, an expert…), who gets
the link through them and never the recording; the member, or a facilitator, can take the seat back."""

from __future__ import annotations

from handlers.calendar import registrations
from handlers.calendar.registrations import Guest
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.rex.lookup import find_rex, split_number, still_open
from handlers.rex.texts import visio
from handlers.rex.waitlist import after_change
from handlers.text import fold, parse_number, user_text
from storage.calendar import Event
from storage.models import Role


def invite(ctx: Context, args: str) -> list[Reply]:
    """`/club rex invite <n> <nom>, <institution>`."""
    _ = ctx._
    head, rest = split_number(args)
    name, _comma, institution = rest.partition(",")
    name, institution = " ".join(name.split()), " ".join(institution.split())
    if parse_number(head) is None or not name or not institution:
        raise UserError("Écrivez `/club rex invite <n> <nom>, <institution>`, par exemple "
                        "`/club rex invite 1 Jeanne Martin, Mairie de Cayenne`.")
    event = still_open(find_rex(ctx, head, "`/club rex invite 1 <nom>, <institution>`"), ctx.now)
    outcome = registrations.register(ctx, event.id, guest=Guest(name, institution), invited_by=ctx.member)
    row = outcome.registration
    assert row is not None
    who = f"{user_text(row.name)} ({user_text(row.institution)})"
    position = registrations.waitlist_position(ctx.session, row)
    if outcome.already:
        return [Reply(_("{invite} est déjà inscrit·e au REX #{n}.", invite=who, n=event.number))]
    if position:
        text = _("Le REX #{n} est complet : {invite} est sur la liste d'attente, en position {position}. Vous serez "
                 "prévenu·e en privé si une place se libère.", invite=who, n=event.number, position=position)
    else:
        text = _("{invite} est inscrit·e au REX #{n} comme invité·e. Transmettez-lui le lien ; l'enregistrement, "
                 "lui, est réservé aux membres.", invite=who, n=event.number) + "\n" + visio(_, event)
    return [Reply(text), *after_change(ctx, event, outcome)]


def unregister_guest(ctx: Context, event: Event, name: str) -> list[Reply]:
    """The guest `name` (its institution may follow a comma) leaves the REX: only the member who invited
    them, or a facilitator, may do it."""
    _ = ctx._
    still_open(event, ctx.now)
    wanted = fold(name.split(",")[0])
    rows = [r for r in registrations.registrants(ctx.session, event.id)
            if r.is_guest and fold(r.name) == wanted]
    facilitator = ctx.member.role_enum.at_least(Role.FACILITATEUR)
    rows = [r for r in rows if facilitator or r.invited_by_id == ctx.member.id]
    if not rows:
        raise UserError("Aucun·e invité·e « {nom} » inscrit·e par vous au REX #{n}.", nom=user_text(name[:80]),
                        n=event.number)
    outcome = registrations.unregister(ctx, event.id, guest_key=rows[0].person_key)
    return [Reply(_("C'est fait : {nom} n'est plus inscrit·e au REX #{n}.", nom=user_text(rows[0].name),
                    n=event.number)), *after_change(ctx, event, outcome)]
