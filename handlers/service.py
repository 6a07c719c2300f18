"""The Club as platform adapters see it: neutral events in, neutral replies out.

Every event is one database transaction: an expected problem (`UserError`) rolls it back and is
shown to the user in their language; anything else is logged and answered with a short apology.
What a handler replies beyond the answer goes to the outbox in that same transaction (handlers.outbox).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from rapidfuzz import process
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from handlers.context import ClubSettings, Context
from handlers.core import (
    ActionEvent,
    Anchor,
    Command,
    FormSubmission,
    Profile,
    ProfileLoader,
    ReactionEvent,
    Recount,
    Reply,
    UserError,
)
from handlers.i18n import N_, lang_of, translate
from handlers.members.lookup import ensure_member, find_member, note_profile
from handlers.outbox import Origin, Replies, answer, pieces, queue, record_posted
from handlers.registry import Registry, Verb
from handlers.text import parse_number
from storage.db import Database, insert_for
from storage.models import Club, PostedMessage, ProcessedEvent

log = logging.getLogger(__name__)
ANCHORS_REMEMBERED = 50_000

APOLOGY = N_("Désolé, un problème inattendu est survenu et rien n'a été enregistré. Réessayez dans un instant ; si cela persiste, prévenez l'équipe d'animation.")


def default_registry() -> Registry:
    """Every capability of the Club, in a registry of the caller's own (a test may add to it)."""
    from handlers import CAPABILITIES

    return Registry.build(CAPABILITIES)


def find_subverb(verb: Verb, args: str) -> tuple[Verb | None, str]:
    """The subcommand named by the first word (`groupe rejoindre 2`), or by the second when the first is
    the object's number (`odj 3 ajouter …`, which then receives "3 …"); and the words it receives."""
    head, rest = split_verb(args)
    sub = verb.subverb(head)
    if sub is None and verb.subverbs and parse_number(head) is not None:
        second, tail = split_verb(rest)
        sub = verb.subverb(second)
        rest = f"{head} {tail}".strip()
    return sub, rest


def split_verb(text: str) -> tuple[str, str]:
    text = text.strip()
    if not text:
        return "", ""
    head, _, rest = text.partition(" ")
    return head.lower(), rest.strip()


