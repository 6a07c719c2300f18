"""`/club modifier` and `/club retirer`: a proposal changes or is withdrawn while it is still in play; its
message in the Club channel is edited in place, so its 👍 stay."""

from __future__ import annotations

from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.i18n import N_
from handlers.proposals.call import SECTION
from handlers.proposals.common import (
    carrier_of,
    check_texts,
    club_tz,
    latest_call,
    proposal_by_number,
    refresh,
)
from handlers.proposals.drafts import Draft, from_form, parse, proposal_form
from handlers.proposals.summary import status_label
from handlers.registry import on_form, verb
from handlers.text import user_text
from storage.models import Role
from storage.proposals import Proposal, ProposalStatus


@verb("modifier", "edit", summary=N_("Modifier ma proposition tant que l'appel est ouvert (les votes restent)."),
      usage=N_("`/club modifier <n> <titre> — <description>` remplace le titre et la description ; "
               "`/club modifier <n> — <description>` ne change que la description ; `--porteur <nom>` change "
               "qui portera le thème en février. `/club modifier <n>` seul ouvre un formulaire."),
      examples=("/club modifier 12 Accueil des publics vulnérables — avec les CCAS",
                "/club modifier 12 --porteur Paul Martin"),
      role=Role.MEMBRE, section=SECTION)
def edit(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    token, _sep, rest = args.strip().partition(" ")
    proposal = _editable(ctx, token)
    if not rest.strip():
        return [Reply(_("Pour modifier la proposition #{n}, écrivez : `/club modifier {n} <titre> — "
                        "<description>`.", n=proposal.number),
                      form=proposal_form(ctx, "proposal-edit", str(proposal.number), proposal))]
    return apply_edit(ctx, proposal, parse(rest))


@on_form("proposal-edit")
def edit_form(ctx: Context, values: dict[str, str], state: str) -> list[Reply]:
    return apply_edit(ctx, _editable(ctx, state), from_form(values))


def _editable(ctx: Context, token: str) -> Proposal:
    """The proposal numbered `token`, if its author asks while its call is still open."""
    proposal = proposal_by_number(ctx, token, "/club modifier 12 <titre> — <description>")
    if proposal.author_id != ctx.member.id:
        raise UserError("La proposition #{n} a été faite par {auteur} : seule son auteur·e peut la modifier.",
                        n=proposal.number, auteur=user_text(proposal.author.display_name))
    if proposal.status != ProposalStatus.PROPOSED.value:
        raise UserError("La proposition #{n} ne peut plus être modifiée (elle est {etat}).", n=proposal.number,
                        etat=status_label(ctx, proposal))
    call = latest_call(ctx.session, ctx.club.id)
    if call is None or call.id != proposal.call_id or not call.is_open(ctx.now):
        raise UserError("L'appel à contribution est clos : la proposition #{n} ne peut plus être modifiée. "
                        "Pour signaler une difficulté : `/club difficulte {n} <message>`.", n=proposal.number)
    return proposal


def apply_edit(ctx: Context, proposal: Proposal, draft: Draft) -> list[Reply]:
    _ = ctx._
    title = draft.title or proposal.title
    description = proposal.description if draft.description is None else draft.description
    if not draft.title and draft.description is None and draft.carrier is None:
        raise UserError("Rien à modifier. Écrivez : `/club modifier {n} <titre> — <description>`.",
                        n=proposal.number)
    check_texts(title, description)
    if draft.carrier is not None:
        proposal.carrier_name, proposal.carrier_user_id = carrier_of(ctx, draft.carrier)
    proposal.title, proposal.description, proposal.updated_at = title, description, ctx.now
    ctx.session.flush()
    return [Reply(_("Proposition #{n} modifiée ; son message dans le canal du Club est à jour et ses votes sont "
                    "conservés.", n=proposal.number)),
            refresh(proposal, club_tz(ctx))]


@verb("retirer", "withdraw", summary=N_("Retirer une proposition (son auteur·e, ou un·e facilitateur·trice)."),
      usage=N_("`/club retirer <n>` : la proposition reste visible, marquée « retirée »."),
      examples=("/club retirer 12",), role=Role.MEMBRE, section=SECTION)
def withdraw(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    proposal = proposal_by_number(ctx, args.split()[0] if args.split() else "", "/club retirer 12")
    if proposal.author_id != ctx.member.id and not ctx.member.role_enum.at_least(Role.FACILITATEUR):
        raise UserError("La proposition #{n} a été faite par {auteur} : seule son auteur·e ou un·e "
                        "facilitateur·trice peut la retirer.", n=proposal.number,
                        auteur=user_text(proposal.author.display_name))
    if proposal.status != ProposalStatus.PROPOSED.value:
        raise UserError("La proposition #{n} ne peut plus être retirée (elle est {etat}). Pour une difficulté "
                        "avec ce thème : `/club difficulte {n} <message>`.", n=proposal.number,
                        etat=status_label(ctx, proposal))
    proposal.status, proposal.withdrawn_at = ProposalStatus.WITHDRAWN.value, ctx.now
    ctx.session.flush()
    return [Reply(_("Proposition #{n} retirée ; son message dans le canal du Club l'indique.", n=proposal.number)),
            refresh(proposal, club_tz(ctx))]
