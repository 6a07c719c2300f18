"""A poll nobody can see is no poll. When the platform refuses its question or one of its options for good
(club-bot is not in the channel: a private one, or a direct message between two people), the poll is
cancelled, never left open to be closed and counted later, and its author is told to invite club-bot and
launch it again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.i18n import N_, translate
from handlers.outbox import Refusal, Undo, on_refusal
from storage.polls import Poll

UNDO = "poll"
INVITE_THEN_RELAUNCH = N_("Invitez-le dans le canal (`/invite @club-bot`) puis relancez le sondage : le sondage "
                          "#{n} est annulé, personne n'ayant pu le voir ni y voter.")
CANCELLED_TELL_ADMIN = N_("Le sondage #{n} est annulé, personne n'ayant pu le voir ni y voter. Prévenez "
                          "l'administrateur du Club, puis relancez le sondage.")


def undo_if_unseen(poll: Poll) -> Undo:
    """What the poll's messages carry: refused for good, any of them cancels the poll."""
    return Undo(UNDO, poll.id)


def cancelled(poll: Poll) -> bool:
    return poll.cancelled_at is not None


def cancel(poll: Poll, now: datetime) -> None:
    """Closed, so that nothing treats it as open (listings, closing, reminders), and marked cancelled."""
    poll.closed_at = poll.cancelled_at = now


@on_refusal(UNDO)
def cancel_unseen_poll(session: Session, refusal: Refusal) -> str | None:
    poll = session.scalar(select(Poll).where(Poll.id == refusal.undo.object_id).with_for_update(of=Poll))
    if poll is None or poll.closed_at is not None:
        return None  # cancelled for an earlier message, or closed already: nothing left to undo
    cancel(poll, refusal.now)
    advice = INVITE_THEN_RELAUNCH if refusal.not_member else CANCELLED_TELL_ADMIN
    return translate(refusal.lang, advice, n=poll.number)
