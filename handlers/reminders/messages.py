"""The text of each reminder, written when it goes out (so a moved event shows its new time).

Channel reminders are in French with Paris and every covered territory; a direct message is in the
recipient's language, their own time first, then the other territories.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from handlers.calendar.display import times_in_zones
from handlers.calendar.meeting_agenda import agenda_text
from handlers.calendar.programme import Programme
from handlers.groups.sessions import superseded
from handlers.i18n import N_, format_datetime, translate
from handlers.text import user_text
from storage.calendar import Event
from storage.models import Member
from storage.polls import Poll
from storage.proposals import ProposalCall

LATE = N_("(rappel différé)")
WHEN = "EEEE d MMMM 'à' HH:mm"


def zones_for(programme: Programme, tz: str | None) -> list[str]:
    """Paris and the territories; a recipient's own zone first."""
    zones = list(programme.zones or [programme.club.timezone])
    if tz:
        zones = [tz, *[zone for zone in zones if zone != tz]]
    return zones


AGENDA_WITH = ("j7", "j1")  # the announcement and the eve carry the meeting's agenda (ordre du jour)


def subject_moment(session: Session, subject: str, subject_id: int) -> datetime | None:
    """When the subject happens (event start, poll or call closing); None if it is gone or cancelled, or a
    generic group slot whose groups have their own sessions."""
    if subject == "event":
        event = session.get(Event, subject_id)
        return None if event is None or event.cancelled or superseded(session, event) else event.starts_at
    if subject == "poll":
        poll = session.get(Poll, subject_id)
        return None if poll is None or poll.closed_at is not None else poll.closes_at
    call = session.get(ProposalCall, subject_id)
    return None if call is None or call.status != "open" else call.closes_at


def text(session: Session, programme: Programme, subject: str, subject_id: int, kind: str,
         member: Member | None, late: bool) -> str:
    lang = (member.lang or "fr") if member else "fr"
    zones = zones_for(programme, member.tz if member else None)
    tz = zones[0]
    if subject == "event":
        body = _event_text(session.get(Event, subject_id), kind, lang, tz, zones)
        agenda = agenda_text(session, subject_id, lang) if kind in AGENDA_WITH else None
        if agenda:
            body += "\n\n" + agenda
    elif subject == "poll":
        body = _poll_text(session.get(Poll, subject_id), lang, tz, zones)
    else:
        body = _call_text(session.get(ProposalCall, subject_id), kind, lang, tz, zones)
    return body + (" " + translate(lang, LATE) if late else "")


def _event_text(event: Event, kind: str, lang: str, tz: str, zones: list[str]) -> str:
    params = dict(titre=user_text(event.title), n=event.number, quand=format_datetime(event.starts_at, tz, lang, WHEN),
                  lieu=user_text(event.place))
    if kind == "j30":
        head = translate(lang, N_("📅 Dans un mois : **#{n} {titre}**, {quand}, {lieu}."), **params)
    elif kind == "j7":
        head = translate(lang, N_("📅 Dans une semaine : **#{n} {titre}**, {quand}, {lieu}."), **params)
    elif kind == "j1":
        head = translate(lang, N_("⏰ Demain : **#{n} {titre}**, {quand}, {lieu}."), **params)
    else:
        head = translate(lang, N_("⏰ Dans une heure : **#{n} {titre}**, {quand}."), **params)
    lines = [head, times_in_zones(event.starts_at, zones, lang)]
    if kind == "h1" and event.visio_url:
        lines.append(translate(lang, N_("Lien de visio : {url}"), url=event.visio_url))
    return "\n".join(lines)


def _poll_text(poll: Poll, lang: str, tz: str, zones: list[str]) -> str:
    assert poll.closes_at is not None
    head = translate(lang, N_("🗳 Le sondage #{n} « {question} » se clôt {quand} et vous n'avez pas encore voté : "
                              "réagissez à ses options dans le canal où il a été publié. Résultats : "
                              "`/club resultats {n}`."),
                     n=poll.number, question=user_text(poll.question),
                     quand=format_datetime(poll.closes_at, tz, lang, WHEN))
    return "\n".join([head, times_in_zones(poll.closes_at, zones, lang)])


def _call_text(call: ProposalCall, kind: str, lang: str, tz: str, zones: list[str]) -> str:
    if kind == "call_close":
        head = translate(lang, N_("🔒 L'appel à contribution {annee} est clos. Les propositions seront portées à "
                                  "la rencontre de février. La liste : `/club propositions`."), annee=call.year)
        return head
    head = translate(lang, N_("📣 Plus qu'une semaine pour proposer un thème à l'appel à contribution {annee} : "
                              "clôture {quand}. `/club propose <titre> — <description>`."),
                     annee=call.year, quand=format_datetime(call.closes_at, tz, lang, WHEN))
    return "\n".join([head, times_in_zones(call.closes_at, zones, lang)])
