"""Open programming: anyone proposes a topic, even a pressing one, and a facilitator places it on a REX,
with its speakers; the announcement follows and the author is told."""

from __future__ import annotations

from sqlalchemy import select

from handlers.context import Context
from handlers.core import Reply, UserError, Visibility
from handlers.i18n import N_, format_datetime
from handlers.rex.announcement import announcement, is_announced, publish
from handlers.rex.lookup import find_rex, still_open
from handlers.rex.texts import dm, same_platform
from handlers.text import fold, mentioned_ids, parse_number, strip_mentions, user_text
from storage.numbers import add_numbered
from storage.rex import RexTopic

MAX_TOPIC = 500


def propose(ctx: Context, args: str) -> list[Reply]:
    """`/club rex sujet [urgent] <texte>`: numbered, and told to the Club channel."""
    _ = ctx._
    words = args.split()
    urgent = bool(words) and fold(words[0]).rstrip(":") in ("urgent", "urgente")
    text = " ".join(words[1:] if urgent else words)
    if len(text) < 5 or len(text) > MAX_TOPIC:
        raise UserError("Décrivez le sujet en 5 à {max} caractères : `/club rex sujet <texte>`, ou "
                        "`/club rex sujet urgent <texte>` pour un sujet d'actualité.", max=MAX_TOPIC)
    topic = RexTopic(club_id=ctx.club.id, text=text, urgent=urgent, author_id=ctx.member.id, created_at=ctx.now)
    add_numbered(ctx.session, topic, RexTopic.number)
    shown = ("⚡ " if urgent else "") + user_text(text)
    return [Reply(_("Sujet n° {n} proposé, merci. Les facilitateur·trices le programment sur un REX "
                    "(`/club rex programmer {n} <REX>`).", n=topic.number)),
            Reply(_("💡 Sujet proposé pour un retour d'expérience (n° {n}, par {auteur}) : {sujet}", n=topic.number,
                    auteur=user_text(ctx.member.display_name), sujet=shown), visibility=Visibility.CLUB)]


def waiting_topics(ctx: Context, args: str) -> list[Reply]:
    """`/club rex sujets`: the topics no REX holds yet, urgent ones first."""
    _ = ctx._
    waiting = list(ctx.session.scalars(select(RexTopic).where(RexTopic.club_id == ctx.club.id,
                                                              RexTopic.event_id.is_(None))
                                       .order_by(RexTopic.urgent.desc(), RexTopic.number)))
    if not waiting:
        return [Reply(_("Aucun sujet en attente de programmation. Proposez-en un : `/club rex sujet <texte>`."))]
    lines = [_("**Sujets proposés pour les REX** (⚡ urgent) :")]
    lines.extend(_("• n° {n} {urgent}{sujet} — par {auteur}", n=t.number, urgent="⚡ " if t.urgent else "",
                   sujet=user_text(t.text), auteur=user_text(t.author.display_name)) for t in waiting)
    lines.append(_("Facilitateur·trices : `/club rex programmer <sujet> <REX>`."))
    return [Reply("\n".join(lines))]


def program(ctx: Context, args: str) -> list[Reply]:
    """`/club rex programmer <sujet> <REX> [@intervenant·es]`: the announcement is posted, or updated."""
    _ = ctx._
    words = strip_mentions(args).split()
    topic_number = parse_number(words[0]) if words else None
    if topic_number is None or len(words) < 2:
        raise UserError("Écrivez `/club rex programmer <sujet> <REX> [@intervenant·es]`, par exemple "
                        "`/club rex programmer 2 5 @lea`. Les sujets : `/club rex sujets`.")
    topic = ctx.session.scalar(select(RexTopic).where(RexTopic.club_id == ctx.club.id,
                                                      RexTopic.number == topic_number))
    if topic is None:
        raise UserError("Aucun sujet n° {n}. Les sujets proposés : `/club rex sujets`.", n=topic_number)
    event = still_open(find_rex(ctx, words[1], "`/club rex programmer 2 5`"), ctx.now)
    names = [ctx.mentions.get(uid, uid) for uid in dict.fromkeys(mentioned_ids(args))]
    names.extend(words[2:])
    topic.event_id, topic.programmed_at = event.id, ctx.now
    topic.speakers = ", ".join(names)[:300] or None
    ctx.session.flush()
    announced = is_announced(ctx, event)
    replies = [Reply(_("Sujet n° {s} programmé au REX #{n} ; l'annonce du Club est {etat}.", s=topic.number,
                       n=event.number, etat=_("mise à jour") if announced else _("publiée"))),
               announcement(ctx, event, update=True) if announced else publish(ctx, event)]
    author = topic.author
    if author.id != ctx.member.id and same_platform(ctx, author):
        replies.append(dm(author, N_("Votre sujet « {sujet} » est programmé au REX #{n} du {quand} (votre heure)."),
                          sujet=user_text(topic.text), n=event.number,
                          quand=format_datetime(event.starts_at, author.tz, author.lang or "fr")))
    return replies