class Service:
    """Runs commands, reactions, clicks and scheduled work against the database."""

    def __init__(self, db: Database, settings: ClubSettings, clock: Callable[[], datetime] | None = None,
                 registry: Registry | None = None):
        self.db = db
        self.settings = settings
        self.registry = registry or default_registry()
        self.clock = clock or (lambda: datetime.now(UTC))
        self._known: set[tuple[str, str]] = set()
        # Where replies meant for every platform (a scheduled announcement) are queued: those served.
        self.platforms: set[str] = set(settings.club_channels)
        # Messages the bot posted never change what they show: (platform, channel, message) -> anchor.
        self._anchors: dict[tuple[str, str, str], tuple[str, int]] = {}
        with db.transaction() as session:
            self._club = self._ensure_club(session)  # its row never changes once created
            self.club_id = self._club.id

    # -- commands -----------------------------------------------------------------------------
    def handle_command(self, cmd: Command) -> Replies:
        """All the replies; `answer` is what the platform shows now, the rest is in the outbox."""
        name, args = split_verb(cmd.text)
        lang = lang_of(cmd.locale)
        profile = self._first_contact_profile(cmd.platform, cmd.user_id, cmd.profile, cmd.user_name)
        try:
            with self.db.transaction() as session:
                ctx = self._context(session, cmd.platform, cmd.user_id, cmd.user_name, cmd.channel_id,
                                    cmd.locale, profile, cmd.mentions)
                lang = ctx.lang
                verb = self.registry.verbs.get(name or "aide")
                if verb is None:
                    raise self._unknown_verb(name)
                ctx.require(verb.role)
                sub, rest = find_subverb(verb, args)
                if sub is None:
                    replies = verb.func(ctx, args)
                else:
                    ctx.require(sub.role)
                    replies = sub.func(ctx, rest)
                return answer(session, self.club_id, Origin(cmd.platform, cmd.channel_id, cmd.user_id, lang),
                              replies, ctx.now, with_answer=True)
        except UserError as error:
            return self._alone(Reply(translate(lang, error.msgid, **error.params)))
        except Exception:
            log.exception("command failed: platform=%s user=%s verb=%s", cmd.platform, cmd.user_id, name)
            return self._alone(Reply(translate(lang, APOLOGY)))

    @staticmethod
    def _alone(reply: Reply) -> Replies:
        """An answer and nothing else (the action was rolled back: nothing to queue)."""
        return Replies([reply], [reply])

    def _queue_alone(self, origin: Origin, replies: list[Reply]) -> Replies:
        """Replies of an event whose own transaction was rolled back (an error to show): queued alone."""
        with self.db.transaction() as session:
            return answer(session, self.club_id, origin, replies, self.clock(), with_answer=False)

    def _unknown_verb(self, name: str) -> UserError:
        names = sorted(self.registry.verbs)
        match = process.extractOne(name, names, score_cutoff=60)
        if match:
            return UserError(
                "Commande inconnue : « {verbe} ». Vouliez-vous dire `/club {proche}` ? "
                "Tapez `/club aide` pour la liste des commandes.",
                verbe=name, proche=match[0],
            )
        return UserError("Commande inconnue : « {verbe} ». Tapez `/club aide` pour la liste des commandes.",
                         verbe=name)

    # -- reactions and buttons ----------------------------------------------------------------
    def handle_reaction(self, event: ReactionEvent) -> Replies:
        """A vote-like reaction on one of the bot's messages; other messages and retries are ignored."""
        origin = Origin(event.platform, event.channel_id, event.user_id)
        try:
            with self.db.transaction() as session:
                if not claim_event(session, event.platform, event.event_id):
                    return Replies([], [])
                anchor = self._anchor(session, event.platform, event.channel_id, event.message_id)
                handler = self.registry.reactions.get(anchor[0]) if anchor else None
                if handler is None:
                    return Replies([], [])
                ctx = self._context(session, event.platform, event.user_id, event.user_id,
                                    event.channel_id, None, None, {})
                origin = Origin(event.platform, event.channel_id, event.user_id, ctx.lang)
                return answer(session, self.club_id, origin, handler(ctx, event, anchor[1]), ctx.now,
                              with_answer=False)
        except UserError as error:
            return self._queue_alone(origin, [Reply(translate(origin.lang, error.msgid, **error.params),
                                                    user=event.user_id)])
        except Exception:
            log.exception("reaction failed: platform=%s event=%s", event.platform, event.event_id)
            return Replies([], [])

    def handle_action(self, event: ActionEvent) -> Replies:
        lang = "fr"
        profile = self._first_contact_profile(event.platform, event.user_id, event.profile, event.user_name)
        try:
            with self.db.transaction() as session:
                ctx = self._context(session, event.platform, event.user_id, event.user_name,
                                    event.channel_id, None, profile, {})
                lang = ctx.lang
                handler = self.registry.actions.get(event.action)
                if handler is None:
                    raise UserError("Ce bouton n'est plus actif.")
                return answer(session, self.club_id, Origin(event.platform, event.channel_id, event.user_id, lang),
                              handler(ctx, event.value), ctx.now, with_answer=True)
        except UserError as error:
            return self._alone(Reply(translate(lang, error.msgid, **error.params)))
        except Exception:
            log.exception("action failed: platform=%s action=%s", event.platform, event.action)
            return self._alone(Reply(translate(lang, APOLOGY)))

    def handle_form(self, form: FormSubmission) -> tuple[Replies, str | None]:
        """A submitted form: (replies, None), or ([], the error to show beside the form)."""
        lang = "fr"
        profile = self._first_contact_profile(form.platform, form.user_id, form.profile, form.user_name)
        try:
            with self.db.transaction() as session:
                ctx = self._context(session, form.platform, form.user_id, form.user_name, form.channel_id,
                                    None, profile, {})
                lang = ctx.lang
                handler = self.registry.forms.get(form.form_id)
                if handler is None:
                    raise UserError("Ce formulaire n'est plus actif.")
                replies = handler(ctx, form.values, form.state)
                return answer(session, self.club_id, Origin(form.platform, form.channel_id, form.user_id, lang),
                              replies, ctx.now, with_answer=False), None
        except UserError as error:
            return Replies([], []), translate(lang, error.msgid, **error.params)
        except Exception:
            log.exception("form failed: platform=%s form=%s", form.platform, form.form_id)
            return Replies([], []), translate(lang, APOLOGY)

    def handle_recount(self, platform: str, recount: Recount, state: dict[Anchor, dict[str, set[str]]],
                       done: Callable[[Session], None] | None = None) -> Replies:
        """The platform's reactions, read by the bot for a `Reply.recount`, handed to their handler;
        `done` runs in the handler's transaction (the outbox row that asked is marked sent with it)."""
        origin = Origin(platform, recount.channel_id, recount.user_id)
        try:
            with self.db.transaction() as session:
                handler = self.registry.recounts.get(recount.kind)
                if handler is None:
                    log.warning("no handler for recount %s", recount.kind)
                    replies = []
                else:
                    ctx = self._context(session, platform, recount.user_id, recount.user_id, recount.channel_id,
                                        None, None, {})
                    origin = Origin(platform, recount.channel_id, recount.user_id, ctx.lang)
                    replies = handler(ctx, recount.object_id, state)
                if done is not None:
                    done(session)
                return answer(session, self.club_id, origin, replies, self.clock(), with_answer=False)
        except UserError as error:
            with self.db.transaction() as session:
                if done is not None:
                    done(session)
                return answer(session, self.club_id, origin, [Reply(translate(
                    origin.lang, error.msgid, **error.params), user=recount.user_id)], self.clock(), with_answer=False)
        except Exception:
            log.exception("recount failed: platform=%s kind=%s id=%s", platform, recount.kind,
                          recount.object_id)
            raise

    # -- scheduled work -----------------------------------------------------------------------
    def tick(self, now: datetime | None = None) -> list[tuple[str | None, Reply]]:
        """Run what is due at `now`; returns (platform or None for all, reply) pairs to deliver."""
        now = now or self.clock()
        out: list[tuple[str | None, Reply]] = []
        for job in self.registry.ticks:
            try:
                with self.db.transaction() as session:
                    replies = job(session, now, self.settings)
                    for platform in sorted(self.platforms):
                        queue(session, self.club_id, Origin(platform), [
                            piece for target, reply in replies if target in (None, platform)
                            for piece in pieces(reply)], now)
                    out.extend(replies)
            except Exception:
                log.exception("scheduled job %s failed", getattr(job, "__name__", job))
        return out

    # -- messages the bot posted --------------------------------------------------------------
    def record_posted(self, platform: str, channel_id: str, message_id: str, anchor: Anchor) -> None:
        with self.db.transaction() as session:
            record_posted(session, platform, channel_id, message_id, anchor)

    def _anchor(self, session: Session, platform: str, channel_id: str, message_id: str) -> tuple[str, int] | None:
        """(kind, object id) a posted message shows, or None for other messages (not remembered: the
        bot may record its message just after someone reacts to it)."""
        key = (platform, channel_id, message_id)
        found = self._anchors.get(key)
        if found is None:
            row = session.execute(select(PostedMessage.kind, PostedMessage.object_id).where(
                PostedMessage.platform == platform, PostedMessage.channel_id == channel_id,
                PostedMessage.message_id == message_id)).first()
            if row is None:
                return None
            if len(self._anchors) >= ANCHORS_REMEMBERED:
                self._anchors.clear()
            found = self._anchors[key] = (row.kind, row.object_id)
        return found

    def posted_for(self, platform: str, anchor: Anchor) -> list[tuple[str, str]]:
        with self.db.transaction() as session:
            rows = session.execute(select(PostedMessage.channel_id, PostedMessage.message_id).where(
                PostedMessage.platform == platform, PostedMessage.kind == anchor.kind,
                PostedMessage.object_id == anchor.object_id,
            ).order_by(PostedMessage.id))
            return [(channel, message) for channel, message in rows]

    # -- members ------------------------------------------------------------------------------
    def knows(self, platform: str, user_id: str) -> bool:
        """Whether this person was met already in this process (no profile to fetch before answering)."""
        return (platform, user_id) in self._known

    def forget(self, platform: str, user_id: str) -> None:
        """Their profile could not be read before the answer and has been since: their next command asks again."""
        self._known.discard((platform, user_id))

    def _first_contact_profile(self, platform: str, user_id: str, loader: ProfileLoader | None,
                               user_name: str = "") -> Profile | None:
        """Meets someone new: their platform profile is fetched outside any transaction, and they are
        recorded in a transaction of their own, so a refused first command still leaves them known."""
        if (platform, user_id) in self._known:
            return None
        with self.db.transaction() as session:
            member = find_member(session, self.club_id, platform, user_id)
            if member is not None and (member.profiled or loader is None):
                if member.profiled:
                    self._known.add((platform, user_id))
                return None
        profile = None
        if loader is not None:
            try:
                profile = loader()
            except Exception:
                log.warning("profile of %s:%s unavailable", platform, user_id, exc_info=True)
        with self.db.transaction() as session:
            member = ensure_member(session, self._club_in(session), self.settings, platform, user_id,
                                   user_name or user_id, profile)
            if profile is not None:
                note_profile(member, self.settings, profile)
        self._known.add((platform, user_id))  # read or not, not asked again by this process
        return profile

    def _context(self, session: Session, platform: str, user_id: str, user_name: str, channel_id: str,
                 locale: str | None, profile: Profile | None, mentions: dict[str, str]) -> Context:
        club = self._club_in(session)
        member = ensure_member(session, club, self.settings, platform, user_id, user_name, profile)
        if member.profiled:  # met through a vote or a mention only: their profile is read at their first command
            self._known.add((platform, user_id))
        lang = member.lang or lang_of(locale)
        return Context(session=session, club=club, member=member, settings=self.settings, platform=platform,
                       channel_id=channel_id, now=self.clock(), lang=lang, registry=self.registry, mentions=mentions)

    def _club_in(self, session: Session) -> Club:
        """The club's row in this session, without a query: it never changes once created."""
        return session.merge(self._club, load=False)

    def _ensure_club(self, session: Session) -> Club:
        club_cfg = self.settings.programme.club
        club = session.scalar(select(Club).where(Club.slug == club_cfg.slug))
        if club is None:
            club = Club(slug=club_cfg.slug, name=club_cfg.name)
            session.add(club)
            session.flush()
        return club


def claim_event(session: Session, platform: str, event_id: str) -> bool:
    """True the first time a platform event id is seen; False for a retried delivery."""
    if not event_id:
        return True
    dialect = session.get_bind().dialect.name
    statement = _CLAIMS.get(dialect)
    if statement is None:  # built once per dialect: a burst of reactions claims one id each
        statement = _CLAIMS[dialect] = insert_for(session)(ProcessedEvent).values(
            platform=bindparam("platform"), event_id=bindparam("event_id"), received_at=bindparam("received_at"),
        ).on_conflict_do_nothing().returning(ProcessedEvent.event_id)
    inserted = session.scalar(statement, {"platform": platform, "event_id": event_id,
                                          "received_at": datetime.now(UTC)})
    return inserted is not None


_CLAIMS: dict[str, object] = {}
