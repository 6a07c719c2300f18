"""Roles of a format, from the programme file's `[[roles]]` (président·e, secrétariat général…): who holds them.

`is_organiser` is the plain helper other capabilities use: facilitators, and holders of a role the file
marks `organiser = true`, organise meetings (agendas, the presidency's rotation).
"""

from __future__ import annotations

from sqlalchemy import delete, select

from handlers.calendar.programme_schema import RoleDef
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.i18n import N_
from handlers.members.lookup import ensure_member
from handlers.registry import profile_section, subverb, verb
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


def _roles(ctx: Context) -> list[RoleDef]:
    roles = ctx.settings.programme.roles
    if not roles:
        raise UserError("Ce programme ne définit aucune fonction (tables `[[roles]]` du fichier).")
    return roles


def _person_and_role(ctx: Context, args: str) -> tuple[Member, RoleDef]:
    """The one person mentioned and the role named by the last word (its key), or how to write them."""
    roles = _roles(ctx)
    words = [w for w in args.split() if not w.startswith("<@")]
    ids = mentioned_ids(args)
    role = ctx.settings.programme.role(fold(words[-1]).replace(" ", "-")) if words else None
    if len(ids) != 1 or role is None:
        keys = ", ".join(f"`{r.key}`" for r in roles)
        raise UserError("Écrivez `/club fonction @personne <clé>` ; clés : {cles}.", cles=keys)
    target = ensure_member(ctx.session, ctx.club, ctx.settings, ctx.platform, ids[0], ctx.mentions.get(ids[0], ids[0]))
    return target, role


@verb("fonction", "fonctions", "function", section=SECTION,
      summary=N_("Les fonctions du format (présidence, secrétariat…) et qui les tient."),
      usage=N_("`/club fonctions` les liste ; `/club fonction @personne <clé>` est la forme courte de "
               "`/club fonction donner`."),
      examples=("/club fonctions", "/club fonction @lea secretariat"))
def fonction(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    roles = _roles(ctx)
    if args.strip():
        # `fonction @lea secretariat` gives the role: the same rule as `fonction donner`, read from there.
        give = ctx.registry.verbs["fonction"].subverbs["donner"]
        ctx.require(give.role)
        return give.func(ctx, args)
    lines = [_("**Fonctions**")]
    for role in roles:
        names = ", ".join(user_text(m.display_name) for m in holders(ctx, role.key)) or _("à pourvoir")
        lines.append(_("• {nom} (`{cle}`) : {noms}", nom=role.name, cle=role.key, noms=names))
        if role.summary:
            lines.append(f"   {role.summary}")
    return [Reply("\n".join(lines))]


@subverb("fonction", "donner", "attribuer", "give", role=Role.FACILITATEUR,
         summary=N_("Donner une fonction du format à quelqu'un."),
         usage=N_("`/club fonction donner @personne <clé>` (ou `/club fonction @personne <clé>`) ; les clés sont "
                  "dans `/club fonctions`."),
         examples=("/club fonction donner @lea secretariat",))
def give_role(ctx: Context, args: str) -> list[Reply]:
    target, role = _person_and_role(ctx, args)
    if role.key not in roles_of(ctx, target):
        ctx.session.add(RoleHolder(club_id=ctx.club.id, role_key=role.key, member_id=target.id, created_at=ctx.now))
    return [Reply(ctx._("{nom} a la fonction « {fonction} ».", nom=user_text(target.display_name),
                        fonction=role.name))]


@subverb("fonction", "retirer", "remove", role=Role.FACILITATEUR,
         summary=N_("Retirer une fonction du format à quelqu'un."),
         usage=N_("`/club fonction retirer @personne <clé>`."),
         examples=("/club fonction retirer @lea secretariat",))
def remove_role(ctx: Context, args: str) -> list[Reply]:
    target, role = _person_and_role(ctx, args)
    ctx.session.execute(delete(RoleHolder).where(RoleHolder.club_id == ctx.club.id, RoleHolder.role_key == role.key,
                                                 RoleHolder.member_id == target.id))
    return [Reply(ctx._("{nom} n'a plus la fonction « {fonction} ».", nom=user_text(target.display_name),
                        fonction=role.name))]


@profile_section
def my_roles(ctx: Context) -> list[str]:
    names = [r.name for r in ctx.settings.programme.roles if r.key in roles_of(ctx, ctx.member)]
    return [ctx._("• Fonctions : {noms}", noms=", ".join(names))] if names else []
