"""Registration to the seminar's workshops: one workshop per person and phase, alone or with one's collectif de
territoire (all or none), within each workshop's capacity; cancelling, and the organisers' lists (`atelier`).
"""

from __future__ import annotations

from sqlalchemy import delete, select

from handlers.calendar.programme_schema import Seminar, Workshop
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.formats.seminar import SECTION, places_taken, seminar_of
from handlers.formats.teams import names, team_members, team_of
from handlers.i18n import N_
from handlers.registry import mistyped_subverb, profile_section, subverb, verb
from handlers.text import fold, user_text
from storage.db import insert_for
from storage.models import Member, Role
from storage.workshops import Workshop as WorkshopRow
from storage.workshops import WorkshopRegistration, WorkshopTeam

AS_TEAM = ("collectif", "team", "equipe")


def _row(ctx: Context, workshop: Workshop) -> WorkshopRow:
    """The workshop's row, created if needed and locked until the end of the transaction."""
    ctx.session.execute(insert_for(ctx.session)(WorkshopRow).values(club_id=ctx.club.id, phase=workshop.phase,
                                                                     key=workshop.key).on_conflict_do_nothing())
    return ctx.session.scalars(select(WorkshopRow).where(
        WorkshopRow.club_id == ctx.club.id, WorkshopRow.phase == workshop.phase, WorkshopRow.key == workshop.key)
        .with_for_update()).one()


def _phase(ctx: Context, seminar: Seminar, word: str, msgid: str) -> int:
    phase = int(word) if word.isdigit() else None
    if phase is None or phase not in seminar.phases:
        raise UserError(msgid, phases=", ".join(str(p) for p in seminar.phases))
    return phase


def _phase_and_workshop(ctx: Context, seminar: Seminar, words: list[str]) -> Workshop:
    phase = _phase(ctx, seminar, words[0] if words else "",
                   N_("Écrivez `/club atelier <phase> <atelier>` ; phases : {phases} (voir `/club journee`)."))
    workshop = seminar.workshop(phase, words[1]) if len(words) > 1 else None
    if workshop is None:
        keys = ", ".join(w.key for w in seminar.workshops if w.phase == phase)
        raise UserError("Atelier inconnu en phase {phase} ; ateliers : {cles}.", phase=phase, cles=keys)
    return workshop


def register(ctx: Context, workshop: Workshop, people: list[Member], team: WorkshopTeam | None) -> list[Member]:
    """Registers `people` to `workshop` for its phase, all or none, within its capacity; returns those who moved
    from another workshop of the phase. The workshop's row is locked: concurrent registrations queue."""
    row = _row(ctx, workshop)
    ids = [p.id for p in people]
    already = {r.member_id: r for r in ctx.session.scalars(select(WorkshopRegistration).where(
        WorkshopRegistration.club_id == ctx.club.id, WorkshopRegistration.phase == workshop.phase,
        WorkshopRegistration.member_id.in_(ids)))}
    newcomers = [p for p in people if p.id not in already or already[p.id].workshop_id != row.id]
    left = workshop.capacity - places_taken(ctx, workshop)
    if len(newcomers) > left:
        raise UserError("L'atelier {cle} (phase {phase}) n'a plus que {k} place(s) pour {n} personne(s). Choisissez "
                        "un autre atelier : `/club journee`.", cle=workshop.key, phase=workshop.phase, k=max(left, 0),
                        n=len(newcomers))
    moved = []
    for person in newcomers:
        registration = already.get(person.id)
        if registration is None:
            ctx.session.add(WorkshopRegistration(club_id=ctx.club.id, phase=workshop.phase, workshop_id=row.id,
                                                 member_id=person.id, team_id=team.id if team else None,
                                                 created_at=ctx.now))
        else:
            registration.workshop_id, registration.team_id = row.id, team.id if team else None
            moved.append(person)
    ctx.session.flush()
    return moved


@verb("atelier", "workshop", section=SECTION,
      summary=N_("S'inscrire à un atelier par phase, seul·e ou en collectif de territoire ; se désinscrire."),
      usage=N_("`/club atelier <phase> <atelier>` vous inscrit (un atelier par phase : une nouvelle inscription "
               "remplace la précédente) ; ajoutez `collectif` pour inscrire tout votre collectif de territoire."),
      examples=("/club atelier 1 A", "/club atelier 2 C collectif", "/club atelier annuler 1"))
