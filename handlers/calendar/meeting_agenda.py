"""Meeting agendas (ordres du jour) for any event: members propose items; organisers order, time-box and lock.

`agenda_text(session, event_id, lang)` is the plain function reminders use to post an event's agenda.
Items a programme file proposes for a series (`agenda = [...]`) are written when the event is created.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import registry
from handlers.calendar.commands import event_by_number
from handlers.calendar.programme_schema import parse_minutes
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.events import EventChanged
from handlers.formats.roles import is_organiser
from handlers.i18n import N_, translate
from handlers.registry import verb
from handlers.text import fold, parse_number, user_text
from storage.agenda import Agenda, AgendaItem
from storage.calendar import Event
from storage.models import Role

MAX_ITEM = 300
MAX_ITEMS = 40


def duration_label(minutes: int, lang: str) -> str:
    """75 -> "1 h 15", 45 -> "45 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return translate(lang, N_("{m} min"), m=rest)
    return translate(lang, N_("{h} h {m:02d}"), h=hours, m=rest) if rest else translate(lang, N_("{h} h"), h=hours)


def _items(session: Session, event_id: int) -> list[AgendaItem]:
    return list(session.scalars(select(AgendaItem).where(AgendaItem.event_id == event_id)
                                .order_by(AgendaItem.position, AgendaItem.id)))


def agenda_text(session: Session, event_id: int, lang: str) -> str | None:
    """The event's agenda as posted with its reminders (items, time-boxes, total against the event's
    duration), or None when it has no item."""
    event = session.get(Event, event_id)
    items = _items(session, event_id)
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


def _agenda(ctx: Context, event: Event) -> Agenda:
    """The event's agenda row, locked for this transaction: changes to one agenda happen one at a time."""
    found = ctx.session.scalar(select(Agenda).where(Agenda.event_id == event.id).with_for_update())
    if found is None:
        found = Agenda(event_id=event.id, locked=False, created_at=ctx.now)
        ctx.session.add(found)
        ctx.session.flush()
    return found


def _item(ctx: Context, event: Event, token: str) -> tuple[list[AgendaItem], AgendaItem]:
    items = _items(ctx.session, event.id)
    rank = parse_number(token)
    if rank is None or not 1 <= rank <= len(items):
        raise UserError("Point inconnu : « {saisie} ». Les points de l'ordre du jour de #{n} vont de 1 à {max} "
                        "(`/club odj {n}`).", saisie=user_text(token[:20]), n=event.number, max=len(items))
    return items, items[rank - 1]


def _organiser(ctx: Context, agenda: Agenda, number: int) -> None:
    if not is_organiser(ctx):
        raise UserError("Ordonner, minuter et arrêter l'ordre du jour est réservé à l'équipe d'animation et aux "
                        "organisateur·trices. Vous pouvez proposer un point : `/club odj {n} ajouter <texte>`.",
                        n=number)


def _open(agenda: Agenda, number: int) -> None:
    if agenda.locked:
        raise UserError("L'ordre du jour de #{n} est arrêté : plus de changement (un·e organisateur·trice peut le "
                        "rouvrir : `/club odj {n} deverrouiller`).", n=number)


def _renumber(items: list[AgendaItem]) -> None:
    for position, item in enumerate(items, 1):
        item.position = position


@verb("odj", "ordre-du-jour", "agenda-items", section=N_("Calendrier"),
      summary=N_("L'ordre du jour d'un événement : le voir, proposer un point ; l'ordonner, le minuter, l'arrêter."),
      usage=N_("`/club odj <n>` le montre ; `/club odj <n> ajouter <texte>` propose un point (membres) ; "
               "organisateur·trices : `/club odj <n> deplacer <point> <position>`, `/club odj <n> duree <point> "
               "<minutes>`, `/club odj <n> retirer <point>`, `/club odj <n> verrouiller` (et `deverrouiller`)."),
      examples=("/club odj 3", "/club odj 3 ajouter Point sur la lettre aux élus", "/club odj 3 deplacer 4 1",
                "/club odj 3 duree 2 20", "/club odj 3 verrouiller"))
