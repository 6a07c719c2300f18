"""`/club diffusion` and its subcommands: a group's referents open a consultation on a deliverable, the
Club's members answer it (`accord`, `abstention`, `objection`), the facilitators may close it early, and
anyone lists what is open and what was approved. The rule itself: `handlers.groups.dissemination`."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from handlers import registry
from handlers.calendar.dates import parse_when
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.groups.dissemination import announcement, approved_deliverables, close, respond
from handlers.groups.rules import find_group, is_referent, label
from handlers.i18n import N_, format_datetime
from handlers.text import parse_number, user_text
from storage.groups import ABSTENTION, ACCORD, OBJECTION, Consultation, Group
from storage.models import Role
from storage.numbers import add_numbered

SECTION = N_("Groupes de travail")
DEFAULT_DELAY = timedelta(days=14)
MAX_DELAY = timedelta(days=366)
_LINK = re.compile(r"(?<!\S)(https?://\S+)")
_UNTIL = re.compile(r"^(jusqu['’]?\s*(au|à)|avant\s+le|--fin|fin|until)\s+", re.I)
EXAMPLE = "/club diffusion 1 Guide de l'accueil https://exemple.fr/guide jusqu'au 20 novembre à 18h"


@registry.verb("diffusion", "publish", section=SECTION,
               summary=N_("Consulter les membres du Club avant de diffuser un livrable d'un groupe."),
               usage=N_("`/club diffusion <n> <titre> <lien> [jusqu'au <date>]` : les référent·es du groupe n "
                        "ouvrent une consultation des membres du Club (14 jours par défaut), publiée dans le salon "
                        "du Club avec les boutons Accord, Abstention et Objection. `/club diffusion` : les "
                        "consultations en cours et les livrables approuvés."),
               examples=(EXAMPLE, "/club diffusion"))
def diffusion(ctx: Context, args: str) -> list[Reply]:
    head, _sep, rest = args.strip().partition(" ")
    if not head:
        return listing(ctx)
    if parse_number(head) is None:
        typo = registry.unknown_subverb(ctx.registry.verbs["diffusion"], head)
        if "proche" in typo.params:  # a subcommand mistyped; otherwise the group's number is what is missing
            raise typo
    return open_consultation(ctx, find_group(ctx, head, EXAMPLE), rest)


@registry.subverb("diffusion", "accord", "agree", role=Role.MEMBRE,
                  summary=N_("Donner son accord à la diffusion d'un livrable."),
                  usage=N_("`/club diffusion accord <consultation>`, ou le bouton « Accord » de l'annonce ; votre "
                           "avis se change jusqu'à l'échéance."),
                  examples=("/club diffusion accord 1",))
def agree(ctx: Context, args: str) -> list[Reply]:
    return opened_under_title(ctx, "Accord", args) or respond(ctx, find_consultation(ctx, args.strip()), ACCORD)


@registry.subverb("diffusion", "abstention", "abstain", role=Role.MEMBRE,
                  summary=N_("S'abstenir sur la diffusion d'un livrable."),
                  usage=N_("`/club diffusion abstention <consultation>`, ou le bouton « Abstention » de l'annonce ; "
                           "une abstention ne compte ni pour ni contre."),
                  examples=("/club diffusion abstention 1",))
def abstain(ctx: Context, args: str) -> list[Reply]:
    return opened_under_title(ctx, "Abstention", args) \
        or respond(ctx, find_consultation(ctx, args.strip()), ABSTENTION)


@registry.subverb("diffusion", "objection", "object", role=Role.MEMBRE,
                  summary=N_("S'opposer à la diffusion d'un livrable, en donnant sa raison."),
                  usage=N_("`/club diffusion objection <consultation> <raison>` : la raison est obligatoire ; une "
                           "objection motivée bloque la diffusion. Sur Slack, le bouton « Objection » ouvre un "
                           "formulaire."),
                  examples=("/club diffusion objection 1 données nominatives à retirer",))
def object_(ctx: Context, args: str) -> list[Reply]:
    token, _sep, reason = args.strip().partition(" ")
    return respond(ctx, find_consultation(ctx, token), OBJECTION, reason)


@registry.subverb("diffusion", "cloturer", "clore", "close", role=Role.FACILITATEUR,
                  summary=N_("Clore une consultation avant son échéance."),
                  usage=N_("`/club diffusion cloturer <consultation>` : le résultat est décidé et publié tout de "
                           "suite, comme à l'échéance."),
                  examples=("/club diffusion cloturer 1",))
def close_now(ctx: Context, args: str) -> list[Reply]:
    consultation = find_consultation(ctx, args.strip())
    if consultation.closed_at is not None:
        raise UserError("La consultation n° {n} est déjà close.", n=consultation.number)
    out = close(ctx.session, consultation, ctx.now)
    replies = [reply for platform, reply in out if platform in (None, ctx.platform)]
    return [Reply(ctx._("Consultation n° {n} close.", n=consultation.number)), *replies]


# -- opening ------------------------------------------------------------------------------------
def open_consultation(ctx: Context, group: Group, rest: str) -> list[Reply]:
    """`<titre> <lien> [jusqu'au <date>]`, by the group's referents; the next free consultation number."""
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
    consultation = Consultation(club_id=ctx.club.id, group_id=group.id, title=title[:200],
                                link=found.group(1)[:500], deadline=deadline, opened_by_id=ctx.member.id,
                                created_at=ctx.now)
    add_numbered(ctx.session, consultation, Consultation.number)
    text = ctx._("Consultation n° {n} ouverte jusqu'au {date} ; elle est publiée dans le salon du Club.",
                 n=consultation.number, date=format_datetime(deadline, ctx.tz, ctx.lang))
    return [Reply(text), announcement(ctx.session, consultation, group)]


def opened_under_title(ctx: Context, word: str, args: str) -> list[Reply] | None:
    """`/club diffusion 1 Accord de partenariat https://…` reaches `accord` as "1 de partenariat https://…"
    (the Service looks for a subcommand after an object's number): a consultation number followed by a link
    is that deliverable's opening, under a title beginning with `word`. None for a plain answer."""
    token, _sep, rest = args.strip().partition(" ")
    if parse_number(token) is None or not _LINK.search(rest):
        return None
    return open_consultation(ctx, find_group(ctx, token, EXAMPLE), f"{word} {rest}")


# -- answering and listing ----------------------------------------------------------------------
def find_consultation(ctx: Context, token: str) -> Consultation:
    number = parse_number(token) if token else None
    found = None if number is None else ctx.session.scalar(select(Consultation).where(
        Consultation.club_id == ctx.club.id, Consultation.number == number))
    if found is None:
        raise UserError("Consultation inconnue. Écrivez son numéro, par exemple `/club diffusion accord 1` ; "
                        "`/club diffusion` les liste.")
    return found


def listing(ctx: Context) -> list[Reply]:
    """Open consultations and approved deliverables only: a blocked or unanswered one is not public."""
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
