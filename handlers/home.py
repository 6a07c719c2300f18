"""My Club at a glance: next events, polls awaiting my vote, my groups, the call's proposals, and for
facilitators the overview. Platform-neutral: Slack shows it as the App Home, `/club accueil` as a message.

Other capabilities add buttons to the events listed (registering, for instance) with `@event_buttons`,
without this module knowing them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from handlers.calendar.display import event_line, times_in_zones
from handlers.calendar.queries import ensure_years, local_year, may_see_visio, my_upcoming
from handlers.context import Context
from handlers.core import Button, ProfileLoader, Reply
from handlers.groups.rules import MIN_REFERENTS, group_sessions, is_referent, label, referent_ids
from handlers.i18n import N_, format_datetime
from handlers.polls.votes import APPROVE, NUMBERS, VOTE_ACTION, approvals, may_vote
from handlers.proposals.common import latest_call
from handlers.registry import verb
from handlers.territories import zone_label
from handlers.text import user_text
from storage.groups import CONTINU, Consultation, Group, GroupMembership
from storage.models import Role
from storage.polls import Poll, Vote
from storage.proposals import Proposal, ProposalStatus

if TYPE_CHECKING:
    from handlers.service import Service
    from storage.calendar import Event

log = logging.getLogger(__name__)
EVENTS_SHOWN = 5
PROPOSALS_SHOWN = 10
SHORT = "EEE d MMM HH:mm"

EventButtons = Callable[[Context, "Event"], list[Button]]
EVENT_BUTTONS: list[EventButtons] = []


def event_buttons(func: EventButtons) -> EventButtons:
    """Registers buttons shown beside each upcoming event of the home (e.g. « S'inscrire »)."""
    EVENT_BUTTONS.append(func)
    return func


@dataclass(frozen=True)
class HomeItem:
    text: str  # light Markdown, user parts already escaped
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class HomeSection:
    title: str
    items: tuple[HomeItem, ...]
    empty: str = ""  # shown when there are no items
    footer: str = ""  # a hint: the command that shows more


@dataclass(frozen=True)
class HomePage:
    title: str
    intro: str
    sections: tuple[HomeSection, ...]


# -- sections ------------------------------------------------------------------------------------
def _events(ctx: Context) -> HomeSection:
    _ = ctx._
    zones = list(ctx.settings.programme.zones)
    if ctx.tz not in zones:
        zones.insert(0, ctx.tz)
    items = []
    for event in my_upcoming(ctx, limit=EVENTS_SHOWN):
        lines = [event_line(ctx, event, ctx.tz), times_in_zones(event.starts_at, zones, ctx.lang)]
        if may_see_visio(ctx, event):
            lines.append(_("Visio : {url}", url=event.visio_url))
        buttons = tuple(b for provider in EVENT_BUTTONS for b in provider(ctx, event))
        items.append(HomeItem("\n".join(lines), buttons))
    return HomeSection(_("Mes prochains rendez-vous"), tuple(items),
                       empty=_("Aucun rendez-vous à venir au calendrier."),
                       footer=_("`/club agenda` : le détail · `/club calendrier` : toute l'année"))


def _poll_buttons(ctx: Context, poll: Poll) -> tuple[Button, ...]:
    """Anonymous polls vote by buttons, which work from here too; others by reactions on their message."""
    if not poll.anonymous or poll.kind == "jm":
        return ()
    if poll.kind == "single":
        return tuple(Button(f"{o.position}. {o.label}"[:75], VOTE_ACTION, f"{o.id}:{NUMBERS[o.position - 1]}")
                     for o in poll.options)
    return tuple(Button(f"👍 {o.label}"[:75], VOTE_ACTION, f"{o.id}:{APPROVE}") for o in poll.options)


def _polls(ctx: Context) -> HomeSection:
    _ = ctx._
    voted = select(Vote.poll_id).where(Vote.voter_id == ctx.member.id, Vote.poll_id.is_not(None))
    polls = ctx.session.scalars(select(Poll).where(
        Poll.club_id == ctx.club.id, Poll.platform == ctx.platform, Poll.closed_at.is_(None),
        Poll.id.not_in(voted)).order_by(Poll.closes_at.is_(None), Poll.closes_at, Poll.number)).all()
    items = []
    for poll in polls:
        if not may_vote(ctx.member, poll):
            continue
        text = f"**#{poll.number}** {user_text(poll.question)}"
        if poll.closes_at:
            text += " — " + _("clôture {quand}", quand=format_datetime(poll.closes_at, ctx.tz, ctx.lang, SHORT))
        buttons = _poll_buttons(ctx, poll)
        if not buttons:
            text += "\n" + _("Votez en réagissant aux options du sondage, dans son canal.")
        items.append(HomeItem(text, buttons))
    return HomeSection(_("Sondages en attente de mon vote"), tuple(items),
                       empty=_("Aucun sondage n'attend votre vote."))


def _groups(ctx: Context) -> HomeSection:
    _ = ctx._
    items = []
    for group, mode in ctx.session.execute(select(Group, GroupMembership.mode).join(
            GroupMembership, GroupMembership.group_id == Group.id).where(
            GroupMembership.member_id == ctx.member.id).order_by(Group.number)):
        if is_referent(ctx.session, group, ctx.member):
            role = _("référent·e")
        else:
            role = _("continu") if mode == CONTINU else _("ponctuel")
        text = f"**{label(group)}** ({role})"
        following = [s for s in group_sessions(ctx.session, group, ctx.now) if s.starts_at > ctx.now]
        if following:
            text += "\n" + _("Prochaine séance : {date}",
                             date=format_datetime(following[0].starts_at, ctx.tz, ctx.lang))
        else:
            text += "\n" + _("Pas encore de séance au calendrier.")
        items.append(HomeItem(text))
    return HomeSection(_("Mes groupes de travail"), tuple(items),
                       empty=_("Vous n'êtes dans aucun groupe : `/club groupes` pour les voir."))


def _proposals(ctx: Context) -> HomeSection | None:
    _ = ctx._
    call = latest_call(ctx.session, ctx.club.id)
    if call is None or not call.is_open(ctx.now):
        return None
    proposals = ctx.session.scalars(select(Proposal).where(
        Proposal.call_id == call.id, Proposal.status == ProposalStatus.PROPOSED.value)
        .order_by(Proposal.number)).all()
    items = [HomeItem(_("**#{n}** {titre} — {auteur} · 👍 {soutiens}", n=p.number, titre=user_text(p.title),
                        auteur=user_text(p.author.display_name), soutiens=approvals(ctx.session, "proposal", p.id)))
             for p in proposals[:PROPOSALS_SHOWN]]
    footer = _("Appel à contribution {annee} ouvert jusqu'au {date} : `/club propose <titre> — <description>`. "
               "Soutenez un thème en réagissant 👍 à son message.", annee=call.year,
               date=format_datetime(call.closes_at, ctx.tz, ctx.lang, "d MMMM HH:mm"))
    if len(proposals) > PROPOSALS_SHOWN:
        footer += " " + _("Et {n} de plus : `/club propositions`.", n=len(proposals) - PROPOSALS_SHOWN)
    return HomeSection(_("Propositions de l'appel en cours"), tuple(items),
                       empty=_("Aucune proposition pour l'instant."), footer=footer)


def _overview(ctx: Context) -> HomeSection | None:
    """Counts only, like `/club groupes bilan`: safe to glance at in a meeting."""
    if not ctx.member.role_enum.at_least(Role.FACILITATEUR):
        return None
    _ = ctx._
    session, club_id = ctx.session, ctx.club.id
    polls = session.scalar(select(func.count()).select_from(Poll).where(
        Poll.club_id == club_id, Poll.closed_at.is_(None))) or 0
    groups = session.scalars(select(Group).where(Group.club_id == club_id)).all()
    short = sum(1 for g in groups if len(referent_ids(session, g)) < MIN_REFERENTS)
    consultations = session.scalar(select(func.count()).select_from(Consultation).where(
        Consultation.club_id == club_id, Consultation.closed_at.is_(None))) or 0
    members = session.scalar(select(func.count()).select_from(GroupMembership).join(
        Group, Group.id == GroupMembership.group_id).where(Group.club_id == club_id)) or 0
    items = [HomeItem(_("• Sondages ouverts : {n}", n=polls)),
             HomeItem(_("• Groupes de travail : {n} ({membres} participations), dont {manque} sans leurs 2 "
                        "référent·es", n=len(groups), membres=members, manque=short)),
             HomeItem(_("• Consultations de diffusion en cours : {n}", n=consultations))]
    return HomeSection(_("Vue d'ensemble (animation)"), tuple(items),
                       footer=_("`/club groupes bilan` : le bilan détaillé des groupes"))


def build(ctx: Context) -> HomePage:
    """The page; the year's calendar is generated first if nobody has looked at it yet (as `agenda` does),
    so a new Club's first home already shows its rendez-vous."""
    _ = ctx._
    year = local_year(ctx)
    ensure_years(ctx, year, year + 1)  # new events have no announcement yet: nothing of theirs to update
    sections = [_events(ctx), _polls(ctx), _groups(ctx), _proposals(ctx), _overview(ctx)]
    return HomePage(
        title=_("Mon Club — {club}", club=ctx.club.name),
        intro=_("Bonjour {nom} · heures affichées : {zone} · `/club aide` pour toutes les commandes",
                nom=user_text(ctx.member.display_name), zone=zone_label(ctx.tz)),
        sections=tuple(s for s in sections if s is not None))


def page_for(service: Service, platform: str, user_id: str, user_name: str = "",
             profile: ProfileLoader | None = None) -> HomePage | None:
    """The home of one person, read in its own transaction; None (and a log line) if it cannot be built."""
    try:
        loaded = service._first_contact_profile(platform, user_id, profile, user_name)
        with service.db.transaction() as session:
            ctx = service._context(session, platform, user_id, user_name or user_id, "", None, loaded, {})
            return build(ctx)
    except Exception:
        log.exception("home of %s:%s could not be built", platform, user_id)
        return None


def as_text(page: HomePage) -> Reply:
    """The home as one message, for platforms without a home tab; every button kept."""
    lines = [f"**{page.title}**", page.intro]
    buttons: list[Button] = []
    for section in page.sections:
        lines.append("")
        lines.append(f"**{section.title}**")
        if not section.items and section.empty:
            lines.append(section.empty)
        for item in section.items:
            lines.append(item.text)
            buttons.extend(item.buttons)
        if section.footer:
            lines.append(section.footer)
    return Reply("\n".join(lines), buttons=buttons)


@verb("accueil", "home", summary=N_("Mon tableau de bord : rendez-vous, sondages à voter, groupes, propositions."),
      usage=N_("`/club accueil` : vos prochains rendez-vous, les sondages qui attendent votre vote, vos groupes et "
               "leurs séances, les propositions de l'appel en cours ; sur Slack, l'onglet Accueil de l'application "
               "montre la même chose."),
      examples=("/club accueil",))
def home_verb(ctx: Context, args: str) -> list[Reply]:
    return [as_text(build(ctx))]
