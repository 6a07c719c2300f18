"""What a handler answers now, and what waits in the outbox to be posted after the answer.

A command's answer rides on the platform's response (Slack's ack, Mattermost's command response), and a
form opens at once (its trigger lives 3 s). Everything else — a poll's option messages, a Club
announcement, a direct message, an update or a recount — is written to the outbox in the transaction of
the action that produced it: if the process dies after the answer, the rows are still there, and a sender
(bot/outbox_sender.py) posts each once. When a platform refuses a message for good, its author is told.

Some messages are what makes their action real: a poll nobody can see is no poll. A capability marks such a
reply (`undone_if_refused`) and declares what undoes its action (`@on_refusal(kind)`); refused for good, the
message is given up, the action undone and its messages still waiting dropped, in one transaction, and the
author's notice says what was undone.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta

from pydantic import TypeAdapter
from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from handlers.core import Anchor, Reply, Visibility
from handlers.i18n import N_, translate
from handlers.text import between_lines
from storage.models import PostedMessage
from storage.outbox import OutboxMessage, OutboxState

log = logging.getLogger(__name__)
REPLY = TypeAdapter(Reply)
PENDING, SENDING, SENT, FAILED, CANCELLED = (state.value for state in OutboxState)
MAX_ATTEMPTS = 8  # with the backoff below, about nine minutes of trying
MAX_BACKOFF = timedelta(minutes=5)

# What went wrong, then what to do: a compensation's own advice replaces the second.
NOT_MEMBER = N_("club-bot n'a pas pu publier « {extrait} » : il n'est pas membre de ce canal.")
INVITE = N_("Invitez-le dans le canal (`/invite @club-bot`), puis recommencez.")
REFUSED = N_("club-bot n'a pas pu publier « {extrait} » : la plateforme l'a refusé ({raison}).")
TELL_ADMIN = N_("Prévenez l'administrateur du Club.")
UNREACHABLE = N_("club-bot n'a pas pu publier « {extrait} » après {essais} tentatives : la plateforme ne répond "
                 "pas.")
LATER = N_("Réessayez plus tard.")
# Slack's chat.postMessage errors (docs.slack.dev/reference/methods/chat.postMessage, "Errors"), and the
# Mattermost sender's names for a 403 and a 404 on POST /posts (bot/platforms/mattermost/sender.py).
NOT_MEMBER_REASONS = frozenset({"not_in_channel", "channel_not_found", "is_archived", "forbidden", "not_found"})


@dataclass(frozen=True)
class Undo:
    """What undoes an action if a message announcing it is refused for good: the compensation declared
    for `kind`, on `object_id`; `before` keeps what the action replaced, when undoing needs it."""

    kind: str
    object_id: int
    before: str | None = None


@dataclass
class Undoable(Reply):
    """A reply without which its action is half done (a poll's question, a group's new channel)."""

    undo: Undo | None = None


def undone_if_refused(reply: Reply, undo: Undo) -> Undoable:
    """`reply`, carrying what undoes its action should the platform refuse it for good."""
    return Undoable(**{f.name: getattr(reply, f.name) for f in fields(Reply)}, undo=undo)


@dataclass(frozen=True)
class Refusal:
    """A refused message, as the compensation of its action sees it."""

    undo: Undo
    platform: str
    channel: str | None  # where it was to be posted
    reason: str  # the platform's code
    lang: str  # its author's language, for the advice the compensation returns
    now: datetime

    @property
    def not_member(self) -> bool:
        return self.reason in NOT_MEMBER_REASONS


# (session, refusal) -> the advice for the author's notice, in `refusal.lang`; None: nothing left to undo.
UndoFunc = Callable[[Session, Refusal], str | None]
_UNDO: dict[str, UndoFunc] = {}  # filled as the capabilities are imported (Registry.build imports them all)


def on_refusal(kind: str) -> Callable[[UndoFunc], UndoFunc]:
    """Declares what undoes the actions of `kind` whose message is refused for good; it runs in the
    transaction that gives the message up."""

    def declare(func: UndoFunc) -> UndoFunc:
        known = _UNDO.get(kind)
        if known is not None and known.__qualname__ != func.__qualname__:
            raise RuntimeError(f"refusal {kind!r} declared twice")
        _UNDO[kind] = func
        return func

    return declare


class Replies(list[Reply]):
    """Everything a handler replied (as a list), and `answer`: those the platform shows right now.

    The others are already in the outbox, committed with the action."""

    def __init__(self, replies: list[Reply], answer: list[Reply]) -> None:
        super().__init__(replies)
        self.answer = answer


def answerable(reply: Reply) -> bool:
    """Can this reply be the response itself? Only a plain message to the caller, or to the channel:
    the response has no message id, so nothing that must be found again (anchor, reactions)."""
    return (not reply.update and reply.channel is None and reply.user is None and reply.anchor is None
            and not reply.reactions and reply.recount is None and reply.form is None
            and not reply.attachments
            and reply.visibility in (Visibility.EPHEMERAL, Visibility.CHANNEL))


def split(replies: list[Reply], with_answer: bool) -> tuple[list[Reply], list[Reply]]:
    """(now, later): forms, and the first reply when the response can carry it; the rest later. A reply
    too long for one message is several, in order: its first piece rides on the response."""
    now: list[Reply] = []
    later: list[Reply] = []
    for index, reply in enumerate(replies):
        if reply.form is not None:
            now.append(reply)
            continue
        first, *rest = pieces(reply)
        (now if with_answer and index == 0 and answerable(reply) else later).append(first)
        later.extend(rest)
    return now, later


# What one message carries on every platform served: Slack refuses blocks whose texts add up to about
# 12,000 characters (`msg_blocks_too_long`, a limit it does not document: slackapi/bolt-js#2509 and #2867),
# with room left for its mrkdwn escapes; Mattermost posts hold 16,383 characters
# (mattermost/mattermost:server/public/model/post.go, PostMessageMaxRunesV2; 4,000 only on a database
# never migrated to the v2 column, PostMessageMaxRunesV1).
MESSAGE_TEXT = 8000


def pieces(reply: Reply, limit: int = MESSAGE_TEXT) -> list[Reply]:
    """`reply` as messages of at most `limit` characters, cut between lines (a longer line is cut
    where it must), in reading order; its buttons, reactions, anchor and files go with the last piece,
    under the whole listing. An update replaces one message: it stays whole."""
    if len(reply.text) <= limit or reply.update or reply.recount is not None:
        return [reply]
    texts = between_lines(reply.text, limit)
    bare = replace(reply, buttons=[], reactions=[], anchor=None, attachments=[])
    return [replace(bare, text=text) for text in texts[:-1]] + [replace(reply, text=texts[-1])]


def in_response(answer: list[Reply]) -> tuple[Reply | None, list[Reply]]:
    """(what rides on the platform's response, what is shown right after): the answer's first reply,
    a form's text included when the form could not open."""
    if answer and answerable(replace(answer[0], form=None)):
        return answer[0], answer[1:]
    return None, answer


@dataclass(frozen=True)
class Origin:
    """Where the action happened and who acted: the default channel and recipient of its replies."""

    platform: str
    channel: str | None = None
    user: str | None = None
    lang: str = "fr"


def queue(session: Session, club_id: int, origin: Origin, replies: list[Reply], now: datetime) -> int:
    """Writes `replies` to the outbox, in this transaction; they are sent in this order, each once the
    one before is done (a poll's options never before its question)."""
    batch = uuid.uuid4().hex
    for reply in replies:
        undo = reply.undo if isinstance(reply, Undoable) else None
        session.add(OutboxMessage(club_id=club_id, platform=origin.platform, batch=batch,
                                  reply=REPLY.dump_python(reply, mode="json"), undo=asdict(undo) if undo else None,
                                  channel_id=origin.channel or None, user_id=origin.user, lang=origin.lang,
                                  state=PENDING, attempts=0, not_before=now, created_at=now, updated_at=now))
    return len(replies)


def answer(session: Session, club_id: int, origin: Origin, replies: list[Reply], now: datetime,
           with_answer: bool) -> Replies:
    shown, later = split(replies, with_answer)
    queue(session, club_id, origin, later, now)
    return Replies(list(replies), shown)


@dataclass(frozen=True)
class Outgoing:
    """One outbox row to send now."""

    id: int
    key: str
    origin: Origin
    reply: Reply
    retry: bool  # an earlier attempt may have reached the platform: look for `key` first
    since: datetime  # when the first attempt started
    posted: tuple[str, str] | None = None  # already posted (channel, message id): only its reactions remain


def claim(session: Session, platforms: list[str], now: datetime, worker: str, limit: int = 50,
          lease: timedelta = timedelta(minutes=2)) -> list[Outgoing]:
    """Due rows of these platforms, oldest first, leased to `worker` until now + `lease`: of each batch,
    only its first row not yet done (the next ones wait for it, here or in another process)."""
    if not platforms:
        return []
    earlier = aliased(OutboxMessage)
    rows = session.scalars(select(OutboxMessage).where(
        OutboxMessage.platform.in_(platforms),
        or_(and_(OutboxMessage.state == PENDING, OutboxMessage.not_before <= now),
            and_(OutboxMessage.state == SENDING, OutboxMessage.lease_until < now)),
        ~exists().where(earlier.batch == OutboxMessage.batch, earlier.id < OutboxMessage.id,
                        earlier.state.in_([PENDING, SENDING])))
        .order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)).all()
    claimed = []
    for row in rows:
        retry = row.attempts > 0
        row.state, row.claimed_by, row.lease_until = SENDING, worker, now + lease
        row.claimed_at = row.claimed_at or now
        row.attempts += 1
        row.updated_at = now
        posted = (row.posted_channel, row.posted_id) if row.posted_id and row.posted_channel else None
        claimed.append(Outgoing(id=row.id, key=row.key, reply=REPLY.validate_python(row.reply), retry=retry,
                                origin=Origin(row.platform, row.channel_id, row.user_id, row.lang),
                                since=row.claimed_at, posted=posted))
    return claimed


