"""Meeting agendas (ordres du jour) for any event: `/club odj <n>` shows one; members propose items and
organisers order, time-box and lock them (`meeting_agenda_edits`).

`agenda_text(session, event_id, lang)` is the plain function reminders use to post an event's agenda.
Items a programme file proposes for a series (`agenda = [...]`) are written when the event is created.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import registry
from handlers.calendar.queries import event_or_error
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.events import EventChanged
from handlers.i18n import N_, translate
from handlers.registry import verb
from handlers.text import parse_number, user_text
from storage.agenda import Agenda, AgendaItem
from storage.calendar import Event


def duration_label(minutes: int, lang: str) -> str:
    """75 -> "1 h 15", 45 -> "45 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return translate(lang, N_("{m} min"), m=rest)
    return translate(lang, N_("{h} h {m:02d}"), h=hours, m=rest) if rest else translate(lang, N_("{h} h"), h=hours)


def items_of(session: Session, event_id: int) -> list[AgendaItem]:
    """The agenda's items in their order."""
    return list(session.scalars(select(AgendaItem).where(AgendaItem.event_id == event_id)
                                .order_by(AgendaItem.position, AgendaItem.id)))


def agenda_text(session: Session, event_id: int, lang: str) -> str | None:
    """The event's agenda as posted with its reminders (items, time-boxes, total against the event's
    duration), or None when it has no item."""
    event = session.get(Event, event_id)
    items = items_of(session, event_id)
    if event is None or not items:
        return None
    agenda = session.get(Agenda, event_id)
    head = translate(lang, N_("**Ordre du jour — #{n} {titre}**"), n=event.number, titre=user_text(event.title))
    if agenda is not None and agenda.locked:
        head += " " + translate(lang, N_("(arrêté)"))
    lines = [head]
    for rank, item in enumerate(items, 1):
        box = duration_label(item.minutes, lang) if item.minutes else translate(lang, N_("durée à fixer"))
        lines.append(f"{rank}. {user_text(item.text)} — {box}")
    total = sum(item.minutes or 0 for item in items)
    lines.append(translate(lang, N_("Total : {total} sur {duree}"), total=duration_label(total, lang),
                           duree=duration_label(event.duration_minutes, lang)))
    if total > event.duration_minutes:
        lines[-1] += " — " + translate(lang, N_("⚠ dépasse de {ecart}"),
                                       ecart=duration_label(total - event.duration_minutes, lang))
    return "\n".join(lines)


@registry.on(EventChanged)
def propose_programme_items(ctx: Context, changed: EventChanged) -> list[Reply]:
    """A new event of a series with `agenda` items in the file starts its agenda with them, once."""
    event_id, cancelled = changed.event_id, changed.cancelled
    event = ctx.session.get(Event, event_id)
    series = ctx.settings.programme.series_by_key(event.series) if event else None
    if cancelled or series is None or not series.agenda or ctx.session.get(Agenda, event_id) is not None:
        return []
    ctx.session.add(Agenda(event_id=event_id, locked=False, created_at=ctx.now))
    ctx.session.flush()
    for position, entry in enumerate(series.agenda, 1):
        ctx.session.add(AgendaItem(event_id=event_id, position=position, text=entry.title,
                                   minutes=entry.duration, created_at=ctx.now))
    return []


def numbered(args: str) -> tuple[int, str]:
    """"3 ajouter Point…" -> (3, "ajouter Point…"): the event's number comes first, in every `odj` command."""
    head, _sep, rest = args.strip().partition(" ")
    number = parse_number(head)
    if number is None:
        raise UserError("Écrivez `/club odj <n>` (le numéro de l'événement, voir `/club calendrier`), par exemple "
                        "`/club odj 3`.")
    return number, rest.strip()


@verb("odj", "ordre-du-jour", "agenda-items", section=N_("Calendrier"),
      summary=N_("L'ordre du jour d'un événement : le voir, proposer un point ; l'ordonner, le minuter, l'arrêter."),
      usage=N_("`/club odj <n>` montre l'ordre du jour de l'événement #n (numéros : `/club calendrier`) ; "
               "`/club odj <n> <sous-commande> …` le change."),
      examples=("/club odj 3",))
def odj(ctx: Context, args: str) -> list[Reply]:
    number, rest = numbered(args)
    event = event_or_error(ctx, number)
    if rest:
        raise registry.unknown_subverb(ctx.registry.verbs["odj"], rest.split()[0])
    text = agenda_text(ctx.session, event.id, ctx.lang)
    return [Reply(text or ctx._("L'ordre du jour de #{n} est vide. Proposez un point : `/club odj {n} ajouter "
                                "<texte>`.", n=number))]
