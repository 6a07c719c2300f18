"""Collectifs de territoire (`collectif`): people of one territory who register together to the seminar's
workshops; one collectif each."""

from __future__ import annotations

from sqlalchemy import delete, select

from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.i18n import N_
from handlers.members.lookup import mentioned_members
from handlers.registry import subverb, verb
from handlers.text import fold, mentioned_ids, strip_mentions, user_text
from storage.db import insert_for
from storage.models import Member
from storage.workshops import WorkshopTeam, WorkshopTeamMember

MAX_TEAM_NAME = 120


def team_of(ctx: Context, member: Member) -> WorkshopTeam | None:
    return ctx.session.scalar(select(WorkshopTeam).join(WorkshopTeamMember, WorkshopTeamMember.team_id == WorkshopTeam.id)
                              .where(WorkshopTeamMember.club_id == ctx.club.id,
                                     WorkshopTeamMember.member_id == member.id))


def team_members(ctx: Context, team: WorkshopTeam) -> list[Member]:
    return list(ctx.session.scalars(select(Member).join(WorkshopTeamMember, WorkshopTeamMember.member_id == Member.id)
                                    .where(WorkshopTeamMember.team_id == team.id).order_by(Member.display_name)))


def names(members: list[Member]) -> str:
    return ", ".join(user_text(m.display_name) for m in members)


def _team_named(ctx: Context, name: str) -> WorkshopTeam:
    """The collectif of this name (accents and case aside), created by the first to name it."""
    key = fold(name)
    ctx.session.execute(insert_for(ctx.session)(WorkshopTeam).values(club_id=ctx.club.id, name=name, key=key,
                                                                      created_at=ctx.now).on_conflict_do_nothing())
    return ctx.session.scalars(select(WorkshopTeam).where(WorkshopTeam.club_id == ctx.club.id,
                                                          WorkshopTeam.key == key)).one()


@verb("collectif", "team", section=N_("Formats"),
      summary=N_("Mon collectif de territoire : une équipe d'un même territoire qui s'inscrit ensemble aux ateliers."),
      usage=N_("`/club collectif <territoire> @personne…` crée votre collectif (ou vous y ajoute avec les "
               "personnes citées) ; `/club collectif` le montre."),
      examples=("/club collectif Pays de Mauges @lea @kevin", "/club collectif"))
def collectif(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    mine = team_of(ctx, ctx.member)
    name = " ".join(strip_mentions(args).split())
    if not name and not mentioned_ids(args):
        if mine is None:
            return [Reply(_("Vous n'êtes dans aucun collectif de territoire : `/club collectif <territoire> "
                            "@personne…`."))]
        return [Reply(_("Collectif {nom} : {noms}", nom=user_text(mine.name), noms=names(team_members(ctx, mine))))]
    if len(name) > MAX_TEAM_NAME:
        raise UserError("Nom trop long ({n} caractères, {max} au plus).", n=len(name), max=MAX_TEAM_NAME)
    team = _team_named(ctx, name) if name else mine
    if team is None:
        raise UserError("Donnez le nom du territoire : `/club collectif Pays de Mauges @lea`.")
    for person in [ctx.member, *mentioned_members(ctx, args)]:
        current = team_of(ctx, person)
        if current is not None and current.id != team.id:
            raise UserError("{nom} est déjà dans le collectif {collectif}.", nom=user_text(person.display_name),
                            collectif=user_text(current.name))
        if current is None:
            ctx.session.add(WorkshopTeamMember(club_id=ctx.club.id, team_id=team.id, member_id=person.id))
    ctx.session.flush()
    return [Reply(_("Collectif {nom} : {noms}", nom=user_text(team.name), noms=names(team_members(ctx, team))))]


@subverb("collectif", "quitter", "leave",
         summary=N_("Quitter votre collectif de territoire."),
         usage=N_("`/club collectif quitter` : vos inscriptions aux ateliers restent les vôtres."),
         examples=("/club collectif quitter",))
def leave(ctx: Context, args: str) -> list[Reply]:
    mine = team_of(ctx, ctx.member)
    if mine is None:
        raise UserError("Vous n'êtes dans aucun collectif de territoire.")
    ctx.session.execute(delete(WorkshopTeamMember).where(WorkshopTeamMember.club_id == ctx.club.id,
                                                         WorkshopTeamMember.member_id == ctx.member.id))
    return [Reply(ctx._("Vous avez quitté le collectif {nom}.", nom=user_text(mine.name)))]
