"""What a handler receives: the open transaction, who asks, where, when, in which language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from handlers.core import UserError
from handlers.i18n import Translator
from storage.models import Club, Member, Role

if TYPE_CHECKING:
    from handlers.service import ClubSettings


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
    mentions: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._ = Translator(self.lang)

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self._ = Translator(lang)

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
