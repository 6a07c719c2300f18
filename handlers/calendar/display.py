"""How an event reads: one line in a list, its hour in every covered territory, the year's calendar month
by month, and the description a feed or an announcement carries (never the visio link)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_format

from handlers.calendar.programme import Programme
from handlers.context import Context
from handlers.i18n import N_, translate
from handlers.territories import zone_label
from handlers.text import user_text
from storage.calendar import Event, EventStatus

KIND_LABELS = {"rencontre": N_("Rencontre"), "groupe": N_("Groupe de travail"), "rex": N_("Retour d'expérience"),
               "seminaire": N_("Séminaire"), "comite": N_("Comité"), "session": N_("Session")}
MONTHS = (N_("Janvier"), N_("Février"), N_("Mars"), N_("Avril"), N_("Mai"), N_("Juin"), N_("Juillet"), N_("Août"),
          N_("Septembre"), N_("Octobre"), N_("Novembre"), N_("Décembre"))


def local_format(moment: datetime, tz: str, lang: str, fmt: str) -> str:
    """A UTC instant in a zone, in a Babel pattern ("EEE d MMM"), in the reader's language."""
    return babel_format(moment.astimezone(ZoneInfo(tz)), fmt, locale="fr_FR" if lang == "fr" else "en_GB")


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
            shown += f" ({local_format(utc, zone, lang, 'EEE d')})"
        groups.setdefault(shown, []).append(zone_label(zone))
    return " · ".join(f"{shown} {', '.join(names)}" for shown, names in groups.items())


def describe(event: Event, programme: Programme, lang: str = "fr") -> str:
    """The text of an event for feeds and announcements (never the visio link)."""
    zones = programme.zones or [programme.club.timezone]
    lines = [translate(lang, KIND_LABELS.get(event.kind, event.kind)) + " · " + event.place,
             times_in_zones(event.starts_at, zones, lang)]
    return "\n".join(lines)


def event_line(ctx: Context, event: Event, tz: str) -> str:
    """"• #4 jeu. 21 janv. 14:00–15:00 — Retour d'expérience · en ligne", struck through once cancelled."""
    _ = ctx._
    day = local_format(event.starts_at, tz, ctx.lang, "EEE d MMM")
    hours = "–".join(local_format(moment, tz, ctx.lang, "HH:mm") for moment in (event.starts_at, event.ends_at))
    line = _("• #{n} {jour} {heures} — {titre} · {lieu}", n=event.number, jour=day, heures=hours,
             titre=user_text(event.title), lieu=user_text(event.place))
    if event.status == EventStatus.MOVED.value:
        line += " " + _("(déplacé)")
    elif event.cancelled:
        line = f"~~{line}~~ " + _("(annulé)")
    return line


def _phase_span(ctx: Context, months: tuple[int, ...], start: date | None, end: date | None) -> str:
    _ = ctx._
    if start and end:
        return f"{_(MONTHS[start.month - 1]).lower()} {start.year} → {_(MONTHS[end.month - 1]).lower()} {end.year}"
    span = _(MONTHS[months[0] - 1]).lower()
    return span + " → " + _(MONTHS[months[-1] - 1]).lower() if len(months) > 1 else span


def year_text(ctx: Context, year: int, events: list[Event]) -> str:
    """The year month by month, in the reader's zone: the phases opening each month, then its events."""
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
            span = _phase_span(ctx, tuple(phase.months), phase.start, phase.end)
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
