"""What the Club decides about themes: `retenir` (the rencontre's choice) and `difficulte`."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from handlers.context import Context
from handlers.core import Anchor, Reply, UserError, Visibility
from handlers.events import PollRequested, ThemesRetained
from handlers.i18n import N_, format_datetime
from handlers.proposals.call import SECTION
from handlers.proposals.common import (
    DAY,
    MAX_DESCRIPTION,
    by_line,
    clean_block,
    club_translator,
    club_tz,
    proposal_by_number,
    refresh,
)
from handlers.proposals.summary import status_label
from handlers.registry import verb
from handlers.text import parse_number, user_text
from storage.models import Role
from storage.proposals import CallStatus, Difficulty, Proposal, ProposalStatus

DIFFICULTY_KIND = "difficulty"
# keep / compromise / drop: a single-choice poll of the Club's members, open a week
DIFFICULTY_CHOICES = (N_("Garder le thème tel quel"), N_("Chercher un compromis"), N_("Abandonner le thème"))
DECISION_QUESTION = N_("Thème #{n} · {titre} : que décide le Club ?")
DECISION_TIME = timedelta(days=7)
MAX_QUESTION = 200


@verb("retenir", "retain", summary=N_("Enregistrer les thèmes choisis à la rencontre (facilitateurs) ; ils "
                                      "deviennent des groupes de travail."),
      usage=N_("`/club retenir <n> <n>…` : les propositions citées sont retenues, les autres propositions du "
               "même appel ne le sont pas. Plus tard, `/club retenir <n>` ajoute un thème non retenu."),
      examples=("/club retenir 3 7 12",), role=Role.FACILITATEUR, section=SECTION)
def retain(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    tokens = [t for t in re.split(r"[\s,;]+", args.strip()) if t]
    if not tokens or any(parse_number(t) is None for t in tokens):
        raise UserError("Indiquez les numéros des thèmes retenus, séparés par des espaces : "
                        "`/club retenir 3 7 12`.")
    chosen: list[Proposal] = []
    for token in tokens:
        proposal = proposal_by_number(ctx, token, "/club retenir 3 7 12")
        if proposal not in chosen:
            chosen.append(proposal)
    call = chosen[0].call
    if any(p.call_id != call.id for p in chosen):
        raise UserError("Ces propositions viennent d'appels différents : retenez les thèmes d'un appel à la fois.")
    for proposal in chosen:
        if proposal.status in (ProposalStatus.WITHDRAWN.value, ProposalStatus.RETAINED.value):
            raise UserError("La proposition #{n} est {etat} : elle ne peut pas être retenue. Rien n'a été "
                            "enregistré.", n=proposal.number, etat=status_label(ctx, proposal))
    for proposal in chosen:
        proposal.status, proposal.decided_at = ProposalStatus.RETAINED.value, ctx.now
    others = ctx.session.scalars(select(Proposal).where(
        Proposal.call_id == call.id, Proposal.status == ProposalStatus.PROPOSED.value)
        .order_by(Proposal.number)).all()
    for proposal in others:
        proposal.status, proposal.decided_at = ProposalStatus.NOT_RETAINED.value, ctx.now
    if call.status == CallStatus.OPEN.value:
        call.status, call.closed_at = CallStatus.CLOSED.value, ctx.now
    first_choice = call.decided_at is None
    call.decided_at = call.decided_at or ctx.now
    ctx.session.flush()

    tz = club_tz(ctx)
    replies = [Reply(_("{n} thème(s) retenu(s) et {m} non retenu(s) : le résultat est publié dans le canal du "
                       "Club, et les groupes de travail vont être créés.", n=len(chosen), m=len(others))),
               Reply(outcome(call.year, chosen, others, first_choice, ctx.now, tz), visibility=Visibility.CLUB)]
    replies += [refresh(p, tz) for p in chosen + list(others)]
    replies += ctx.emit(ThemesRetained(themes=tuple((p.id, p.title, p.description) for p in chosen)))
    return replies


def outcome(year: int, chosen: list[Proposal], others: list[Proposal], first: bool, now, tz: str) -> str:
    _ = club_translator()
    if first:
        lines = [_("🗳️ **Thèmes retenus pour {annee}**, choisis ensemble à la rencontre du {date} :",
                   annee=year, date=format_datetime(now, tz, "fr", DAY))]
    else:
        lines = [_("🗳️ **Thème(s) ajouté(s) aux thèmes {annee}** :", annee=year)]
    for p in chosen:
        if p.carrier_name:
            lines.append(_("• **#{n} {titre}** — porté par {porteur}, proposé par {auteur}", n=p.number,
                           titre=user_text(p.title), porteur=user_text(p.carrier), auteur=by_line(p)))
        else:
            lines.append(_("• **#{n} {titre}** — porté par {auteur}", n=p.number, titre=user_text(p.title),
                           auteur=by_line(p)))
    if others:
        lines.append(_("Non retenus : {liste}.", liste=", ".join(f"#{p.number} {user_text(p.title)}"
                                                                 for p in others)))
    lines.append(_("Merci à toutes et à tous pour vos propositions. Chaque thème retenu devient un groupe de "
                   "travail : `/club groupes`."))
    return "\n".join(lines)


@verb("difficulte", "difficulté", "concern",
      summary=N_("Signaler au Club une difficulté avec un thème ; le Club décide ensemble."),
      usage=N_("`/club difficulte <n> <message>` : contraintes de calendrier, techniques ou politiques… Le "
               "message est publié dans le canal du Club, qui décide ensemble : garder le thème, chercher un "
               "compromis ou l'abandonner."),
      examples=("/club difficulte 12 Notre direction ne pourra pas s'engager avant septembre",),
      role=Role.MEMBRE, section=SECTION)
def difficulty(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    token, _sep, rest = args.strip().partition(" ")
    example = "/club difficulte 12 Notre direction ne pourra pas s'engager avant septembre"
    proposal = proposal_by_number(ctx, token, example)
    message = clean_block(rest)
    if not message:
        raise UserError("Décrivez la difficulté après le numéro : `{exemple}`.", exemple=example)
    if len(message) > MAX_DESCRIPTION:
        raise UserError("Message trop long ({n} caractères, {max} au plus).", n=len(message), max=MAX_DESCRIPTION)
    if proposal.status == ProposalStatus.WITHDRAWN.value:
        raise UserError("La proposition #{n} a été retirée : il n'y a plus rien à décider.", n=proposal.number)
    raised = Difficulty(club_id=ctx.club.id, proposal_id=proposal.id, author_id=ctx.member.id, message=message,
                        created_at=ctx.now)
    ctx.session.add(raised)
    ctx.session.flush()
    shared = club_translator()
    decision = ctx.emit(PollRequested(
        question=shared(DECISION_QUESTION, n=proposal.number, titre=proposal.title)[:MAX_QUESTION],
        options=tuple(shared(choice) for choice in DIFFICULTY_CHOICES), kind="single",
        closes_at=ctx.now + DECISION_TIME))
    return [Reply(_("Difficulté publiée dans le canal du Club ; le Club va décider ensemble de la suite du thème "
                    "#{n}.", n=proposal.number)),
            Reply(difficulty_text(raised, ctx), visibility=Visibility.CLUB, anchor=Anchor(DIFFICULTY_KIND, raised.id)),
            *decision]


def difficulty_text(raised: Difficulty, ctx: Context) -> str:
    _ = club_translator()
    proposal = raised.proposal
    member = ctx.member
    who = user_text(member.display_name)
    if member.institution is not None:
        who += f" ({user_text(member.institution.name)})"
    return "\n".join([
        _("⚠️ **Difficulté avec le thème #{n} · {titre}**, signalée par {qui} :", n=proposal.number,
          titre=user_text(proposal.title), qui=who),
        f"« {user_text(raised.message)} »",
        _("Le Club décide ensemble : votez dans le sondage qui suit (une seule réponse, une semaine pour "
          "voter)."),
    ])
