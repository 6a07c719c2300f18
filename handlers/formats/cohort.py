"""A peer programme's cohort (`[cohort]` of the programme file): its territories, each represented by a binôme,
and each territory's individual follow-up sessions (series with `per_territory = true`).
"""

from __future__ import annotations

from sqlalchemy import select

from handlers.calendar.display import event_line
from handlers.calendar.programme import Cohort
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.i18n import N_
from handlers.registry import mistyped_subverb, profile_section, subverb, verb
from handlers.text import fold, parse_number, user_text
from storage.calendar import Event, EventStatus
from storage.formats import CohortSeat
from storage.models import Club, Member, Role


def _cohort(ctx: Context) -> Cohort:
    cohort = ctx.settings.programme.cohort
    if cohort is None:
        raise UserError("Ce programme n'a pas de cohorte de territoires (table `[cohort]` du fichier).")
    return cohort


def _territory(ctx: Context, cohort: Cohort, token: str) -> int:
    number = parse_number(token)
    if number is None:
        number = next((i for i, name in enumerate(cohort.territories, 1) if fold(name) == fold(token)), None)
    if number is None or not 1 <= number <= len(cohort.territories):
        raise UserError("Territoire inconnu : « {saisie} ». Donnez son numéro (1 à {max}) ou son nom, voir "
                        "`/club cohorte`.", saisie=user_text(token[:60]), max=len(cohort.territories))
    return number


def binome(ctx: Context, territory: int) -> list[Member]:
    return list(ctx.session.scalars(select(Member).join(CohortSeat, CohortSeat.member_id == Member.id).where(
        CohortSeat.club_id == ctx.club.id, CohortSeat.territory == territory).order_by(CohortSeat.id)))


def _my_seat(ctx: Context) -> CohortSeat | None:
    return ctx.session.scalar(select(CohortSeat).where(CohortSeat.club_id == ctx.club.id,
                                                       CohortSeat.member_id == ctx.member.id))


def my_territory(ctx: Context) -> int | None:
    return ctx.session.scalar(select(CohortSeat.territory).where(CohortSeat.club_id == ctx.club.id,
                                                                 CohortSeat.member_id == ctx.member.id))


def follow_ups(ctx: Context, territory: int) -> list[Event]:
    """The individual sessions of one territory: occurrences ending in its number, of per-territory series."""
    keys = [s.key for s in ctx.settings.programme.series if s.per_territory]
    rows = ctx.session.scalars(select(Event).where(Event.club_id == ctx.club.id, Event.series.in_(keys),
                                                   Event.occurrence.like(f"%/{territory:02d}"),
                                                   Event.status != EventStatus.CANCELLED.value)
                               .order_by(Event.starts_at))
    return list(rows)


def _show_all(ctx: Context, cohort: Cohort) -> list[Reply]:
    _ = ctx._
    lines = [_("**{nom}** — {n} territoires, chacun représenté par un binôme", nom=cohort.name,
               n=len(cohort.territories))]
    complete = 0
    for number, name in enumerate(cohort.territories, 1):
        people = binome(ctx, number)
        complete += len(people) >= cohort.binome
        names = ", ".join(user_text(m.display_name) for m in people) or _("binôme à constituer")
        lines.append(_("{n}. {territoire} : {noms}", n=number, territoire=name, noms=names))
    lines.append(_("{k} binôme(s) complet(s) sur {total}. Rejoindre votre territoire : `/club cohorte rejoindre "
                   "<n>` ; ses suivis individuels : `/club cohorte <n>`.", k=complete, total=len(cohort.territories)))
    return [Reply("\n".join(lines))]


