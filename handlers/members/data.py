"""`/club moi donnees`: everything club-bot holds on the person who asks, as two files sent privately — JSON
for a program (the right to data portability), plain text to read (the right of access).

Each section below reads one kind of record that names the member and says by which columns; a test checks
that no column naming a member is left out of the export (`NAMED_BY`), nor of erasure.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from handlers.context import Context
from handlers.core import Attachment, Reply, Visibility
from handlers.i18n import N_, Translator, format_datetime
from handlers.registry import subverb
from storage.agenda import Agenda, AgendaItem
from storage.calendar import Event
from storage.formats import CohortSeat, PresidencyTerm, RoleHolder
from storage.groups import (
    Consultation,
    ConsultationResponse,
    DecisionNote,
    Group,
    GroupGuest,
    GroupMembership,
    GroupReferent,
)
from storage.models import Member
from storage.outbox import OutboxMessage
from storage.polls import Poll, PollOption, Vote
from storage.proposals import Difficulty, Proposal, ProposalCall, ProposalDraft
from storage.registrations import Registration
from storage.reminders import Reminder
from storage.rex import RexTopic
from storage.workshops import Workshop, WorkshopRegistration, WorkshopTeam, WorkshopTeamMember

Row = dict[str, Any]
WHEN = "d MMMM y HH:mm"


@dataclass(frozen=True)
class Section:
    key: str  # its name in the JSON file
    title: str  # msgid, for the text file
    rows: Callable[[Context, Member], list[Row]]
    columns: tuple[Any, ...]  # the model attributes naming the member that it reads


def column_name(attribute: Any) -> str:
    """`Vote.voter_id` -> "votes.voter_id"."""
    column = attribute.property.columns[0]
    return f"{column.table.name}.{column.name}"


def _event(session: Session, event_id: int | None) -> str | None:
    event = session.get(Event, event_id) if event_id is not None else None
    return f"#{event.number} {event.title}" if event else None


def _group(group: Group | None) -> str | None:
    return f"#{group.number} {group.title}" if group else None


def _roles(ctx: Context, me: Member) -> list[Row]:
    names = {role.key: role.name for role in ctx.settings.programme.roles}
    return [{"fonction": names.get(row.role_key, row.role_key), "date": row.created_at}
            for row in ctx.session.scalars(select(RoleHolder).where(RoleHolder.member_id == me.id)
                                           .order_by(RoleHolder.id))]


def _proposals(ctx: Context, me: Member) -> list[Row]:
    return [{"numero": p.number, "titre": p.title, "description": p.description, "statut": p.status,
             "porteur": p.carrier_name, "date": p.created_at, "modifiee_le": p.updated_at}
            for p in ctx.session.scalars(select(Proposal).where(Proposal.author_id == me.id).order_by(Proposal.number))]


def _carried(ctx: Context, me: Member) -> list[Row]:
    """Themes of others that the member carries at the rencontre (named by their platform account)."""
    query = select(Proposal).join(Member, Member.id == Proposal.author_id).where(
        Proposal.carrier_user_id == me.platform_user_id, Member.platform == me.platform,
        Proposal.club_id == me.club_id).order_by(Proposal.number)
    return [{"numero": p.number, "titre": p.title, "statut": p.status} for p in ctx.session.scalars(query)]


def _drafts(ctx: Context, me: Member) -> list[Row]:
    return [{"titre": d.title, "description": d.description, "date": d.created_at}
            for d in ctx.session.scalars(select(ProposalDraft).where(ProposalDraft.author_id == me.id))]


def _difficulties(ctx: Context, me: Member) -> list[Row]:
    return [{"sur": f"#{d.proposal.number} {d.proposal.title}", "texte": d.message, "issue": d.outcome,
             "date": d.created_at}
            for d in ctx.session.scalars(select(Difficulty).where(Difficulty.author_id == me.id).order_by(Difficulty.id))]


def _calls(ctx: Context, me: Member) -> list[Row]:
    return [{"annee": c.year, "date": c.created_at, "clos_le": c.closed_at}
            for c in ctx.session.scalars(select(ProposalCall).where(ProposalCall.opened_by_id == me.id))]


def _polls(ctx: Context, me: Member) -> list[Row]:
    return [{"numero": p.number, "question": p.question, "date": p.created_at, "clos_le": p.closed_at}
            for p in ctx.session.scalars(select(Poll).where(Poll.author_id == me.id).order_by(Poll.number))]


def _votes(ctx: Context, me: Member) -> list[Row]:
    rows: list[Row] = []
    for vote, option, poll in ctx.session.execute(
            select(Vote, PollOption, Poll).join(PollOption, PollOption.id == Vote.target_id)
            .join(Poll, Poll.id == PollOption.poll_id)
            .where(Vote.voter_id == me.id, Vote.target_kind == "poll_option").order_by(Vote.id)):
        rows.append({"sur": f"#{poll.number} {poll.question}", "option": option.label, "valeur": vote.value,
                     "date": vote.created_at})
    for vote, proposal in ctx.session.execute(
            select(Vote, Proposal).join(Proposal, Proposal.id == Vote.target_id)
            .where(Vote.voter_id == me.id, Vote.target_kind == "proposal").order_by(Vote.id)):
        rows.append({"sur": f"#{proposal.number} {proposal.title}", "option": None, "valeur": vote.value,
                     "date": vote.created_at})
    return rows


def _registrations(ctx: Context, me: Member) -> list[Row]:
    query = select(Registration, Event).join(Event, Event.id == Registration.event_id).where(
        Registration.member_id == me.id).order_by(Event.starts_at)
    return [{"evenement": f"#{event.number} {event.title}", "debut": event.starts_at, "etat": row.state,
             "date": row.requested_at, "annulee_le": row.cancelled_at}
            for row, event in ctx.session.execute(query)]


def _guests(ctx: Context, me: Member) -> list[Row]:
    query = select(Registration, Event).join(Event, Event.id == Registration.event_id).where(
        Registration.invited_by_id == me.id, Registration.member_id.is_(None)).order_by(Event.starts_at)
    return [{"nom": row.guest_name, "institution": row.guest_institution,
             "evenement": f"#{event.number} {event.title}", "etat": row.state, "date": row.requested_at}
            for row, event in ctx.session.execute(query)]


def _memberships(ctx: Context, me: Member) -> list[Row]:
    query = select(GroupMembership, Group).join(Group, Group.id == GroupMembership.group_id).where(
        GroupMembership.member_id == me.id).order_by(Group.number)
    return [{"groupe": _group(group), "mode": row.mode, "date": row.joined_at} for row, group in ctx.session.execute(query)]


def _referent(ctx: Context, me: Member) -> list[Row]:
    query = select(GroupReferent, Group).join(Group, Group.id == GroupReferent.group_id).where(
        GroupReferent.member_id == me.id).order_by(Group.number)
    return [{"groupe": _group(group), "date": row.appointed_at} for row, group in ctx.session.execute(query)]


def _guest_of(ctx: Context, me: Member) -> list[Row]:
    query = select(GroupGuest, Group).join(Group, Group.id == GroupGuest.group_id).where(
        GroupGuest.member_id == me.id).order_by(Group.number)
    return [{"groupe": _group(group), "qualite": row.quality, "mode": row.mode, "date": row.created_at}
            for row, group in ctx.session.execute(query)]


def _invited(ctx: Context, me: Member) -> list[Row]:
    query = select(GroupGuest, Group).join(Group, Group.id == GroupGuest.group_id).where(
        GroupGuest.invited_by_id == me.id).order_by(Group.number, GroupGuest.name)
    return [{"nom": row.name, "qualite": row.quality, "groupe": _group(group), "date": row.created_at}
            for row, group in ctx.session.execute(query)]


def _notes(ctx: Context, me: Member) -> list[Row]:
    query = select(DecisionNote, Group).join(Group, Group.id == DecisionNote.group_id).where(
        DecisionNote.author_id == me.id).order_by(DecisionNote.created_at, DecisionNote.id)
    return [{"groupe": _group(group), "date": note.created_at, "consensus": note.consensus,
             "dissensus": note.dissensus, "suite": note.next_steps, "confidentiel": note.confidential}
            for note, group in ctx.session.execute(query)]


def _consultations(ctx: Context, me: Member) -> list[Row]:
    return [{"numero": c.number, "titre": c.title, "lien": c.link, "echeance": c.deadline, "date": c.created_at}
            for c in ctx.session.scalars(select(Consultation).where(Consultation.opened_by_id == me.id)
                                         .order_by(Consultation.number))]


def _responses(ctx: Context, me: Member) -> list[Row]:
    query = select(ConsultationResponse, Consultation).join(
        Consultation, Consultation.id == ConsultationResponse.consultation_id).where(
        ConsultationResponse.member_id == me.id).order_by(Consultation.number)
    return [{"sur": f"#{c.number} {c.title}", "choix": r.choice, "raison": r.reason, "date": r.responded_at}
            for r, c in ctx.session.execute(query)]


def _topics(ctx: Context, me: Member) -> list[Row]:
    return [{"numero": t.number, "texte": t.text, "urgent": t.urgent, "date": t.created_at,
             "evenement": _event(ctx.session, t.event_id)}
            for t in ctx.session.scalars(select(RexTopic).where(RexTopic.author_id == me.id).order_by(RexTopic.number))]


def _agenda_items(ctx: Context, me: Member) -> list[Row]:
    return [{"evenement": _event(ctx.session, item.event_id), "texte": item.text, "date": item.created_at}
            for item in ctx.session.scalars(select(AgendaItem).where(AgendaItem.proposed_by == me.id)
                                            .order_by(AgendaItem.id))]


def _agendas_locked(ctx: Context, me: Member) -> list[Row]:
    return [{"evenement": _event(ctx.session, agenda.event_id), "date": agenda.locked_at}
            for agenda in ctx.session.scalars(select(Agenda).where(Agenda.locked_by == me.id))]


def _presidencies(ctx: Context, me: Member) -> list[Row]:
    return [{"numero": term.number, "titulaire": term.holder, "date": term.since}
            for term in ctx.session.scalars(select(PresidencyTerm).where(PresidencyTerm.by_member == me.id)
                                            .order_by(PresidencyTerm.number))]


def _cohort(ctx: Context, me: Member) -> list[Row]:
    cohort = ctx.settings.programme.cohort
    names = cohort.territories if cohort else []
    return [{"territoire": names[seat.territory - 1] if 0 < seat.territory <= len(names) else seat.territory,
             "date": seat.created_at}
            for seat in ctx.session.scalars(select(CohortSeat).where(CohortSeat.member_id == me.id))]


def _teams(ctx: Context, me: Member) -> list[Row]:
    query = select(WorkshopTeam).join(WorkshopTeamMember, WorkshopTeamMember.team_id == WorkshopTeam.id).where(
        WorkshopTeamMember.member_id == me.id)
    return [{"equipe": team.name} for team in ctx.session.scalars(query)]


def _workshops(ctx: Context, me: Member) -> list[Row]:
    query = select(WorkshopRegistration, Workshop).join(Workshop, Workshop.id == WorkshopRegistration.workshop_id) \
        .where(WorkshopRegistration.member_id == me.id).order_by(WorkshopRegistration.phase)
    return [{"phase": row.phase, "atelier": workshop.key, "date": row.created_at}
            for row, workshop in ctx.session.execute(query)]


def _subject(session: Session, reminder: Reminder) -> str | None:
    """What a reminder is about, as people know it: an event or a poll by its number, a call by its year."""
    if reminder.subject == "event":
        return _event(session, reminder.subject_id)
    if reminder.subject == "poll":
        poll = session.get(Poll, reminder.subject_id)
        return f"#{poll.number} {poll.question}" if poll else None
    call = session.get(ProposalCall, reminder.subject_id) if reminder.subject == "call" else None
    return str(call.year) if call else None


def _reminders(ctx: Context, me: Member) -> list[Row]:
    return [{"sujet": _subject(ctx.session, r), "etape": r.kind, "date": r.due_at, "etat": r.state,
             "envoye_le": r.sent_at}
            for r in ctx.session.scalars(select(Reminder).where(Reminder.member_id == me.id).order_by(Reminder.due_at))]


def addressed_to(me: Member) -> tuple[Any, ...]:
    """The outbox's messages for the member: those addressed to them, and the answers to their own actions
    (no recipient of their own: the author of the action is the default one)."""
    recipient = OutboxMessage.reply["user"].as_string()
    return (OutboxMessage.club_id == me.club_id, OutboxMessage.platform == me.platform,
            or_(recipient == me.platform_user_id,
                (OutboxMessage.user_id == me.platform_user_id)
                & OutboxMessage.reply["visibility"].as_string().in_(["ephemeral", "dm"])
                & (OutboxMessage.reply["user"].as_string().is_(None))))


def _messages(ctx: Context, me: Member) -> list[Row]:
    rows = ctx.session.scalars(select(OutboxMessage).where(*addressed_to(me)).order_by(OutboxMessage.id))
    return [{"date": row.created_at, "etat": row.state, "texte": (row.reply or {}).get("text", ""),
             "fichiers": [a.get("filename") for a in (row.reply or {}).get("attachments") or []]}
            for row in rows]


SECTIONS = (
    Section("fonctions", N_("Fonctions du format"), _roles, (RoleHolder.member_id,)),
    Section("propositions", N_("Propositions dont vous êtes l'auteur·e"), _proposals, (Proposal.author_id,)),
    Section("propositions_portees", N_("Propositions que vous portez à la rencontre"), _carried, ()),
    Section("brouillons", N_("Propositions en attente de confirmation"), _drafts, (ProposalDraft.author_id,)),
    Section("difficultes", N_("Difficultés que vous avez signalées"), _difficulties, (Difficulty.author_id,)),
    Section("appels", N_("Appels à contribution que vous avez ouverts"), _calls,
            (ProposalCall.opened_by_id,)),
    Section("sondages", N_("Sondages que vous avez ouverts"), _polls, (Poll.author_id,)),
    Section("votes", N_("Vos votes"), _votes, (Vote.voter_id,)),
    Section("inscriptions", N_("Vos inscriptions"), _registrations, (Registration.member_id,)),
    Section("invites", N_("Invité·es que vous avez inscrit·es"), _guests, (Registration.invited_by_id,)),
    Section("groupes", N_("Vos groupes de travail"), _memberships, (GroupMembership.member_id,)),
    Section("referent", N_("Groupes dont vous êtes référent·e"), _referent, (GroupReferent.member_id,)),
    Section("groupes_invite", N_("Groupes où vous êtes invité·e"), _guest_of, (GroupGuest.member_id,)),
    Section("invites_groupes", N_("Personnes que vous avez invitées dans un groupe"), _invited,
            (GroupGuest.invited_by_id,)),
    Section("releves", N_("Relevés de décisions que vous avez écrits"), _notes, (DecisionNote.author_id,)),
    Section("consultations", N_("Consultations de diffusion que vous avez ouvertes"), _consultations,
            (Consultation.opened_by_id,)),
    Section("reponses", N_("Vos réponses aux consultations"), _responses, (ConsultationResponse.member_id,)),
    Section("sujets_rex", N_("Sujets de REX que vous avez proposés"), _topics, (RexTopic.author_id,)),
    Section("ordre_du_jour", N_("Points d'ordre du jour que vous avez proposés"), _agenda_items,
            (AgendaItem.proposed_by,)),
    Section("ordres_du_jour_verrouilles", N_("Ordres du jour que vous avez verrouillés"), _agendas_locked,
            (Agenda.locked_by,)),
    Section("presidences", N_("Présidences que vous avez fait tourner"), _presidencies,
            (PresidencyTerm.by_member,)),
    Section("cohorte", N_("Votre territoire dans la cohorte"), _cohort, (CohortSeat.member_id,)),
    Section("equipes", N_("Vos collectifs de territoire"), _teams, (WorkshopTeamMember.member_id,)),
    Section("ateliers", N_("Vos ateliers"), _workshops, (WorkshopRegistration.member_id,)),
    Section("rappels", N_("Rappels qui vous sont adressés"), _reminders, (Reminder.member_id,)),
    Section("messages", N_("Messages que le bot vous a envoyés ou va vous envoyer"), _messages, ()),
)

# Every column naming a member that the sections above read (`members.*` is the profile itself).
NAMED_BY = frozenset(column_name(column) for section in SECTIONS for column in section.columns)

LABELS = {
    "plateforme": N_("Plateforme"), "identifiant": N_("Identifiant"), "nom": N_("Nom"),
    "institution": N_("Institution"), "fuseau": N_("Fuseau"), "langue": N_("Langue"), "role": N_("Rôle"),
    "premier_contact": N_("Premier contact"), "fonction": N_("Fonction"), "numero": N_("N°"), "titre": N_("Titre"),
    "description": N_("Description"),
    "statut": N_("Statut"), "porteur": N_("Porté par"), "date": N_("Date"), "modifiee_le": N_("Modifiée le"),
    "sur": N_("Sur"), "texte": N_("Texte"), "issue": N_("Issue"), "annee": N_("Année"), "clos_le": N_("Clos le"),
    "question": N_("Question"), "option": N_("Option"), "valeur": N_("Valeur"), "evenement": N_("Événement"),
    "debut": N_("Début"), "etat": N_("État"), "annulee_le": N_("Annulée le"), "groupe": N_("Groupe"),
    "mode": N_("Mode"), "qualite": N_("Qualité"), "consensus": N_("Consensus"), "dissensus": N_("Dissensus"),
    "suite": N_("Suite"), "confidentiel": N_("Confidentiel"), "lien": N_("Lien"), "echeance": N_("Échéance"),
    "choix": N_("Choix"), "raison": N_("Raison"), "urgent": N_("Urgent"), "titulaire": N_("Titulaire"),
    "territoire": N_("Territoire"), "equipe": N_("Collectif"), "phase": N_("Phase"), "atelier": N_("Atelier"),
    "sujet": N_("Sujet"), "etape": N_("Étape"), "envoye_le": N_("Envoyé le"), "fichiers": N_("Fichiers"),
}
# The codes the JSON keeps, in words for the text file.
STATES = {
    "proposed": N_("proposée"), "withdrawn": N_("retirée"), "retained": N_("retenue"),
    "not_retained": N_("non retenue"), "confirmed": N_("inscrit·e"), "waitlisted": N_("en liste d'attente"),
    "cancelled": N_("annulé·e"), "pending": N_("en attente"), "sending": N_("en cours d'envoi"),
    "sent": N_("envoyé"), "expanded": N_("distribué"), "skipped": N_("non envoyé"), "failed": N_("échoué"),
}


def profile(ctx: Context, me: Member) -> Row:
    return {"plateforme": me.platform, "identifiant": me.platform_user_id, "nom": me.display_name,
            "institution": me.institution.name if me.institution else None, "fuseau": me.tz, "langue": me.lang,
            "role": me.role, "premier_contact": me.created_at}


def collect(ctx: Context, me: Member) -> dict[str, Any]:
    """Everything the Club's database holds on `me`, section by section (empty ones included)."""
    return {"club": ctx.club.name, "exporte_le": ctx.now, "profil": profile(ctx, me),
            **{section.key: section.rows(ctx, me) for section in SECTIONS}}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def as_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_jsonable) + "\n"


