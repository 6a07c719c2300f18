"""Changing a meeting's agenda, one subcommand of `/club odj <n>` each: members propose an item
(`ajouter`); organisers — facilitators, or the holders of a role the programme marks `organiser` —
order, time-box and remove items, and lock the agenda, which then goes out with the event's reminders.

Each change holds the agenda's row locked until the transaction ends, so changes to one agenda happen
one at a time, and answers with what changed and the agenda as it now stands.
"""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.calendar.meeting_agenda import agenda_text, duration_label, items_of, numbered
from handlers.calendar.programme_fields import parse_minutes
from handlers.calendar.queries import event_or_error
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.formats.roles import is_organiser
from handlers.i18n import N_
from handlers.registry import subverb
from handlers.text import parse_number, user_text
from storage.agenda import Agenda, AgendaItem
from storage.calendar import Event
from storage.models import Role

MAX_ITEM = 300
MAX_ITEMS = 40


def _opened(ctx: Context, args: str, organisers: bool, open_only: bool = True) -> tuple[Event, Agenda, str]:
    """(the event, its agenda row locked for this transaction, the words after the number), once the
    checks hold: organisers only, when `organisers`; an agenda still open, when `open_only`."""
    number, rest = numbered(args)
    event = event_or_error(ctx, number)
    agenda = ctx.session.scalar(select(Agenda).where(Agenda.event_id == event.id).with_for_update())
    if agenda is None:
        agenda = Agenda(event_id=event.id, locked=False, created_at=ctx.now)
        ctx.session.add(agenda)
        ctx.session.flush()
    if organisers and not is_organiser(ctx):
        raise UserError("Ordonner, minuter et arrêter l'ordre du jour est réservé à l'équipe d'animation et aux "
                        "organisateur·trices. Vous pouvez proposer un point : `/club odj {n} ajouter <texte>`.",
                        n=number)
    if open_only and agenda.locked:
        raise UserError("L'ordre du jour de #{n} est arrêté : plus de changement (un·e organisateur·trice peut le "
                        "rouvrir : `/club odj {n} deverrouiller`).", n=number)
    return event, agenda, rest


def _done(ctx: Context, event: Event, message: str) -> list[Reply]:
    ctx.session.flush()
    return [Reply(message + "\n\n" + (agenda_text(ctx.session, event.id, ctx.lang) or ""))]


def _item(ctx: Context, event: Event, token: str) -> tuple[list[AgendaItem], AgendaItem]:
    items = items_of(ctx.session, event.id)
    rank = parse_number(token)
    if rank is None or not 1 <= rank <= len(items):
        raise UserError("Point inconnu : « {saisie} ». Les points de l'ordre du jour de #{n} vont de 1 à {max} "
                        "(`/club odj {n}`).", saisie=user_text(token[:20]), n=event.number, max=len(items))
    return items, items[rank - 1]


def _renumber(items: list[AgendaItem]) -> None:
    for position, item in enumerate(items, 1):
        item.position = position


@subverb("odj", "ajouter", "add", role=Role.MEMBRE,
         summary=N_("Proposer un point à l'ordre du jour, tant qu'il n'est pas arrêté."),
         usage=N_("`/club odj <n> ajouter <texte>` — 300 caractères au plus ; le point prend la dernière place."),
         examples=("/club odj 3 ajouter Point sur la lettre aux élus",))
def add_item(ctx: Context, args: str) -> list[Reply]:
    event, _agenda_row, text = _opened(ctx, args, organisers=False)
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
    return _done(ctx, event, ctx._("Point ajouté à l'ordre du jour de #{n} (position {p}).", n=event.number,
                                   p=count + 1))


@subverb("odj", "deplacer", "move",
         summary=N_("Changer la place d'un point (organisateur·trices)."),
         usage=N_("`/club odj <n> deplacer <point> <position>` — les points suivants se décalent."),
         examples=("/club odj 3 deplacer 4 1",))
def move_item(ctx: Context, args: str) -> list[Reply]:
    event, _agenda_row, rest = _opened(ctx, args, organisers=True)
    words = rest.split()
    if len(words) != 2 or parse_number(words[1]) is None:
        raise UserError("Écrivez `/club odj {n} deplacer <point> <position>`, par exemple `/club odj {n} deplacer "
                        "4 1`.", n=event.number)
    items, item = _item(ctx, event, words[0])
    position = min(max(parse_number(words[1]) or 1, 1), len(items))
    items.remove(item)
    items.insert(position - 1, item)
    _renumber(items)
    return _done(ctx, event, ctx._("« {point} » passe en position {p}.", point=user_text(item.text[:60]),
                                   p=position))


@subverb("odj", "duree", "duration",
         summary=N_("Minuter un point (organisateur·trices) ; le total se compare à la durée de l'événement."),
         usage=N_("`/club odj <n> duree <point> <minutes>` — `20`, `1h15` ou `90 min`."),
         examples=("/club odj 3 duree 2 20",))
def time_item(ctx: Context, args: str) -> list[Reply]:
    event, _agenda_row, rest = _opened(ctx, args, organisers=True)
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
    _items, item = _item(ctx, event, words[0])
    item.minutes = minutes
    return _done(ctx, event, ctx._("« {point} » : {duree}.", point=user_text(item.text[:60]),
                                   duree=duration_label(minutes, ctx.lang)))


@subverb("odj", "retirer", "remove",
         summary=N_("Retirer un point de l'ordre du jour (organisateur·trices)."),
         usage=N_("`/club odj <n> retirer <point>` — les points suivants remontent."),
         examples=("/club odj 3 retirer 2",))
def remove_item(ctx: Context, args: str) -> list[Reply]:
    event, _agenda_row, rest = _opened(ctx, args, organisers=True)
    items, item = _item(ctx, event, rest)
    items.remove(item)
    ctx.session.delete(item)
    _renumber(items)
    return _done(ctx, event, ctx._("« {point} » est retiré de l'ordre du jour.", point=user_text(item.text[:60])))


@subverb("odj", "verrouiller", "arreter", "lock",
         summary=N_("Arrêter l'ordre du jour (organisateur·trices) : plus de changement, il part avec les rappels."),
         usage=N_("`/club odj <n> verrouiller` (ou `arreter`) ; `/club odj <n> deverrouiller` le rouvre."),
         examples=("/club odj 3 verrouiller",))
def lock(ctx: Context, args: str) -> list[Reply]:
    event, agenda, _rest = _opened(ctx, args, organisers=True, open_only=False)
    if agenda.locked:
        raise UserError("L'ordre du jour de #{n} est déjà arrêté.", n=event.number)
    agenda.locked, agenda.locked_by, agenda.locked_at = True, ctx.member.id, ctx.now
    return _done(ctx, event, ctx._("L'ordre du jour de #{n} est arrêté : il sera joint aux rappels de "
                                   "l'événement.", n=event.number))


@subverb("odj", "deverrouiller", "unlock",
         summary=N_("Rouvrir un ordre du jour arrêté aux propositions (organisateur·trices)."),
         usage=N_("`/club odj <n> deverrouiller` : les membres peuvent de nouveau proposer des points."),
         examples=("/club odj 3 deverrouiller",))
def unlock(ctx: Context, args: str) -> list[Reply]:
    event, agenda, _rest = _opened(ctx, args, organisers=True, open_only=False)
    agenda.locked, agenda.locked_by, agenda.locked_at = False, None, None
    return _done(ctx, event, ctx._("L'ordre du jour de #{n} est rouvert aux propositions.", n=event.number))
