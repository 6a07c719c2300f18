"""`/club appel`, `appel ouvrir`, `appel fermer`: the January call for contributions, its state for everyone,
opened and closed by facilitators."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from handlers.calendar.dates import parse_span
from handlers.context import Context
from handlers.core import Reply, UserError, Visibility
from handlers.events import CallChanged
from handlers.i18n import N_, format_datetime
from handlers.proposals.common import (
    DAY,
    call_year,
    club_translator,
    club_tz,
    deadline_text,
    default_window,
    latest_call,
    next_default_window,
)
from handlers.registry import subverb, unknown_subverb, verb
from storage.models import Role
from storage.proposals import CallStatus, Proposal, ProposalCall, ProposalStatus

SECTION = N_("Appel à contribution")
_UNTIL = re.compile(r"^(?:jusqu\s*(?:'|’)?\s*(?:au|a|à)|until|au)\s+", re.I)
MAX_LENGTH = timedelta(days=366)


@verb("appel", "call", summary=N_("L'appel à contribution : son état ; l'ouvrir ou le fermer (facilitateurs)."),
      usage=N_("`/club appel` donne l'état de l'appel, ou les dates du prochain. Les facilitateur·trices "
               "l'ouvrent et le ferment avec `/club appel ouvrir` et `/club appel fermer`."),
      examples=("/club appel", "/club appel ouvrir", "/club appel fermer"), section=SECTION)
def call_verb(ctx: Context, args: str) -> list[Reply]:
    word = args.split()[0] if args.split() else ""
    if word:
        raise unknown_subverb(ctx.registry.verbs["appel"], word)
    return status(ctx)


@subverb("appel", "ouvrir", "open", "ouvre", "prolonger",
         summary=N_("Ouvrir l'appel à contribution et l'annoncer dans le canal du Club, ou changer sa date de "
                    "clôture."),
         usage=N_("`/club appel ouvrir` l'ouvre pour la période prévue par le programme (janvier) ; "
                  "`/club appel ouvrir jusqu'au 15 février` fixe la date de clôture (elle peut aussi prolonger "
                  "un appel ouvert)."),
         examples=("/club appel ouvrir", "/club appel ouvrir jusqu'au 31 janvier"), role=Role.FACILITATEUR)
def open_command(ctx: Context, args: str) -> list[Reply]:
    return open_call(ctx, args.strip())


@subverb("appel", "fermer", "close", "clore", "cloturer",
         summary=N_("Clore l'appel à contribution et l'annoncer dans le canal du Club."),
         usage=N_("`/club appel fermer` : les propositions restent, leurs 👍 aussi, jusqu'au choix de la "
                  "rencontre."),
         examples=("/club appel fermer",), role=Role.FACILITATEUR)
def close_command(ctx: Context, args: str) -> list[Reply]:
    return close_call(ctx)


def status(ctx: Context) -> list[Reply]:
    _ = ctx._
    call = latest_call(ctx.session, ctx.club.id)
    if call is not None and call.is_open(ctx.now):
        return [Reply(_("L'appel à contribution {annee} est ouvert jusqu'au {date}. Proposez un thème : "
                        "`/club propose <titre> — <description>`.", annee=call.year,
                        date=deadline_text(call.closes_at, ctx.tz, ctx.lang)))]
    window = next_default_window(ctx.session, ctx)
    return [Reply(_("L'appel à contribution n'est pas ouvert. Le prochain est prévu du {debut} au {fin}.",
                    debut=format_datetime(window.start, club_tz(ctx), ctx.lang, DAY),
                    fin=format_datetime(window.end - timedelta(minutes=1), club_tz(ctx), ctx.lang, DAY)))]


def _deadline(ctx: Context, text: str) -> datetime:
    """The typed deadline; a bare day ("le 15 février") means until the end of that day."""
    text = _UNTIL.sub("", text.strip())
    when = parse_span(text, ctx.tz, ctx.now)
    moment = when.start
    if not when.has_time:
        zone = ZoneInfo(ctx.tz)
        next_day = moment.astimezone(zone).date() + timedelta(days=1)
        moment = datetime.combine(next_day, time(0), zone).astimezone(UTC)
    if moment - ctx.now > MAX_LENGTH:
        raise UserError("Date de clôture comprise : {compris}. Un appel à contribution dure au plus un an : "
                        "choisissez une date plus proche, par exemple `/club appel ouvrir jusqu'au 31 janvier`.",
                        compris=deadline_text(moment, ctx.tz, ctx.lang))
    return moment


def _default_deadline(ctx: Context) -> datetime:
    """The end of this year's programme window if it is still ahead and undecided, else next year's."""
    tz = club_tz(ctx)
    year = ctx.now.astimezone(ZoneInfo(tz)).year
    for candidate in (year, year + 1):
        window = default_window(ctx.settings.programme, candidate, tz)
        decided = ctx.session.scalar(select(ProposalCall.decided_at).where(
            ProposalCall.club_id == ctx.club.id, ProposalCall.year == candidate))
        if window.end > ctx.now and decided is None:
            return window.end
    return default_window(ctx.settings.programme, year + 2, tz).end


def open_call(ctx: Context, text: str) -> list[Reply]:
    _ = ctx._
    tz = club_tz(ctx)
    if text:
        closes_at = _deadline(ctx, text)
    else:
        closes_at = _default_deadline(ctx)
    year = call_year(closes_at, tz)
    call = ctx.session.scalar(select(ProposalCall).where(ProposalCall.club_id == ctx.club.id,
                                                         ProposalCall.year == year))
    if call is not None and call.decided_at is not None:
        raise UserError("Les thèmes {annee} ont déjà été choisis à la rencontre : l'appel ne peut plus être "
                        "rouvert.", annee=year)
    extended = call is not None and call.is_open(ctx.now)
    if extended and not text:
        raise UserError("L'appel à contribution {annee} est déjà ouvert, jusqu'au {date}. Pour changer la date "
                        "de clôture : `/club appel ouvrir jusqu'au <date>`.", annee=year,
                        date=deadline_text(call.closes_at, ctx.tz, ctx.lang))
    for older in ctx.session.scalars(select(ProposalCall).where(
            ProposalCall.club_id == ctx.club.id, ProposalCall.year < year,
            ProposalCall.status == CallStatus.OPEN.value)):
        older.status, older.closed_at = CallStatus.CLOSED.value, ctx.now  # one call at a time
    if call is None:
        call = ProposalCall(club_id=ctx.club.id, year=year, opens_at=ctx.now, closes_at=closes_at,
                            opened_by_id=ctx.member.id, status=CallStatus.OPEN.value)
        ctx.session.add(call)
    else:
        if not extended:
            call.opens_at = ctx.now
            call.opened_by_id = ctx.member.id
        call.status, call.closes_at, call.closed_at = CallStatus.OPEN.value, closes_at, None
    ctx.session.flush()
    club_deadline = deadline_text(closes_at, tz, "fr")
    if extended:
        announce = announce_extended(year, club_deadline)
        done = _("Date de clôture de l'appel {annee} changée : {date}. Annonce publiée dans le canal du Club.",
                 annee=year, date=deadline_text(closes_at, ctx.tz, ctx.lang))
    else:
        announce = announce_open(year, club_deadline)
        done = _("Appel à contribution {annee} ouvert jusqu'au {date}. Annonce publiée dans le canal du Club.",
                 annee=year, date=deadline_text(closes_at, ctx.tz, ctx.lang))
    hooks = ctx.emit(CallChanged(call_id=call.id, closes_at=closes_at, open=True))
    return [Reply(done), Reply(announce, visibility=Visibility.CLUB), *hooks]


def close_call(ctx: Context) -> list[Reply]:
    _ = ctx._
    call = latest_call(ctx.session, ctx.club.id)
    if call is None or not call.is_open(ctx.now):
        raise UserError("Aucun appel à contribution n'est ouvert. `/club appel` donne son état.")
    call.status, call.closed_at = CallStatus.CLOSED.value, ctx.now
    hooks = ctx.emit(CallChanged(call_id=call.id, closes_at=call.closes_at, open=False))
    count = ctx.session.scalar(select(func.count()).select_from(Proposal).where(
        Proposal.call_id == call.id, Proposal.status == ProposalStatus.PROPOSED.value))
    announce = announce_closed(call.year, count)
    return [Reply(_("Appel à contribution {annee} clos ({n} proposition(s)). Annonce publiée dans le canal du "
                    "Club.", annee=call.year, n=count)),
            Reply(announce, visibility=Visibility.CLUB), *hooks]


def announce_open(year: int, deadline: str) -> str:
    """Explains to the whole Club how to propose and how to vote."""
    _ = club_translator()
    return "\n".join([
        _("📣 **Appel à contribution {annee} : proposez les thèmes de l'année !** Ouvert jusqu'au {date}.",
          annee=year, date=deadline),
        _("• Proposer un thème : `/club propose <titre> — <description>` (ou `/club propose` seul pour "
          "un formulaire). Chaque proposition est publiée ici avec son numéro."),
        _("• Donner vos préférences : réagissez 👍 aux propositions que vous soutenez."),
        _("• Charte : chaque thème est porté en personne à la rencontre de février par son auteur·e ou "
          "un·e représentant·e (`--porteur <nom>`). Le Club y choisit ensemble les thèmes de l'année."),
        _("• La liste : `/club propositions`."),
    ])


def announce_extended(year: int, deadline: str) -> str:
    _ = club_translator()
    return _("📣 **Appel à contribution {annee}** : la date de clôture est maintenant le {date}.",
             annee=year, date=deadline)


def announce_closed(year: int, count: int) -> str:
    _ = club_translator()
    return _("🔒 **L'appel à contribution {annee} est clos** : {n} proposition(s). Elles seront présentées "
             "par leurs porteur·ses à la rencontre de février, où le Club choisira ensemble les thèmes de "
             "l'année. Vos 👍 restent comptés d'ici là. La liste : `/club propositions`.",
             annee=year, n=count)
