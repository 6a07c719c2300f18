"""The pieces every REX message repeats: its topics, its seats, its visio link, a private message."""

from __future__ import annotations

from sqlalchemy import select

from handlers.calendar import registrations
from handlers.context import Context
from handlers.core import Reply, Visibility
from handlers.i18n import Translator, translate
from handlers.text import user_text
from storage.calendar import Event
from storage.models import Member
from storage.rex import RexTopic

DAY = "EEEE d MMMM y"


def topics_of(ctx: Context, event_id: int) -> list[RexTopic]:
    """The topics programmed on a REX, urgent ones first."""
    return list(ctx.session.scalars(select(RexTopic).where(RexTopic.event_id == event_id)
                                    .order_by(RexTopic.urgent.desc(), RexTopic.programmed_at, RexTopic.id)))


def topic_line(_: Translator, topic: RexTopic) -> str:
    mark = "⚡ " if topic.urgent else ""
    speakers = topic.speakers or topic.author.display_name
    return _("{urgent}{sujet} — avec {intervenants}", urgent=mark, sujet=user_text(topic.text),
             intervenants=user_text(speakers))


def seats(ctx: Context, event: Event) -> str:
    _ = ctx._
    seated, waiting = registrations.counts(ctx.session, event.id)
    capacity = registrations.capacity(ctx.session, event.id)
    if capacity is None:
        return _("{inscrits} inscrit·e(s), places illimitées.", inscrits=seated)
    return _("{inscrits}/{places} places prises · {attente} en liste d'attente.", inscrits=seated,
             places=capacity, attente=waiting)


def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if hours and rest else (f"{hours} h" if hours else f"{rest} min")


def visio(_: Translator, event: Event) -> str:
    """The visio line, only ever put in a message to someone who holds a seat."""
    if event.visio_url:
        return _("Lien de visio (réservé aux inscrit·es) : {url}", url=event.visio_url)
    return _("Le lien de visio sera donné aux inscrit·es avant le REX.")


def same_platform(ctx: Context, member: Member | None) -> bool:
    """Whether a private message to `member` can be sent from where this event happens."""
    return member is not None and member.platform == ctx.platform


def dm(member: Member, msgid: str, **params: object) -> Reply:
    """A private message to `member`, in their language."""
    return Reply(translate(member.lang or "fr", msgid, **params), visibility=Visibility.DM,
                 user=member.platform_user_id)
