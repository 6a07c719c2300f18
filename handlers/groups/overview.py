"""The facilitators' overview of the working groups: who leads, who takes part, sessions, notes, dissemination."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.context import Context
from handlers.core import Reply
from handlers.groups.rules import MIN_REFERENTS, all_groups, group_sessions, label, names, referent_ids
from handlers.i18n import format_datetime
from storage.groups import (
    APPROVED,
    CONTINU,
    Consultation,
    DecisionNote,
    GroupGuest,
    GroupMembership,
)


def overview(ctx: Context) -> list[Reply]:
    """`/club groupes bilan`, for the facilitators: counts only, so it stays safe to show in a meeting."""
    _ = ctx._
    session = ctx.session
    groups = all_groups(ctx)
    if not groups:
        return [Reply(_("Aucun groupe de travail pour l'instant."))]
    lines = [_("**Bilan des groupes de travail**")]
    for group in groups:
        refs = names(session, referent_ids(session, group))
        modes = dict(session.execute(select(GroupMembership.mode, func.count()).where(
            GroupMembership.group_id == group.id).group_by(GroupMembership.mode)).all())
        guests = session.scalar(select(func.count()).select_from(GroupGuest).where(GroupGuest.group_id == group.id))
        notes = dict(session.execute(select(DecisionNote.confidential, func.count()).where(
            DecisionNote.group_id == group.id).group_by(DecisionNote.confidential)).all())
        last = session.scalar(select(func.max(DecisionNote.created_at)).where(DecisionNote.group_id == group.id))
        consultations = session.scalars(select(Consultation).where(Consultation.group_id == group.id)).all()
        sessions = group_sessions(session, group, ctx.now)
        held = sum(1 for s in sessions if s.starts_at <= ctx.now)
        lines.append("")
        lines.append(f"**{label(group)}**")
        warning = " ⚠️ " + _("à compléter (2 ou 3)") if len(refs) < MIN_REFERENTS else ""
        lines.append(_("• Référent·es : {noms}", noms=", ".join(refs) or _("à désigner")) + warning)
        lines.append(_("• Membres : {continu} en continu, {ponctuel} ponctuel·les ; invité·es : {invites}",
                       continu=modes.get(CONTINU, 0), ponctuel=sum(modes.values()) - modes.get(CONTINU, 0),
                       invites=guests))
        lines.append(_("• Séances : {tenues} tenue(s), {a_venir} à venir", tenues=held, a_venir=len(sessions) - held)
                     if sessions else _("• Séances : pas encore au calendrier"))
        line = _("• Relevés : {public} public(s), {confidentiel} confidentiel(s)",
                 public=notes.get(False, 0), confidentiel=notes.get(True, 0))
        if last:
            line += _(" — dernier le {date}", date=format_datetime(last, ctx.tz, ctx.lang, "d MMMM y"))
        lines.append(line)
        if consultations:
            open_ = sum(1 for c in consultations if c.closed_at is None)
            approved = sum(1 for c in consultations if c.outcome == APPROVED)
            lines.append(_("• Diffusion : {ouvertes} consultation(s) en cours, {approuvees} livrable(s) "
                           "approuvé(s) sur {total}", ouvertes=open_, approuvees=approved, total=len(consultations)))
    return [Reply("\n".join(lines))]
