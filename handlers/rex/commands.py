"""`/club rex` and its subcommands as people type and read them: names, aliases, roles and help texts,
in the order help lists them. Each subcommand hands its words to the module that does the work."""

from __future__ import annotations

import functools

from handlers.calendar import queries as calendar
from handlers.calendar import registrations
from handlers.calendar.display import times_in_zones
from handlers.context import Context
from handlers.core import Reply
from handlers.i18n import N_, format_datetime
from handlers.registry import VerbFunc, subverb, unknown_subverb, verb
from handlers.rex import announcement, attendance, guests, registration, topics
from handlers.rex.lookup import KIND, LIST_LIMIT, ensure_calendar
from handlers.rex.texts import DAY, seats, topic_line, topics_of, visio
from storage.models import Role

SECTION = N_("Retours d'expérience")


def prepared(func: VerbFunc) -> VerbFunc:
    """Every REX command first makes sure the year's calendar exists; what generating it said (e.g. the
    sessions it planned) comes after the command's own answer."""

    @functools.wraps(func)
    def run(ctx: Context, args: str) -> list[Reply]:
        generated = ensure_calendar(ctx)
        return [*func(ctx, args), *generated]

    return run


@verb("rex", "retex", section=SECTION,
      summary=N_("Les retours d'expérience : s'inscrire, inviter, proposer un sujet, les enregistrements."),
      usage=N_("`/club rex` : les prochains REX (1 h en ligne, ouverts à tous), avec leur sujet, l'heure de chaque "
               "territoire, les places et votre inscription (le lien de visio si vous êtes inscrit·e)."),
      examples=("/club rex",))
def rex(ctx: Context, args: str) -> list[Reply]:
    words = args.split()
    if words:
        raise unknown_subverb(ctx.registry.verbs["rex"], words[0])
    return upcoming(ctx, args)


