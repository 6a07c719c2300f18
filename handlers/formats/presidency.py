"""A collective's rotating presidency (`[collective.presidency]` of the programme file): the current holder and
the history; it passes to the next organisation of the rotation on request of the organisers, or by itself at
each step the file dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers import registry
from handlers.calendar.programme import Programme
from handlers.context import ClubSettings, Context
from handlers.core import Reply, UserError, Visibility
from handlers.events import EventChanged
from handlers.formats.roles import is_organiser
from handlers.i18n import N_, format_datetime, translate
from handlers.text import user_text
from storage.db import insert_for
from storage.formats import PresidencyOrder, PresidencyStep, PresidencyTerm
from storage.numbers import reserve

HISTORY, MANUAL, STEP = "historique", "manuel", "etape"


def ensure_presidency(session: Session, club_id: int, programme: Programme) -> bool:
    """Copies the file's history, rotation order and steps into the database once; False without a presidency.
    Two transactions starting it at once write one copy: each row is unique, and the second adds nothing."""
    collective = programme.collective
    if collective is None:
        return False
    if session.scalar(select(func.count()).select_from(PresidencyOrder).where(PresidencyOrder.club_id == club_id)):
        return True
    presidency = collective.presidency
    zone = ZoneInfo(presidency.zone)

    def utc(day: date) -> datetime:
        return datetime.combine(day, time(), zone).astimezone(UTC)

    order = [{"club_id": club_id, "position": position, "organisation": organisation}
             for position, organisation in enumerate(collective.rotation)]
    history = [{"club_id": club_id, "number": number, "holder": term.holder, "reason": HISTORY,
                "since": utc(term.since) if term.since else None,
                "rotation_index": collective.rotation.index(term.holder) if term.holder in collective.rotation else None}
               for number, term in enumerate(presidency.history, 1)]
    steps = [{"club_id": club_id, "due_at": utc(step)} for step in presidency.steps]
    insert = insert_for(session)
    for table, values in ((PresidencyOrder, order), (PresidencyTerm, history), (PresidencyStep, steps)):
        if values:
            session.execute(insert(table).values(values).on_conflict_do_nothing())
    return True


def current(session: Session, club_id: int) -> PresidencyTerm | None:
    return session.scalar(select(PresidencyTerm).where(PresidencyTerm.club_id == club_id)
                          .order_by(PresidencyTerm.number.desc()).limit(1))


def rotate(session: Session, club_id: int, now: datetime, reason: str, by_member: int | None = None) -> PresidencyTerm:
    """The presidency passes to the organisation after the current holder's in the rotation (the first one
    when the current holder is outside it). Takes the rotation's lock: two rotations never interleave."""
    order = list(session.scalars(select(PresidencyOrder).where(PresidencyOrder.club_id == club_id)
                                 .order_by(PresidencyOrder.position).with_for_update()))
    before = current(session, club_id)
    index = 0 if before is None or before.rotation_index is None else (before.rotation_index + 1) % len(order)
    # The rotation's lock is held: nobody else numbers a term until this transaction ends.
    number = reserve(session, PresidencyTerm.number, club_id)
    term = PresidencyTerm(club_id=club_id, number=number, holder=order[index].organisation, rotation_index=index,
                          since=now, reason=reason, by_member=by_member)
    session.add(term)
    session.flush()
    return term


def announcement(term: PresidencyTerm, lang: str) -> str:
    return translate(lang, N_("🔄 **Présidence tournante** : la présidence passe à **{titulaire}** ({n}e présidence)."),
                     titulaire=user_text(term.holder), n=term.number)


@registry.on_tick
def rotate_at_steps(session: Session, now: datetime, _settings: ClubSettings) -> list[tuple[str | None, Reply]]:
    """Each step of the file that has come passes the presidency on, once (the step row is locked and marked)."""
    out: list[tuple[str | None, Reply]] = []
    due = session.scalars(select(PresidencyStep).where(PresidencyStep.applied_at.is_(None), PresidencyStep.due_at <= now)
                          .order_by(PresidencyStep.due_at).with_for_update(skip_locked=True)).all()
    for step in due:
        step.applied_at = now
        term = rotate(session, step.club_id, step.due_at, STEP)
        out.append((None, Reply(announcement(term, "fr"), visibility=Visibility.CLUB)))
    return out


