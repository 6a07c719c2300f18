"""Moving an event (`/club deplacer`) or cancelling it (`/club calendrier annuler`): one path for both —
who may (facilitators, and the owners registered in `queries.MOVERS`), a new iCalendar SEQUENCE so
subscribed calendars replace the old version, the other capabilities told, the Club's channel too.
The event keeps its number either way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.calendar import generation
from handlers.calendar.dates import in_the_past, parse_span
from handlers.calendar.display import local_format, times_in_zones
from handlers.calendar.queries import announce, can_move, event_or_error
from handlers.context import Context
from handlers.core import Reply, UserError, Visibility
from handlers.i18n import N_, format_datetime
from handlers.registry import subverb, verb
from handlers.text import parse_number, user_text
from storage.calendar import Event, EventStatus


@dataclass(frozen=True)
class _Change:
    """What is said, for one kind of change, to someone who may not make it or comes too late."""

    refused: str  # msgid: neither a facilitator nor an owner of the event
    too_late: str  # msgid: the event is cancelled already


_MOVE = _Change(
    N_("Seul·es les facilitateur·trices (et, pour une séance de groupe, ses référent·es) peuvent déplacer "
       "l'événement #{n}."),
    N_("L'événement #{n} est annulé : il ne peut plus être déplacé."))
_CANCEL = _Change(
    N_("Seul·es les facilitateur·trices (et, pour une séance de groupe, ses référent·es) peuvent annuler "
       "l'événement #{n}."),
    N_("L'événement #{n} est déjà annulé."))


def _changeable(ctx: Context, number: int, change: _Change) -> Event:
    event = event_or_error(ctx, number)
    if not can_move(ctx, event):
        raise UserError(change.refused, n=number)
    if event.cancelled:
        raise UserError(change.too_late, n=number)
    return event


def _changed(ctx: Context, event: Event, status: EventStatus) -> list[Reply]:
    """Records the change (a new SEQUENCE for the feeds) and tells the other capabilities."""
    event.status, event.sequence, event.updated_at = status.value, event.sequence + 1, ctx.now
    ctx.session.flush()
    return announce(ctx, event)


def check_rules(ctx: Context, event: Event, start: datetime, duration: int) -> None:
    """The charter's rules hold for moved events too: weekdays of the series, no public holiday."""
    programme = ctx.settings.programme
    series = programme.series_by_key(event.series)
    zone = series.zone if series else programme.club.timezone
    day = start.astimezone(ZoneInfo(zone))
    if series and event.kind == "rencontre" and day.weekday() not in series.weekdays:
        days = ", ".join(local_format(datetime(2027, 1, 4 + d, 12, tzinfo=UTC), "UTC", ctx.lang, "EEEE")
                         for d in series.weekdays)
        raise UserError("Les rencontres ont lieu ces jours-là : {jours} (charte). Le {date} est un {jour}.",
                        jours=days, date=local_format(start, zone, ctx.lang, "d MMMM y"),
                        jour=local_format(start, zone, ctx.lang, "EEEE"))
    conflicts = generation.holiday_conflicts(start, start + timedelta(minutes=duration),
                                             generation.covered(programme))
    if conflicts:
        raise UserError("Impossible : ce jour est férié ({feries}). Choisissez un autre jour.",
                        feries=", ".join(f"{name} — {territory}" for territory, name in conflicts))


def _new_start(ctx: Context, event: Event, typed: str) -> tuple[datetime, int]:
    """(start, minutes) from what was typed: a day alone keeps the event's hour (in the Club's zone),
    a range ("14h-16h") changes its duration too."""
    when = parse_span(typed, ctx.tz, ctx.now)
    start = when.start
    if not when.has_time:
        club_zone = ZoneInfo(ctx.settings.programme.club.timezone)
        day = start.astimezone(ZoneInfo(ctx.tz)).date()
        start = datetime.combine(day, event.starts_at.astimezone(club_zone).time(), club_zone).astimezone(UTC)
        if start <= ctx.now:
            raise in_the_past(user_text(typed[:80]), start, ctx.tz)
    duration = int(when.duration.total_seconds() // 60) if when.duration else event.duration_minutes
    return start, duration


@verb("deplacer", "déplacer", "move", summary=N_("Déplacer un événement (facilitateurs) ; son numéro ne change pas."),
      usage=N_("`/club deplacer <n> <date>` — par exemple `/club deplacer 4 jeudi 25 mars 14h` ou "
               "`/club deplacer #4 le 25 mars` (même heure). Une plage « 14h-16h » change aussi la durée."),
      examples=("/club deplacer 4 jeudi 25 mars 14h", "/club deplacer #2 le 17 février 10h-16h"),
      section=N_("Calendrier"))
def move(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    head, _sep, rest = args.strip().partition(" ")
    number = parse_number(head)
    if number is None or not rest.strip():
        raise UserError("Écrivez `/club deplacer <n> <date>`, par exemple `/club deplacer 4 jeudi 25 mars 14h`.")
    event = _changeable(ctx, number, _MOVE)
    start, duration = _new_start(ctx, event, rest)
    check_rules(ctx, event, start, duration)
    before = event.starts_at
    event.starts_at, event.duration_minutes = start, duration
    hooks = _changed(ctx, event, EventStatus.MOVED)
    zones = ctx.settings.programme.zones
    club = Reply(_("📅 **#{n} {titre}** est déplacé : {avant} → **{apres}**\n{heures}", n=event.number,
                   titre=user_text(event.title), avant=format_datetime(before, zones[0], ctx.lang),
                   apres=format_datetime(start, zones[0], ctx.lang),
                   heures=times_in_zones(start, zones, ctx.lang)), visibility=Visibility.CLUB)
    mine = Reply(_("C'est fait : #{n} a lieu {quand} (votre heure). Le Club est prévenu.", n=event.number,
                   quand=format_datetime(start, ctx.tz, ctx.lang)))
    return [mine, club, *hooks]


@subverb("calendrier", "annuler", "cancel",
         summary=N_("Annuler un événement (facilitateurs, et les référent·es pour les séances de leur groupe) ; "
                    "il reste au calendrier, barré, et le Club est prévenu."),
         usage=N_("`/club calendrier annuler <n>` — le numéro est celui de `/club calendrier`."),
         examples=("/club calendrier annuler 4",))
def cancel(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    number = parse_number(args)
    if number is None:
        raise UserError("Écrivez `/club calendrier annuler <n>`, par exemple `/club calendrier annuler 4`.")
    event = _changeable(ctx, number, _CANCEL)
    hooks = _changed(ctx, event, EventStatus.CANCELLED)
    zone = ctx.settings.programme.club.timezone
    return [Reply(_("C'est fait : #{n} est annulé. Le Club est prévenu.", n=number)),
            Reply(_("❌ **#{n} {titre}** du {quand} est annulé.", n=number, titre=user_text(event.title),
                    quand=format_datetime(event.starts_at, zone, ctx.lang)), visibility=Visibility.CLUB),
            *hooks]
