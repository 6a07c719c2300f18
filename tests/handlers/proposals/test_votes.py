"""The 👍 under a posted proposal: an approval of the theme, never the bot's own, and re-read from the
platform when asked, so what the messages show is what counts."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers import Anchor, ReactionEvent, Recount, Service
from handlers.polls.votes import approvals


def test_proposal_thumbs_up_are_approvals_and_bot_reactions_never_count(service: Service) -> None:
    service.record_posted("console", "club", "p1", Anchor("proposal", 7))

    def event(user: str, emoji: str, added: bool = True) -> None:
        service.handle_reaction(ReactionEvent("console", f"{user}{emoji}{added}", user, "club", "p1", emoji,
                                              added, datetime(2027, 1, 11, tzinfo=UTC)))

    for user in ("lea", "bob", "club-bot"):
        event(user, "+1")
    event("kevin", "tada")
    event("kevin", "+1::skin-tone-3")
    event("bob", "+1", added=False)
    with service.db.transaction() as session:
        assert approvals(session, "proposal", 7) == 2  # lea, kevin


def test_a_recount_makes_the_approvals_what_the_messages_show(service: Service) -> None:
    service.record_posted("console", "club", "p1", Anchor("proposal", 7))
    for user in ("lea", "bob"):
        service.handle_reaction(ReactionEvent("console", f"{user}-up", user, "club", "p1", "+1", True,
                                              datetime(2027, 1, 11, tzinfo=UTC)))
    # While the bot was away: bob took his 👍 back, yann and kevin (another spelling) added theirs.
    state = {Anchor("proposal", 7): {"+1": {"lea", "yann", "club-bot"}, "thumbsup": {"kevin"}, "tada": {"bob"}},
             Anchor("proposal", 8): {},
             Anchor("poll_option", 3): {"+1": {"bob"}}}  # not a proposal's message: not an approval
    anchors = tuple(state)
    assert service.handle_recount("console", Recount("approvals", 0, "camille", "club", anchors), state) == []
    with service.db.transaction() as session:
        assert approvals(session, "proposal", 7) == 3  # lea, yann, kevin; never the bot
        assert approvals(session, "proposal", 8) == 0
        assert approvals(session, "poll_option", 3) == 0
