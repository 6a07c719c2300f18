"""`/club rex effacer`: a guest has no account to erase their own data, so a facilitator does it on their
request — the name and institution a member registered them with, at every event of the Club (a seat to
come goes to the waitlist), and their invitations to working groups."""

from __future__ import annotations

from sqlalchemy import delete, select

from handlers.calendar import registrations
from handlers.calendar.registrations import Guest
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.i18n import N_
from handlers.registry import subverb
from handlers.rex.waitlist import after_change
from handlers.text import fold, user_text
from storage.calendar import Event
from storage.groups import Group, GroupGuest
from storage.models import Role
from storage.registrations import Registration, RegistrationState

USAGE = "`/club rex effacer Jeanne Martin, Mairie de Cayenne`"


@subverb("rex", "effacer", "erase", role=Role.FACILITATEUR,
         summary=N_("Effacer les données d'un·e invité·e, à sa demande."),
         usage=N_("`/club rex effacer <nom>[, <institution>]` : ses inscriptions à tous les événements (sa place "
                  "revient à la liste d'attente) et ses invitations aux groupes de travail ; l'institution "
                  "départage deux invité·es du même nom."),
         examples=("/club rex effacer Jeanne Martin, Mairie de Cayenne",))
def erase_guest(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    name, _comma, institution = args.partition(",")
    name, institution = " ".join(name.split()), " ".join(institution.split())
    if not name:
        raise UserError("Écrivez `/club rex effacer <nom>, <institution>`, par exemple {exemple}.", exemple=USAGE)
    rows = _registrations(ctx, name, institution)
    keys = {row.person_key for row in rows}
    if len(keys) > 1:
        found = sorted({row.guest_institution or "" for row in rows})
        raise UserError("Plusieurs invité·es s'appellent « {nom} » ({institutions}) : précisez l'institution, "
                        "par exemple `/club rex effacer {nom}, {premiere}`.", nom=user_text(name[:80]),
                        institutions=user_text(", ".join(found)), premiere=user_text(found[0]))
    invitations = list(ctx.session.scalars(
        select(GroupGuest).join(Group, Group.id == GroupGuest.group_id).where(
            Group.club_id == ctx.club.id, GroupGuest.key == fold(name), GroupGuest.member_id.is_(None))))
    if not rows and not invitations:
        raise UserError("Aucun·e invité·e « {nom} » : ni inscription, ni invitation à un groupe de travail. Les "
                        "invité·es d'un REX : `/club rex presences <n>`.", nom=user_text(name[:80]))
    replies: list[Reply] = []
    for row in rows:
        event = ctx.session.get(Event, row.event_id)
        if event is not None and row.state != RegistrationState.CANCELLED.value and event.starts_at > ctx.now:
            replies += after_change(ctx, event, registrations.unregister(ctx, event.id, guest_key=row.person_key))
    ctx.session.execute(delete(Registration).where(Registration.id.in_([row.id for row in rows]))
                        .execution_options(synchronize_session=False))
    ctx.session.execute(delete(GroupGuest).where(GroupGuest.id.in_([guest.id for guest in invitations]))
                        .execution_options(synchronize_session=False))
    shown = user_text(rows[0].guest_name or name) if rows else user_text(invitations[0].name)
    return [Reply(_("C'est fait : les données de {nom} sont effacées ({inscriptions} inscription(s), {groupes} "
                    "invitation(s) à un groupe de travail).", nom=shown, inscriptions=len(rows),
                    groupes=len(invitations))), *replies]


def _registrations(ctx: Context, name: str, institution: str) -> list[Registration]:
    """The guest's registrations at the Club's events: by name and institution, or by name alone."""
    if institution:
        match = Registration.person_key == Guest(name, institution).key
    else:
        match = Registration.person_key.startswith(f"g:{fold(name)}|", autoescape=True)
    return list(ctx.session.scalars(select(Registration).join(Event, Event.id == Registration.event_id).where(
        Event.club_id == ctx.club.id, Registration.member_id.is_(None), match).order_by(Registration.id)))
