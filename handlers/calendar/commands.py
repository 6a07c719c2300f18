"""The year's programme: the calendar fixed a year ahead, my agenda, moving an event, the .ics links.

Other capabilities use the plain functions here (`upcoming`, `event_by_number`, `times_in_zones`,
`add_event`) and hear of every created, moved or cancelled event through the "event.changed" topic.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_format
from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.calendar import (
    generation,
    ics,  # noqa: F401  (creneau registers its verb)
)
from handlers.calendar.dates import parse_span
from handlers.calendar.programme import Programme
from handlers.context import Context
from handlers.core import Reply, UserError, Visibility
from handlers.events import EventChanged
from handlers.i18n import N_, format_datetime, translate
from handlers.registry import verb
from handlers.territories import zone_label
from handlers.text import parse_number, user_text
from storage.calendar import Event, EventStatus
from storage.models import Role

KIND_LABELS = {"rencontre": N_("Rencontre"), "groupe": N_("Groupe de travail"), "rex": N_("Retour d'expérience"),
               "seminaire": N_("Séminaire"), "comite": N_("Comité"), "session": N_("Session")}
MONTHS = (N_("Janvier"), N_("Février"), N_("Mars"), N_("Avril"), N_("Mai"), N_("Juin"), N_("Juillet"), N_("Août"),
          N_("Septembre"), N_("Octobre"), N_("Novembre"), N_("Décembre"))
AGENDA_LIMIT = 5


def _babel(moment: datetime, tz: str, lang: str, fmt: str) -> str:
    return babel_format(moment.astimezone(ZoneInfo(tz)), fmt, locale="fr_FR" if lang == "fr" else "en_GB")


# -- for other capabilities -------------------------------------------------------------------
def times_in_zones(utc: datetime, zones: list[str], lang: str) -> str:
    """'14:00 Paris · 09:00 Guadeloupe, Martinique · 00:00 (ven.) Nouvelle-Calédonie': one instant in
    Paris and every covered territory; territories showing the same time share it, and a local day that
    differs from the first zone's is named."""
    if not zones:
        return ""
    first_day = utc.astimezone(ZoneInfo(zones[0])).date()
    groups: dict[str, list[str]] = {}
    for zone in zones:
        local = utc.astimezone(ZoneInfo(zone))
        shown = local.strftime("%H:%M")
        if local.date() != first_day:
            shown += f" ({_babel(utc, zone, lang, 'EEE d')})"
        groups.setdefault(shown, []).append(zone_label(zone))
    return " · ".join(f"{shown} {', '.join(names)}" for shown, names in groups.items())


def upcoming(session: Session, club_id: int, now: datetime, kind: str | None = None,
             limit: int = AGENDA_LIMIT, group_id: int | None = None) -> list[Event]:
    """The next events not cancelled, soonest first (an event under way counts until it ends)."""
    query = select(Event).where(Event.club_id == club_id, Event.status != EventStatus.CANCELLED.value,
                                Event.starts_at > now - timedelta(hours=12))
    if kind:
        query = query.where(Event.kind == kind)
    if group_id is not None:
        query = query.where(Event.group_id == group_id)
    events = [e for e in session.scalars(query.order_by(Event.starts_at, Event.number)) if e.ends_at > now]
    return events[:limit]


def event_by_number(session: Session, club_id: int, number: int) -> Event | None:
    return session.scalar(select(Event).where(Event.club_id == club_id, Event.number == number))


# Extension points for the capabilities that own some events (a working group owns its sessions, the
# REX their registrations): who else may move an event, who sees a group's event in their agenda, and
# who may see an event's visio link.
MOVERS: list[Callable[[Context, Event], bool]] = []
GROUP_AUDIENCE: list[Callable[[Context, Event], bool]] = []
VISIO_GATES: list[Callable[[Context, Event], bool | None]] = []  # None: no opinion


