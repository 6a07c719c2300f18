"""`/club propose`, its form and its near-duplicate check; `modifier`, `retirer`, `propositions`."""

from __future__ import annotations

import re

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from handlers.context import Context
from handlers.core import Button, Form, FormField, Reply, UserError
from handlers.i18n import N_
from handlers.polls.votes import approvals
from handlers.proposals.call import SECTION
from handlers.proposals.common import (
    KIND,
    MAX_CARRIER,
    MAX_DESCRIPTION,
    MAX_TITLE,
    by_line,
    carrier_of,
    check_texts,
    clean_block,
    clean_line,
    close_proposals,
    club_tz,
    deadline_text,
    latest_call,
    post,
    proposal_by_number,
    refresh,
    require_open_call,
)
from handlers.registry import on_action, on_form, verb
from handlers.text import user_text
from storage.models import Role
from storage.proposals import Proposal, ProposalCall, ProposalDraft, ProposalStatus

CONFIRM_ACTION = "proposal.confirm"
_SEPARATOR = re.compile(r"\s*[—–]\s*|\s+-\s+|\s*\n\s*")
_CARRIER_FLAG = re.compile(r"(?:^|\s)--(?:porteur|porteuse|carrier)(?:\s+|=|$)(.*?)(?=\s--[a-z]|$)", re.S | re.I)
_CONFIRM_FLAG = re.compile(r"(?:^|\s)--(?:confirmer|confirm)(?=\s|$)", re.I)


class Draft:
    """What someone asked to propose or edit, read from the text form or from the modal."""

    def __init__(self, title: str, description: str | None, carrier: str | None, confirm: bool = False):
        self.title = title
        self.description = description  # None: not given (an edit keeps the current one)
        self.carrier = carrier  # None: not given
        self.confirm = confirm


def parse(text: str) -> Draft:
    """'<titre> — <description> [--porteur <nom>] [--confirmer]'."""
    carrier = None
    match = _CARRIER_FLAG.search(text)
    if match:
        carrier = match.group(1).strip()
        if not carrier:
            raise UserError("Après `--porteur`, indiquez qui portera le thème en février : "
                            "`--porteur Paul Martin` ou `--porteur @paul`.")
        text = text[:match.start()] + " " + text[match.end():]
    confirm = bool(_CONFIRM_FLAG.search(text))
    text = _CONFIRM_FLAG.sub(" ", text).strip()
    parts = _SEPARATOR.split(text, maxsplit=1)
    title = clean_line(parts[0])
    description = clean_block(parts[1]) if len(parts) > 1 else None
    return Draft(title, description, carrier, confirm)


def proposal_form(ctx: Context, form_id: str = "proposal", state: str = "", proposal: Proposal | None = None,
                  ) -> Form:
    _ = ctx._
    carrier = proposal.carrier_name or "" if proposal else ""
    return Form(form_id, _("Proposer un thème") if proposal is None else _("Modifier #{n}", n=proposal.number),
                fields=(
                    FormField("titre", _("Titre du thème"), max_length=MAX_TITLE,
                              initial=proposal.title if proposal else ""),
                    FormField("description", _("Description (enjeux, pourquoi ce thème)"), multiline=True,
                              optional=True, max_length=MAX_DESCRIPTION,
                              initial=proposal.description if proposal else ""),
                    FormField("porteur", _("Porteur·se à la rencontre de février (vous par défaut)"),
                              optional=True, max_length=MAX_CARRIER, initial=carrier),
                ),
                submit=_("Proposer") if proposal is None else _("Enregistrer"), state=state)


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
    draft = Draft(clean_line(values.get("titre", "")), clean_block(values.get("description", "")),
                  values.get("porteur", ""))
    return submit(ctx, call, draft)


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
    """The next number of the Club; two proposals racing for it on PostgreSQL retry with the next one."""
    for _attempt in range(5):
        number = (ctx.session.scalar(select(func.max(Proposal.number)).where(
            Proposal.club_id == ctx.club.id)) or 0) + 1
        proposal = Proposal(club_id=ctx.club.id, call_id=call.id, number=number, author_id=ctx.member.id,
                            institution_id=ctx.member.institution_id, carrier_name=carrier_name,
                            carrier_user_id=carrier_id, title=title, description=description,
                            status=ProposalStatus.PROPOSED.value, created_at=ctx.now)
        try:
            with ctx.session.begin_nested():
                ctx.session.add(proposal)
        except IntegrityError:
            continue
        ctx.session.refresh(proposal)
        # A proposal held back by a warning is settled once its author proposes.
        ctx.session.execute(delete(ProposalDraft).where(ProposalDraft.club_id == ctx.club.id,
                                                        ProposalDraft.author_id == ctx.member.id))
        return proposal
    raise RuntimeError("no free proposal number after 5 attempts")


# -- edit, withdraw, list ----------------------------------------------------------------------
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
    proposal = _editable(ctx, state)
    draft = Draft(clean_line(values.get("titre", "")), clean_block(values.get("description", "")),
                  values.get("porteur", ""))
    return apply_edit(ctx, proposal, draft)


def _editable(ctx: Context, token: str) -> Proposal:
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


def status_label(ctx: Context, proposal: Proposal) -> str:
    _ = ctx._
    return {
        ProposalStatus.PROPOSED.value: _("proposée"),
        ProposalStatus.WITHDRAWN.value: _("retirée"),
        ProposalStatus.RETAINED.value: _("retenue"),
        ProposalStatus.NOT_RETAINED.value: _("non retenue"),
    }[proposal.status]


@verb("propositions", "proposals", summary=N_("Les propositions de l'appel en cours : numéro, titre, auteur·e, "
                                              "institution, porteur·se."),
      usage=N_("`/club propositions` liste les propositions du dernier appel à contribution."),
      examples=("/club propositions",), section=SECTION)
def proposals(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    call = latest_call(ctx.session, ctx.club.id)
    if call is None:
        raise UserError("Aucun appel à contribution pour l'instant : `/club appel` donne les dates du prochain.")
    rows = ctx.session.scalars(select(Proposal).where(Proposal.call_id == call.id)
                               .order_by(Proposal.number)).all()
    active = [p for p in rows if p.status != ProposalStatus.WITHDRAWN.value]
    if call.is_open(ctx.now):
        state = _("ouvert jusqu'au {date}", date=deadline_text(call.closes_at, ctx.tz, ctx.lang))
    elif call.decided_at is not None:
        state = _("thèmes choisis")
    else:
        state = _("clos")
    lines = [_("**Appel à contribution {annee}** — {etat} · {n} proposition(s)", annee=call.year, etat=state,
               n=len(active))]
    if not rows:
        lines.append(_("Aucune proposition pour l'instant : `/club propose <titre> — <description>`."))
    for p in rows:
        line = _("• **#{n}** {titre} — {auteur}, portée par {porteur}", n=p.number, titre=user_text(p.title),
                 auteur=by_line(p), porteur=user_text(p.carrier))
        if p.status != ProposalStatus.WITHDRAWN.value:
            line += " · 👍 " + str(approvals(ctx.session, KIND, p.id))
        if p.status != ProposalStatus.PROPOSED.value:
            line += f" — _{status_label(ctx, p)}_"
        lines.append(line)
    if active:
        lines.append(_("👍 : les membres qui soutiennent le thème (réagissez 👍 à sa publication)."))
    return [Reply("\n".join(lines))]
