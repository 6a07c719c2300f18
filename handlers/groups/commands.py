"""Working groups: born from retained themes, with members, 2–3 referents and invited guests."""

from __future__ import annotations

from sqlalchemy import delete, select

from handlers import registry
from handlers.context import Context
from handlers.core import Reply, UserError, Visibility
from handlers.events import ThemesRetained
from handlers.groups.rules import (
    MAX_REFERENTS,
    MIN_REFERENTS,
    all_groups,
    club_channel,
    create_group,
    find_group,
    group_sessions,
    is_referent,
    label,
    membership,
    names,
    referent_ids,
    require_lead,
    shared_translator,
)
from handlers.i18n import N_, format_datetime
from handlers.members.lookup import ensure_member
from handlers.text import fold, mentioned_ids, strip_mentions, user_text
from storage.groups import CONTINU, PONCTUEL, Group, GroupChannel, GroupGuest, GroupMembership, GroupReferent
from storage.models import Member, Role

MAX_QUALITY = 80
SECTION = N_("Groupes de travail")


# -- groups from retained themes ------------------------------------------------------------------
@registry.on(ThemesRetained)
def themes_retained(ctx: Context, retained: ThemesRetained) -> list[Reply]:
    """One group per retained theme; a theme already turned into a group is left as it is."""
    created, hooks = [], []
    for proposal_id, title, description in retained.themes:
        exists = ctx.session.scalar(select(Group.id).where(Group.club_id == ctx.club.id,
                                                           Group.source_proposal_id == proposal_id))
        if exists is None:
            group, replies = create_group(ctx, title, description or "", proposal_id)
            created.append(group)
            hooks += replies
    if not created:
        return []
    _ = shared_translator()
    lines = [_("**Nouveaux groupes de travail** (thèmes retenus) :")]
    lines += [f"• {label(g)}" for g in created]
    lines.append(_("Rejoignez-en un : `/club groupe rejoindre {n} [ponctuel|continu]`.", n=created[0].number))
    return [Reply("\n".join(lines), visibility=Visibility.CLUB), *hooks]


# -- listing --------------------------------------------------------------------------------------
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


@registry.verb("groupes", "groups", section=SECTION,
               summary=N_("Les groupes de travail, leurs référent·es, membres et prochaines séances."),
               usage=N_("`/club groupes` liste les groupes ; `/club groupes bilan` donne la vue d'ensemble de "
                        "l'équipe d'animation (référent·es, membres, séances, relevés, diffusions)."),
               examples=("/club groupes", "/club groupes bilan"))