def can_move(ctx: Context, event: Event) -> bool:
    """Facilitators move any event; an owner registered in MOVERS (a group's referents) moves its own."""
    return ctx.member.role_enum.at_least(Role.FACILITATEUR) or any(rule(ctx, event) for rule in MOVERS)


def may_see_visio(ctx: Context, event: Event) -> bool:
    """Members see an online event's link, unless a capability owning the event decides (REX: the people
    registered, members or not)."""
    if not event.visio_url:
        return False
    for gate in VISIO_GATES:
        verdict = gate(ctx, event)
        if verdict is not None:
            return verdict
    return event.place == "en ligne" and ctx.member.role_enum.at_least(Role.MEMBRE)


def my_upcoming(ctx: Context, limit: int = AGENDA_LIMIT) -> list[Event]:
    """My next events: a group's own sessions only if it is mine, and instead of the generic group slot."""
    events = [e for e in upcoming(ctx.session, ctx.club.id, ctx.now, limit=limit * 10) if concerns_me(ctx, e)]
    own = {(e.kind, e.starts_at) for e in events if e.group_id is not None}
    return [e for e in events if e.group_id is not None or (e.kind, e.starts_at) not in own][:limit]


def concerns_me(ctx: Context, event: Event) -> bool:
    """Every event but a group's own sessions, which concern its members (and facilitators)."""
    if event.group_id is None or ctx.member.role_enum.at_least(Role.FACILITATEUR):
        return True
    return any(rule(ctx, event) for rule in GROUP_AUDIENCE)


def add_event(ctx: Context, kind: str, title: str, starts_at: datetime, duration_minutes: int, place: str,
              audience: str = "membres", group_id: int | None = None, visio_url: str | None = None) -> Event:
    """A one-off event (a group's own session, a seminar…), numbered and announced on "event.changed"."""
    event = Event(club_id=ctx.club.id, number=generation.next_number(ctx.session, ctx.club.id), kind=kind,
                  title=title[:200], starts_at=starts_at, duration_minutes=duration_minutes, place=place[:200],
                  audience=audience, group_id=group_id, visio_url=visio_url, created_at=ctx.now, updated_at=ctx.now)
    ctx.session.add(event)
    ctx.session.flush()
    ctx.emit(EventChanged(event_id=event.id, kind=event.kind, starts_at=event.starts_at,
                  cancelled=False))
    return event


def ensure_years(ctx: Context, *years: int) -> list[Reply]:
    """Generates the programme's events of those years that are missing, and tells subscribers."""
    replies: list[Reply] = []
    for year in years:
        for event in generation.ensure_year(ctx.session, ctx.club.id, ctx.settings.programme, year, ctx.now):
            replies.extend(ctx.emit(EventChanged(event_id=event.id, kind=event.kind,
                                         starts_at=event.starts_at, cancelled=False)))
    return replies


def describe(event: Event, programme: Programme, lang: str = "fr") -> str:
    """The text of an event for feeds and announcements (never the visio link)."""
    zones = programme.zones or [programme.club.timezone]
    lines = [translate(lang, KIND_LABELS.get(event.kind, event.kind)) + " · " + event.place,
             times_in_zones(event.starts_at, zones, lang)]
    return "\n".join(lines)


# -- display ------------------------------------------------------------------------------------
def _local_year(ctx: Context) -> int:
    return ctx.now.astimezone(ZoneInfo(ctx.settings.programme.club.timezone)).year


def event_line(ctx: Context, event: Event, tz: str) -> str:
    _ = ctx._
    day = _babel(event.starts_at, tz, ctx.lang, "EEE d MMM")
    hours = f"{_babel(event.starts_at, tz, ctx.lang, 'HH:mm')}–{_babel(event.ends_at, tz, ctx.lang, 'HH:mm')}"
    line = _("• #{n} {jour} {heures} — {titre} · {lieu}", n=event.number, jour=day, heures=hours,
             titre=user_text(event.title), lieu=user_text(event.place))
    if event.status == EventStatus.MOVED.value:
        line += " " + _("(déplacé)")
    elif event.cancelled:
        line = f"~~{line}~~ " + _("(annulé)")
    return line


