"""Polls voted by reactions (or buttons when anonymous): approval, single choice, majority judgment, dates.

Each option is its own message anchored to `Anchor("poll_option", id)`, so a reaction says which
option it is for. Closing asks the bot to recount from the platform first (`Reply.recount`): votes
made while the bot was away still count, and reactions removed meanwhile are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers import registry
from handlers.calendar.dates import parse_when
from handlers.context import Context
from handlers.core import Anchor, Button, ReactionEvent, Recount, Reply, UserError, Visibility
from handlers.events import PollChanged, PollRequested
from handlers.i18n import N_, format_datetime
from handlers.members.lookup import ensure_member
from handlers.polls.results import results_text
from handlers.polls.votes import (
    APPROVE,
    GRADES,
    MAX_OPTIONS,
    NUMBERS,
    OPTION,
    PROPOSAL,
    add_vote,
    approvals,
    may_vote,
    non_voters,
    normalise_emoji,
    option_values,
    remove_vote,
    replace_votes,
    tally,
    voter_rows,
)
from handlers.text import parse_number, user_text
from storage.models import Member, Role
from storage.polls import Poll, PollOption

__all__ = ["approvals", "non_voters"]

SECTION = N_("Votes")
VOTE_ACTION = "poll.vote"
MAX_TEXT = 300
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
FLAGS = {
    "--jm": "jm", "--mj": "jm", "--unique": "single", "--single": "single", "--dates": "dates",
    "--anonyme": "anonymous", "--anonymous": "anonymous", "--par-institution": "by_institution",
    "--by-institution": "by_institution", "--masquer": "hide", "--hidden": "hide", "--ouvert": "open",
    "--open": "open", "--fin": "end", "--end": "end",
}
SHORT = "EEE d MMM HH:mm"


@dataclass
class PollSpec:
    texts: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    end: str = ""


def parse_spec(args: str) -> PollSpec:
    """`"Question" "A" "B" --jm --fin jeudi 18h`: quoted texts, flags, and the words after --fin."""
    spec = PollSpec()
    in_end = False
    for quoted, bare in _TOKEN.findall(args.translate(_QUOTES)):
        if bare and bare.lower() in FLAGS:
            flag = FLAGS[bare.lower()]
            in_end = flag == "end"
            spec.flags.add(flag)
        elif bare and bare.startswith("--"):
            raise UserError("Option inconnue : « {option} ». Options possibles : --jm, --unique, --dates, "
                            "--anonyme, --par-institution, --masquer, --ouvert, --fin <date>.",
                            option=user_text(bare[:40]))
        elif in_end and (bare or not spec.end):
            spec.end = f"{spec.end} {bare or quoted}".strip()
            in_end = bool(bare)
        elif bare:
            raise UserError("Mettez la question et chaque option entre guillemets, par exemple : "
                            "`/club sondage \"Quel thème ?\" \"Eau\" \"Mobilités\"`.")
        else:
            spec.texts.append(" ".join(quoted.split()))
    return spec


def _kind(flags: set[str]) -> str:
    kinds = flags & {"jm", "single", "dates"}
    if len(kinds) > 1:
        raise UserError("Choisissez un seul type de sondage parmi --jm, --unique et --dates.")
    return kinds.pop() if kinds else "approval"


@registry.verb(
    "sondage", "poll", role=Role.MEMBRE, section=SECTION,
    summary=N_("Lancer un sondage voté par réactions (approbation, choix unique, jugement majoritaire, dates)."),
    usage=N_("`/club sondage \"Question\" \"Option 1\" \"Option 2\"…` puis, au choix : `--unique` (un seul choix), "
             "`--jm` (jugement majoritaire : une mention par option), `--dates` (les options sont des dates), "
             "`--anonyme` (vote par boutons : les réactions sont publiques sur Slack et Mattermost, les boutons "
             "non), `--masquer` (résultats cachés jusqu'à la clôture), `--par-institution` (chaque institution "
             "pèse une voix), `--ouvert` (tout le canal vote, pas seulement les membres), `--fin <date>`."),
    examples=("/club sondage \"Quel thème en priorité ?\" \"Eau\" \"Mobilités\" \"Santé\"",
              "/club sondage \"Thèmes 2027\" \"Eau\" \"Santé\" --jm --fin vendredi 18h",
              "/club sondage \"Date de la rencontre ?\" \"mardi 2 mars 14h\" \"jeudi 4 mars 10h\" --dates",
              "/club sondage \"Président·e du comité ?\" \"Léa\" \"Kevin\" --unique --anonyme"),
)
def create_poll(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    spec = parse_spec(args)
    kind = _kind(spec.flags)
    if len(spec.texts) < 3:
        raise UserError("Il faut une question et au moins deux options, chacune entre guillemets : "
                        "`/club sondage \"Quel thème ?\" \"Eau\" \"Mobilités\"`.")
    question, labels = spec.texts[0], spec.texts[1:]
    if len(labels) > MAX_OPTIONS:
        raise UserError("Au plus {max} options par sondage (vous en avez écrit {n}).", max=MAX_OPTIONS,
                        n=len(labels))
    if any(not text or len(text) > MAX_TEXT for text in spec.texts):
        raise UserError("La question et chaque option doivent faire entre 1 et {max} caractères.", max=MAX_TEXT)
    if len({label.casefold() for label in labels}) < len(labels):
        raise UserError("Deux options sont identiques : chaque option doit être différente.")
    if "end" in spec.flags and not spec.end:
        raise UserError("Après --fin, indiquez une date, par exemple `--fin vendredi 18h`.")
    closes_at = parse_when(spec.end, ctx.tz, ctx.now) if spec.end else None
    starts = [parse_when(label, ctx.tz, ctx.now) for label in labels] if kind == "dates" else None
    poll, replies = open_poll(ctx, question, labels, kind, closes_at=closes_at, starts=starts,
                              anonymous="anonymous" in spec.flags, hide_results="hide" in spec.flags,
                              by_institution="by_institution" in spec.flags, members_only="open" not in spec.flags)
    return [Reply(_("Sondage #{n} lancé. Pour le clore : `/club cloturer {n}` ; résultats : "
                    "`/club resultats {n}`.", n=poll.number)), *replies]


def open_poll(ctx: Context, question: str, labels: list[str], kind: str, *, closes_at: datetime | None = None,
              starts: list[datetime] | None = None, anonymous: bool = False, hide_results: bool = False,
              by_institution: bool = False, members_only: bool = True,
              channel_id: str | None = None) -> tuple[Poll, list[Reply]]:
    """A new poll, numbered, and its messages (header, one per option) for `channel_id` (default: here)."""
    poll = Poll(club_id=ctx.club.id, question=question, kind=kind, anonymous=anonymous, hide_results=hide_results,
                by_institution=by_institution, members_only=members_only, author_id=ctx.member.id,
                platform=ctx.platform, channel_id=channel_id or ctx.channel_id, closes_at=closes_at,
                created_at=ctx.now)
    _insert_numbered(ctx.session, poll)
    for position, (label, starts_at) in enumerate(zip(labels, starts or [None] * len(labels), strict=True), 1):
        poll.options.append(PollOption(position=position, label=label, starts_at=starts_at))
    ctx.session.flush()
    replies = [Reply(header_text(ctx, poll), visibility=Visibility.CHANNEL, channel=poll.channel_id,
                     anchor=Anchor("poll", poll.id))]
    replies.extend(option_reply(ctx, poll, option) for option in poll.options)
    replies.extend(ctx.emit(PollChanged(poll_id=poll.id, closes_at=poll.closes_at, closed=False)))
    return poll, replies


@registry.on(PollRequested)
def requested(ctx: Context, request: PollRequested) -> list[Reply]:
    """Another capability asks the Club to decide (a difficulty with a theme): a members' poll in the
    Club's channel, in the Club's language."""
    channel = ctx.settings.club_channels.get(ctx.platform) or ctx.channel_id
    return open_poll(ctx, request.question, list(request.options), request.kind, closes_at=request.closes_at,
                     channel_id=channel)[1]


def _insert_numbered(session: Session, poll: Poll) -> None:
    """The next free #n of the Club; two polls created at the same instant retry on the unique number."""
    for _attempt in range(5):
        poll.number = (session.scalar(select(func.max(Poll.number)).where(Poll.club_id == poll.club_id)) or 0) + 1
        try:
            with session.begin_nested():
                session.add(poll)
                session.flush()
            return
        except IntegrityError:
            session.expunge(poll)
    raise UserError("Le sondage n'a pas pu être numéroté ; réessayez dans un instant.")