def _owned(session: Session, row_id: int, worker: str) -> OutboxMessage | None:
    row = session.get(OutboxMessage, row_id)
    if row is None or row.state != SENDING or row.claimed_by != worker:
        return None  # its lease ran out and another sender owns it now
    return row


def mark_posted(session: Session, row_id: int, worker: str, channel: str, message_id: str, now: datetime,
                platform: str, anchor: Anchor | None) -> None:
    """The message is on the platform: a retry only finishes it (its reactions), never posts it again;
    what it shows (`anchor`) is known from now on, so votes on it count."""
    row = _owned(session, row_id, worker)
    if row is None:
        return
    row.posted_channel, row.posted_id, row.updated_at = channel, message_id, now
    if anchor is not None:
        record_posted(session, platform, channel, message_id, anchor)


def record_posted(session: Session, platform: str, channel: str, message_id: str, anchor: Anchor) -> None:
    """What a posted message shows: reactions and clicks on it find their way back to `anchor`."""
    session.add(PostedMessage(platform=platform, channel_id=channel, message_id=message_id,
                              kind=anchor.kind, object_id=anchor.object_id))


def mark_sent(session: Session, row_id: int, worker: str, now: datetime) -> bool:
    done = session.execute(update(OutboxMessage).where(
        OutboxMessage.id == row_id, OutboxMessage.state == SENDING, OutboxMessage.claimed_by == worker).values(
        state=SENT, sent_at=now, lease_until=None, updated_at=now))
    return done.rowcount == 1