def _shown(_: Translator, tz: str, key: str, value: Any) -> str:
    if isinstance(value, datetime):
        return format_datetime(value, tz, _.lang, WHEN)
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if key in ("statut", "etat") and value in STATES:
        return _(STATES[value])
    return str(value)


def _field(_: Translator, tz: str, key: str, value: Any) -> str:
    colon = " : " if _.lang == "fr" else ": "  # French typography puts a space before the colon
    return f"{_(LABELS[key])}{colon}{_shown(_, tz, key, value)}"


def _line(_: Translator, tz: str, row: Row) -> str:
    return " · ".join(_field(_, tz, key, value) for key, value in row.items() if value not in (None, "", []))


def as_text(ctx: Context, data: dict[str, Any]) -> str:
    """The same data for a person to read, in their language and time zone; empty sections left out."""
    _, tz = ctx._, ctx.tz
    lines = [_("Vos données dans club-bot — {club}", club=data["club"]),
             _("Exportées le {date} ({zone}).", date=format_datetime(data["exporte_le"], tz, ctx.lang, WHEN), zone=tz),
             _("Ce que club-bot en fait, combien de temps il les garde et à qui vous adresser : "
               "docs/donnees-personnelles.md. Pour les effacer : /club moi effacer."),
             "", _("Profil")]
    lines += [f"  {_field(_, tz, key, value)}" for key, value in data["profil"].items() if value not in (None, "")]
    for section in SECTIONS:
        rows = data[section.key]
        if rows:
            lines += ["", f"{_(section.title)} ({len(rows)})"]
            lines += [f"  • {_line(_, tz, row)}" for row in rows]
    return "\n".join(lines) + "\n"