def header_text(ctx: Context, poll: Poll) -> str:
    _ = ctx._
    lines = [_("📊 **Sondage #{n}** — {question} (par {auteur})", n=poll.number,
               question=user_text(poll.question), auteur=user_text(poll.author.display_name))]
    if poll.closed_at:
        lines.append(_("Clôturé. Résultats : `/club resultats {n}`.", n=poll.number))
    elif poll.anonymous:
        lines.append(_("Vote anonyme : votez avec les boutons sous chaque option. Votre choix n'est montré qu'à "
                       "vous ; les réactions, elles, sont publiques et ne comptent pas ici."))
    elif poll.kind == "jm":
        scale = " · ".join(f":{emoji}: {_(label)}" for emoji, label in GRADES)
        lines.append(_("Jugement majoritaire : donnez une mention à chaque option en réagissant : {echelle}. "
                       "Une option que vous ne notez pas compte « À rejeter ».", echelle=scale))
    elif poll.kind == "single":
        lines.append(_("Un seul choix : réagissez avec le numéro de l'option choisie ; si vous en choisissez "
                       "plusieurs, seul le dernier compte."))
    else:
        lines.append(_("Réagissez avec :+1: sur chaque option qui vous convient (plusieurs choix possibles)."))
    if poll.closes_at and not poll.closed_at:
        lines.append(_("Clôture : {quand} (heure de Paris).",
                       quand=format_datetime(poll.closes_at, "Europe/Paris", ctx.lang)))
    notes = []
    if poll.by_institution:
        notes.append(_("chaque institution pèse une voix, partagée entre ses membres qui votent"))
    if poll.hide_results and not poll.closed_at:
        notes.append(_("résultats visibles à la clôture"))
    if not poll.members_only:
        notes.append(_("ouvert à tout le canal"))
    if notes:
        lines.append("_" + " ; ".join(notes) + "_")
    return "\n".join(lines)


