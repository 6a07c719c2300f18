"""The REX's announcement in the Club channel: posted once, then updated in place whenever its topic,
seats, date or recording change. It never carries the visio link: the channel is not only registrants."""

from __future__ import annotations

from handlers.calendar.display import times_in_zones
from handlers.context import Context
from handlers.core import Anchor, Button, Reply, Visibility
from handlers.events import EventChanged
from handlers.i18n import format_datetime
from handlers.registry import on
from handlers.rex.lookup import KIND, find_rex, still_open
from handlers.rex.texts import DAY, duration, seats, topic_line, topics_of
from storage.calendar import Event
from storage.rex import RexSession

ANCHOR = "rex"
REGISTER = "rex.register"
UNREGISTER = "rex.unregister"


def announcement(ctx: Context, event: Event, update: bool = False) -> Reply:
    """The REX as the Club channel shows it: topic, time in every territory, how to register. No link."""
    _ = ctx._
    programme = ctx.settings.programme
    zones = programme.zones or [programme.club.timezone]
    lines = [_("🎙️ **Retour d'expérience #{n}** — {jour}, {duree} en ligne", n=event.number,
               jour=format_datetime(event.starts_at, programme.club.timezone, ctx.lang, DAY),
               duree=duration(event.duration_minutes))]
    topics = topics_of(ctx, event.id)
    if topics:
        lines.extend(_("Sujet : {sujet}", sujet=topic_line(_, t)) for t in topics)
    else:
        lines.append(_("Sujet : à programmer. Proposez le vôtre, même urgent : `/club rex sujet <texte>`."))
    lines.append("🕑 " + times_in_zones(event.starts_at, zones, ctx.lang))
    buttons: list[Button] = []
    if event.cancelled:
        lines.append(_("❌ Ce REX est annulé."))
    elif event.starts_at <= ctx.now:
        lines.append(_("Ce REX a eu lieu."))
    else:
        lines.append(_("Inscription libre, membres du Club ou non : bouton « S'inscrire » ou "
                       "`/club rex inscrire {n}`. Un·e membre inscrit un·e invité·e avec "
                       "`/club rex invite {n} <nom>, <institution>`. Le lien de visio est donné aux inscrit·es.",
                       n=event.number))
        buttons = [Button(_("S'inscrire"), REGISTER, str(event.id), "primary"),
                   Button(_("Se désinscrire"), UNREGISTER, str(event.id))]
    lines.append(seats(ctx, event))
    rex_session = ctx.session.get(RexSession, event.id)
    if rex_session and rex_session.recording_url:
        lines.append(_("🎬 L'enregistrement est disponible pour les membres du Club : `/club rex enregistrements`."))
    return Reply("\n".join(lines), visibility=Visibility.CLUB, buttons=buttons, anchor=Anchor(ANCHOR, event.id),
                 update=update)


def is_announced(ctx: Context, event: Event) -> bool:
    rex_session = ctx.session.get(RexSession, event.id)
    return rex_session is not None and rex_session.announced_at is not None


def refresh(ctx: Context, event: Event) -> list[Reply]:
    """The announcement, updated in place where it was posted (nothing when it never was)."""
    return [announcement(ctx, event, update=True)] if is_announced(ctx, event) else []


def publish(ctx: Context, event: Event) -> Reply:
    """The announcement, posted anew; from now on every change updates it."""
    rex_session = ctx.session.get(RexSession, event.id)
    if rex_session is None:
        rex_session = RexSession(event_id=event.id)
        ctx.session.add(rex_session)
    rex_session.announced_at = ctx.now
    ctx.session.flush()
    return announcement(ctx, event)


def announce(ctx: Context, args: str) -> list[Reply]:
    """`/club rex annoncer [n]`."""
    _ = ctx._
    event = still_open(find_rex(ctx, args.strip(), "`/club rex annoncer 1`"), ctx.now)
    return [Reply(_("REX #{n} annoncé dans le canal du Club.", n=event.number)), publish(ctx, event)]


@on(EventChanged)
def event_changed(ctx: Context, changed: EventChanged) -> list[Reply]:
    """A REX moved or cancelled: its announcement shows it at once."""
    if changed.kind != KIND:
        return []
    event = ctx.session.get(Event, changed.event_id)
    return refresh(ctx, event) if event else []