def atelier(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    seminar = seminar_of(ctx)
    words = args.split()
    if words and not words[0].isdigit():
        # Registration starts with the phase: another first word is an action, maybe mistyped (`anuler 1`).
        mistyped = mistyped_subverb(ctx.registry.verbs["atelier"], words[0])
        if mistyped:
            raise mistyped
    workshop = _phase_and_workshop(ctx, seminar, words)
    as_team = len(words) > 2 and fold(words[2]) in AS_TEAM
    team = team_of(ctx, ctx.member) if as_team else None
    if as_team and team is None:
        raise UserError("Vous n'êtes dans aucun collectif de territoire : créez-le d'abord avec `/club collectif "
                        "<territoire> @personne…`.")
    people = team_members(ctx, team) if team else [ctx.member]
    moved = register(ctx, workshop, people, team)
    who = _("le collectif {nom} ({noms})", nom=user_text(team.name), noms=names(people)) if team else _("vous")
    text = _("Inscription enregistrée : {qui} — phase {phase}, atelier {cle} « {titre} ».", qui=who,
             phase=workshop.phase, cle=workshop.key, titre=workshop.title)
    if moved:
        text += " " + _("(Remplace l'inscription précédente de la phase pour : {noms}.)", noms=names(moved))
    return [Reply(text)]


@subverb("atelier", "annuler", "cancel",
         summary=N_("Vous désinscrire de l'atelier d'une phase."),
         usage=N_("`/club atelier annuler <phase>` : votre place se libère pour quelqu'un d'autre."),
         examples=("/club atelier annuler 1",))
def cancel(ctx: Context, args: str) -> list[Reply]:
    seminar = seminar_of(ctx)
    words = args.split()
    phase = _phase(ctx, seminar, words[0] if words else "",
                   N_("Écrivez `/club atelier annuler <phase>` ; phases : {phases}."))
    gone = ctx.session.execute(delete(WorkshopRegistration).where(
        WorkshopRegistration.club_id == ctx.club.id, WorkshopRegistration.phase == phase,
        WorkshopRegistration.member_id == ctx.member.id)).rowcount
    if not gone:
        raise UserError("Vous n'êtes inscrit·e à aucun atelier de la phase {phase}.", phase=phase)
    return [Reply(ctx._("Désinscription faite pour la phase {phase}.", phase=phase))]


@subverb("atelier", "liste", "list", role=Role.FACILITATEUR,
         summary=N_("Qui est inscrit·e à un atelier, et combien de places il reste."),
         usage=N_("`/club atelier liste <phase> <atelier>`."),
         examples=("/club atelier liste 1 A",))
def listing(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    workshop = _phase_and_workshop(ctx, seminar_of(ctx), args.split())
    people = list(ctx.session.scalars(select(Member).join(
        WorkshopRegistration, WorkshopRegistration.member_id == Member.id).join(
        WorkshopRow, WorkshopRow.id == WorkshopRegistration.workshop_id).where(
        WorkshopRow.club_id == ctx.club.id, WorkshopRow.phase == workshop.phase, WorkshopRow.key == workshop.key)
        .order_by(Member.display_name)))
    return [Reply(_("Atelier {cle} (phase {phase}) — {k}/{n} : {noms}", cle=workshop.key, phase=workshop.phase,
                    k=len(people), n=workshop.capacity, noms=names(people) or _("personne")))]


@profile_section
def my_workshops(ctx: Context) -> list[str]:
    seminar = ctx.settings.programme.seminar
    if seminar is None:
        return []
    rows = ctx.session.execute(select(WorkshopRow.phase, WorkshopRow.key).join(
        WorkshopRegistration, WorkshopRegistration.workshop_id == WorkshopRow.id).where(
        WorkshopRegistration.member_id == ctx.member.id).order_by(WorkshopRow.phase)).all()
    shown = ", ".join(ctx._("phase {phase} : {cle}", phase=phase, cle=key) for phase, key in rows)
    return [ctx._("• Ateliers : {liste}", liste=shown or ctx._("aucun — `/club journee`"))]
