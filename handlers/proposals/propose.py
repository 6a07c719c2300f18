"""`/club propose` and its form: a theme is numbered and posted in the Club channel, unless a close one
exists, in which case it waits as the author's draft until they confirm it."""

from __future__ import annotations

from sqlalchemy import delete

from handlers.context import Context
from handlers.core import Button, Reply, UserError
from handlers.i18n import N_
from handlers.proposals.call import SECTION
from handlers.proposals.common import (
    by_line,
    carrier_of,
    check_texts,
    close_proposals,
    club_tz,
    deadline_text,
    post,
    require_open_call,
)
from handlers.proposals.drafts import Draft, from_form, parse, proposal_form
from handlers.registry import on_action, on_form, verb
from handlers.text import user_text
from storage.models import Role
from storage.numbers import add_numbered
from storage.proposals import Proposal, ProposalCall, ProposalDraft, ProposalStatus

CONFIRM_ACTION = "proposal.confirm"


@verb("propose", "proposer", summary=N_("Proposer un thème pour l'année (pendant l'appel à contribution)."),
      usage=N_("`/club propose <titre> — <description>` : la description, après un tiret long « — » (ou « - » "
               "entouré d'espaces), est facultative. Le thème est porté à la rencontre de février par vous, ou "
               "par la personne indiquée avec `--porteur <nom>`. Sans texte, un formulaire s'ouvre. Si un thème "
               "proche existe déjà, le bot vous le signale : ajoutez `--confirmer` pour proposer quand même."),
      examples=("/club propose Accueil des publics vulnérables — partager nos pratiques d'accueil",
                "/club propose Santé mentale des jeunes --porteur @paul", "/club propose"),
      role=Role.MEMBRE, section=SECTION)
def propose(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    call = require_open_call(ctx)
    if not args.strip():
        return [Reply(_("Pour proposer un thème, écrivez : `/club propose <titre> — <description>` (ajoutez "
                        "`--porteur <nom>` si quelqu'un d'autre le portera à la rencontre de février). Exemple : "
                        "`/club propose Accueil des publics vulnérables — partager nos pratiques d'accueil`."),
                      form=proposal_form(ctx))]
    return submit(ctx, call, parse(args))


@on_form("proposal")
def propose_form(ctx: Context, values: dict[str, str], state: str) -> list[Reply]:
    call = require_open_call(ctx)
    return submit(ctx, call, from_form(values))


def submit(ctx: Context, call: ProposalCall, draft: Draft) -> list[Reply]:
    """Records and posts the proposal, or holds it back with a warning when a close one exists."""
    _ = ctx._
    description = draft.description or ""
    check_texts(draft.title, description)
    carrier_name, carrier_id = carrier_of(ctx, draft.carrier or "")
    if not draft.confirm:
        close = close_proposals(ctx.session, call, draft.title)
        if close:
            return [warn(ctx, close, draft.title, description, carrier_name, carrier_id)]
    proposal = create(ctx, call, draft.title, description, carrier_name, carrier_id)
    return [Reply(_("Proposition #{n} enregistrée et publiée dans le canal du Club. Vous pouvez la modifier "
                    "jusqu'au {date} : `/club modifier {n} <titre> — <description>` ; la retirer : "
                    "`/club retirer {n}`.", n=proposal.number,
                    date=deadline_text(call.closes_at, ctx.tz, ctx.lang))),
            post(proposal, club_tz(ctx))]


def warn(ctx: Context, close: list[Proposal], title: str, description: str, carrier_name: str | None,
         carrier_id: str | None) -> Reply:
    """Nothing is published: the proposal waits as the author's draft until they confirm it."""
    _ = ctx._
    ctx.session.execute(delete(ProposalDraft).where(ProposalDraft.club_id == ctx.club.id,
                                                    ProposalDraft.author_id == ctx.member.id))
    held = ProposalDraft(club_id=ctx.club.id, author_id=ctx.member.id, title=title, description=description,
                         carrier_name=carrier_name, carrier_user_id=carrier_id)
    ctx.session.add(held)
    ctx.session.flush()
    found = " ; ".join(f"#{p.number} « {user_text(p.title)} » ({by_line(p)})" for p in close)
    text = _("Une proposition proche existe déjà : {proches}. Rien n'est publié pour l'instant. Si votre thème "
             "est différent, cliquez « Proposer quand même » ou ajoutez `--confirmer` à votre commande ; sinon, "
             "soutenez la proposition existante en réagissant 👍 à son message.", proches=found)
    return Reply(text, buttons=[Button(_("Proposer quand même"), CONFIRM_ACTION, str(held.id), style="primary")])


@on_action(CONFIRM_ACTION)
def confirm(ctx: Context, value: str) -> list[Reply]:
    held = ctx.session.get(ProposalDraft, int(value)) if value.isdigit() else None
    if held is None or held.club_id != ctx.club.id:
        raise UserError("Cette proposition a déjà été publiée ou remplacée. `/club propositions` donne la liste.")
    if held.author_id != ctx.member.id:
        raise UserError("Seule la personne qui a fait cette proposition peut la confirmer.")
    call = require_open_call(ctx)
    check_texts(held.title, held.description)
    proposal = create(ctx, call, held.title, held.description, held.carrier_name, held.carrier_user_id)
    _ = ctx._
    return [Reply(_("Proposition #{n} enregistrée et publiée dans le canal du Club.", n=proposal.number)),
            post(proposal, club_tz(ctx))]


def create(ctx: Context, call: ProposalCall, title: str, description: str, carrier_name: str | None,
           carrier_id: str | None) -> Proposal:
    """The proposal, with the Club's next free number; the author's held-back draft is settled with it."""
    proposal = Proposal(club_id=ctx.club.id, call_id=call.id, author_id=ctx.member.id,
                        institution_id=ctx.member.institution_id, carrier_name=carrier_name,
                        carrier_user_id=carrier_id, title=title, description=description,
                        status=ProposalStatus.PROPOSED.value, created_at=ctx.now)
    add_numbered(ctx.session, proposal, Proposal.number)
    ctx.session.refresh(proposal)
    ctx.session.execute(delete(ProposalDraft).where(ProposalDraft.club_id == ctx.club.id,
                                                    ProposalDraft.author_id == ctx.member.id))
    return proposal