def _show_one(ctx: Context, cohort: Cohort, territory: int) -> list[Reply]:
    _ = ctx._
    people = binome(ctx, territory)
    lines = [f"**{territory}. {cohort.territories[territory - 1]}**",
             _("Binôme : {noms}", noms=", ".join(user_text(m.display_name) for m in people) or _("à constituer"))]
    sessions = follow_ups(ctx, territory)
    lines.append(_("Suivis individuels ({n}) :", n=len(sessions)) if sessions else _("Aucun suivi individuel au "
                                                                                      "calendrier."))
    lines.extend(event_line(ctx, event, ctx.tz) for event in sessions)
    return [Reply("\n".join(lines))]


@verb("cohorte", "cohort", section=N_("Formats"),
      summary=N_("La cohorte de territoires pilotes, leurs binômes et leurs suivis individuels."),
      usage=N_("`/club cohorte` liste les territoires et leurs binômes ; `/club cohorte <n>` (ou son nom) montre un "
               "territoire et ses suivis individuels."),
      examples=("/club cohorte", "/club cohorte 3", "/club cohorte rejoindre 3"))
def cohorte(ctx: Context, args: str) -> list[Reply]:
    cohort = _cohort(ctx)
    wanted = args.strip()
    if not wanted:
        return _show_all(ctx, cohort)
    try:
        territory = _territory(ctx, cohort, wanted)
    except UserError as unknown:
        # A word close to an action (`rejoidre 3`) was meant as one, not as a territory's name.
        raise mistyped_subverb(ctx.registry.verbs["cohorte"], wanted.split()[0]) or unknown from None
    return _show_one(ctx, cohort, territory)


@subverb("cohorte", "rejoindre", "join", role=Role.MEMBRE,
         summary=N_("Représenter un territoire de la cohorte, dans son binôme."),
         usage=N_("`/club cohorte rejoindre <n>` (ou son nom) : une place dans le binôme du territoire ; en "
                  "rejoindre un autre quitte le précédent."),
         examples=("/club cohorte rejoindre 3",))
def join(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    cohort = _cohort(ctx)
    territory = _territory(ctx, cohort, args.strip())
    ctx.session.scalar(select(Club).where(Club.id == ctx.club.id).with_for_update())  # one seat taken at a time
    mine = _my_seat(ctx)
    if mine is not None and mine.territory == territory:
        raise UserError("Vous représentez déjà {territoire}.", territoire=cohort.territories[territory - 1])
    people = [m for m in binome(ctx, territory) if m.id != ctx.member.id]
    if len(people) >= cohort.binome:
        raise UserError("{territoire} est déjà représenté par son binôme ({noms}). Vérifiez votre numéro dans "
                        "`/club cohorte`.", territoire=cohort.territories[territory - 1],
                        noms=", ".join(user_text(m.display_name) for m in people))
    if mine is not None:
        mine.territory = territory
    else:
        ctx.session.add(CohortSeat(club_id=ctx.club.id, territory=territory, member_id=ctx.member.id,
                                   created_at=ctx.now))
    text = _("Vous représentez {territoire}.", territoire=cohort.territories[territory - 1])
    if people:
        text += " " + _("Votre binôme : {noms}.", noms=", ".join(user_text(m.display_name) for m in people))
    return [Reply(text)]


@subverb("cohorte", "quitter", "leave",
         summary=N_("Ne plus représenter votre territoire."),
         usage=N_("`/club cohorte quitter` : votre place dans le binôme se libère."),
         examples=("/club cohorte quitter",))
def leave(ctx: Context, args: str) -> list[Reply]:
    cohort = _cohort(ctx)
    seat = _my_seat(ctx)
    if seat is None:
        raise UserError("Vous ne représentez aucun territoire de la cohorte.")
    ctx.session.delete(seat)
    return [Reply(ctx._("Vous ne représentez plus {territoire}.", territoire=cohort.territories[seat.territory - 1]))]


@profile_section
def my_seat(ctx: Context) -> list[str]:
    cohort = ctx.settings.programme.cohort
    territory = my_territory(ctx) if cohort else None
    if cohort is None or territory is None:
        return []
    return [ctx._("• Cohorte : {territoire} (binôme)", territoire=cohort.territories[territory - 1])]
