"""The collective dissemination decision: a group's referents consult the Club's members on a deliverable.

Consent style: each member answers Accord, Abstention or Objection; an objection must give its reason and
blocks the dissemination; with no objection, one agreement is enough. Only approved deliverables are public.
This module holds the rule: the live announcement, the answers (typed or clicked), the closing at the
deadline; `handlers.groups.diffusion` holds the `/club diffusion` command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers import registry
from handlers.context import ClubSettings, Context
from handlers.core import Anchor, Button, Form, FormField, Reply, UserError, Visibility
from handlers.groups.rules import label, shared_translator
from handlers.i18n import Translator, format_datetime
from handlers.text import parse_number, user_text
from storage.groups import (
    ABSTENTION,
    ACCORD,
    APPROVED,
    BLOCKED,
    NO_OPINION,
    OBJECTION,
    Consultation,
    ConsultationResponse,
    Group,
    GroupChannel,
)
from storage.models import Role

MAX_REASON = 1000
KIND = "consultation"
PARIS = "Europe/Paris"  # Club-wide posts show deadlines in Paris time, as the rencontres


@dataclass(frozen=True)
class Deliverable:
    group_number: int
    group_title: str
    title: str
    link: str
    approved_at: datetime


def approved_deliverables(session: Session, club_id: int) -> list[Deliverable]:
    """What the Club decided to disseminate: the only deliverables a public page may list."""
    rows = session.execute(select(Consultation, Group).join(Group, Group.id == Consultation.group_id).where(
        Consultation.club_id == club_id, Consultation.outcome == APPROVED).order_by(Consultation.closed_at))
    return [Deliverable(g.number, g.title, c.title, c.link, c.closed_at) for c, g in rows]


def counts(session: Session, consultation: Consultation) -> dict[str, int]:
    return dict(session.execute(select(ConsultationResponse.choice, func.count()).where(
        ConsultationResponse.consultation_id == consultation.id).group_by(ConsultationResponse.choice)).all())


def announcement(session: Session, consultation: Consultation, group: Group) -> Reply:
    """The Club-channel message of a consultation, with its live tally; no buttons once closed."""
    _ = shared_translator()
    tally = counts(session, consultation)
    lines = [_("**Consultation n° {n} sur la diffusion d'un livrable du groupe {groupe}**", n=consultation.number,
               groupe=label(group)),
             f"• {user_text(consultation.title)} — {user_text(consultation.link)}"]
    if consultation.closed_at is None:
        lines.append(_("Avis des membres du Club jusqu'au {date} (heure de Paris) : Accord, Abstention ou Objection "
                       "motivée. Une objection motivée bloque la diffusion ; sans objection, un accord suffit.",
                       date=format_datetime(consultation.deadline, PARIS, "fr")))
    lines.append(_("Avis : {accord} accord(s), {abstention} abstention(s), {objection} objection(s)",
                   accord=tally.get(ACCORD, 0), abstention=tally.get(ABSTENTION, 0),
                   objection=tally.get(OBJECTION, 0)))
    if consultation.closed_at is not None:
        lines.append(outcome_label(_, consultation.outcome))
        return Reply("\n".join(lines), visibility=Visibility.CLUB, anchor=Anchor(KIND, consultation.id))
    value = str(consultation.id)
    buttons = [Button(_("Accord"), "diffusion.accord", value, "primary"),
               Button(_("Abstention"), "diffusion.abstention", value),
               Button(_("Objection"), "diffusion.objection", value, "danger")]
    return Reply("\n".join(lines), visibility=Visibility.CLUB, buttons=buttons, anchor=Anchor(KIND, consultation.id))


def outcome_label(_: Translator, outcome: str | None) -> str:
    if outcome == APPROVED:
        return _("Résultat : diffusion approuvée ✅")
    if outcome == BLOCKED:
        return _("Résultat : diffusion bloquée par une objection ⛔")
    return _("Résultat : sans avis, le livrable n'est pas diffusé")


# -- answering ----------------------------------------------------------------------------------
def respond(ctx: Context, consultation: Consultation, choice: str, reason: str = "") -> list[Reply]:
    """One answer per member, changeable until the deadline. The role is checked here too: a button or a
    form reaches this without the command's declared role."""
    _ = ctx._
    if not ctx.member.role_enum.at_least(Role.MEMBRE):
        raise UserError("La diffusion est décidée par les membres du Club : votre avis n'est pas demandé.")
    if consultation.closed_at is not None or consultation.deadline <= ctx.now:
        raise UserError("La consultation n° {n} est close.", n=consultation.number)
    reason = " ".join(reason.split())
    if choice == OBJECTION and not reason:
        raise UserError("Une objection doit être motivée : écrivez `/club diffusion objection {n} <raison>`.",
                        n=consultation.number)
    if len(reason) > MAX_REASON:
        raise UserError("Raison trop longue ({n} caractères, {max} au plus).", n=len(reason), max=MAX_REASON)
    query = select(ConsultationResponse).where(ConsultationResponse.consultation_id == consultation.id,
                                               ConsultationResponse.member_id == ctx.member.id)
    response = ctx.session.scalar(query)
    if response is None:
        try:
            with ctx.session.begin_nested():  # the same person's double click may have written it just now
                response = ConsultationResponse(consultation_id=consultation.id, member_id=ctx.member.id,
                                                choice=choice, reason=reason, responded_at=ctx.now)
                ctx.session.add(response)
        except IntegrityError:
            response = ctx.session.scalar(query)
    response.choice, response.reason, response.responded_at = choice, reason, ctx.now
    ctx.session.flush()
    names = {ACCORD: _("accord"), ABSTENTION: _("abstention"), OBJECTION: _("objection")}
    group = ctx.session.get(Group, consultation.group_id)
    live = announcement(ctx.session, consultation, group)
    live.update = True
    return [Reply(_("Avis enregistré pour la consultation n° {n} : {avis}. Vous pouvez le changer jusqu'à "
                    "l'échéance.", n=consultation.number, avis=names[choice])), live]


