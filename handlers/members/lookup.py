"""Finding the member behind a platform account, and creating them on first contact.

Every capability that names someone (`role @lea`, a referent, a vote) goes through here, so a person is
one row whatever the door they came in by.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers.core import Profile
from handlers.i18n import lang_of
from handlers.territories import resolve_zone
from handlers.text import mentioned_ids
from storage.models import Club, Member, Role

if TYPE_CHECKING:
    from handlers.context import ClubSettings, Context

# Built once: every command, click and reaction looks its member up, and building the statement cost
# as much as running it.
_MEMBER = select(Member).where(Member.club_id == bindparam("club_id"), Member.platform == bindparam("platform"),
                               Member.platform_user_id == bindparam("user_id"))


def find_member(session: Session, club_id: int, platform: str, user_id: str) -> Member | None:
    return session.scalar(_MEMBER, {"club_id": club_id, "platform": platform, "user_id": user_id})


def ensure_member(session: Session, club: Club, settings: ClubSettings, platform: str, user_id: str,
                  user_name: str, profile: Profile | None = None) -> Member:
    """The member for a platform user, created on first contact with the platform profile's zone and role."""
    member = find_member(session, club.id, platform, user_id)
    if member is None:
        profile = profile or Profile()
        member = Member(
            club_id=club.id, platform=platform, platform_user_id=user_id,
            display_name=(profile.display_name or user_name or user_id)[:200],
            tz=resolve_zone(profile.tz or "") or settings.programme.club.timezone,
            lang=lang_of(profile.locale) if profile.locale else None,
            role=first_role(settings, platform, user_id, profile).value,
        )
        try:
            with session.begin_nested():
                session.add(member)
        except IntegrityError:  # the same person's other request created it a moment ago
            member = find_member(session, club.id, platform, user_id)
            assert member is not None
    elif settings.is_admin(platform, user_id) and member.role != Role.ADMIN.value:
        member.role = Role.ADMIN.value
    return member


def note_profile(member: Member, settings: ClubSettings, profile: Profile) -> None:
    """The platform's profile, read for someone met before without it (a mention, a vote by reaction, a
    first command answered while the platform was rate-limiting): what the bot could only guess then —
    name, zone, language — is taken from it, unless the person chose since; a guest account becomes a
    participant, never the reverse (a group's guest stays one)."""
    if not member.profiled and member.erased_at is None:
        # No command names a person: until a profile is read, their name is their handle or id.
        if profile.display_name:
            member.display_name = profile.display_name[:200]
        zone = resolve_zone(profile.tz or "")
        if zone and member.tz == settings.programme.club.timezone:
            member.tz = zone
        if profile.locale and member.lang is None:
            member.lang = lang_of(profile.locale)
    member.profiled = True
    if profile.guest and member.role != Role.PARTICIPANT.value \
            and not settings.is_admin(member.platform, member.platform_user_id):
        member.role = Role.PARTICIPANT.value


def first_role(settings: ClubSettings, platform: str, user_id: str, profile: Profile) -> Role:
    """The operators' admins are admins; a guest of the platform or of a group is a participant, never a
    member, whatever the Club's default role (the members-only recordings and notes stay theirs)."""
    if settings.is_admin(platform, user_id):
        return Role.ADMIN
    return Role.PARTICIPANT if profile.guest else settings.default_role


def mentioned_members(ctx: Context, args: str, guests: bool = False) -> list[Member]:
    """The people @mentioned in `args`, once each; someone the bot has not met yet is recorded then
    (as a guest, a participant, when `guests`)."""
    profile = Profile(guest=True) if guests else None
    return [ensure_member(ctx.session, ctx.club, ctx.settings, ctx.platform, user_id,
                          ctx.mentions.get(user_id, user_id), profile)
            for user_id in dict.fromkeys(mentioned_ids(args))]