def year_text(ctx: Context, year: int, events: list[Event]) -> str:
    _ = ctx._
    programme = ctx.settings.programme
    tz = ctx.tz
    lines = [_("**Calendrier {annee} — {club}** (heures : {zone})", annee=year, club=programme.club.name,
               zone=zone_label(tz))]
    by_month: dict[int, list[Event]] = {}
    for event in events:
        by_month.setdefault(event.starts_at.astimezone(ZoneInfo(tz)).month, []).append(event)
    for month in range(1, 13):
        starting = [p for p in programme.phases if p.starts_in(year, month)]
        if not starting and month not in by_month:
            continue
        lines.append(f"**{_(MONTHS[month - 1])}**")
        for phase in starting:
            span = _(MONTHS[phase.months[0] - 1]).lower()
            if phase.start and phase.end:
                span = f"{_(MONTHS[phase.start.month - 1]).lower()} {phase.start.year} → " \
                       f"{_(MONTHS[phase.end.month - 1]).lower()} {phase.end.year}"
            elif len(phase.months) > 1:
                span += " → " + _(MONTHS[phase.months[-1] - 1]).lower()
            lines.append(_("▸ {phase} ({periode}, {lieu})", phase=phase.name, periode=span, lieu=phase.place))
        lines.extend(event_line(ctx, event, tz) for event in by_month.get(month, []))
    rex = next((e for e in events if e.kind == "rex" and not e.cancelled), None)
    lines.append(_("Rencontres les mardis, mercredis ou jeudis ; aucun événement un jour férié, en métropole "
                   "comme dans les territoires couverts."))
    if rex:
        lines.append(_("Créneau fixe des retours d'expérience : {heures}.",
                       heures=times_in_zones(rex.starts_at, programme.zones, ctx.lang)))
    lines.append(_("`/club agenda` : vos prochains rendez-vous · `/club calendrier ics` : s'abonner."))
    return "\n".join(lines)


# -- verbs --------------------------------------------------------------------------------------
@verb("calendrier", "calendar", summary=N_("Le programme de l'année (fixé un an à l'avance), ou le lien .ics."),
      usage=N_("`/club calendrier` (cette année), `/club calendrier 2027`, `/club calendrier ics` (s'abonner), "
               "`/club calendrier annuler <n>` (facilitateurs)."),
      examples=("/club calendrier", "/club calendrier 2027", "/club calendrier ics"), section=N_("Calendrier"))
def calendar_verb(ctx: Context, args: str) -> list[Reply]:
    words = args.split()
    if words and words[0].lower() == "ics":
        return [Reply(ics_links(ctx))]
    if words and words[0].lower() in ("annuler", "cancel"):
        return cancel(ctx, " ".join(words[1:]))
    this_year = _local_year(ctx)
    year = this_year
    if words:
        if not (words[0].isdigit() and len(words[0]) == 4):
            raise UserError("Écrivez `/club calendrier` (cette année), `/club calendrier {annee}` ou "
                            "`/club calendrier ics`.", annee=this_year + 1)
        year = int(words[0])
    if year > this_year + 1:
        raise UserError("Le calendrier est fixé un an à l'avance : {annee} n'est pas encore programmé. Essayez "
                        "`/club calendrier {prochaine}`.", annee=year, prochaine=this_year + 1)
    hooks = ensure_years(ctx, *sorted({this_year, this_year + 1}))
    events = year_events(ctx.session, ctx.club.id, year, ctx.settings.programme.club.timezone)
    if not events:
        raise UserError("Aucun événement au calendrier {annee}.", annee=year)
    return [Reply(year_text(ctx, year, events)), *hooks]


