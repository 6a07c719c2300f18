"""A seminar day (`[seminar]` of the programme file): its timed programme, parallel workshops per phase with
capacities, registration to one workshop per phase (alone or as a collectif de territoire), the organisers'
contacts and the registration code shown on the announcement.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from handlers.calendar import commands as calendar
from handlers.calendar.programme_schema import Seminar, Workshop
from handlers.context import Context
from handlers.core import Reply, UserError, Visibility
from handlers.i18n import N_, format_datetime
from handlers.registry import profile_section, verb
from handlers.text import fold, mentioned_ids, strip_mentions, user_text
from storage.calendar import Event
from storage.models import Member, Role
from storage.workshops import Workshop as WorkshopRow
from storage.workshops import WorkshopRegistration, WorkshopTeam, WorkshopTeamMember

SECTION = N_("Formats")
MAX_TEAM_NAME = 120


def _seminar(ctx: Context) -> Seminar:
    seminar = ctx.settings.programme.seminar
    if seminar is None:
        raise UserError("Ce programme n'a pas de journée à ateliers (table `[seminar]` du fichier).")
    return seminar


def _day_event(ctx: Context, seminar: Seminar) -> Event | None:
    found = ctx.session.scalar(select(Event).where(Event.club_id == ctx.club.id, Event.series == seminar.series)
                               .order_by(Event.starts_at).limit(1))
    if found is None:
        series = ctx.settings.programme.series_by_key(seminar.series)
        calendar.ensure_years(ctx, *sorted({d.year for d in series.dates} or {ctx.now.year}))
        found = ctx.session.scalar(select(Event).where(Event.club_id == ctx.club.id, Event.series == seminar.series)
                                   .order_by(Event.starts_at).limit(1))
    return found


def _taken(ctx: Context, workshop: Workshop) -> int:
    return ctx.session.scalar(select(func.count()).select_from(WorkshopRegistration).join(
        WorkshopRow, WorkshopRow.id == WorkshopRegistration.workshop_id).where(
        WorkshopRow.club_id == ctx.club.id, WorkshopRow.phase == workshop.phase, WorkshopRow.key == workshop.key)) or 0


def _row(ctx: Context, workshop: Workshop) -> WorkshopRow:
    """The workshop's row, created if needed and locked until the end of the transaction."""
    insert = pg_insert if ctx.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    ctx.session.execute(insert(WorkshopRow).values(club_id=ctx.club.id, phase=workshop.phase, key=workshop.key)
                        .on_conflict_do_nothing())
    return ctx.session.scalars(select(WorkshopRow).where(
        WorkshopRow.club_id == ctx.club.id, WorkshopRow.phase == workshop.phase, WorkshopRow.key == workshop.key)
        .with_for_update()).one()


def programme_text(ctx: Context, seminar: Seminar, announce: bool = False) -> str:
    _ = ctx._
    event = _day_event(ctx, seminar)
    series = ctx.settings.programme.series_by_key(seminar.series)
    lines = [f"**{user_text(series.title)}**"]
    if event is not None:
        lines.append(_("{date} · {lieu} (#{n})", date=format_datetime(event.starts_at, series.zone, ctx.lang,
                                                                     "EEEE d MMMM y"),
                       lieu=user_text(event.place), n=event.number))
    for slot in series.slots:
        hours = f"{slot.start:%H:%M}" + (f"–{slot.end:%H:%M}" if slot.end else "")
        lines.append(f"• {hours} {slot.title}")
        if slot.detail:
            lines.append(f"   _{slot.detail}_")
        for workshop in (w for w in seminar.workshops if slot.workshops and w.phase == slot.workshops):
            left = workshop.capacity - _taken(ctx, workshop)
            place = _("complet") if left <= 0 else _("{k} place(s) sur {n}", k=left, n=workshop.capacity)
            lines.append(_("   ◦ {cle} — {titre} ({places})", cle=workshop.key, titre=workshop.title, places=place))
    if seminar.workshops:
        lines.append(_("Inscription à un atelier par phase : `/club atelier <phase> <atelier>` (seul·e) ou "
                       "`/club atelier <phase> <atelier> collectif` (votre collectif de territoire)."))
    if announce and seminar.registration_code:
        lines.append(_("Code action d'inscription en ligne : **{code}**", code=seminar.registration_code))
    if announce and seminar.contacts:
        lines.append(contacts_text(ctx, seminar))
    return "\n".join(lines)


