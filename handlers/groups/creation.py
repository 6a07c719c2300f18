"""How working groups are born: one for each theme the rencontre retains, or created by the facilitators
outside the call for contributions (a seminar, a committee…)."""

from __future__ import annotations

from sqlalchemy import select

from handlers import registry
from handlers.context import Context
from handlers.core import Reply, UserError, Visibility
from handlers.events import GroupCreated, ThemesRetained
from handlers.groups.rules import label, shared_translator
from storage.groups import Group
from storage.numbers import add_numbered

MAX_TITLE = 200


def create_group(ctx: Context, title: str, description: str = "",
                 proposal_id: int | None = None) -> tuple[Group, list[Reply]]:
    """A new group under the Club's next free number (two created at once never share one), announced
    with `GroupCreated` so that its sessions are planned; returns it with the listeners' replies."""
    group = Group(club_id=ctx.club.id, title=title[:MAX_TITLE], description=description,
                  source_proposal_id=proposal_id, created_at=ctx.now)
    add_numbered(ctx.session, group, Group.number)
    return group, ctx.emit(GroupCreated(group_id=group.id))


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


def create(ctx: Context, args: str) -> list[Reply]:
    """`/club groupe creer <titre>`: facilitators only, as the subcommand declares."""
    title = " ".join(args.split())
    if not title:
        raise UserError("Indiquez le titre du groupe : `/club groupe creer Accueil des publics fragiles`.")
    group, hooks = create_group(ctx, title)
    return [Reply(ctx._("Groupe {groupe} créé. Désignez ses référent·es : `/club groupe referents {n} @a @b`.",
                        groupe=label(group), n=group.number)), *hooks]
