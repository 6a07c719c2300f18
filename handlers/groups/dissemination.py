"""The collective dissemination decision: a group's referents consult the Club's members on a deliverable.

Consent style: each member answers Accord, Abstention or Objection; an objection must give its reason and
blocks the dissemination; with no objection, one agreement is enough. Only approved deliverables are public.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers import registry
from handlers.calendar.dates import parse_when
from handlers.context import Context
from handlers.core import Anchor, Button, Form, FormField, Reply, UserError, Visibility
from handlers.groups.rules import find_group, is_facilitator, is_referent, label, shared_translator
from handlers.i18n import N_, Translator, format_datetime
from handlers.text import fold, parse_number, user_text
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

SECTION = N_("Groupes de travail")
DEFAULT_DELAY = timedelta(days=14)
MAX_DELAY = timedelta(days=366)
MAX_REASON = 1000
_LINK = re.compile(r"(?<!\S)(https?://\S+)")
_UNTIL = re.compile(r"^(jusqu['’]?\s*(au|à)|avant\s+le|--fin|fin|until)\s+", re.I)
KIND = "consultation"
PARIS = "Europe/Paris"  # Club-wide posts show deadlines in Paris time, as the rencontres
EXAMPLE = "/club diffusion 1 Guide de l'accueil https://exemple.fr/guide jusqu'au 20 novembre à 18h"


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


# -- opening ------------------------------------------------------------------------------------
def open_consultation(ctx: Context, group: Group, rest: str) -> list[Reply]:
    if not is_referent(ctx.session, group, ctx.member):
        raise UserError("Seul·es les référent·es du groupe {groupe} ouvrent une consultation sur la diffusion.",
                        groupe=label(group))
    found = _LINK.search(rest)
    title = " ".join(rest[:found.start()].split()) if found else ""
    if not found or not title:
        raise UserError("Indiquez le titre puis le lien du livrable, et si besoin l'échéance : `{exemple}`.",
                        exemple=EXAMPLE)
    after = _UNTIL.sub("", rest[found.end():].strip())
    deadline = parse_when(after, ctx.tz, ctx.now) if after else ctx.now + DEFAULT_DELAY
    if deadline > ctx.now + MAX_DELAY:
        raise UserError("Échéance comprise : {date}, à plus d'un an. Écrivez-la ainsi : « jusqu'au 20 novembre "
                        "à 18h » ou « dans 15 jours ».", date=format_datetime(deadline, ctx.tz, ctx.lang))
    number = (ctx.session.scalar(select(func.max(Consultation.number)).where(
        Consultation.club_id == ctx.club.id)) or 0) + 1
    consultation = Consultation(club_id=ctx.club.id, number=number, group_id=group.id, title=title[:200],
                                link=found.group(1)[:500], deadline=deadline, opened_by_id=ctx.member.id,
                                created_at=ctx.now)
    ctx.session.add(consultation)
    ctx.session.flush()
    text = ctx._("Consultation n° {n} ouverte jusqu'au {date} ; elle est publiée dans le salon du Club.",
                 n=number, date=format_datetime(deadline, ctx.tz, ctx.lang))
    return [Reply(text), announcement(ctx.session, consultation, group)]


# -- answering ----------------------------------------------------------------------------------
def find_consultation(ctx: Context, token: str) -> Consultation:
    number = parse_number(token) if token else None
    found = None if number is None else ctx.session.scalar(select(Consultation).where(
        Consultation.club_id == ctx.club.id, Consultation.number == number))
    if found is None:
        raise UserError("Consultation inconnue. Écrivez son numéro, par exemple `/club diffusion accord 1` ; "
                        "`/club diffusion` les liste.")
    return found


def respond(ctx: Context, consultation: Consultation, choice: str, reason: str = "") -> list[Reply]:
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
def close_due(session: Session, now: datetime) -> list[tuple[str | None, Reply]]:
    out: list[tuple[str | None, Reply]] = []
    for consultation in session.scalars(select(Consultation).where(
            Consultation.closed_at.is_(None), Consultation.deadline <= now).order_by(Consultation.deadline)):
        out.extend(close(session, consultation, now))
    return out


def close_now(ctx: Context, token: str) -> list[Reply]:
    if not is_facilitator(ctx.member):
        raise UserError("Clore une consultation avant l'échéance est réservé à l'équipe d'animation.")
    consultation = find_consultation(ctx, token)
    if consultation.closed_at is not None:
        raise UserError("La consultation n° {n} est déjà close.", n=consultation.number)
    out = close(ctx.session, consultation, ctx.now)
    replies = [reply for platform, reply in out if platform in (None, ctx.platform)]
    return [Reply(ctx._("Consultation n° {n} close.", n=consultation.number)), *replies]


# -- the verb -----------------------------------------------------------------------------------
def listing(ctx: Context) -> list[Reply]:
    _ = ctx._
    lines = [_("**Diffusion des livrables**")]
    opened = ctx.session.scalars(select(Consultation).where(Consultation.club_id == ctx.club.id,
                                                            Consultation.closed_at.is_(None))
                                 .order_by(Consultation.deadline)).all()
    for c in opened:
        lines.append(_("• Consultation n° {n} : {titre} — avis jusqu'au {date} (`/club diffusion accord {n}`)",
                       n=c.number, titre=user_text(c.title), date=format_datetime(c.deadline, ctx.tz, ctx.lang)))
    approved = approved_deliverables(ctx.session, ctx.club.id)
    lines.append(_("Livrables dont la diffusion est approuvée :") if approved
                 else _("Aucun livrable approuvé pour l'instant."))
    lines += [f"• #{d.group_number} {user_text(d.group_title)} — {user_text(d.title)} : {user_text(d.link)}"
              for d in approved]
    return [Reply("\n".join(lines))]


@registry.verb("diffusion", "publish", section=SECTION,
               summary=N_("Consulter les membres du Club avant de diffuser un livrable d'un groupe."),
               usage=N_("`/club diffusion <n> <titre> <lien> [jusqu'au <date>]` (référent·es ; 14 jours par "
                        "défaut) · `/club diffusion accord|abstention <consultation>` · `/club diffusion objection "
                        "<consultation> <raison>` · `/club diffusion cloturer <consultation>` (animation) · "
                        "`/club diffusion` : consultations en cours et livrables approuvés."),
               examples=(EXAMPLE, "/club diffusion objection 1 données nominatives à retirer"))
def diffusion(ctx: Context, args: str) -> list[Reply]:
    head, _sep, rest = args.strip().partition(" ")
    word = fold(head)
    if not head:
        return listing(ctx)
    if word in ("accord", "agree", "abstention", "abstain"):
        choice = ACCORD if word in ("accord", "agree") else ABSTENTION
        return respond(ctx, find_consultation(ctx, rest.strip()), choice)
    if word in ("objection", "object"):
        token, _sep, reason = rest.strip().partition(" ")
        return respond(ctx, find_consultation(ctx, token), OBJECTION, reason)
    if word in ("cloturer", "clore", "close"):
        return close_now(ctx, rest.strip())
    return open_consultation(ctx, find_group(ctx, head, EXAMPLE), rest)