def year_events(session: Session, club_id: int, year: int, tz: str) -> list[Event]:
    zone = ZoneInfo(tz)
    start = datetime(year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    return list(session.scalars(select(Event).where(Event.club_id == club_id, Event.starts_at >= start,
                                                    Event.starts_at < end).order_by(Event.starts_at, Event.number)))


def ics_links(ctx: Context) -> str:
    _ = ctx._
    base = ctx.settings.public_url.rstrip("/")
    if not base:
        return _("Les calendriers .ics sont servis par le bot à `/calendar.ics` (tout le Club) et "
                 "`/calendar/groupe-<n>.ics` (un groupe de travail) ; l'adresse publique du bot n'est pas "
                 "configurée (variable PUBLIC_URL) : demandez-la à l'équipe d'animation.")
    group_ids = sorted({g for g in ctx.session.scalars(select(Event.group_id).where(
        Event.club_id == ctx.club.id, Event.group_id.is_not(None)))})
    lines = [_("**S'abonner au calendrier** (dans Outlook, Thunderbird, Agenda… : « ajouter un calendrier "
               "depuis une adresse ») :"),
             _("• Tout le Club : {url}", url=f"{base}/calendar.ics")]
    lines.extend(_("• Groupe {n} : {url}", n=g, url=f"{base}/calendar/groupe-{g}.ics") for g in group_ids)
    lines.append(_("• Un groupe de travail : {url}", url=f"{base}/calendar/groupe-<n>.ics"))
    lines.append(_("Les liens de visio n'y figurent pas : ils sont dans `/club agenda`, réservés aux membres."))
    return "\n".join(lines)


@verb("agenda", summary=N_("Mes prochains rendez-vous, dans mon fuseau et celui de chaque territoire."),
      usage=N_("`/club agenda` : les prochains événements du Club, à votre heure et à celle des territoires."),
      examples=("/club agenda",), section=N_("Calendrier"))
def agenda(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    year = _local_year(ctx)
    hooks = ensure_years(ctx, year, year + 1)
    events = my_upcoming(ctx)
    if not events:
        return [Reply(_("Aucun rendez-vous à venir au calendrier.")), *hooks]
    zones = list(ctx.settings.programme.zones)
    if ctx.tz not in zones:
        zones.insert(0, ctx.tz)
    lines = [_("**Vos prochains rendez-vous** (heures : {zone})", zone=zone_label(ctx.tz))]
    for event in events:
        lines.append(event_line(ctx, event, ctx.tz))
        lines.append("   " + times_in_zones(event.starts_at, zones, ctx.lang))
        if may_see_visio(ctx, event):
            lines.append("   " + _("Visio : {url}", url=event.visio_url))
    return [Reply("\n".join(lines)), *hooks]


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
    event = _event_or_error(ctx, number)
    if not can_move(ctx, event):
        raise UserError("Seul·es les facilitateur·trices (et, pour une séance de groupe, ses référent·es) "
                        "peuvent déplacer l'événement #{n}.", n=number)
    if event.cancelled:
        raise UserError("L'événement #{n} est annulé : il ne peut plus être déplacé.", n=number)
    when = parse_span(rest, ctx.tz, ctx.now)
    start = when.start
    if not when.has_time:  # a day alone keeps the event's hour (in the Club's zone)
        club_zone = ZoneInfo(ctx.settings.programme.club.timezone)
        day = start.astimezone(ZoneInfo(ctx.tz)).date()
        start = datetime.combine(day, event.starts_at.astimezone(club_zone).time(), club_zone).astimezone(UTC)
        if start <= ctx.now:
            raise UserError("« {saisie} » tombe dans le passé ({compris}). Indiquez une date à venir.",
                            saisie=user_text(rest[:80]), compris=format_datetime(start, ctx.tz, "fr"))
    duration = int(when.duration.total_seconds() // 60) if when.duration else event.duration_minutes
    _check_rules(ctx, event, start, duration)
    before = event.starts_at
    event.starts_at, event.duration_minutes = start, duration
    event.status, event.sequence, event.updated_at = EventStatus.MOVED.value, event.sequence + 1, ctx.now
    ctx.session.flush()
    hooks = ctx.emit(EventChanged(event_id=event.id, kind=event.kind, starts_at=event.starts_at,
                          cancelled=False))
    zones = ctx.settings.programme.zones
    club = Reply(_("📅 **#{n} {titre}** est déplacé : {avant} → **{apres}**\n{heures}", n=event.number,
                   titre=user_text(event.title), avant=format_datetime(before, zones[0], ctx.lang),
                   apres=format_datetime(start, zones[0], ctx.lang),
                   heures=times_in_zones(start, zones, ctx.lang)), visibility=Visibility.CLUB)
    mine = Reply(_("C'est fait : #{n} a lieu {quand} (votre heure). Le Club est prévenu.", n=event.number,
                   quand=format_datetime(start, ctx.tz, ctx.lang)))
    return [mine, club, *hooks]


def _event_or_error(ctx: Context, number: int) -> Event:
    event = event_by_number(ctx.session, ctx.club.id, number)
    if event is None:
        raise UserError("Aucun événement #{n}. Les numéros sont dans `/club calendrier`.", n=number)
    return event


def _check_rules(ctx: Context, event: Event, start: datetime, duration: int) -> None:
    """The charter's rules hold for moved events too: weekdays of the series, no public holiday."""
    programme = ctx.settings.programme
    series = programme.series_by_key(event.series)
    zone = series.zone if series else programme.club.timezone
    day = start.astimezone(ZoneInfo(zone))
    if series and event.kind == "rencontre" and day.weekday() not in series.weekdays:
        days = ", ".join(_babel(datetime(2027, 1, 4 + d, 12, tzinfo=UTC), "UTC", ctx.lang, "EEEE")
                         for d in series.weekdays)
        raise UserError("Les rencontres ont lieu ces jours-là : {jours} (charte). Le {date} est un {jour}.",
                        jours=days, date=_babel(start, zone, ctx.lang, "d MMMM y"),
                        jour=_babel(start, zone, ctx.lang, "EEEE"))
    conflicts = generation.holiday_conflicts(start, start + timedelta(minutes=duration),
                                             generation.covered(programme))
    if conflicts:
        raise UserError("Impossible : ce jour est férié ({feries}). Choisissez un autre jour.",
                        feries=", ".join(f"{name} — {territory}" for territory, name in conflicts))


def cancel(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    number = parse_number(args)
    if number is None:
        raise UserError("Écrivez `/club calendrier annuler <n>`, par exemple `/club calendrier annuler 4`.")
    event = _event_or_error(ctx, number)
    if not can_move(ctx, event):
        raise UserError("Seul·es les facilitateur·trices (et, pour une séance de groupe, ses référent·es) peuvent annuler "
                        "l'événement #{n}.", n=number)
    if event.cancelled:
        raise UserError("L'événement #{n} est déjà annulé.", n=number)
    event.status, event.sequence, event.updated_at = EventStatus.CANCELLED.value, event.sequence + 1, ctx.now
    ctx.session.flush()
    hooks = ctx.emit(EventChanged(event_id=event.id, kind=event.kind, starts_at=event.starts_at,
                          cancelled=True))
    zone = ctx.settings.programme.club.timezone
    return [Reply(_("C'est fait : #{n} est annulé. Le Club est prévenu.", n=number)),
            Reply(_("❌ **#{n} {titre}** du {quand} est annulé.", n=number, titre=user_text(event.title),
                    quand=format_datetime(event.starts_at, zone, ctx.lang)), visibility=Visibility.CLUB),
            *hooks]


# -- feeds (served by the web server) -------------------------------------------------------------
def club_feed(session: Session, club_id: int, programme: Programme) -> bytes:
    """The Club's public .ics: no visio links."""
    return ics.build_feed(ics.public_events(session, club_id), programme, programme.club.name,
                          lambda e: describe(e, programme))


def group_feed(session: Session, club_id: int, group_id: int, programme: Programme) -> bytes:
    name = f"{programme.club.name} — groupe {group_id}"
    return ics.build_feed(ics.group_events(session, club_id, group_id), programme, name,
                          lambda e: describe(e, programme))