def contacts_text(ctx: Context, seminar: Seminar) -> str:
    _ = ctx._
    lines = [_("Équipe contact :")]
    for contact in seminar.contacts:
        parts = [contact.name] + [p for p in (contact.role, contact.email) if p]
        lines.append("• " + ", ".join(parts))
    return "\n".join(lines)


@verb("journee", "journée", "day", section=SECTION,
      summary=N_("Le programme de la journée : créneaux, ateliers et places restantes ; l'annonce avec le code."),
      usage=N_("`/club journee` montre le programme ; `/club journee annoncer` le publie dans le canal du Club avec "
               "le code d'inscription et l'équipe contact (équipe d'animation)."),
      examples=("/club journee", "/club journee annoncer"))
def journee(ctx: Context, args: str) -> list[Reply]:
    seminar = _seminar(ctx)
    action = fold(args)
    if action in ("annoncer", "announce"):
        ctx.require(Role.FACILITATEUR)
        return [Reply(ctx._("Annonce publiée dans le canal du Club.")),
                Reply(programme_text(ctx, seminar, announce=True), visibility=Visibility.CLUB)]
    if action:
        raise UserError("Écrivez `/club journee` (le programme) ou `/club journee annoncer`.")
    return [Reply(programme_text(ctx, seminar, announce=True))]


@verb("contacts", section=SECTION, summary=N_("L'équipe contact des organisateur·trices."),
      usage=N_("`/club contacts` : les noms et adresses de l'équipe contact."), examples=("/club contacts",))
def contacts(ctx: Context, args: str) -> list[Reply]:
    seminar = _seminar(ctx)
    if not seminar.contacts:
        raise UserError("Ce programme ne donne pas d'équipe contact.")
    return [Reply(contacts_text(ctx, seminar))]


# -- collectifs de territoire -----------------------------------------------------------------------
def team_of(ctx: Context, member: Member) -> WorkshopTeam | None:
    return ctx.session.scalar(select(WorkshopTeam).join(WorkshopTeamMember, WorkshopTeamMember.team_id == WorkshopTeam.id)
                              .where(WorkshopTeamMember.club_id == ctx.club.id,
                                     WorkshopTeamMember.member_id == member.id))


def team_members(ctx: Context, team: WorkshopTeam) -> list[Member]:
    return list(ctx.session.scalars(select(Member).join(WorkshopTeamMember, WorkshopTeamMember.member_id == Member.id)
                                    .where(WorkshopTeamMember.team_id == team.id).order_by(Member.display_name)))


def _names(members: list[Member]) -> str:
    return ", ".join(user_text(m.display_name) for m in members)


@verb("collectif", "team", section=SECTION,
      summary=N_("Mon collectif de territoire : une équipe d'un même territoire qui s'inscrit ensemble aux ateliers."),
      usage=N_("`/club collectif <territoire> @personne…` crée votre collectif (ou vous y ajoute avec les "
               "personnes citées) ; `/club collectif` le montre ; `/club collectif quitter`."),
      examples=("/club collectif Pays de Mauges @lea @kevin", "/club collectif"))