@subverb("moi", "donnees", "data",
         summary=N_("Tout ce que club-bot sait de moi, en deux fichiers (texte et JSON) envoyés en privé."),
         usage=N_("`/club moi donnees` : votre profil, vos propositions, votes, inscriptions, groupes, invité·es, "
                  "relevés, rappels… en un fichier lisible et un fichier JSON, par message privé."),
         examples=("/club moi donnees",))
def my_data(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    data = collect(ctx, ctx.member)
    filled = sum(1 for section in SECTIONS if data[section.key])
    day = format_datetime(ctx.now, ctx.tz, "fr", "y-MM-dd")
    name = f"club-bot-mes-donnees-{day}"
    files = [Attachment(f"{name}.txt", as_text(ctx, data)),
             Attachment(f"{name}.json", as_json(data), "application/json")]
    private = Reply(_("**Vos données personnelles** tenues par club-bot ({club}) : votre profil et {n} rubrique(s), "
                      "dans les deux fichiers joints — `{texte}` à lire, `{json}` pour un logiciel. Pour les "
                      "effacer : `/club moi effacer`.", club=ctx.club.name, n=filled, texte=files[0].filename,
                      json=files[1].filename),
                    visibility=Visibility.DM, user=ctx.member.platform_user_id, attachments=files)
    return [Reply(_("Vos données vous sont envoyées en message privé : un fichier texte et un fichier JSON.")), private]