def option_label(ctx: Context, option: PollOption, zones: list[str] | None = None) -> str:
    """The option as typed; a date option also in each covered zone (channel) or the reader's own."""
    text = user_text(option.label)
    if option.starts_at is None:
        return text
    zones = zones or [ctx.tz]
    times = " · ".join(f"{format_datetime(option.starts_at, zone, ctx.lang, SHORT)} ({zone.split('/')[-1]})"
                       for zone in zones)
    return f"{text} — {times}"


def option_reply(ctx: Context, poll: Poll, option: PollOption, closed: bool = False) -> Reply:
    _ = ctx._
    zones = ctx.settings.programme.zones if option.starts_at else None
    text = f"**{option.position}.** {option_label(ctx, option, zones)}"
    if poll.kind == "single" and not poll.anonymous:
        text = f":{NUMBERS[option.position - 1]}: " + text
    buttons: list[Button] = []
    reactions: list[str] = []
    if poll.anonymous and not closed:
        if poll.kind == "jm":
            buttons = [Button(_(label), VOTE_ACTION, f"{option.id}:{emoji}") for emoji, label in GRADES]
        elif poll.kind == "single":
            buttons = [Button(_("Choisir"), VOTE_ACTION, f"{option.id}:{NUMBERS[option.position - 1]}",
                              style="primary")]
        else:
            buttons = [Button(_("Je soutiens / je retire"), VOTE_ACTION, f"{option.id}:{APPROVE}")]
    elif not poll.anonymous and not closed:
        reactions = list(option_values(poll, option))
    return Reply(text, visibility=Visibility.CHANNEL, channel=poll.channel_id, buttons=buttons,
                 reactions=reactions, anchor=Anchor(OPTION, option.id), update=closed)


