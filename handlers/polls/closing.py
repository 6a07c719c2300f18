"""Closing a poll: the bot first recounts the reactions on the platform (`Reply.recount`), so votes made
while it was away count and reactions removed meanwhile do not; then the results go out. Polls whose end
has come are closed by the scheduled tick the same way."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import registry
from handlers.context import ClubSettings, Context
from handlers.core import Anchor, Recount, Reply, Visibility
from handlers.events import PollChanged
from handlers.polls.messages import header_reply, option_reply
from handlers.polls.results import results_text
from handlers.polls.votes import (
    OPTION,
    merged_reactions,
    option_values,
    reaction_voters,
    replace_votes,
    tally,
)
from storage.polls import Poll

RECOUNT = "poll"


def recount_reply(poll: Poll, user_id: str) -> Reply:
    """Asks the bot to read the options' reactions (none for an anonymous poll), then close the poll."""
    anchors = () if poll.anonymous else tuple(Anchor(OPTION, option.id) for option in poll.options)
    return Reply("", visibility=Visibility.CHANNEL, channel=poll.channel_id,
                 recount=Recount(RECOUNT, poll.id, user_id, poll.channel_id, anchors))


@registry.on_tick
def close_due_polls(session: Session, now: datetime, _settings: ClubSettings) -> list[tuple[str | None, Reply]]:
    """Polls whose end has come are recounted and closed by the bot of their platform."""
    due = session.scalars(select(Poll).where(Poll.closed_at.is_(None), Poll.closes_at <= now)
                          .order_by(Poll.closes_at))
    return [(poll.platform, recount_reply(poll, poll.author.platform_user_id)) for poll in due]


@registry.on_recount(RECOUNT)
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
        reactions = merged_reactions(reactions)
        wanted = {(member.id, emoji) for emoji in option_values(poll, option)
                  for member in reaction_voters(ctx, poll, reactions.get(emoji, set()))}
        plus, minus = replace_votes(ctx.session, OPTION, option.id, ctx.platform, wanted, poll.id)
        added, removed = added + plus, removed + minus
    poll.closed_at = ctx.now
    ctx.session.flush()
    text = results_text(ctx, poll, tally(ctx.session, poll), final=True)
    if added or removed:
        text += "\n" + _("Recomptage sur la plateforme : {plus} vote(s) ajouté(s), {moins} retiré(s).",
                         plus=added, moins=removed)
    replies = [header_reply(ctx, poll, update=True)]
    if poll.anonymous:
        replies.extend(option_reply(ctx, poll, option, closed=True) for option in poll.options)
    replies.append(Reply(text, visibility=Visibility.CHANNEL, channel=poll.channel_id))
    return replies + ctx.emit(PollChanged(poll_id=poll.id, closes_at=poll.closes_at, closed=True))