def _by_id(ctx: Context, value: str) -> Consultation:
    found = ctx.session.get(Consultation, parse_number(value)) if parse_number(value) else None
    if found is None or found.club_id != ctx.club.id:
        raise UserError("Cette consultation n'existe plus.")
    return found


@registry.on_action("diffusion.accord")
def clicked_agree(ctx: Context, value: str) -> list[Reply]:
    return respond(ctx, _by_id(ctx, value), ACCORD)


@registry.on_action("diffusion.abstention")
def clicked_abstain(ctx: Context, value: str) -> list[Reply]:
    return respond(ctx, _by_id(ctx, value), ABSTENTION)


@registry.on_action("diffusion.objection")
def clicked_object(ctx: Context, value: str) -> list[Reply]:
    """An objection needs its reason: a form where the platform has one, the text command elsewhere."""
    consultation = _by_id(ctx, value)
    if not ctx.member.role_enum.at_least(Role.MEMBRE):
        raise UserError("La diffusion est décidée par les membres du Club : votre avis n'est pas demandé.")
    _ = ctx._
    form = Form("objection", _("Objection motivée"), (
        FormField("raison", _("Pourquoi vous opposez-vous à cette diffusion ?"), multiline=True,
                  max_length=MAX_REASON),), submit=_("Objecter"), state=str(consultation.id))
    return [Reply(_("Une objection doit être motivée : écrivez `/club diffusion objection {n} <raison>`.",
                    n=consultation.number), form=form)]


@registry.on_form("objection")
def objection_submitted(ctx: Context, values: dict[str, str], state: str) -> list[Reply]:
    return respond(ctx, _by_id(ctx, state), OBJECTION, values.get("raison", ""))


# -- closing ------------------------------------------------------------------------------------
def close(session: Session, consultation: Consultation, now: datetime) -> list[tuple[str | None, Reply]]:
    """Decides the outcome once (a guarded UPDATE, so two bot processes never both announce it)."""
    tally = counts(session, consultation)
    if tally.get(OBJECTION):
        outcome = BLOCKED
    elif tally.get(ACCORD):
        outcome = APPROVED
    else:
        outcome = NO_OPINION
    done = session.execute(update(Consultation).where(Consultation.id == consultation.id,
                                                      Consultation.closed_at.is_(None))
                           .values(closed_at=now, outcome=outcome))
    if done.rowcount != 1:
        return []
    session.refresh(consultation)
    group = session.get(Group, consultation.group_id)
    _ = shared_translator()
    lines = [_("**Diffusion — consultation n° {n} close** : {titre} (groupe {groupe})", n=consultation.number,
               titre=user_text(consultation.title), groupe=label(group)), outcome_label(_, outcome)]
    lines.append(_("{accord} accord(s), {abstention} abstention(s), {objection} objection(s).",
                   accord=tally.get(ACCORD, 0), abstention=tally.get(ABSTENTION, 0),
                   objection=tally.get(OBJECTION, 0)))
    if outcome == BLOCKED:
        reasons = session.scalars(select(ConsultationResponse.reason).where(
            ConsultationResponse.consultation_id == consultation.id, ConsultationResponse.choice == OBJECTION)
            .order_by(ConsultationResponse.responded_at))
        lines += [f"• {user_text(reason)}" for reason in reasons]
        lines.append(_("Le groupe peut revoir le livrable et relancer une consultation."))
    elif outcome == APPROVED:
        lines.append(_("Le livrable peut être diffusé : {lien}", lien=user_text(consultation.link)))
    text = "\n".join(lines)
    live = announcement(session, consultation, group)
    live.update = True
    out: list[tuple[str | None, Reply]] = [(None, live), (None, Reply(text, visibility=Visibility.CLUB))]
    for channel in session.scalars(select(GroupChannel).where(GroupChannel.group_id == group.id)):
        out.append((channel.platform, Reply(text, visibility=Visibility.CHANNEL, channel=channel.channel_id)))
    return out


@registry.on_tick
def close_due(session: Session, now: datetime, _settings: ClubSettings) -> list[tuple[str | None, Reply]]:
    out: list[tuple[str | None, Reply]] = []
    for consultation in session.scalars(select(Consultation).where(
            Consultation.closed_at.is_(None), Consultation.deadline <= now).order_by(Consultation.deadline)):
        out.extend(close(session, consultation, now))
    return out