def find_poll(ctx: Context, args: str, usage: str) -> Poll:
    number = parse_number(args.split()[0]) if args.split() else None
    if number is None:
        raise UserError("Indiquez le numéro du sondage, par exemple : `{exemple}`.", exemple=usage)
    poll = ctx.session.scalar(select(Poll).where(Poll.club_id == ctx.club.id, Poll.number == number))
    if poll is None:
        raise UserError("Aucun sondage #{n}. Le numéro figure en tête du message du sondage.", n=number)
    return poll


@registry.verb("resultats", "résultats", "results", section=SECTION,
               summary=N_("Les résultats d'un sondage (cachés jusqu'à la clôture si le sondage le demande)."),
               usage=N_("`/club resultats <n>` — par exemple `/club resultats 3`."),
               examples=("/club resultats 3",))
def show_results(ctx: Context, args: str) -> list[Reply]:
    poll = find_poll(ctx, args, "/club resultats 3")
    if poll.hide_results and not poll.closed_at:
        raise UserError("Les résultats du sondage #{n} seront visibles à sa clôture.", n=poll.number)
    return [Reply(results_text(ctx, poll, tally(ctx.session, poll), final=poll.closed_at is not None))]


@registry.verb("cloturer", "clôturer", "close", section=SECTION,
               summary=N_("Clore un sondage maintenant (après recomptage des réactions), ou fixer sa clôture."),
               usage=N_("`/club cloturer <n>` clôt le sondage tout de suite ; `/club cloturer <n> --fin <date>` "
                        "fixe ou déplace sa clôture. Réservé à l'auteur·e du sondage et aux facilitateur·trices."),
               examples=("/club cloturer 3", "/club cloturer 3 --fin lundi 12h"))
