"""Opening a poll: its Club number (#n, what people type), its options, its messages; the polls other
capabilities ask for (`PollRequested`); finding a poll again by its number."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from handlers import registry
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.events import PollChanged, PollRequested
from handlers.outbox import undone_if_refused
from handlers.polls.cancelling import undo_if_unseen
from handlers.polls.messages import header_reply, option_reply
from handlers.text import parse_number
from storage.numbers import add_numbered
from storage.polls import Poll, PollOption


def open_poll(ctx: Context, question: str, labels: list[str], kind: str, *, closes_at: datetime | None = None,
              starts: list[datetime] | None = None, anonymous: bool = False, hide_results: bool = False,
              by_institution: bool = False, members_only: bool = True,
              channel_id: str | None = None) -> tuple[Poll, list[Reply]]:
    """A new poll, numbered, and its messages (header, one per option) for `channel_id` (default: here)."""
    poll = Poll(club_id=ctx.club.id, question=question, kind=kind, anonymous=anonymous, hide_results=hide_results,
                by_institution=by_institution, members_only=members_only, author_id=ctx.member.id,
                platform=ctx.platform, channel_id=channel_id or ctx.channel_id, closes_at=closes_at,
                created_at=ctx.now)
    add_numbered(ctx.session, poll, Poll.number)
    for position, (label, starts_at) in enumerate(zip(labels, starts or [None] * len(labels), strict=True), 1):
        poll.options.append(PollOption(position=position, label=label, starts_at=starts_at))
    ctx.session.flush()
    # Each of them is needed to vote: should the platform refuse one for good, the poll is cancelled.
    unseen = undo_if_unseen(poll)
    replies: list[Reply] = [undone_if_refused(header_reply(ctx, poll), unseen)]
    replies.extend(undone_if_refused(option_reply(ctx, poll, option), unseen) for option in poll.options)
    replies.extend(ctx.emit(PollChanged(poll_id=poll.id, closes_at=poll.closes_at, closed=False)))
    return poll, replies


@registry.on(PollRequested)
def requested(ctx: Context, request: PollRequested) -> list[Reply]:
    """Another capability asks the Club to decide (a difficulty with a theme): a members' poll in the
    Club's channel, in the Club's language."""
    channel = ctx.settings.club_channels.get(ctx.platform) or ctx.channel_id
    return open_poll(ctx, request.question, list(request.options), request.kind, closes_at=request.closes_at,
                     channel_id=channel)[1]


def find_poll(ctx: Context, args: str, usage: str) -> Poll:
    """The poll whose number is the first word of `args`; `usage` is the example shown when it is missing."""
    number = parse_number(args.split()[0]) if args.split() else None
    if number is None:
        raise UserError("Indiquez le numéro du sondage, par exemple : `{exemple}`.", exemple=usage)
    poll = ctx.session.scalar(select(Poll).where(Poll.club_id == ctx.club.id, Poll.number == number))
    if poll is None:
        raise UserError("Aucun sondage #{n}. Le numéro figure en tête du message du sondage.", n=number)
    return poll