def collectif(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    from handlers.groups.commands import mentioned_members

    mine = team_of(ctx, ctx.member)
    name = " ".join(strip_mentions(args).split())
    if not name and not mentioned_ids(args):
        if mine is None:
            return [Reply(_("Vous n'êtes dans aucun collectif de territoire : `/club collectif <territoire> "
                            "@personne…`."))]
        return [Reply(_("Collectif {nom} : {noms}", nom=user_text(mine.name), noms=_names(team_members(ctx, mine))))]
    if fold(name) in ("quitter", "leave"):
        if mine is None:
            raise UserError("Vous n'êtes dans aucun collectif de territoire.")
        ctx.session.query(WorkshopTeamMember).filter_by(club_id=ctx.club.id, member_id=ctx.member.id).delete()
        return [Reply(_("Vous avez quitté le collectif {nom}.", nom=user_text(mine.name)))]
    if len(name) > MAX_TEAM_NAME:
        raise UserError("Nom trop long ({n} caractères, {max} au plus).", n=len(name), max=MAX_TEAM_NAME)
    team = mine
    if name:
        team = ctx.session.scalar(select(WorkshopTeam).where(WorkshopTeam.club_id == ctx.club.id,
                                                             WorkshopTeam.key == fold(name)))
        if team is None:
            team = WorkshopTeam(club_id=ctx.club.id, name=name, key=fold(name), created_at=ctx.now)
            ctx.session.add(team)
            ctx.session.flush()
    if team is None:
        raise UserError("Donnez le nom du territoire : `/club collectif Pays de Mauges @lea`.")
    people = [ctx.member, *mentioned_members(ctx, args)]
    for person in people:
        current = team_of(ctx, person)
        if current is not None and current.id != team.id:
            raise UserError("{nom} est déjà dans le collectif {collectif}.", nom=user_text(person.display_name),
                            collectif=user_text(current.name))
        if current is None:
            ctx.session.add(WorkshopTeamMember(club_id=ctx.club.id, team_id=team.id, member_id=person.id))
    ctx.session.flush()
    return [Reply(_("Collectif {nom} : {noms}", nom=user_text(team.name), noms=_names(team_members(ctx, team))))]


# -- registration ---------------------------------------------------------------------------------
def _phase_and_workshop(ctx: Context, seminar: Seminar, words: list[str]) -> Workshop:
    phase = int(words[0]) if words and words[0].isdigit() else None
    if phase is None or phase not in seminar.phases:
        raise UserError("Écrivez `/club atelier <phase> <atelier>` ; phases : {phases} (voir `/club journee`).",
                        phases=", ".join(str(p) for p in seminar.phases))
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
    left = workshop.capacity - _taken(ctx, workshop)
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
               "remplace la précédente) ; ajoutez `collectif` pour inscrire tout votre collectif de territoire ; "
               "`/club atelier annuler <phase>` ; `/club atelier liste <phase> <atelier>` (équipe d'animation)."),
      examples=("/club atelier 1 A", "/club atelier 2 C collectif", "/club atelier annuler 1"))
def atelier(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    seminar = _seminar(ctx)
    words = args.split()
    head = fold(words[0]) if words else ""
    if head in ("annuler", "cancel"):
        phase = int(words[1]) if len(words) > 1 and words[1].isdigit() else None
        gone = ctx.session.query(WorkshopRegistration).filter_by(club_id=ctx.club.id, phase=phase,
                                                                 member_id=ctx.member.id).delete()
        if not gone:
            raise UserError("Vous n'êtes inscrit·e à aucun atelier de la phase {phase}.", phase=phase)
        return [Reply(_("Désinscription faite pour la phase {phase}.", phase=phase))]
    if head in ("liste", "list"):
        ctx.require(Role.FACILITATEUR)
        workshop = _phase_and_workshop(ctx, seminar, words[1:])
        people = list(ctx.session.scalars(select(Member).join(
            WorkshopRegistration, WorkshopRegistration.member_id == Member.id).join(
            WorkshopRow, WorkshopRow.id == WorkshopRegistration.workshop_id).where(
            WorkshopRow.club_id == ctx.club.id, WorkshopRow.phase == workshop.phase, WorkshopRow.key == workshop.key)
            .order_by(Member.display_name)))
        return [Reply(_("Atelier {cle} (phase {phase}) — {k}/{n} : {noms}", cle=workshop.key, phase=workshop.phase,
                        k=len(people), n=workshop.capacity, noms=_names(people) or _("personne")))]
    workshop = _phase_and_workshop(ctx, seminar, words)
    as_team = len(words) > 2 and fold(words[2]) in ("collectif", "team", "equipe")
    team = team_of(ctx, ctx.member) if as_team else None
    if as_team and team is None:
        raise UserError("Vous n'êtes dans aucun collectif de territoire : créez-le d'abord avec `/club collectif "
                        "<territoire> @personne…`.")
    people = team_members(ctx, team) if team else [ctx.member]
    moved = register(ctx, workshop, people, team)
    who = _("le collectif {nom} ({noms})", nom=user_text(team.name), noms=_names(people)) if team else _("vous")
    text = _("Inscription enregistrée : {qui} — phase {phase}, atelier {cle} « {titre} ».", qui=who,
             phase=workshop.phase, cle=workshop.key, titre=workshop.title)
    if moved:
        text += " " + _("(Remplace l'inscription précédente de la phase pour : {noms}.)", noms=_names(moved))
    return [Reply(text)]


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