@registry.on(EventChanged)
def start_presidency(ctx: Context, _changed: EventChanged) -> list[Reply]:
    """The presidency's steps start counting as soon as the calendar is generated."""
    ensure_presidency(ctx.session, ctx.club.id, ctx.settings.programme)
    return []


def _history(ctx: Context) -> list[str]:
    _ = ctx._
    terms = ctx.session.scalars(select(PresidencyTerm).where(PresidencyTerm.club_id == ctx.club.id)
                                .order_by(PresidencyTerm.number)).all()
    lines = []
    for term in terms:
        fmt = "y" if term.reason == HISTORY else "d MMMM y"
        zone = ctx.settings.programme.collective.presidency.zone
        since = _(" depuis {date}", date=format_datetime(term.since, zone, ctx.lang, fmt)) if term.since else ""
        lines.append(_("{n}. {titulaire}{depuis}", n=term.number, titulaire=user_text(term.holder), depuis=since))
    return lines


def _shown(ctx: Context) -> Reply:
    """The current presidency, the history and who comes next, at which step."""
    _ = ctx._
    collective = ctx.settings.programme.collective
    term = current(ctx.session, ctx.club.id)
    lines = [_("**Présidence du {comite}** : {titulaire}", comite=collective.committee,
               titulaire=user_text(term.holder) if term else _("à désigner"))]
    lines.append(_("Historique :"))
    lines.extend(_history(ctx))
    order = ctx.session.scalars(select(PresidencyOrder.organisation).where(PresidencyOrder.club_id == ctx.club.id)
                                .order_by(PresidencyOrder.position)).all()
    index = 0 if term is None or term.rotation_index is None else (term.rotation_index + 1) % len(order)
    step = ctx.session.scalar(select(PresidencyStep).where(PresidencyStep.club_id == ctx.club.id,
                                                           PresidencyStep.applied_at.is_(None))
                              .order_by(PresidencyStep.due_at).limit(1))
    when = format_datetime(step.due_at, collective.presidency.zone, ctx.lang, "d MMMM y") if step else _("non datée")
    lines.append(_("Prochaine présidence : {orga} (prochaine étape : {date}).", orga=user_text(order[index]),
                   date=when))
    return Reply("\n".join(lines))


def _started(ctx: Context) -> None:
    if not ensure_presidency(ctx.session, ctx.club.id, ctx.settings.programme):
        raise UserError("Ce programme n'a pas de présidence tournante (table `[collective.presidency]` du fichier).")


@registry.verb("presidence", "présidence", "presidency", section=N_("Formats"),
               summary=N_("La présidence tournante du collectif : la présidence actuelle et l'historique."),
               usage=N_("`/club presidence` montre la présidence actuelle, l'historique et la prochaine étape."),
               examples=("/club presidence", "/club presidence tourner"))
def presidence(ctx: Context, args: str) -> list[Reply]:
    _started(ctx)
    if args.strip():
        raise registry.unknown_subverb(ctx.registry.verbs["presidence"], args.split()[0])
    return [_shown(ctx)]


@registry.subverb("presidence", "tourner", "passer", "rotate",
                  summary=N_("Passer la présidence à l'organisation suivante de la rotation."),
                  usage=N_("`/club presidence tourner` : l'annonce part dans le canal du Club (équipe d'animation, "
                           "secrétariat général)."),
                  examples=("/club presidence tourner",))
def rotate_now(ctx: Context, args: str) -> list[Reply]:
    _started(ctx)
    if args.strip():
        raise UserError("Écrivez `/club presidence` (la voir) ou `/club presidence tourner` (la passer).")
    # Who organises depends on the roles people hold, not on their role in the Club: checked here.
    if not is_organiser(ctx):
        raise UserError("Faire tourner la présidence est réservé à l'équipe d'animation et au secrétariat "
                        "général.")
    term = rotate(ctx.session, ctx.club.id, ctx.now, MANUAL, ctx.member.id)
    return [_shown(ctx), Reply(announcement(term, ctx.lang), visibility=Visibility.CLUB)]
