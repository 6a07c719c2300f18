"""What anyone may know of the working groups: the list with referents, members, guests and next session,
and the line of the profile (`/club moi`) saying which groups are mine. Never a decision note."""

from __future__ import annotations

from sqlalchemy import select

from handlers import registry
from handlers.context import Context
from handlers.core import Reply
from handlers.groups.rules import all_groups, group_sessions, is_referent, label, names, referent_ids
from handlers.i18n import format_datetime
from handlers.text import user_text
from storage.groups import CONTINU, PONCTUEL, Group, GroupGuest, GroupMembership
from storage.models import Member


def describe(ctx: Context, group: Group) -> list[str]:
    """What anyone may know of a group: never anything from its decision notes."""
    _ = ctx._
    session = ctx.session
    refs = names(session, referent_ids(session, group))
    rows = session.execute(select(Member.display_name, GroupMembership.mode).join(
        Member, Member.id == GroupMembership.member_id).where(GroupMembership.group_id == group.id)
        .order_by(Member.display_name)).all()
    punctual = " (" + _("ponctuel") + ")"
    members = [user_text(n) + (punctual if mode == PONCTUEL else "") for n, mode in rows]
    guests = session.scalars(select(GroupGuest).where(GroupGuest.group_id == group.id)
                             .order_by(GroupGuest.name)).all()
    lines = [f"**{label(group)}**"]
    lines.append(_("• Référent·es : {noms}", noms=", ".join(refs) or _("à désigner")))
    lines.append(_("• Membres ({n}) : {noms}", n=len(members), noms=", ".join(members) or _("aucun")))
    if guests:
        lines.append(_("• Invité·es : {noms}", noms=", ".join(
            f"{user_text(g.name)} ({user_text(g.quality)})" for g in guests)))
    upcoming = [s for s in group_sessions(session, group, ctx.now) if s.starts_at > ctx.now]
    if upcoming:
        lines.append(_("• Prochaine séance : {date}",
                       date=format_datetime(upcoming[0].starts_at, ctx.tz, ctx.lang)))
    return lines


def list_groups(ctx: Context) -> list[Reply]:
    _ = ctx._
    groups = all_groups(ctx)
    if not groups:
        return [Reply(_("Aucun groupe de travail pour l'instant : ils naissent des thèmes retenus à la "
                        "rencontre."))]
    lines = [_("**Groupes de travail**")]
    for group in groups:
        lines.append("")
        lines.extend(describe(ctx, group))
    lines.append("\n" + _("Rejoindre : `/club groupe rejoindre <n> [ponctuel|continu]`."))
    return [Reply("\n".join(lines))]


@registry.profile_section
def my_groups(ctx: Context) -> list[str]:
    _ = ctx._
    session = ctx.session
    parts = []
    for group, mode in session.execute(select(Group, GroupMembership.mode).join(
            GroupMembership, GroupMembership.group_id == Group.id).where(
            GroupMembership.member_id == ctx.member.id).order_by(Group.number)):
        if is_referent(session, group, ctx.member):
            role = _("référent·e")
        else:
            role = _("continu") if mode == CONTINU else _("ponctuel")
        parts.append(f"{label(group)} ({role})")
    for group in session.scalars(select(Group).join(GroupGuest, GroupGuest.group_id == Group.id).where(
            GroupGuest.member_id == ctx.member.id).order_by(Group.number)):
        parts.append(label(group) + " (" + _("invité·e") + ")")
    if not parts:
        return [_("• Groupes : aucun — `/club groupes` pour les voir")]
    return [_("• Groupes : {groupes}", groupes=", ".join(parts))]
