"""`/club propositions`: the latest call's proposals at a glance (number, title, author, carrier, 👍,
state), and the words that name a proposal's state wherever one is shown."""

from __future__ import annotations

from sqlalchemy import select

from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.i18n import N_
from handlers.polls.votes import approvals
from handlers.proposals.call import SECTION
from handlers.proposals.common import KIND, by_line, deadline_text, latest_call
from handlers.registry import verb
from handlers.text import user_text
from storage.proposals import Proposal, ProposalStatus


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
