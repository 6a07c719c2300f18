"""`/club moi effacer`: the right to erasure, in two steps (a warning that says what goes and what stays,
then the button or `/club moi effacer confirmer`).

What names only the person goes: profile, registrations, group places, functions, votes in polls still
open, reminders and the messages meant for them. What is the Club's own record stays, under no name:
their votes in closed polls still count (the member's row becomes an anonymous stand-in, so each vote
stays one voter's), their proposals, polls and REX topics keep their history, and a referent's decision
notes stay the group's. `ERASED_BY` lists every column naming a member that erasure deals with; a test
checks that none is forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, exists, func, select, update

from handlers.calendar import registrations
from handlers.context import Context
from handlers.core import Button, Reply, UserError
from handlers.i18n import N_
from handlers.members.data import addressed_to, column_name
from handlers.registry import on_action, subverb
from handlers.text import fold
from storage.agenda import Agenda, AgendaItem
from storage.calendar import Event
from storage.formats import CohortSeat, PresidencyTerm, RoleHolder
from storage.groups import (
    Consultation,
    ConsultationResponse,
    DecisionNote,
    GroupGuest,
    GroupMembership,
    GroupReferent,
)
from storage.models import Member, Role
from storage.outbox import OutboxMessage
from storage.polls import Poll, Vote
from storage.proposals import CallStatus, Difficulty, Proposal, ProposalCall, ProposalDraft
from storage.registrations import Registration, RegistrationState
from storage.reminders import Reminder
from storage.rex import RexTopic
from storage.workshops import WorkshopRegistration, WorkshopTeamMember

CONFIRM = ("confirmer", "confirm")
ACTION, CANCEL = "moi.effacer", "moi.effacer.annuler"
ERASED_NAME = "membre effacé·e"  # what others read where the person's name was (a proposal's author…)

# What erasure does with each column naming a member (`members.*` is the profile itself).
DELETED = (GroupMembership.member_id, GroupReferent.member_id, GroupGuest.member_id, ProposalDraft.author_id,
           RoleHolder.member_id, CohortSeat.member_id, WorkshopTeamMember.member_id, WorkshopRegistration.member_id,
           Reminder.member_id)
UNNAMED = (Registration.invited_by_id, GroupGuest.invited_by_id, DecisionNote.author_id, Consultation.opened_by_id,
           ProposalCall.opened_by_id, Agenda.locked_by, AgendaItem.proposed_by, PresidencyTerm.by_member)
STAND_IN = (Proposal.author_id, Difficulty.author_id, Poll.author_id, RexTopic.author_id)  # the Club's record
CASE_BY_CASE = (Registration.member_id, Vote.voter_id, ConsultationResponse.member_id)  # see `erase`
ERASED_BY = frozenset(column_name(column) for column in DELETED + UNNAMED + STAND_IN + CASE_BY_CASE)


@dataclass
class Erased:
    registrations: int = 0
    votes: int = 0  # taken back from open polls and proposals still open to support


def _require_another_admin(ctx: Context) -> None:
    if ctx.member.role != Role.ADMIN.value:
        return
    admins = ctx.session.scalar(select(func.count()).select_from(Member).where(
        Member.club_id == ctx.club.id, Member.role == Role.ADMIN.value, Member.erased_at.is_(None)))
    if (admins or 0) <= 1:
        raise UserError("Vous êtes le dernier ou la dernière admin du Club : nommez d'abord un·e autre admin "
                        "(`/club role @personne admin`), puis effacez vos données.")


@subverb("moi", "effacer", "erase",
         summary=N_("Effacer mes données de club-bot (après confirmation)."),
         usage=N_("`/club moi effacer` dit ce qui sera effacé et ce qui restera, sans votre nom ; le bouton "
                  "« Effacer mes données » ou `/club moi effacer confirmer` efface. Pour en garder une copie "
                  "d'abord : `/club moi donnees`."),
         examples=("/club moi effacer",))
def erase_command(ctx: Context, args: str) -> list[Reply]:
    words = [fold(word) for word in args.split()]
    if words and (len(words) > 1 or words[0] not in CONFIRM):
        raise UserError("Écrivez `/club moi effacer`, puis, pour confirmer, `/club moi effacer confirmer`.")
    _require_another_admin(ctx)
    if words:
        return confirmed(ctx)
    return [warning(ctx)]


def warning(ctx: Context) -> Reply:
    _ = ctx._
    text = "\n".join([
        _("**Effacer vos données de club-bot** — c'est définitif."),
        _("Ce qui est effacé :"),
        _("• votre profil (nom, institution, fuseau, langue, rôle) et vos fonctions ;"),
        _("• vos inscriptions (votre place revient à la liste d'attente), vos groupes et vos rôles de référent·e ;"),
        _("• vos votes dans les sondages encore ouverts et vos réponses aux consultations en cours ;"),
        _("• les rappels et les messages privés que le bot vous adresse ;"),
        _("• votre nom sur vos propositions, sondages et sujets de REX."),
        _("Ce qui reste, sans votre nom :"),
        _("• vos votes dans les sondages clos, toujours comptés ;"),
        _("• vos propositions, sondages et sujets (« membre effacé·e ») ; vos relevés de décisions, au nom du groupe ;"),
        _("• les invité·es que vous avez inscrit·es : l'équipe d'animation peut les effacer."),
        _("Les messages déjà publiés et vos réactions restent sur la plateforme : retirez vous-même vos réactions "
          "aux sondages ouverts, sinon leur clôture les comptera."),
        _("Pour garder une copie d'abord : `/club moi donnees`. Pour confirmer : le bouton ci-dessous ou "
          "`/club moi effacer confirmer`."),
    ])
    return Reply(text, buttons=[Button(_("Effacer mes données"), ACTION, str(ctx.member.id), style="danger"),
                                Button(_("Annuler"), CANCEL)])


@on_action(ACTION)
def erase_clicked(ctx: Context, value: str) -> list[Reply]:
    if value != str(ctx.member.id):
        raise UserError("Ce bouton n'est plus actif.")
    _require_another_admin(ctx)
    return confirmed(ctx)


@on_action(CANCEL)
def erase_cancelled(ctx: Context, value: str) -> list[Reply]:
    return [Reply(ctx._("Rien n'a été effacé."))]


def confirmed(ctx: Context) -> list[Reply]:
    _ = ctx._
    erased = erase(ctx, ctx.member)
    return [Reply(_("C'est fait : club-bot a effacé vos données ({inscriptions} inscription(s), {votes} vote(s) "
                    "en cours). Vos votes dans les sondages clos restent comptés, sans votre nom ; vos relevés de "
                    "décisions restent au nom de leur groupe. Si vous écrivez de nouveau au bot, il vous accueillera "
                    "comme une nouvelle personne.", inscriptions=erased.registrations, votes=erased.votes))]


def erase(ctx: Context, member: Member) -> Erased:
    """Erases what names `member`, in the caller's transaction; the row becomes an anonymous stand-in."""
    session, me, now = ctx.session, member.id, ctx.now
    erased = Erased()
    # A seat at an event to come goes to the next in line, told to the reminders like any departure.
    upcoming = session.scalars(select(Registration.event_id).join(Event, Event.id == Registration.event_id).where(
        Registration.member_id == me, Registration.state != RegistrationState.CANCELLED.value,
        Event.starts_at > now)).all()
    for event_id in upcoming:
        registrations.unregister(ctx, event_id, member=member)
    erased.registrations = session.execute(delete(Registration).where(Registration.member_id == me)).rowcount

    open_polls = select(Poll.id).where(Poll.closed_at.is_(None))
    open_proposals = select(Proposal.id).join(ProposalCall, ProposalCall.id == Proposal.call_id).where(
        ProposalCall.status == CallStatus.OPEN.value, ProposalCall.closes_at > now)
    erased.votes = session.execute(delete(Vote).where(
        Vote.voter_id == me, Vote.poll_id.in_(open_polls)
        | ((Vote.target_kind == "proposal") & Vote.target_id.in_(open_proposals)))).rowcount
    open_consultations = select(Consultation.id).where(Consultation.closed_at.is_(None))
    session.execute(delete(ConsultationResponse).where(ConsultationResponse.member_id == me,
                                                       ConsultationResponse.consultation_id.in_(open_consultations)))

    for column in DELETED:
        session.execute(delete(column.class_).where(column == me).execution_options(synchronize_session=False))
    for column in UNNAMED:  # a referent's notes stay the group's, a guest stays the Club's to erase
        session.execute(update(column.class_).where(column == me).values({column.key: None})
                        .execution_options(synchronize_session=False))
    # A theme of someone else that they were to carry goes back to its author.
    session.execute(update(Proposal).where(
        Proposal.club_id == member.club_id, Proposal.carrier_user_id == member.platform_user_id,
        Proposal.author_id.in_(select(Member.id).where(Member.platform == member.platform))).values(
        carrier_user_id=None, carrier_name=None))
    _forget_messages(ctx, member)
    _anonymise(ctx, member)
    session.flush()
    return erased