def defer(session: Session, row_id: int, worker: str, until: datetime, now: datetime) -> None:
    """Back in the queue until `until`, nothing tried: its platform's pace would hold it that long, and the
    rows behind it should not wait with it. Not an attempt."""
    row = _owned(session, row_id, worker)
    if row is not None:
        row.state, row.not_before, row.lease_until, row.updated_at = PENDING, until, None, now
        row.attempts = max(0, row.attempts - 1)  # its claim counted one


def mark_failed(session: Session, row_id: int, worker: str, error: str, now: datetime,
                permanent: str | None = None) -> None:
    """Tried again later with a growing pause; given up at once when the platform refused it for good
    (`permanent`: its reason) or after MAX_ATTEMPTS, and then its author is told. Refused for good, a
    message carrying an `Undo` also has its action undone."""
    row = _owned(session, row_id, worker)
    if row is None:
        return
    row.note, row.lease_until, row.updated_at = error[:500], None, now
    if permanent is None and row.attempts < MAX_ATTEMPTS:
        row.state = PENDING
        row.not_before = now + min(timedelta(seconds=2 ** row.attempts), MAX_BACKOFF)
        return
    row.state = FAILED
    log.warning("outbox message %s given up on %s after %s attempts: %s", row.id, row.platform, row.attempts,
                error[:200])
    advice = _undo(session, row, permanent, now) if permanent is not None else None
    _tell_author(session, row, permanent, now, advice)