def groupes(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    if fold(args) in ("bilan", "overview"):
        from handlers.groups.overview import overview

        return overview(ctx)
    if args:
        raise UserError("Écrivez `/club groupes` (la liste) ou `/club groupes bilan` (vue d'ensemble).")
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


# -- /club groupe <action> ------------------------------------------------------------------------
def parse_mode(word: str) -> str | None:
    folded = fold(word)
    if folded in ("ponctuel", "ponctuelle", "punctual"):
        return PONCTUEL
    if folded in ("continu", "continue", "continuous"):
        return CONTINU
    return None


def mentioned_members(ctx: Context, args: str) -> list[Member]:
    found: list[Member] = []
    for user_id in dict.fromkeys(mentioned_ids(args)):
        name = ctx.mentions.get(user_id, user_id)
        found.append(ensure_member(ctx.session, ctx.club, ctx.settings, ctx.platform, user_id, name))
    return found


def create(ctx: Context, args: str) -> list[Reply]:
    ctx.require(Role.FACILITATEUR)
    title = " ".join(args.split())
    if not title:
        raise UserError("Indiquez le titre du groupe : `/club groupe creer Accueil des publics fragiles`.")
    group, hooks = create_group(ctx, title)
    return [Reply(ctx._("Groupe {groupe} créé. Désignez ses référent·es : `/club groupe referents {n} @a @b`.",
                        groupe=label(group), n=group.number)), *hooks]


def join(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    words = args.split()
    group = find_group(ctx, words[0] if words else "", "/club groupe rejoindre 1 continu")
    if not ctx.member.role_enum.at_least(Role.MEMBRE):
        raise UserError("Rejoindre un groupe est réservé aux membres du Club. Les invité·es sont invité·es par "
                        "les référent·es du groupe (`/club groupe inviter`).")
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
    ctx.require(Role.FACILITATEUR)
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
    guest_member = mentioned_members(ctx, name)
    shown = guest_member[0].display_name if guest_member else " ".join(name.split())
    if not comma or not shown or not quality:
        raise UserError("Écrivez le nom puis, après une virgule, la qualité : `/club groupe inviter {n} "
                        "Marie Curie, chercheuse [ponctuel|continu]` (élu·e, expert·e, chercheur·e, "
                        "opérationnel·le…).", n=group.number)
    if len(quality) > MAX_QUALITY or len(shown) > 200:
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


def bind_channel(ctx: Context, args: str) -> list[Reply]:
    group = find_group(ctx, args.strip(), "/club groupe canal 1")
    require_lead(ctx, group)
    club = club_channel(ctx)
    if club is None or ctx.channel_id == club:
        # Confidential notes go to the group's channel: it must never be the Club's, open to all.
        raise UserError("Ce salon est celui du Club (ou le salon du Club n'est pas configuré ici) : les relevés "
                        "confidentiels n'y ont pas leur place. Tapez `/club groupe canal {n}` dans un salon privé "
                        "du groupe.", n=group.number)
    found = ctx.session.scalar(select(GroupChannel).where(GroupChannel.group_id == group.id,
                                                          GroupChannel.platform == ctx.platform))
    if found is None:
        ctx.session.add(GroupChannel(group_id=group.id, platform=ctx.platform, channel_id=ctx.channel_id))
    else:
        found.channel_id = ctx.channel_id
    return [Reply(ctx._("Ce salon est désormais celui du groupe {groupe} : ses relevés de décisions y seront "
                        "publiés. Veillez à ce qu'il soit réservé aux membres du groupe.", groupe=label(group)),
                  visibility=Visibility.CHANNEL)]


ACTIONS = {
    "creer": create, "create": create,
    "rejoindre": join, "join": join,
    "quitter": leave, "leave": leave,
    "referents": set_referents,
    "inviter": invite, "invite": invite,
    "canal": bind_channel, "channel": bind_channel,
}


@registry.verb("groupe", "group", section=SECTION,
               summary=N_("Rejoindre, quitter un groupe ; référent·es, invité·es, salon du groupe."),
               usage=N_("`/club groupe rejoindre <n> [ponctuel|continu]` · `/club groupe quitter <n>` · "
                        "`/club groupe referents <n> @a @b [@c]` (animation) · `/club groupe inviter <n> <nom>, "
                        "<qualité> [ponctuel|continu]` (référent·es) · `/club groupe canal <n>` (dans le salon "
                        "privé du groupe) · `/club groupe creer <titre>` (animation)."),
               examples=("/club groupe rejoindre 1 continu", "/club groupe referents 1 @lea @karim",
                         "/club groupe inviter 1 Marie Curie, chercheuse", "/club groupe canal 1"))
def groupe(ctx: Context, args: str) -> list[Reply]:
    action, _sep, rest = args.strip().partition(" ")
    func = ACTIONS.get(fold(action))
    if func is None:
        raise UserError("Action inconnue. Écrivez par exemple `/club groupe rejoindre 1`, `/club groupe quitter 1`, "
                        "`/club groupe referents 1 @a @b`, `/club groupe inviter 1 Marie Curie, chercheuse`, "
                        "`/club groupe canal 1` ou `/club groupe creer <titre>`.")
    return func(ctx, rest)