@prepared
def upcoming(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    events = calendar.upcoming(ctx.session, ctx.club.id, ctx.now, kind=KIND, limit=LIST_LIMIT)
    if not events:
        return [Reply(_("Aucun retour d'expérience à venir au calendrier (`/club calendrier`)."))]
    zones = list(ctx.settings.programme.zones)
    if ctx.tz not in zones:
        zones.insert(0, ctx.tz)
    lines = [_("**Retours d'expérience à venir** (1 h en ligne, ouverts à tous) :")]
    for event in events:
        subject = "; ".join(topic_line(_, t) for t in topics_of(ctx, event.id)) or _("sujet à programmer")
        lines.append(_("• **#{n}** {jour} — {sujet}", n=event.number, sujet=subject,
                       jour=format_datetime(event.starts_at, ctx.tz, ctx.lang, DAY)))
        lines.append("   " + times_in_zones(event.starts_at, zones, ctx.lang))
        mine = registrations.registration_of(ctx.session, event.id, ctx.member)
        position = registrations.waitlist_position(ctx.session, mine) if mine else 0
        if mine is None:
            status = _("Inscription : `/club rex inscrire {n}`.", n=event.number)
        elif position:
            status = _("Vous êtes sur la liste d'attente (position {position}).", position=position)
        else:
            status = _("Vous êtes inscrit·e.") + " " + visio(_, event)
        lines.append("   " + seats(ctx, event) + " " + status)
    lines.append(_("Proposer un sujet (même urgent) : `/club rex sujet <texte>` · les sujets : `/club rex sujets`."))
    if ctx.member.role_enum.at_least(Role.MEMBRE):
        lines.append(_("Les enregistrements (membres) : `/club rex enregistrements`."))
    return [Reply("\n".join(lines))]


# -- for everyone ------------------------------------------------------------------------------------
@subverb("rex", "inscrire", "inscription", "register",
         summary=N_("S'inscrire à un REX, membre du Club ou non."),
         usage=N_("`/club rex inscrire [n]` : au prochain REX si `n` est omis ; aussi le bouton « S'inscrire » de "
                  "l'annonce. Quand c'est complet, vous entrez en liste d'attente."),
         examples=("/club rex inscrire", "/club rex inscrire 1"))
@prepared
def register(ctx: Context, args: str) -> list[Reply]:
    return registration.register(ctx, args)


@subverb("rex", "desinscrire", "unregister",
         summary=N_("Se désinscrire d'un REX, ou désinscrire son invité·e."),
         usage=N_("`/club rex desinscrire [n]` (le prochain REX si `n` est omis), "
                  "`/club rex desinscrire <n> <nom>` pour votre invité·e. La première personne en liste "
                  "d'attente prend la place et en est prévenue en privé."),
         examples=("/club rex desinscrire 1", "/club rex desinscrire 1 Jeanne Martin"))
@prepared
def unregister(ctx: Context, args: str) -> list[Reply]:
    return registration.unregister(ctx, args)


@subverb("rex", "invite", "inviter", role=Role.MEMBRE,
         summary=N_("Inscrire un·e invité·e (élu·e, agent·e, expert·e…) à un REX."),
         usage=N_("`/club rex invite <n> <nom>, <institution>` : vous transmettez le lien à votre invité·e ; "
                  "l'enregistrement reste réservé aux membres."),
         examples=("/club rex invite 1 Jeanne Martin, Mairie de Cayenne",))
@prepared
def invite(ctx: Context, args: str) -> list[Reply]:
    return guests.invite(ctx, args)


@subverb("rex", "sujets", "topics",
         summary=N_("Les sujets proposés qui attendent un REX."),
         usage=N_("`/club rex sujets` : les urgents (⚡) d'abord."),
         examples=("/club rex sujets",))
@prepared
def waiting_topics(ctx: Context, args: str) -> list[Reply]:
    return topics.waiting_topics(ctx, args)


@subverb("rex", "sujet", "topic",
         summary=N_("Proposer un sujet de REX, même urgent."),
         usage=N_("`/club rex sujet [urgent] <texte>` (5 à 500 caractères) : annoncé dans le canal du Club, puis "
                  "programmé sur un REX par l'équipe d'animation."),
         examples=("/club rex sujet urgent Accueil des sinistrés après le cyclone",))
@prepared
def propose(ctx: Context, args: str) -> list[Reply]:
    return topics.propose(ctx, args)


@subverb("rex", "enregistrements", "recordings", role=Role.MEMBRE,
         summary=N_("Les enregistrements des REX passés, pour les membres du Club."),
         usage=N_("`/club rex enregistrements` : les plus récents d'abord, à ne pas diffuser."),
         examples=("/club rex enregistrements",))
@prepared
def recordings(ctx: Context, args: str) -> list[Reply]:
    return attendance.recordings(ctx, args)


# -- for the facilitators ----------------------------------------------------------------------------
@subverb("rex", "programmer", "schedule", role=Role.FACILITATEUR,
         summary=N_("Placer un sujet proposé sur un REX, avec ses intervenant·es."),
         usage=N_("`/club rex programmer <sujet> <n> [@intervenant·es]` : le sujet n° `sujet` va au REX #n ; "
                  "l'annonce est publiée, ou mise à jour sur place, et l'auteur·e du sujet est prévenu·e."),
         examples=("/club rex programmer 1 1 @lea",))
@prepared
def program(ctx: Context, args: str) -> list[Reply]:
    return topics.program(ctx, args)


@subverb("rex", "capacite", "places", "capacity", role=Role.FACILITATEUR,
         summary=N_("Limiter les places d'un REX, ou lever la limite."),
         usage=N_("`/club rex capacite <n> <places|illimite>` : plus de places fait monter la liste d'attente ; "
                  "moins de places ne retire jamais une place déjà donnée."),
         examples=("/club rex capacite 1 30", "/club rex capacite 1 illimite"))
@prepared
def capacity(ctx: Context, args: str) -> list[Reply]:
    return registration.set_capacity(ctx, args)


@subverb("rex", "annoncer", "announce", role=Role.FACILITATEUR,
         summary=N_("Publier l'annonce d'un REX dans le canal du Club."),
         usage=N_("`/club rex annoncer [n]` (le prochain REX si `n` est omis) : l'annonce est ensuite mise à jour "
                  "sur place ; elle ne donne jamais le lien de visio."),
         examples=("/club rex annoncer 1",))
@prepared
def announce(ctx: Context, args: str) -> list[Reply]:
    return announcement.announce(ctx, args)


@subverb("rex", "presences", "inscrits", "attendance", role=Role.FACILITATEUR,
         summary=N_("La liste des inscrit·es d'un REX, en CSV."),
         usage=N_("`/club rex presences [n]` : les inscrit·es puis la liste d'attente, avec les invité·es et qui "
                  "les a inscrit·es."),
         examples=("/club rex presences 1",))
@prepared
def presences(ctx: Context, args: str) -> list[Reply]:
    return attendance.attendance(ctx, args)


@subverb("rex", "enregistrement", "recording", role=Role.FACILITATEUR,
         summary=N_("Envoyer l'enregistrement d'un REX aux membres inscrits."),
         usage=N_("`/club rex enregistrement <n> <lien>` : en privé, aux membres du Club inscrits seulement (ni aux "
                  "invité·es, ni aux participant·es) ; les membres le retrouvent avec `/club rex enregistrements`."),
         examples=("/club rex enregistrement 1 https://video.exemple.fr/rex-1",))
@prepared
def recording(ctx: Context, args: str) -> list[Reply]:
    return attendance.share_recording(ctx, args)
