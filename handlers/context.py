"""What a handler receives: the open transaction, who asks, where, when, in which language, and the Club's
settings (its programme, admins, channels)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from handlers.calendar.programme import Programme
from handlers.core import Reply, UserError
from handlers.i18n import Translator
from storage.models import Club, Member, Role

if TYPE_CHECKING:
    from handlers.registry import Registry


@dataclass(frozen=True)
class ClubSettings:
    programme: Programme
    admins: frozenset[str] = frozenset()  # platform user ids, optionally "platform:id"
    default_role: Role = Role.MEMBRE
    club_channels: dict[str, str] = field(default_factory=dict)  # platform -> channel id
    public_url: str = ""  # where the bot's web server is reached from outside (the .ics links)
    # The bot's own accounts ("platform:user id"): its inviting reactions are never votes.
    bot_users: frozenset[str] = frozenset({"console:club-bot"})

    def is_admin(self, platform: str, user_id: str) -> bool:
        return user_id in self.admins or f"{platform}:{user_id}" in self.admins

    def is_bot(self, platform: str, user_id: str) -> bool:
        return f"{platform}:{user_id}" in self.bot_users


@dataclass
class Context:
    session: Session
    club: Club
    member: Member
    settings: ClubSettings
    platform: str
    channel_id: str
    now: datetime
    lang: str
    registry: Registry
    mentions: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._ = Translator(self.lang)

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self._ = Translator(lang)

    def emit(self, event: object) -> list[Reply]:
        """Tells the other capabilities (`handlers.events`); their replies come back to be delivered."""
        return self.registry.emit(self, event)

    @property
    def tz(self) -> str:
        return self.member.tz

    def require(self, role: Role) -> None:
        if not self.member.role_enum.at_least(role):
            raise UserError(
                "Cette commande est réservée aux personnes ayant le rôle « {role} » ou plus "
                "(vous êtes « {mine} »). Demandez à un·e admin du Club.",
                role=role.value,
                mine=self.member.role,
            )