def _forget_messages(ctx: Context, member: Member) -> None:
    """The outbox's messages for them go; the ones their actions sent elsewhere no longer say who acted."""
    session = ctx.session
    session.execute(delete(OutboxMessage).where(*addressed_to(member)).execution_options(synchronize_session=False))
    session.execute(update(OutboxMessage).where(
        OutboxMessage.club_id == member.club_id, OutboxMessage.platform == member.platform,
        OutboxMessage.user_id == member.platform_user_id).values(user_id=None)
        .execution_options(synchronize_session=False))


def _anonymise(ctx: Context, member: Member) -> None:
    """The row stays, so closed polls keep one voter per vote, under no name and no platform account. A poll
    weighed by institution keeps the institution of the votes it counted, so its result does not change."""
    weighed = exists().where(Vote.voter_id == member.id, Vote.poll_id == Poll.id, Poll.by_institution.is_(True),
                             Poll.closed_at.is_not(None))
    if not ctx.session.scalar(select(weighed)):
        member.institution = None
    member.display_name = ERASED_NAME
    member.platform_user_id = f"efface:{member.id}"  # never a platform's id: the person, back, is someone new
    member.tz = ctx.settings.programme.club.timezone
    member.lang = None
    member.role = Role.PARTICIPANT.value
    member.erased_at = ctx.now