def odj(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    head, _sep, rest = args.strip().partition(" ")
    number = parse_number(head)
    if number is None:
        raise UserError("Écrivez `/club odj <n>` (le numéro de l'événement, voir `/club calendrier`), par exemple "
                        "`/club odj 3`.")
    event = event_by_number(ctx.session, ctx.club.id, number)
    if event is None:
        raise UserError("Aucun événement #{n}. Les numéros sont dans `/club calendrier`.", n=number)
    action, _sep, rest = rest.strip().partition(" ")
    action, rest = fold(action), rest.strip()
    if not action:
        text = agenda_text(ctx.session, event.id, ctx.lang)
        return [Reply(text or _("L'ordre du jour de #{n} est vide. Proposez un point : `/club odj {n} ajouter "
                                "<texte>`.", n=number))]
    if action not in ACTIONS:
        raise UserError("Action inconnue : « {saisie} ». Choix : ajouter, deplacer, duree, retirer, verrouiller, "
                        "deverrouiller.", saisie=user_text(action[:20]))
    agenda = _agenda(ctx, event)
    message = ACTIONS[action](ctx, event, agenda, rest)
    ctx.session.flush()
    return [Reply(message + "\n\n" + (agenda_text(ctx.session, event.id, ctx.lang) or ""))]


def _add(ctx: Context, event: Event, agenda: Agenda, text: str) -> str:
    ctx.require(Role.MEMBRE)
    _open(agenda, event.number)
    text = " ".join(text.split())
    if not text:
        raise UserError("Indiquez le point à ajouter : `/club odj {n} ajouter Point sur la lettre aux élus`.",
                        n=event.number)
    if len(text) > MAX_ITEM:
        raise UserError("Point trop long ({n} caractères, {max} au plus).", n=len(text), max=MAX_ITEM)
    count = ctx.session.scalar(select(func.count()).select_from(AgendaItem).where(AgendaItem.event_id == event.id))
    if count >= MAX_ITEMS:
        raise UserError("L'ordre du jour de #{n} compte déjà {max} points.", n=event.number, max=MAX_ITEMS)
    ctx.session.add(AgendaItem(event_id=event.id, position=count + 1, text=text, proposed_by=ctx.member.id,
                               created_at=ctx.now))
    return ctx._("Point ajouté à l'ordre du jour de #{n} (position {p}).", n=event.number, p=count + 1)


def _move(ctx: Context, event: Event, agenda: Agenda, rest: str) -> str:
    _organiser(ctx, agenda, event.number)
    _open(agenda, event.number)
    words = rest.split()
    if len(words) != 2 or parse_number(words[1]) is None:
        raise UserError("Écrivez `/club odj {n} deplacer <point> <position>`, par exemple `/club odj {n} deplacer "
                        "4 1`.", n=event.number)
    items, item = _item(ctx, event, words[0])
    position = min(max(parse_number(words[1]) or 1, 1), len(items))
    items.remove(item)
    items.insert(position - 1, item)
    _renumber(items)
    return ctx._("« {point} » passe en position {p}.", point=user_text(item.text[:60]), p=position)


def _duration(ctx: Context, event: Event, agenda: Agenda, rest: str) -> str:
    _organiser(ctx, agenda, event.number)
    _open(agenda, event.number)
    words = rest.split(maxsplit=1)
    minutes = None
    if len(words) == 2:
        try:
            minutes = parse_minutes(words[1].strip(), 1) if not words[1].strip().isdigit() else int(words[1])
        except ValueError:
            minutes = None
    if not isinstance(minutes, int) or not 1 <= minutes <= 12 * 60:
        raise UserError("Écrivez `/club odj {n} duree <point> <minutes>`, par exemple `/club odj {n} duree 2 20` "
                        "ou `/club odj {n} duree 2 1h15`.", n=event.number)
    _items_, item = _item(ctx, event, words[0])
    item.minutes = minutes
    return ctx._("« {point} » : {duree}.", point=user_text(item.text[:60]), duree=duration_label(minutes, ctx.lang))


def _remove(ctx: Context, event: Event, agenda: Agenda, rest: str) -> str:
    _organiser(ctx, agenda, event.number)
    _open(agenda, event.number)
    items, item = _item(ctx, event, rest.strip())
    items.remove(item)
    ctx.session.delete(item)
    _renumber(items)
    return ctx._("« {point} » est retiré de l'ordre du jour.", point=user_text(item.text[:60]))


def _lock(ctx: Context, event: Event, agenda: Agenda, rest: str) -> str:
    _organiser(ctx, agenda, event.number)
    if agenda.locked:
        raise UserError("L'ordre du jour de #{n} est déjà arrêté.", n=event.number)
    agenda.locked, agenda.locked_by, agenda.locked_at = True, ctx.member.id, ctx.now
    return ctx._("L'ordre du jour de #{n} est arrêté : il sera joint aux rappels de l'événement.", n=event.number)


def _unlock(ctx: Context, event: Event, agenda: Agenda, rest: str) -> str:
    _organiser(ctx, agenda, event.number)
    agenda.locked, agenda.locked_by, agenda.locked_at = False, None, None
    return ctx._("L'ordre du jour de #{n} est rouvert aux propositions.", n=event.number)


ACTIONS = {"ajouter": _add, "add": _add, "deplacer": _move, "move": _move, "duree": _duration,
           "duration": _duration, "retirer": _remove, "remove": _remove, "verrouiller": _lock, "lock": _lock,
           "arreter": _lock, "deverrouiller": _unlock, "unlock": _unlock}
