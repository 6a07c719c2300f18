"""The calendar as people read it: `/club calendrier [année]`, the year's programme, fixed a year ahead
and generated when first asked for; `/club calendrier ics`, the addresses of its .ics feeds; `/club
agenda`, my next events at my hour and at each territory's, with the visio link for those who may see it."""

from __future__ import annotations

from sqlalchemy import select

from handlers.calendar.display import event_line, times_in_zones, year_text
from handlers.calendar.queries import ensure_years, local_year, may_see_visio, my_upcoming, year_events
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.i18n import N_
from handlers.registry import subverb, verb
from handlers.territories import zone_label
from storage.calendar import Event


@verb("calendrier", "calendar", summary=N_("Le programme de l'année (fixé un an à l'avance), ou le lien .ics."),
      usage=N_("`/club calendrier` (cette année) ou `/club calendrier 2027` (l'année en cours ou la suivante), "
               "à votre heure."),
      examples=("/club calendrier", "/club calendrier 2027"), section=N_("Calendrier"))
def calendar_verb(ctx: Context, args: str) -> list[Reply]:
    words = args.split()
    this_year = local_year(ctx)
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


@subverb("calendrier", "ics", "subscribe",
         summary=N_("Les adresses pour s'abonner au calendrier depuis Outlook, Thunderbird, Agenda…"),
         usage=N_("`/club calendrier ics` : le calendrier de tout le Club et celui de chaque groupe de travail "
                  "(sans les liens de visio)."),
         examples=("/club calendrier ics",))
def ics_links(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    base = ctx.settings.public_url.rstrip("/")
    if not base:
        return [Reply(_("Les calendriers .ics sont servis par le bot à `/calendar.ics` (tout le Club) et "
                        "`/calendar/groupe-<n>.ics` (un groupe de travail) ; l'adresse publique du bot n'est pas "
                        "configurée (variable PUBLIC_URL) : demandez-la à l'équipe d'animation."))]
    group_ids = sorted({g for g in ctx.session.scalars(select(Event.group_id).where(
        Event.club_id == ctx.club.id, Event.group_id.is_not(None)))})
    lines = [_("**S'abonner au calendrier** (dans Outlook, Thunderbird, Agenda… : « ajouter un calendrier "
               "depuis une adresse ») :"),
             _("• Tout le Club : {url}", url=f"{base}/calendar.ics")]
    lines.extend(_("• Groupe {n} : {url}", n=g, url=f"{base}/calendar/groupe-{g}.ics") for g in group_ids)
    lines.append(_("• Un groupe de travail : {url}", url=f"{base}/calendar/groupe-<n>.ics"))
    lines.append(_("Les liens de visio n'y figurent pas : ils sont dans `/club agenda`, réservés aux membres."))
    return [Reply("\n".join(lines))]


@verb("agenda", summary=N_("Mes prochains rendez-vous, dans mon fuseau et celui de chaque territoire."),
      usage=N_("`/club agenda` : les prochains événements du Club, à votre heure et à celle des territoires."),
      examples=("/club agenda",), section=N_("Calendrier"))
def agenda(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    year = local_year(ctx)
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