def close_command(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    poll = find_poll(ctx, args, "/club cloturer 3")
    if poll.author_id != ctx.member.id:
        ctx.require(Role.FACILITATEUR)
    if poll.closed_at:
        raise UserError("Le sondage #{n} est déjà clôturé. Résultats : `/club resultats {n}`.", n=poll.number)
    when = " ".join(word for word in args.split()[1:] if word.lower() not in ("--fin", "--end"))
    if when:
        poll.closes_at = parse_when(when, ctx.tz, ctx.now)
        replies = [Reply(_("Le sondage #{n} sera clôturé le {quand}.", n=poll.number,
                           quand=format_datetime(poll.closes_at, ctx.tz, ctx.lang))),
                   Reply(header_text(ctx, poll), anchor=Anchor("poll", poll.id), update=True)]
        return replies + ctx.emit(PollChanged(poll_id=poll.id, closes_at=poll.closes_at,
                                       closed=False))
    poll.closes_at = ctx.now
    return [Reply(_("Clôture du sondage #{n} : je recompte les réactions, puis je publie les résultats.",
                    n=poll.number)),
            recount_reply(poll, ctx.member.platform_user_id)]


def recount_reply(poll: Poll, user_id: str) -> Reply:
    anchors = () if poll.anonymous else tuple(Anchor(OPTION, option.id) for option in poll.options)
    return Reply("", visibility=Visibility.CHANNEL, channel=poll.channel_id,
                 recount=Recount("poll", poll.id, user_id, poll.channel_id, anchors))


@registry.on_tick
def close_due_polls(session: Session, now: datetime) -> list[tuple[str | None, Reply]]:
    """Polls whose end has come are recounted and closed by the bot of their platform."""
    due = session.scalars(select(Poll).where(Poll.closed_at.is_(None), Poll.closes_at <= now)
                          .order_by(Poll.closes_at))
    return [(poll.platform, recount_reply(poll, poll.author.platform_user_id)) for poll in due]


@registry.on_recount("poll")
def close_poll(ctx: Context, poll_id: int, state: dict[Anchor, dict[str, set[str]]]) -> list[Reply]:
    """The platform's reactions replace the recorded votes, then the poll closes and results go out."""
    _ = ctx._
    poll = ctx.session.scalar(select(Poll).where(Poll.id == poll_id).with_for_update(of=Poll))
    if poll is None or poll.closed_at is not None:
        return []  # a twin recount (tick and command together) already closed it
    added = removed = 0
    for option in poll.options:
        reactions = state.get(Anchor(OPTION, option.id))
        if reactions is None or poll.anonymous:
            continue
        reactions = _normalised(reactions)
        wanted = {(member.id, emoji) for emoji in option_values(poll, option)
                  for member in _voters(ctx, poll, reactions.get(emoji, set()))}
        plus, minus = replace_votes(ctx.session, OPTION, option.id, ctx.platform, wanted, poll.id)
        added, removed = added + plus, removed + minus
    poll.closed_at = ctx.now
    ctx.session.flush()
    text = results_text(ctx, poll, tally(ctx.session, poll), final=True)
    if added or removed:
        text += "\n" + _("Recomptage sur la plateforme : {plus} vote(s) ajouté(s), {moins} retiré(s).",
                         plus=added, moins=removed)
    replies = [Reply(header_text(ctx, poll), anchor=Anchor("poll", poll.id), update=True)]
    if poll.anonymous:
        replies.extend(option_reply(ctx, poll, option, closed=True) for option in poll.options)
    replies.append(Reply(text, visibility=Visibility.CHANNEL, channel=poll.channel_id))
    return replies + ctx.emit(PollChanged(poll_id=poll.id, closes_at=poll.closes_at, closed=True))


@registry.on_recount("approvals")
def recount_approvals(ctx: Context, _object_id: int, state: dict[Anchor, dict[str, set[str]]]) -> list[Reply]:
    """Approvals (👍) of proposals re-read from the platform, e.g. before the rencontre weighs them."""
    for anchor, reactions in state.items():
        users = _normalised(reactions).get(APPROVE, set())
        wanted = {(member.id, APPROVE) for member in _voters(ctx, None, users)}
        replace_votes(ctx.session, anchor.kind, anchor.object_id, ctx.platform, wanted)
    return []


def _normalised(reactions: dict[str, set[str]]) -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {}
    for emoji, users in reactions.items():
        merged.setdefault(normalise_emoji(emoji), set()).update(users)
    return merged


def _voters(ctx: Context, poll: Poll | None, user_ids: set[str]) -> list[Member]:
    members = []
    for user_id in sorted(user_ids):
        if ctx.settings.is_bot(ctx.platform, user_id):
            continue
        member = ensure_member(ctx.session, ctx.club, ctx.settings, ctx.platform, user_id, user_id)
        if may_vote(member, poll):
            members.append(member)
    return members


@dataclass(frozen=True)
class _PollFacts:
    id: int
    number: int
    kind: str
    anonymous: bool
    members_only: bool
    closed_at: datetime | None


@dataclass(frozen=True)
class _OptionFacts:
    id: int
    position: int
    label: str


def _facts(session: Session, option_id: int) -> tuple[_PollFacts, _OptionFacts] | None:
    """What a vote needs, in one query: reactions come in bursts, so each one stays cheap."""
    row = session.execute(_FACTS, {"option_id": option_id}).first()
    return (_PollFacts(*row[:6]), _OptionFacts(*row[6:])) if row else None


_FACTS = select(Poll.id, Poll.number, Poll.kind, Poll.anonymous, Poll.members_only, Poll.closed_at, PollOption.id,
                PollOption.position, PollOption.label).join(PollOption, PollOption.poll_id == Poll.id).where(
                    PollOption.id == bindparam("option_id"))


@registry.on_reaction(OPTION)
def option_reaction(ctx: Context, event: ReactionEvent, option_id: int) -> list[Reply]:
    facts = _facts(ctx.session, option_id)
    emoji = normalise_emoji(event.emoji)
    if facts is None or ctx.settings.is_bot(event.platform, event.user_id):
        return []
    poll, option = facts
    if emoji not in option_values(poll, option):
        return []
    return _vote(ctx, poll, option, emoji, event.added, by_button=False)


@registry.on_action(VOTE_ACTION)
def vote_button(ctx: Context, value: str) -> list[Reply]:
    option_id, _sep, emoji = value.partition(":")
    facts = _facts(ctx.session, int(option_id)) if option_id.isdigit() else None
    if facts is None or emoji not in option_values(*facts):
        raise UserError("Ce bouton n'est plus actif.")
    poll, option = facts
    current = {(target, value) for target, value in voter_rows(ctx.session, poll.id, ctx.member.id)}
    return _vote(ctx, poll, option, emoji, (option.id, emoji) not in current, by_button=True)


def _vote(ctx: Context, poll: _PollFacts, option: _OptionFacts, emoji: str, added: bool,
          by_button: bool) -> list[Reply]:
    _ = ctx._
    if poll.closed_at:
        if added or by_button:
            raise UserError("Le sondage #{n} est clôturé : ce vote n'est pas compté.", n=poll.number)
        return []
    if poll.anonymous and not by_button:
        if added:
            raise UserError("Le sondage #{n} est anonyme : votez avec les boutons sous les options (votre "
                            "réaction, publique, n'est pas comptée).", n=poll.number)
        return []
    if not may_vote(ctx.member, poll):
        if added or by_button:
            raise UserError("Le sondage #{n} est réservé aux membres du Club.", n=poll.number)
        return []
    if not added:
        remove_vote(ctx.session, OPTION, option.id, ctx.member.id, emoji)
        return [Reply(_("Vote retiré pour « {option} ».", option=user_text(option.label)))] if by_button else []
    if by_button:  # buttons replace the earlier choice themselves; reactions only can be left behind
        for target, value in voter_rows(ctx.session, poll.id, ctx.member.id):
            if (poll.kind == "single" or (poll.kind == "jm" and target == option.id)) and value != emoji:
                remove_vote(ctx.session, OPTION, target, ctx.member.id, value)
    add_vote(ctx.session, OPTION, option.id, ctx.member.id, emoji, poll.id)
    if by_button:
        grade = dict(GRADES).get(emoji)
        choice = f"{user_text(option.label)} — {_(grade)}" if grade else user_text(option.label)
        return [Reply(_("Vote enregistré pour le sondage #{n} : {choix}. Vous seul·e le voyez.",
                        n=poll.number, choix=choice))]
    return _leftover_warning(ctx, poll, option, emoji)


def _leftover_warning(ctx: Context, poll: _PollFacts, option: _OptionFacts, emoji: str) -> list[Reply]:
    """A second choice by reaction: the latest counts, and the voter is told privately."""
    _ = ctx._
    if poll.kind not in ("single", "jm"):
        return []  # every choice counts: nothing can be left behind
    rows = voter_rows(ctx.session, poll.id, ctx.member.id)
    if poll.kind == "single" and any(target != option.id for target, _value in rows):
        return [Reply(_("Sondage #{n} : un seul choix compte, le dernier : « {option} ». Retirez vos autres "
                        "réactions pour que tout soit clair.", n=poll.number, option=user_text(option.label)))]
    if poll.kind == "jm" and any(target == option.id and value != emoji for target, value in rows):
        grade = dict(GRADES)[emoji]
        return [Reply(_("Sondage #{n} : une seule mention compte par option, la dernière : « {mention} » pour "
                        "« {option} ». Retirez l'autre réaction.", n=poll.number, mention=_(grade),
                        option=user_text(option.label)))]
    return []


@registry.on_reaction(PROPOSAL)
def proposal_reaction(ctx: Context, event: ReactionEvent, proposal_id: int) -> list[Reply]:
    """👍 on a posted theme proposal is an approval vote on it; other emoji are conversation."""
    if normalise_emoji(event.emoji) != APPROVE or ctx.settings.is_bot(event.platform, event.user_id):
        return []
    if not may_vote(ctx.member, None):
        return []
    if event.added:
        add_vote(ctx.session, PROPOSAL, proposal_id, ctx.member.id, APPROVE)
    else:
        remove_vote(ctx.session, PROPOSAL, proposal_id, ctx.member.id, APPROVE)
    return []
