"""The Club's public page (`GET /`): the year's programme with times in a territory the visitor picks,
the deliverables the Club decided to disseminate, and the .ics link.

Public by construction: it reads only the public calendar (`handlers.calendar.ics.public_events`: no visio
links) and the approved deliverables; never members, notes, polls or proposals. Plain HTML from a
template; a small script re-renders times when the territory changes, the form works without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from string import Template
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from handlers.calendar.display import KIND_LABELS, MONTHS
from handlers.calendar.ics import public_events
from handlers.calendar.programme import Programme
from handlers.calendar.queries import year_events
from handlers.groups.dissemination import approved_deliverables
from handlers.i18n import LANGS, Translator, format_datetime
from handlers.territories import resolve_zone, zone_label

TEMPLATE = Template((Path(__file__).parent / "templates" / "public.html").read_text(encoding="utf-8"))
DAY = "EEE d MMM y"
HOUR = "HH:mm"
ZONE_PARAM = "fuseau"


@dataclass(frozen=True)
class Visit:
    zone: str
    lang: str


def visit_of(params: dict[str, str], programme: Programme) -> Visit:
    """The visitor's choices from the query string; anything unknown falls back to the Club's own."""
    zone = resolve_zone(params.get(ZONE_PARAM, "")) or programme.club.timezone
    lang = params.get("lang", "fr")
    return Visit(zone=zone, lang=lang if lang in LANGS else "fr")


def _zones(programme: Programme, chosen: str) -> list[str]:
    zones = list(dict.fromkeys([programme.club.timezone, *programme.zones]))
    if chosen not in zones:
        zones.append(chosen)
    return zones


def _time(moment: datetime, end: datetime, visit: Visit) -> str:
    shown = (f"{format_datetime(moment, visit.zone, visit.lang, DAY)}, "
             f"{format_datetime(moment, visit.zone, visit.lang, HOUR)}–{format_datetime(end, visit.zone, visit.lang, HOUR)}")
    return (f'<time class="when" datetime="{moment.astimezone(UTC).isoformat()}" '
            f'data-start="{moment.astimezone(UTC).isoformat()}" data-end="{end.astimezone(UTC).isoformat()}">'
            f"{escape(shown)}</time>")


def render(session: Session, club_id: int, programme: Programme, now: datetime, visit: Visit,
           ics_url: str) -> str:
    _ = Translator(visit.lang)
    club_zone = programme.club.timezone
    year = now.astimezone(ZoneInfo(club_zone)).year
    public_ids = {e.id for e in public_events(session, club_id)}
    events = [e for e in year_events(session, club_id, year, club_zone) if e.id in public_ids]
    cancelled = escape(_("(annulé)"))
    rows = []
    for event in events:
        status = f' <strong class="cancelled">{cancelled}</strong>' if event.cancelled else ""
        kind = escape(_(KIND_LABELS.get(event.kind, event.kind)))
        rows.append(f"<tr><td>{_time(event.starts_at, event.ends_at, visit)}</td>"
                    f"<td>{escape(event.title)}{status}</td><td>{kind}</td><td>{escape(event.place)}</td></tr>")
    if rows:
        caption = escape(_("Les rendez-vous de {annee}", annee=year))
        heads = "".join(f'<th scope="col">{escape(text)}</th>'
                        for text in (_("Date et heure"), _("Événement"), _("Type"), _("Lieu")))
        table = (f"<table><caption>{caption}</caption><thead><tr>{heads}</tr></thead>"
                 f"<tbody>{''.join(rows)}</tbody></table>")
    else:
        table = "<p>" + escape(_("Le calendrier de cette année n'est pas encore publié.")) + "</p>"
    options = "".join(
        f'<option value="{escape(zone)}"{" selected" if zone == visit.zone else ""}>{escape(zone_label(zone))}</option>'
        for zone in _zones(programme, visit.zone))
    phases = "".join(
        f"<li><strong>{escape(phase.name)}</strong> — {escape(_period(_, phase.months))}, {escape(phase.place)}"
        + (f"<br>{escape(phase.summary)}" if phase.summary else "") + "</li>"
        for phase in programme.phases)
    items = []
    for d in approved_deliverables(session, club_id):
        if d.link.startswith(("http://", "https://")):
            group = escape(_("groupe {groupe}", groupe=f"#{d.group_number} {d.group_title}"))
            items.append(f'<li><a href="{escape(d.link)}">{escape(d.title)}</a> — {group}</li>')
    if items:
        deliverables_html = f"<ul>{''.join(items)}</ul>"
    else:
        deliverables_html = "<p>" + escape(_("Aucun livrable diffusé pour l'instant.")) + "</p>"
    return TEMPLATE.substitute(
        lang=visit.lang,
        title=escape(programme.club.name),
        skip=escape(_("Aller au programme")),
        intro=escape(_("Le programme de l'année du {club}, ses travaux diffusés et son calendrier.",
                       club=programme.club.name)),
        programme_title=escape(_("Programme {annee}", annee=year)),
        zone_label=escape(_("Afficher les heures de")),
        zone_param=ZONE_PARAM,
        zone_button=escape(_("Afficher")),
        zone_status=escape(_("Heures affichées : {zone}", zone=zone_label(visit.zone))),
        zone_status_template=escape(_("Heures affichées : {zone}", zone="%s")),
        options=options,
        table=table,
        cycle_title=escape(_("Le cycle de l'année")),
        phases=phases,
        deliverables_title=escape(_("Livrables diffusés")),
        deliverables=deliverables_html,
        ics_title=escape(_("S'abonner au calendrier")),
        ics_text=escape(_("Ajoutez cette adresse à votre agenda (Outlook, Thunderbird, Agenda…) pour suivre le "
                          "programme :")),
        ics_url=escape(ics_url),
        lang_link=escape(f"?{ZONE_PARAM}={visit.zone}&lang={'en' if visit.lang == 'fr' else 'fr'}"),
        lang_text=escape("English" if visit.lang == "fr" else "Français"),
        other_lang="en" if visit.lang == "fr" else "fr",
        locale="fr-FR" if visit.lang == "fr" else "en-GB",
    )


def _period(_: Translator, months: list[int]) -> str:
    first = _(MONTHS[months[0] - 1])
    if len(months) == 1:
        return first
    return _("{debut} à {fin}", debut=first, fin=_(MONTHS[months[-1] - 1]).lower())
