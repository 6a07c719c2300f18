"""A seminar day (`[seminar]` of the programme file): its timed programme with the places left in each
workshop, the announcement with the registration code (`journee`), and the organisers' contacts (`contacts`).
"""

from __future__ import annotations

from sqlalchemy import func, select

from handlers import registry
from handlers.calendar import queries as calendar
from handlers.calendar.programme_schema import Seminar, Workshop
from handlers.context import Context
from handlers.core import Reply, UserError, Visibility
from handlers.i18n import N_, format_datetime
from handlers.registry import subverb, verb
from handlers.text import user_text
from storage.calendar import Event
from storage.models import Role
from storage.workshops import Workshop as WorkshopRow
from storage.workshops import WorkshopRegistration

SECTION = N_("Formats")


def seminar_of(ctx: Context) -> Seminar:
    seminar = ctx.settings.programme.seminar
    if seminar is None:
        raise UserError("Ce programme n'a pas de journée à ateliers (table `[seminar]` du fichier).")
    return seminar


def places_taken(ctx: Context, workshop: Workshop) -> int:
    return ctx.session.scalar(select(func.count()).select_from(WorkshopRegistration).join(
        WorkshopRow, WorkshopRow.id == WorkshopRegistration.workshop_id).where(
        WorkshopRow.club_id == ctx.club.id, WorkshopRow.phase == workshop.phase, WorkshopRow.key == workshop.key)) or 0


def _day_event(ctx: Context, seminar: Seminar) -> Event | None:
    """The day in the calendar, which is generated for the day's years when it is not yet."""
    found = ctx.session.scalar(select(Event).where(Event.club_id == ctx.club.id, Event.series == seminar.series)
                               .order_by(Event.starts_at).limit(1))
    if found is None:
        series = ctx.settings.programme.series_by_key(seminar.series)
        calendar.ensure_years(ctx, *sorted({d.year for d in series.dates} or {ctx.now.year}))
        found = ctx.session.scalar(select(Event).where(Event.club_id == ctx.club.id, Event.series == seminar.series)
                                   .order_by(Event.starts_at).limit(1))
    return found


def programme_text(ctx: Context, seminar: Seminar, announce: bool = False) -> str:
    _ = ctx._
    event = _day_event(ctx, seminar)
    series = ctx.settings.programme.series_by_key(seminar.series)
    lines = [f"**{user_text(series.title)}**"]
    if event is not None:
        lines.append(_("{date} · {lieu} (#{n})", date=format_datetime(event.starts_at, series.zone, ctx.lang,
                                                                     "EEEE d MMMM y"),
                       lieu=user_text(event.place), n=event.number))
    for slot in series.slots:
        hours = f"{slot.start:%H:%M}" + (f"–{slot.end:%H:%M}" if slot.end else "")
        lines.append(f"• {hours} {slot.title}")
        if slot.detail:
            lines.append(f"   _{slot.detail}_")
        for workshop in (w for w in seminar.workshops if slot.workshops and w.phase == slot.workshops):
            left = workshop.capacity - places_taken(ctx, workshop)
            place = _("complet") if left <= 0 else _("{k} place(s) sur {n}", k=left, n=workshop.capacity)
            lines.append(_("   ◦ {cle} — {titre} ({places})", cle=workshop.key, titre=workshop.title, places=place))
    if seminar.workshops:
        lines.append(_("Inscription à un atelier par phase : `/club atelier <phase> <atelier>` (seul·e) ou "
                       "`/club atelier <phase> <atelier> collectif` (votre collectif de territoire)."))
    if announce and seminar.registration_code:
        lines.append(_("Code action d'inscription en ligne : **{code}**", code=seminar.registration_code))
    if announce and seminar.contacts:
        lines.append(contacts_text(ctx, seminar))
    return "\n".join(lines)


def contacts_text(ctx: Context, seminar: Seminar) -> str:
    _ = ctx._
    lines = [_("Équipe contact :")]
    for contact in seminar.contacts:
        parts = [contact.name] + [p for p in (contact.role, contact.email) if p]
        lines.append("• " + ", ".join(parts))
    return "\n".join(lines)


@verb("journee", "journée", "day", section=SECTION,
      summary=N_("Le programme de la journée : créneaux, ateliers et places restantes ; l'annonce avec le code."),
      usage=N_("`/club journee` montre le programme, le code d'inscription et l'équipe contact."),
      examples=("/club journee", "/club journee annoncer"))
def journee(ctx: Context, args: str) -> list[Reply]:
    seminar = seminar_of(ctx)
    if args.strip():
        raise registry.unknown_subverb(ctx.registry.verbs["journee"], args.split()[0])
    return [Reply(programme_text(ctx, seminar, announce=True))]


@subverb("journee", "annoncer", "announce", role=Role.FACILITATEUR,
         summary=N_("Publier le programme de la journée dans le canal du Club."),
         usage=N_("`/club journee annoncer` : le programme, le code d'inscription et l'équipe contact, pour tout "
                  "le Club."),
         examples=("/club journee annoncer",))
def announce(ctx: Context, args: str) -> list[Reply]:
    seminar = seminar_of(ctx)
    if args.strip():
        raise UserError("Écrivez `/club journee` (le programme) ou `/club journee annoncer`.")
    return [Reply(ctx._("Annonce publiée dans le canal du Club.")),
            Reply(programme_text(ctx, seminar, announce=True), visibility=Visibility.CLUB)]


@verb("contacts", section=SECTION, summary=N_("L'équipe contact des organisateur·trices."),
      usage=N_("`/club contacts` : les noms et adresses de l'équipe contact."), examples=("/club contacts",))
def contacts(ctx: Context, args: str) -> list[Reply]:
    seminar = seminar_of(ctx)
    if not seminar.contacts:
        raise UserError("Ce programme ne donne pas d'équipe contact.")
    return [Reply(contacts_text(ctx, seminar))]