def _undo(session: Session, row: OutboxMessage, reason: str, now: datetime) -> str | None:
    """Undoes the action `row` was to make real, and drops its messages still waiting (the options of a
    poll nobody can see); returns what the author is advised. A compensation that fails is logged and
    leaves the action as it is: the message is given up all the same, the outbox goes on."""
    if row.undo is None:
        return None
    undo = Undo(**row.undo)
    compensation = _UNDO.get(undo.kind)
    if compensation is None:
        log.error("outbox message %s: nothing undoes %r, its action stays", row.id, undo.kind)
        return None
    refusal = Refusal(undo, row.platform, REPLY.validate_python(row.reply).channel or row.channel_id, reason,
                      row.lang, now)
    try:
        with session.begin_nested():
            advice = compensation(session, refusal)
    except Exception:
        log.exception("outbox message %s: undoing %s %s failed", row.id, undo.kind, undo.object_id)
        return None
    if advice is not None:
        for later in session.scalars(select(OutboxMessage).where(
                OutboxMessage.batch == row.batch, OutboxMessage.id > row.id, OutboxMessage.state == PENDING)):
            if later.undo == row.undo:
                later.state, later.note, later.updated_at = CANCELLED, f"undone: {undo.kind}", now
    return advice


def _tell_author(session: Session, row: OutboxMessage, permanent: str | None, now: datetime,
                 advice: str | None) -> None:
    if row.user_id is None:
        return  # a notice, or a scheduled message: nobody acted, the log says it
    if advice is None and session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.batch == row.batch, OutboxMessage.id != row.id,
            OutboxMessage.state == FAILED).limit(1)) is not None:
        return  # told already, for an earlier message of the same action
    reply = REPLY.validate_python(row.reply)
    excerpt = " ".join(reply.text.split())
    excerpt = excerpt if len(excerpt) <= 80 else excerpt[:79] + "…"
    if permanent is None:
        what, then = translate(row.lang, UNREACHABLE, extrait=excerpt, essais=row.attempts), LATER
    elif permanent in NOT_MEMBER_REASONS:
        what, then = translate(row.lang, NOT_MEMBER, extrait=excerpt), INVITE
    else:
        what, then = translate(row.lang, REFUSED, extrait=excerpt, raison=permanent), TELL_ADMIN
    notice = Reply(f"{what} {advice or translate(row.lang, then)}", Visibility.DM, user=row.user_id)
    queue(session, row.club_id, Origin(row.platform, None, None, row.lang), [notice], now)


def pending(session: Session, now: datetime | None = None) -> int:
    """Messages still to send (only those due when `now` is given), for metrics and tests."""
    query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state.in_([PENDING, SENDING]))
    if now is not None:
        query = query.where(OutboxMessage.not_before <= now)
    return session.scalar(query) or 0
