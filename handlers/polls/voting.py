"""A reaction under an option, or a click on an anonymous poll's button, becomes a vote — or is refused,
privately, when the poll is closed, anonymous or for members only. Reactions come in bursts: each one
reads what it needs in one query.

A button votes, and a second click on it withdraws the vote (its label says so: « Je soutiens / je
retire »). A double click, though, is one intention: the clicks of one person on one button within
`REPEAT` count once, and the repeat is told what the first click left, wherever each click is handled.
Someone who means to withdraw does it after reading the confirmation, which takes longer than that."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from handlers import registry
from handlers.context import Context
from handlers.core import ReactionEvent, Reply, UserError
from handlers.polls.votes import (
    GRADES,
    OPTION,
    VOTE_ACTION,
    add_vote,
    may_vote,
    normalise_emoji,
    option_values,
    remove_vote,
    voter_rows,
)
from handlers.text import user_text
from storage.polls import Poll, PollOption
from storage.requests import first_use

REPEAT = timedelta(seconds=3)
CLICK = "poll-click"


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
    # Claimed before reading the votes: a twin click running at the same time waits for this one.
    first = first_use(ctx.session, CLICK, f"{ctx.member.id}:{option.id}:{emoji}", ctx.now, ctx.now + REPEAT)
    current = {(target, value) for target, value in voter_rows(ctx.session, poll.id, ctx.member.id)}
    if not first:  # a double click: what the first click left
        voted = (option.id, emoji) in current
        return [_recorded(ctx, poll, option, emoji) if voted else _withdrawn(ctx, option)]
    return _vote(ctx, poll, option, emoji, (option.id, emoji) not in current, by_button=True)


def _recorded(ctx: Context, poll: _PollFacts, option: _OptionFacts, emoji: str) -> Reply:
    _ = ctx._
    grade = dict(GRADES).get(emoji)
    choice = f"{user_text(option.label)} — {_(grade)}" if grade else user_text(option.label)
    return Reply(_("Vote enregistré pour le sondage #{n} : {choix}. Vous seul·e le voyez.", n=poll.number,
                   choix=choice))


def _withdrawn(ctx: Context, option: _OptionFacts) -> Reply:
    _ = ctx._
    return Reply(_("Vote retiré pour « {option} ».", option=user_text(option.label)))


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
        return [_withdrawn(ctx, option)] if by_button else []
    if by_button:  # buttons replace the earlier choice themselves; reactions only can be left behind
        for target, value in voter_rows(ctx.session, poll.id, ctx.member.id):
            if (poll.kind == "single" or (poll.kind == "jm" and target == option.id)) and value != emoji:
                remove_vote(ctx.session, OPTION, target, ctx.member.id, value)
    add_vote(ctx.session, OPTION, option.id, ctx.member.id, emoji, poll.id)
    if by_button:
        return [_recorded(ctx, poll, option, emoji)]
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
