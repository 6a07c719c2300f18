"""Who is in a working group: members joining and leaving (continuously or now and then), the 2 or 3
referents the facilitators appoint, and the guests from outside the Club its referents invite."""

from __future__ import annotations

from sqlalchemy import delete, select

from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.groups.rules import (
    MAX_REFERENTS,
    MIN_REFERENTS,
    find_group,
    is_referent,
    label,
    membership,
    require_lead,
)
from handlers.members.lookup import mentioned_members
from handlers.text import fold, strip_mentions, user_text
from storage.groups import CONTINU, PONCTUEL, GroupGuest, GroupMembership, GroupReferent
from storage.models import Role

MAX_QUALITY = 80
MAX_NAME = 200


def parse_mode(word: str) -> str | None:
    folded = fold(word)
    if folded in ("ponctuel", "ponctuelle", "punctual"):
        return PONCTUEL
    if folded in ("continu", "continue", "continuous"):
        return CONTINU
    return None


def join(ctx: Context, args: str) -> list[Reply]:
    """Joining again changes the mode; only the Club's members join (the subcommand's role)."""
    _ = ctx._
    words = args.split()
    group = find_group(ctx, words[0] if words else "", "/club groupe rejoindre 1 continu")
    mode = parse_mode(words[1]) if len(words) > 1 else CONTINU
    if mode is None or len(words) > 2:
        raise UserError("Participation inconnue : écrivez `ponctuel` ou `continu`, par exemple "
                        "`/club groupe rejoindre {n} ponctuel`.", n=group.number)
    found = membership(ctx.session, group, ctx.member)
    if found is None:
        ctx.session.add(GroupMembership(group_id=group.id, member_id=ctx.member.id, mode=mode, joined_at=ctx.now))
    else:
        found.mode = mode
    text = _("Vous faites partie du groupe {groupe} ({mode}).", groupe=label(group),
             mode=_("continu") if mode == CONTINU else _("ponctuel"))
    return [Reply(text + " " + _("Rappel de la charte : les informations sensibles échangées dans le groupe "
                                 "restent discrètes."))]


def leave(ctx: Context, args: str) -> list[Reply]:
    """A referent stays until the facilitators appoint others: a group is never left without its binôme."""
    group = find_group(ctx, args.strip(), "/club groupe quitter 1")
    if is_referent(ctx.session, group, ctx.member):
        raise UserError("Vous êtes référent·e du groupe {groupe} : demandez d'abord à l'équipe d'animation de "
                        "désigner d'autres référent·es (`/club groupe referents`).", groupe=label(group))
    found = membership(ctx.session, group, ctx.member)
    if found is None:
        raise UserError("Vous n'êtes pas membre du groupe {groupe}.", groupe=label(group))
    ctx.session.delete(found)
    return [Reply(ctx._("Vous avez quitté le groupe {groupe}.", groupe=label(group)))]


def set_referents(ctx: Context, args: str) -> list[Reply]:
    """The charter's binôme or trinôme of Club members replaces the previous list; they join the group."""
    words = strip_mentions(args).split()
    group = find_group(ctx, words[0] if words else "", "/club groupe referents 1 @lea @karim")
    rule = ctx._("Un groupe a 2 ou 3 référent·es (binôme ou trinôme), membres du Club. Exemple : "
                 "`/club groupe referents {n} @lea @karim`.", n=group.number)
    people = mentioned_members(ctx, args)
    if not MIN_REFERENTS <= len(people) <= MAX_REFERENTS:
        raise UserError("{n} personne(s) mentionnée(s). {regle}", n=len(people), regle=rule)
    outsiders = [p for p in people if not p.role_enum.at_least(Role.MEMBRE)]
    if outsiders:
        raise UserError("{noms} n'est pas membre du Club (rôle « participant »). {regle}",
                        noms=", ".join(user_text(p.display_name) for p in outsiders), regle=rule)
    ctx.session.execute(delete(GroupReferent).where(GroupReferent.group_id == group.id))
    for person in people:
        ctx.session.add(GroupReferent(group_id=group.id, member_id=person.id, appointed_at=ctx.now))
        if membership(ctx.session, group, person) is None:
            ctx.session.add(GroupMembership(group_id=group.id, member_id=person.id, mode=CONTINU,
                                            joined_at=ctx.now))
    return [Reply(ctx._("Référent·es du groupe {groupe} : {noms}.", groupe=label(group),
                        noms=", ".join(user_text(p.display_name) for p in people)))]


def invite(ctx: Context, args: str) -> list[Reply]:
    """A guest is named (or @mentioned, to tie them to their account) with their quality; inviting the
    same name again updates them. Guests never see confidential notes; one @mentioned for the first time
    is recorded as a participant, and a Club member is never made a guest."""
    _ = ctx._
    head, _sep, rest = args.strip().partition(" ")
    group = find_group(ctx, head, "/club groupe inviter 1 Marie Curie, chercheuse")
    require_lead(ctx, group)
    name, comma, quality = rest.partition(",")
    words = quality.split()
    mode = parse_mode(words[-1]) if words else None
    if mode is not None:
        words = words[:-1]
    quality = " ".join(words)
    guest_member = mentioned_members(ctx, name, guests=True)
    if guest_member and guest_member[0].role_enum.at_least(Role.MEMBRE):
        # A guest is a participant: making a member one would be taking their role away.
        raise UserError("{nom} est membre du Club : un·e invité·e vient de l'extérieur. Un membre rejoint le "
                        "groupe lui-même : `/club groupe rejoindre {n}`.",
                        nom=user_text(guest_member[0].display_name), n=group.number)
    shown = guest_member[0].display_name if guest_member else " ".join(name.split())
    if not comma or not shown or not quality:
        raise UserError("Écrivez le nom puis, après une virgule, la qualité : `/club groupe inviter {n} "
                        "Marie Curie, chercheuse [ponctuel|continu]` (élu·e, expert·e, chercheur·e, "
                        "opérationnel·le…).", n=group.number)
    if len(quality) > MAX_QUALITY or len(shown) > MAX_NAME:
        raise UserError("Nom ou qualité trop long (qualité : {max} caractères au plus).", max=MAX_QUALITY)
    key = fold(shown)
    guest = ctx.session.scalar(select(GroupGuest).where(GroupGuest.group_id == group.id, GroupGuest.key == key))
    if guest is None:
        guest = GroupGuest(group_id=group.id, key=key, created_at=ctx.now)
        ctx.session.add(guest)
    guest.name, guest.quality, guest.mode = shown, quality, mode or PONCTUEL
    guest.invited_by_id = ctx.member.id
    guest.member_id = guest_member[0].id if guest_member else None
    return [Reply(_("{nom} ({qualite}) est invité·e au groupe {groupe}, de façon {mode}. Les relevés "
                    "confidentiels ne lui sont pas montrés.", nom=user_text(shown), qualite=user_text(quality),
                    groupe=label(group), mode=_("continue") if guest.mode == CONTINU else _("ponctuelle")))]
