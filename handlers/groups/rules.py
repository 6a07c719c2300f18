"""The shared rules of the working groups: finding the group a command names, who is inside it, who leads
it, where its posts go, and its sessions as the calendar tells them. Every module of the package reads
them; the Home tab (`handlers.home`) too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.context import Context
from handlers.core import UserError
from handlers.i18n import DEFAULT_LANG, Translator
from handlers.text import parse_number, user_text
from storage.groups import Group, GroupChannel, GroupMembership, GroupReferent
from storage.models import Member, Role

MIN_REFERENTS, MAX_REFERENTS = 2, 3  # the charter's binôme or trinôme


@dataclass(frozen=True)
class GroupSession:
    """A session of a group as the calendar knows it."""

    starts_at: datetime  # aware UTC
    event_id: int | None = None


# Extension point for the calendar: functions (session, group, now) -> the group's sessions, past and
# future. Empty until the calendar registers one; nothing is invented meanwhile.
SESSION_PROVIDERS: list[Callable[[Session, Group, datetime], list[GroupSession]]] = []


def group_sessions(session: Session, group: Group, now: datetime) -> list[GroupSession]:
    found: list[GroupSession] = []
    for provider in SESSION_PROVIDERS:
        found.extend(provider(session, group, now))
    return sorted(found, key=lambda s: s.starts_at)


# -- shared rules ---------------------------------------------------------------------------------
def shared_translator() -> Translator:
    """Messages posted for everyone (Club channel, group channel) are in the Club's language."""
    return Translator(DEFAULT_LANG)


def label(group: Group) -> str:
    return f"#{group.number} {user_text(group.title)}"


def all_groups(ctx: Context) -> list[Group]:
    return list(ctx.session.scalars(select(Group).where(Group.club_id == ctx.club.id).order_by(Group.number)))


def find_group(ctx: Context, token: str, example: str) -> Group:
    """The group a user named by its number; the error lists the groups and shows `example`."""
    number = parse_number(token) if token else None
    group = None
    if number is not None:
        group = ctx.session.scalar(select(Group).where(Group.club_id == ctx.club.id, Group.number == number))
    if group is None:
        names = ", ".join(label(g) for g in all_groups(ctx)) or ctx._("aucun pour l'instant")
        if number is None:
            raise UserError("Indiquez le numéro du groupe, par exemple `{exemple}`. Groupes : {groupes}.",
                            exemple=example, groupes=names)
        raise UserError("Pas de groupe n° {n}. Groupes : {groupes}. Exemple : `{exemple}`.",
                        n=number, groupes=names, exemple=example)
    return group


def is_facilitator(member: Member) -> bool:
    return member.role_enum.at_least(Role.FACILITATEUR)


def referent_ids(session: Session, group: Group) -> set[int]:
    return set(session.scalars(select(GroupReferent.member_id).where(GroupReferent.group_id == group.id)))


def is_referent(session: Session, group: Group, member: Member) -> bool:
    return member.id in referent_ids(session, group)


def membership(session: Session, group: Group, member: Member) -> GroupMembership | None:
    return session.scalar(select(GroupMembership).where(GroupMembership.group_id == group.id,
                                                        GroupMembership.member_id == member.id))


def is_insider(session: Session, group: Group, member: Member) -> bool:
    """Who may read the group's confidential notes: its members, its referents, the facilitators."""
    return is_facilitator(member) or is_referent(session, group, member) \
        or membership(session, group, member) is not None


def require_lead(ctx: Context, group: Group) -> None:
    """Referents of this group and facilitators lead it; everyone else is told who may."""
    if not (is_facilitator(ctx.member) or is_referent(ctx.session, group, ctx.member)):
        raise UserError("Réservé aux référent·es du groupe {groupe} et à l'équipe d'animation.",
                        groupe=label(group))


def club_channel(ctx: Context) -> str | None:
    return ctx.settings.club_channels.get(ctx.platform)


def group_channel(session: Session, group: Group, platform: str) -> str | None:
    return session.scalar(select(GroupChannel.channel_id).where(GroupChannel.group_id == group.id,
                                                                GroupChannel.platform == platform))


def names(session: Session, member_ids: list[int] | set[int]) -> list[str]:
    if not member_ids:
        return []
    return [user_text(n) for n in session.scalars(
        select(Member.display_name).where(Member.id.in_(member_ids)).order_by(Member.display_name))]

