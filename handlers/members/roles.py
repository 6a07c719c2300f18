"""Roles in the Club: participant, membre, facilitateur·trice, admin — and who may give them."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.i18n import N_
from handlers.members.lookup import ensure_member
from handlers.registry import verb
from handlers.text import fold, mentioned_ids, user_text
from storage.models import Member, Role

ROLE_NAMES = {
    "participant": Role.PARTICIPANT, "participante": Role.PARTICIPANT,
    "membre": Role.MEMBRE, "member": Role.MEMBRE,
    "facilitateur": Role.FACILITATEUR, "facilitatrice": Role.FACILITATEUR, "facilitator": Role.FACILITATEUR,
    "admin": Role.ADMIN, "administrateur": Role.ADMIN, "administratrice": Role.ADMIN,
}


@verb("role", "rôle", summary=N_("Donner un rôle : membre, facilitateur, admin (admins)."),
      usage=N_("`/club role @personne <membre|facilitateur|admin|participant>`."),
      examples=("/club role @camille facilitateur",), role=Role.ADMIN, section=N_("Animation"))
def role(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    ids = mentioned_ids(args)
    words = [w for w in args.split() if not w.startswith("<@")]
    wanted = ROLE_NAMES.get(fold(words[-1])) if words else None
    if len(ids) != 1 or wanted is None:
        raise UserError("Écrivez : `/club role @personne <membre|facilitateur|admin|participant>`.")
    target_id = ids[0]
    name = ctx.mentions.get(target_id, target_id)
    target = ensure_member(ctx.session, ctx.club, ctx.settings, ctx.platform, target_id, name)
    if target.role == Role.ADMIN.value and wanted != Role.ADMIN:
        admins = ctx.session.scalar(select(func.count()).select_from(Member).where(
            Member.club_id == ctx.club.id, Member.role == Role.ADMIN.value))
        if admins <= 1:
            raise UserError("Impossible : {nom} est le dernier ou la dernière admin du Club. Nommez d'abord "
                            "un·e autre admin.", nom=user_text(target.display_name))
    target.role = wanted.value
    return [Reply(_("{nom} a maintenant le rôle « {role} ».", nom=user_text(target.display_name),
                    role=wanted.value))]
