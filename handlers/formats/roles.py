"""Roles of a format, from the programme file's `[[roles]]` (président·e, secrétariat général…): who holds them.

`is_organiser` is the plain helper other capabilities use: facilitators, and holders of a role the file
marks `organiser = true`, organise meetings (agendas, the presidency's rotation).
"""

from __future__ import annotations

from sqlalchemy import delete, select

from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.i18n import N_
from handlers.members.lookup import ensure_member
from handlers.registry import profile_section, verb
from handlers.text import fold, mentioned_ids, user_text
from storage.formats import RoleHolder
from storage.models import Member, Role

SECTION = N_("Formats")


def holders(ctx: Context, key: str) -> list[Member]:
    return list(ctx.session.scalars(select(Member).join(RoleHolder, RoleHolder.member_id == Member.id).where(
        RoleHolder.club_id == ctx.club.id, RoleHolder.role_key == key).order_by(Member.display_name)))


def roles_of(ctx: Context, member: Member) -> list[str]:
    return list(ctx.session.scalars(select(RoleHolder.role_key).where(
        RoleHolder.club_id == ctx.club.id, RoleHolder.member_id == member.id).order_by(RoleHolder.role_key)))


def is_organiser(ctx: Context) -> bool:
    """Facilitators and admins, or someone holding a role marked `organiser = true` in the file."""
    if ctx.member.role_enum.at_least(Role.FACILITATEUR):
        return True
    keys = {r.key for r in ctx.settings.programme.roles if r.organiser}
    return bool(keys & set(roles_of(ctx, ctx.member)))


@verb("fonction", "fonctions", "function", section=SECTION,
      summary=N_("Les fonctions du format (présidence, secrétariat…) et qui les tient."),
      usage=N_("`/club fonctions` les liste ; `/club fonction @personne <clé>` la donne et "
               "`/club fonction retirer @personne <clé>` la retire (facilitateurs)."),
      examples=("/club fonctions", "/club fonction @lea secretariat"))
def fonction(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    roles = ctx.settings.programme.roles
    if not roles:
        raise UserError("Ce programme ne définit aucune fonction (tables `[[roles]]` du fichier).")
    words = [w for w in args.split() if not w.startswith("<@")]
    if not args.strip():
        lines = [_("**Fonctions**")]
        for role in roles:
            names = ", ".join(user_text(m.display_name) for m in holders(ctx, role.key)) or _("à pourvoir")
            lines.append(_("• {nom} (`{cle}`) : {noms}", nom=role.name, cle=role.key, noms=names))
            if role.summary:
                lines.append(f"   {role.summary}")
        return [Reply("\n".join(lines))]
    ctx.require(Role.FACILITATEUR)
    removing = bool(words) and fold(words[0]) in ("retirer", "remove")
    if removing:
        words = words[1:]
    ids = mentioned_ids(args)
    role = ctx.settings.programme.role(fold(words[-1]).replace(" ", "-")) if words else None
    if len(ids) != 1 or role is None:
        keys = ", ".join(f"`{r.key}`" for r in roles)
        raise UserError("Écrivez `/club fonction @personne <clé>` ; clés : {cles}.", cles=keys)
    target = ensure_member(ctx.session, ctx.club, ctx.settings, ctx.platform, ids[0], ctx.mentions.get(ids[0], ids[0]))
    name = user_text(target.display_name)
    if removing:
        ctx.session.execute(delete(RoleHolder).where(RoleHolder.club_id == ctx.club.id, RoleHolder.role_key == role.key,
                                                     RoleHolder.member_id == target.id))
        return [Reply(_("{nom} n'a plus la fonction « {fonction} ».", nom=name, fonction=role.name))]
    if role.key not in roles_of(ctx, target):
        ctx.session.add(RoleHolder(club_id=ctx.club.id, role_key=role.key, member_id=target.id, created_at=ctx.now))
    return [Reply(_("{nom} a la fonction « {fonction} ».", nom=name, fonction=role.name))]


@profile_section
def my_roles(ctx: Context) -> list[str]:
    names = [r.name for r in ctx.settings.programme.roles if r.key in roles_of(ctx, ctx.member)]
    return [ctx._("• Fonctions : {noms}", noms=", ".join(names))] if names else []
