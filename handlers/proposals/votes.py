"""The 👍 under a posted proposal: an approval vote on the theme, recorded with the polls' vote storage
(`handlers.polls.votes`), so `/club propositions` and the home tab count them the same way."""

from __future__ import annotations

from handlers.context import Context
from handlers.core import Anchor, ReactionEvent, Reply
from handlers.polls.votes import (
    APPROVE,
    add_vote,
    may_vote,
    merged_reactions,
    normalise_emoji,
    reaction_voters,
    remove_vote,
    replace_votes,
)
from handlers.proposals.common import KIND
from handlers.registry import on_reaction, on_recount

RECOUNT = "approvals"


@on_reaction(KIND)
def proposal_reaction(ctx: Context, event: ReactionEvent, proposal_id: int) -> list[Reply]:
    """👍 on a posted theme proposal is an approval vote on it; other emoji are conversation."""
    if normalise_emoji(event.emoji) != APPROVE or ctx.settings.is_bot(event.platform, event.user_id):
        return []
    if not may_vote(ctx.member, None):
        return []
    if event.added:
        add_vote(ctx.session, KIND, proposal_id, ctx.member.id, APPROVE)
    else:
        remove_vote(ctx.session, KIND, proposal_id, ctx.member.id, APPROVE)
    return []


@on_recount(RECOUNT)
def recount_approvals(ctx: Context, _object_id: int, state: dict[Anchor, dict[str, set[str]]]) -> list[Reply]:
    """Approvals (👍) of proposals re-read from the platform, e.g. before the rencontre weighs them: what
    the messages show replaces what was recorded (reactions made or removed while the bot was away)."""
    for anchor, reactions in state.items():
        if anchor.kind != KIND:
            continue  # only proposals' messages carry approvals
        users = merged_reactions(reactions).get(APPROVE, set())
        wanted = {(member.id, APPROVE) for member in reaction_voters(ctx, None, users)}
        replace_votes(ctx.session, KIND, anchor.object_id, ctx.platform, wanted)
    return []
