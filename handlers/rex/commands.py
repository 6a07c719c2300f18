"""Retours d'expérience (REX): 1 h online every two months, open to all, topics proposed by anyone.

A REX is a calendar event of kind "rex". People register in chat (`/club rex inscrire`, or the
"S'inscrire" button of its announcement) through the generic registration core; the visio link is
given to registered people only, and the recording to the Club's members who registered — never to
guests, never in a public feed. The announcement in the Club channel is updated in place.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from handlers import home
from handlers.calendar import commands as calendar
from handlers.calendar import registrations
from handlers.calendar.registrations import Guest
from handlers.context import Context
from handlers.core import Anchor, Button, Reply, UserError, Visibility
from handlers.events import EventChanged
from handlers.i18n import N_, Translator, format_datetime, translate
from handlers.registry import on, on_action, profile_section, verb
from handlers.text import fold, mentioned_ids, parse_number, strip_mentions, user_text
from storage.calendar import Event, EventKind
from storage.models import Member, Role
from storage.registrations import Registration
from storage.rex import RexSession, RexTopic

SECTION = N_("Retours d'expérience")
KIND = EventKind.REX.value
ANCHOR = "rex"
REGISTER = "rex.register"
UNREGISTER = "rex.unregister"
LIST_LIMIT = 3
MAX_TOPIC = 500
DAY = "EEEE d MMMM y"
_URL = re.compile(r"^https?://\S+$")


# -- finding the REX ----------------------------------------------------------------------------
def _prepare(ctx: Context) -> list[Reply]:
    """The calendar is generated a year ahead on first use: make sure this year's REX exist."""
    year = ctx.now.astimezone(ZoneInfo(ctx.settings.programme.club.timezone)).year
    return calendar.ensure_years(ctx, year, year + 1)


def _rex(ctx: Context, token: str, usage: str) -> Event:
    """REX #token, or the next one when `token` is empty; only REX that can still change."""
    if not token:
        found = calendar.upcoming(ctx.session, ctx.club.id, ctx.now, kind=KIND, limit=1)
        if not found:
            raise UserError("Aucun retour d'expérience à venir au calendrier (`/club calendrier`).")
        return found[0]
    number = parse_number(token)
    if number is None:
        raise UserError("Indiquez le numéro du REX : {usage}. Les numéros sont dans `/club rex`.", usage=usage)
    event = calendar.event_by_number(ctx.session, ctx.club.id, number)
    if event is None or event.kind != KIND:
        raise UserError("#{n} n'est pas un retour d'expérience. Les REX à venir : `/club rex`.", n=number)
    return event


def _open(event: Event, now: datetime) -> Event:
    if event.cancelled:
        raise UserError("Le REX #{n} est annulé.", n=event.number)
    if event.starts_at <= now:
        raise UserError("Le REX #{n} a déjà eu lieu (ou a commencé) : les inscriptions sont closes.",
                        n=event.number)
    return event


def _split_number(args: str) -> tuple[str, str]:
    head, _sep, rest = args.strip().partition(" ")
    return head, rest.strip()


# -- texts --------------------------------------------------------------------------------------
def _topics(ctx: Context, event_id: int) -> list[RexTopic]:
    return list(ctx.session.scalars(select(RexTopic).where(RexTopic.event_id == event_id)
                                    .order_by(RexTopic.urgent.desc(), RexTopic.programmed_at, RexTopic.id)))


def _topic_line(_: Translator, topic: RexTopic) -> str:
    mark = "⚡ " if topic.urgent else ""
    speakers = topic.speakers or topic.author.display_name
    return _("{urgent}{sujet} — avec {intervenants}", urgent=mark, sujet=user_text(topic.text),
             intervenants=user_text(speakers))


def _seats(ctx: Context, event: Event) -> str:
    _ = ctx._
    seated, waiting = registrations.counts(ctx.session, event.id)
    seats = registrations.capacity(ctx.session, event.id)
    if seats is None:
        return _("{inscrits} inscrit·e(s), places illimitées.", inscrits=seated)
    return _("{inscrits}/{places} places prises · {attente} en liste d'attente.", inscrits=seated, places=seats,
             attente=waiting)


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if hours and rest else (f"{hours} h" if hours else f"{rest} min")


def announcement(ctx: Context, event: Event, update: bool = False) -> Reply:
    """The REX as the Club channel shows it: topic, time in every territory, how to register. No link."""
    _ = ctx._
    programme = ctx.settings.programme
    zones = programme.zones or [programme.club.timezone]
    lines = [_("🎙️ **Retour d'expérience #{n}** — {jour}, {duree} en ligne", n=event.number,
               jour=format_datetime(event.starts_at, programme.club.timezone, ctx.lang, DAY),
               duree=_duration(event.duration_minutes))]
    topics = _topics(ctx, event.id)
    if topics:
        lines.extend(_("Sujet : {sujet}", sujet=_topic_line(_, t)) for t in topics)
    else:
        lines.append(_("Sujet : à programmer. Proposez le vôtre, même urgent : `/club rex sujet <texte>`."))
    lines.append("🕑 " + calendar.times_in_zones(event.starts_at, zones, ctx.lang))
    buttons: list[Button] = []
    if event.cancelled:
        lines.append(_("❌ Ce REX est annulé."))
    elif event.starts_at <= ctx.now:
        lines.append(_("Ce REX a eu lieu."))
    else:
        lines.append(_("Inscription libre, membres du Club ou non : bouton « S'inscrire » ou "
                       "`/club rex inscrire {n}`. Un·e membre inscrit un·e invité·e avec "
                       "`/club rex invite {n} <nom>, <institution>`. Le lien de visio est donné aux inscrit·es.",
                       n=event.number))
        buttons = [Button(_("S'inscrire"), REGISTER, str(event.id), "primary"),
                   Button(_("Se désinscrire"), UNREGISTER, str(event.id))]
    lines.append(_seats(ctx, event))
    rex_session = ctx.session.get(RexSession, event.id)
    if rex_session and rex_session.recording_url:
        lines.append(_("🎬 L'enregistrement est disponible pour les membres du Club : `/club rex enregistrements`."))
    return Reply("\n".join(lines), visibility=Visibility.CLUB, buttons=buttons, anchor=Anchor(ANCHOR, event.id),
                 update=update)


def _refresh(ctx: Context, event: Event) -> list[Reply]:
    """The announcement, updated in place where it was posted (nothing when it never was)."""
    rex_session = ctx.session.get(RexSession, event.id)
    if rex_session is None or rex_session.announced_at is None:
        return []
    return [announcement(ctx, event, update=True)]


def _announce(ctx: Context, event: Event) -> Reply:
    rex_session = ctx.session.get(RexSession, event.id)
    if rex_session is None:
        rex_session = RexSession(event_id=event.id)
        ctx.session.add(rex_session)
    rex_session.announced_at = ctx.now
    ctx.session.flush()
    return announcement(ctx, event)


def _visio(_: Translator, event: Event) -> str:
    if event.visio_url:
        return _("Lien de visio (réservé aux inscrit·es) : {url}", url=event.visio_url)
    return _("Le lien de visio sera donné aux inscrit·es avant le REX.")


def _same_platform(ctx: Context, member: Member | None) -> bool:
    return member is not None and member.platform == ctx.platform


def _dm(member: Member, msgid: str, **params: object) -> Reply:
    """A private message to `member`, in their language."""
    return Reply(translate(member.lang or "fr", msgid, **params), visibility=Visibility.DM,
                 user=member.platform_user_id)


def _promoted_notice(ctx: Context, event: Event, row: Registration) -> list[Reply]:
    """Told privately: the promoted member, or the member who invited the promoted guest."""
    target = row.member or row.invited_by
    if not _same_platform(ctx, target):
        return []
    assert target is not None
    _ = Translator(target.lang or "fr")
    when = format_datetime(event.starts_at, target.tz, _.lang)
    if row.member:
        text = _("🎉 Une place s'est libérée : vous êtes inscrit·e au REX #{n} du {quand} (votre heure).",
                 n=event.number, quand=when)
    else:
        text = _("🎉 Une place s'est libérée : votre invité·e {nom} ({institution}) est inscrit·e au REX #{n} du "
                 "{quand} (votre heure). Transmettez-lui le lien.", nom=user_text(row.name),
                 institution=user_text(row.institution), n=event.number, quand=when)
    return [Reply(text + "\n" + _visio(_, event), visibility=Visibility.DM, user=target.platform_user_id)]


def _after(ctx: Context, event: Event, outcome: registrations.Outcome) -> list[Reply]:
    replies: list[Reply] = []
    for row in outcome.promoted:
        replies.extend(_promoted_notice(ctx, event, row))
    return [*replies, *outcome.replies, *_refresh(ctx, event)]


# -- registering ---------------------------------------------------------------------------------
def register_member(ctx: Context, event: Event) -> list[Reply]:
    _ = ctx._
    _open(event, ctx.now)
    outcome = registrations.register(ctx, event.id, member=ctx.member)
    row = outcome.registration
    assert row is not None
    position = registrations.waitlist_position(ctx.session, row)
    if outcome.already and position:
        return [Reply(_("Vous êtes déjà sur la liste d'attente du REX #{n} (position {position}).",
                        n=event.number, position=position))]
    if outcome.already:
        return [Reply(_("Vous êtes déjà inscrit·e au REX #{n}.", n=event.number) + "\n" + _visio(_, event))]
    if position:
        text = _("Le REX #{n} est complet : vous êtes sur la liste d'attente, en position {position}. Si une place "
                 "se libère, vous êtes inscrit·e et prévenu·e en privé.", n=event.number, position=position)
    else:
        text = "\n".join((
            _("C'est noté : vous êtes inscrit·e au REX #{n} du {quand} (votre heure).", n=event.number,
              quand=format_datetime(event.starts_at, ctx.tz, ctx.lang)),
            _visio(_, event),
            _("Se désinscrire : `/club rex desinscrire {n}`.", n=event.number)))
    return [Reply(text), *_after(ctx, event, outcome)]


def unregister_member(ctx: Context, event: Event) -> list[Reply]:
    _ = ctx._
    _open(event, ctx.now)
    outcome = registrations.unregister(ctx, event.id, member=ctx.member)
    if outcome.registration is None:
        raise UserError("Vous n'êtes pas inscrit·e au REX #{n}.", n=event.number)
    return [Reply(_("C'est fait : vous n'êtes plus inscrit·e au REX #{n}.", n=event.number)),
            *_after(ctx, event, outcome)]


def _register_args(ctx: Context, args: str) -> list[Reply]:
    return register_member(ctx, _rex(ctx, args.strip(), "`/club rex inscrire 1`"))


def _unregister_args(ctx: Context, args: str) -> list[Reply]:
    head, rest = _split_number(args)
    event = _rex(ctx, head, "`/club rex desinscrire 1`")
    if rest:
        return _unregister_guest(ctx, event, rest)
    return unregister_member(ctx, event)


def _invite(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    ctx.require(Role.MEMBRE)
    head, rest = _split_number(args)
    name, _comma, institution = rest.partition(",")
    name, institution = " ".join(name.split()), " ".join(institution.split())
    if parse_number(head) is None or not name or not institution:
        raise UserError("Écrivez `/club rex invite <n> <nom>, <institution>`, par exemple "
                        "`/club rex invite 1 Jeanne Martin, Mairie de Cayenne`.")
    event = _open(_rex(ctx, head, "`/club rex invite 1 <nom>, <institution>`"), ctx.now)
    outcome = registrations.register(ctx, event.id, guest=Guest(name, institution), invited_by=ctx.member)
    row = outcome.registration
    assert row is not None
    who = f"{user_text(row.name)} ({user_text(row.institution)})"
    position = registrations.waitlist_position(ctx.session, row)
    if outcome.already:
        return [Reply(_("{invite} est déjà inscrit·e au REX #{n}.", invite=who, n=event.number))]
    if position:
        text = _("Le REX #{n} est complet : {invite} est sur la liste d'attente, en position {position}. Vous serez "
                 "prévenu·e en privé si une place se libère.", invite=who, n=event.number, position=position)
    else:
        text = _("{invite} est inscrit·e au REX #{n} comme invité·e. Transmettez-lui le lien ; l'enregistrement, "
                 "lui, est réservé aux membres.", invite=who, n=event.number) + "\n" + _visio(_, event)
    return [Reply(text), *_after(ctx, event, outcome)]


def _unregister_guest(ctx: Context, event: Event, name: str) -> list[Reply]:
    _ = ctx._
    _open(event, ctx.now)
    wanted = fold(name.split(",")[0])
    rows = [r for r in registrations.registrants(ctx.session, event.id)
            if r.is_guest and fold(r.name) == wanted]
    facilitator = ctx.member.role_enum.at_least(Role.FACILITATEUR)
    rows = [r for r in rows if facilitator or r.invited_by_id == ctx.member.id]
    if not rows:
        raise UserError("Aucun·e invité·e « {nom} » inscrit·e par vous au REX #{n}.", nom=user_text(name[:80]),
                        n=event.number)
    outcome = registrations.unregister(ctx, event.id, guest_key=rows[0].person_key)
    return [Reply(_("C'est fait : {nom} n'est plus inscrit·e au REX #{n}.", nom=user_text(rows[0].name),
                    n=event.number)), *_after(ctx, event, outcome)]


@on_action(REGISTER)
def register_button(ctx: Context, value: str) -> list[Reply]:
    return register_member(ctx, _event_of_button(ctx, value))


@on_action(UNREGISTER)
def unregister_button(ctx: Context, value: str) -> list[Reply]:
    return unregister_member(ctx, _event_of_button(ctx, value))


@home.event_buttons
def home_buttons(ctx: Context, event: Event) -> list[Button]:
    """On my Home, each REX offers the step I can take: register, or leave (seat or waitlist)."""
    if event.kind != KIND or event.cancelled:
        return []
    if registrations.registration_of(ctx.session, event.id, ctx.member) is None:
        return [Button(ctx._("S'inscrire"), REGISTER, str(event.id), "primary")]
    return [Button(ctx._("Se désinscrire"), UNREGISTER, str(event.id))]


def visio_for_registered(ctx: Context, event: Event) -> bool | None:
    """A REX's link goes to the people holding a seat (members or not), not to every member."""
    if event.kind != KIND:
        return None
    row = registrations.registration_of(ctx.session, event.id, ctx.member)
    return row is not None and row.state == registrations.CONFIRMED


calendar.VISIO_GATES.append(visio_for_registered)


def _event_of_button(ctx: Context, value: str) -> Event:
    event = ctx.session.get(Event, int(value)) if value.isdigit() else None
    if event is None or event.kind != KIND or event.club_id != ctx.club.id:
        raise UserError("Ce bouton n'est plus actif.")
    return event


# -- open programming ------------------------------------------------------------------------------
def _propose(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    words = args.split()
    urgent = bool(words) and fold(words[0]).rstrip(":") in ("urgent", "urgente")
    text = " ".join(words[1:] if urgent else words)
    if len(text) < 5 or len(text) > MAX_TOPIC:
        raise UserError("Décrivez le sujet en 5 à {max} caractères : `/club rex sujet <texte>`, ou "
                        "`/club rex sujet urgent <texte>` pour un sujet d'actualité.", max=MAX_TOPIC)
    topic = RexTopic(club_id=ctx.club.id, text=text, urgent=urgent, author_id=ctx.member.id, created_at=ctx.now)
    _insert_numbered(ctx, topic)
    shown = ("⚡ " if urgent else "") + user_text(text)
    return [Reply(_("Sujet n° {n} proposé, merci. Les facilitateur·trices le programment sur un REX "
                    "(`/club rex programmer {n} <REX>`).", n=topic.number)),
            Reply(_("💡 Sujet proposé pour un retour d'expérience (n° {n}, par {auteur}) : {sujet}", n=topic.number,
                    auteur=user_text(ctx.member.display_name), sujet=shown), visibility=Visibility.CLUB)]


def _insert_numbered(ctx: Context, topic: RexTopic) -> None:
    """The next free n° of the Club; two topics proposed at the same instant retry on the unique number."""
    for _attempt in range(5):
        topic.number = (ctx.session.scalar(select(func.max(RexTopic.number)).where(
            RexTopic.club_id == ctx.club.id)) or 0) + 1
        try:
            with ctx.session.begin_nested():
                ctx.session.add(topic)
            return
        except IntegrityError:
            ctx.session.expunge(topic)
    raise UserError("Le sujet n'a pas pu être numéroté ; réessayez dans un instant.")


def _list_topics(ctx: Context, args: str) -> list[Reply]:
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


def _program(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    ctx.require(Role.FACILITATEUR)
    words = strip_mentions(args).split()
    topic_number = parse_number(words[0]) if words else None
    if topic_number is None or len(words) < 2:
        raise UserError("Écrivez `/club rex programmer <sujet> <REX> [@intervenant·es]`, par exemple "
                        "`/club rex programmer 2 5 @lea`. Les sujets : `/club rex sujets`.")
    topic = ctx.session.scalar(select(RexTopic).where(RexTopic.club_id == ctx.club.id,
                                                      RexTopic.number == topic_number))
    if topic is None:
        raise UserError("Aucun sujet n° {n}. Les sujets proposés : `/club rex sujets`.", n=topic_number)
    event = _open(_rex(ctx, words[1], "`/club rex programmer 2 5`"), ctx.now)
    names = [ctx.mentions.get(uid, uid) for uid in dict.fromkeys(mentioned_ids(args))]
    names.extend(words[2:])
    topic.event_id, topic.programmed_at = event.id, ctx.now
    topic.speakers = ", ".join(names)[:300] or None
    ctx.session.flush()
    rex_session = ctx.session.get(RexSession, event.id)
    announced = rex_session is not None and rex_session.announced_at is not None
    replies = [Reply(_("Sujet n° {s} programmé au REX #{n} ; l'annonce du Club est {etat}.", s=topic.number,
                       n=event.number, etat=_("mise à jour") if announced else _("publiée"))),
               announcement(ctx, event, update=True) if announced else _announce(ctx, event)]
    author = topic.author
    if author.id != ctx.member.id and _same_platform(ctx, author):
        replies.append(_dm(author, N_("Votre sujet « {sujet} » est programmé au REX #{n} du {quand} (votre heure)."),
                           sujet=user_text(topic.text), n=event.number,
                           quand=format_datetime(event.starts_at, author.tz, author.lang or "fr")))
    return replies


# -- facilitators ----------------------------------------------------------------------------------
def _capacity(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    ctx.require(Role.FACILITATEUR)
    head, rest = _split_number(args)
    unlimited = fold(rest) in ("illimite", "illimitee", "unlimited", "aucune", "sans limite")
    if parse_number(head) is None or not (unlimited or (rest.isdigit() and int(rest) > 0)):
        raise UserError("Écrivez `/club rex capacite <n> <places>` (par exemple `/club rex capacite 1 30`) ou "
                        "`/club rex capacite <n> illimite`.")
    event = _open(_rex(ctx, head, "`/club rex capacite 1 30`"), ctx.now)
    outcome = registrations.set_capacity(ctx, event.id, None if unlimited else int(rest))
    return [Reply(_("REX #{n} : {places}", n=event.number, places=_seats(ctx, event))), *_after(ctx, event, outcome)]


def _announce_verb(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    ctx.require(Role.FACILITATEUR)
    event = _open(_rex(ctx, args.strip(), "`/club rex annoncer 1`"), ctx.now)
    return [Reply(_("REX #{n} annoncé dans le canal du Club.", n=event.number)), _announce(ctx, event)]


def _cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def attendance_csv(ctx: Context, event: Event) -> str:
    """The registrants of `event` as CSV (seated first, then the waitlist), for the facilitators."""
    _ = ctx._
    zone = ctx.settings.programme.club.timezone
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_("nom"), _("institution"), _("statut"), _("qualite"), _("invite_par"), _("inscription")])
    for row in registrations.registrants(ctx.session, event.id):
        if row.is_guest:
            kind = _("invité·e")
        else:
            kind = _("membre") if row.member.role_enum.at_least(Role.MEMBRE) else _("participant·e")
        status = _("inscrit·e") if row.state == registrations.CONFIRMED else _("liste d'attente")
        writer.writerow([_cell(row.name), _cell(row.institution), status, kind,
                         _cell(row.invited_by.display_name if row.invited_by else ""),
                         row.requested_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")])
    return out.getvalue()


def _attendance(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    ctx.require(Role.FACILITATEUR)
    event = _rex(ctx, args.strip(), "`/club rex presences 1`")
    body = user_text(attendance_csv(ctx, event))
    return [Reply(_("**Liste des inscrit·es du REX #{n}** (CSV, heures de Paris) — {places}", n=event.number,
                    places=_seats(ctx, event)) + f"\n```\n{body}```")]


def _recording(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    ctx.require(Role.FACILITATEUR)
    head, url = _split_number(args)
    if parse_number(head) is None or not _URL.match(url):
        raise UserError("Écrivez `/club rex enregistrement <n> <lien>`, par exemple "
                        "`/club rex enregistrement 1 https://video.exemple.fr/rex-1`.")
    event = _rex(ctx, head, "`/club rex enregistrement 1 <lien>`")
    if event.cancelled:
        raise UserError("Le REX #{n} est annulé.", n=event.number)
    rex_session = ctx.session.get(RexSession, event.id) or RexSession(event_id=event.id)
    rex_session.recording_url, rex_session.recorded_at = url[:500], ctx.now
    ctx.session.add(rex_session)
    ctx.session.flush()
    members = [r.member for r in registrations.registrants(ctx.session, event.id)
               if r.member is not None and r.member.role_enum.at_least(Role.MEMBRE)]
    replies = [_dm(member, N_("🎬 L'enregistrement du REX #{n} (réservé aux membres du Club, à ne pas diffuser) : "
                              "{url}"), n=event.number, url=url)
               for member in members if _same_platform(ctx, member)]
    return [Reply(_("Enregistrement du REX #{n} envoyé en privé à {nb} membre(s) inscrit·e(s). Les invité·es et les "
                    "participant·es non membres ne le reçoivent pas ; les membres le retrouvent avec "
                    "`/club rex enregistrements`.", n=event.number, nb=len(replies))),
            *replies, *_refresh(ctx, event)]


def _recordings(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    if not ctx.member.role_enum.at_least(Role.MEMBRE):
        raise UserError("Les enregistrements des REX sont réservés aux membres du Club.")
    rows = ctx.session.execute(select(Event, RexSession.recording_url).join(RexSession, RexSession.event_id == Event.id)
                               .where(Event.club_id == ctx.club.id, RexSession.recording_url.is_not(None))
                               .order_by(Event.starts_at.desc())).all()
    if not rows:
        return [Reply(_("Aucun enregistrement de REX pour l'instant."))]
    lines = [_("**Enregistrements des REX** (réservés aux membres, à ne pas diffuser) :")]
    for event, url in rows:
        subject = ", ".join(user_text(t.text) for t in _topics(ctx, event.id)) or user_text(event.title)
        lines.append(_("• #{n} {jour} — {sujet} : {url}", n=event.number, sujet=subject, url=url,
                       jour=format_datetime(event.starts_at, ctx.tz, ctx.lang, "d MMM y")))
    return [Reply("\n".join(lines))]


# -- the verb -------------------------------------------------------------------------------------
def _list(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    events = calendar.upcoming(ctx.session, ctx.club.id, ctx.now, kind=KIND, limit=LIST_LIMIT)
    if not events:
        return [Reply(_("Aucun retour d'expérience à venir au calendrier (`/club calendrier`)."))]
    zones = list(ctx.settings.programme.zones)
    if ctx.tz not in zones:
        zones.insert(0, ctx.tz)
    lines = [_("**Retours d'expérience à venir** (1 h en ligne, ouverts à tous) :")]
    for event in events:
        topics = _topics(ctx, event.id)
        subject = "; ".join(_topic_line(_, t) for t in topics) or _("sujet à programmer")
        lines.append(_("• **#{n}** {jour} — {sujet}", n=event.number, sujet=subject,
                       jour=format_datetime(event.starts_at, ctx.tz, ctx.lang, DAY)))
        lines.append("   " + calendar.times_in_zones(event.starts_at, zones, ctx.lang))
        mine = registrations.registration_of(ctx.session, event.id, ctx.member)
        position = registrations.waitlist_position(ctx.session, mine) if mine else 0
        if mine is None:
            status = _("Inscription : `/club rex inscrire {n}`.", n=event.number)
        elif position:
            status = _("Vous êtes sur la liste d'attente (position {position}).", position=position)
        else:
            status = _("Vous êtes inscrit·e.") + " " + _visio(_, event)
        lines.append("   " + _seats(ctx, event) + " " + status)
    lines.append(_("Proposer un sujet (même urgent) : `/club rex sujet <texte>` · les sujets : `/club rex sujets`."))
    if ctx.member.role_enum.at_least(Role.MEMBRE):
        lines.append(_("Les enregistrements (membres) : `/club rex enregistrements`."))
    return [Reply("\n".join(lines))]


SUBVERBS = {
    "inscrire": _register_args, "inscription": _register_args, "register": _register_args,
    "desinscrire": _unregister_args, "unregister": _unregister_args,
    "invite": _invite, "inviter": _invite,
    "sujet": _propose, "topic": _propose, "sujets": _list_topics, "topics": _list_topics,
    "programmer": _program, "schedule": _program,
    "capacite": _capacity, "capacity": _capacity, "places": _capacity,
    "annoncer": _announce_verb, "announce": _announce_verb,
    "presences": _attendance, "inscrits": _attendance, "attendance": _attendance,
    "enregistrement": _recording, "recording": _recording,
    "enregistrements": _recordings, "recordings": _recordings,
}


@verb("rex", "retex", section=SECTION,
      summary=N_("Les retours d'expérience : s'inscrire, inviter, proposer un sujet, les enregistrements."),
      usage=N_("`/club rex` (les prochains REX), `/club rex inscrire [n]` / `/club rex desinscrire [n]` (le prochain "
               "si `n` est omis), `/club rex invite <n> <nom>, <institution>` (membres), "
               "`/club rex sujet [urgent] <texte>`, `/club rex sujets`, `/club rex enregistrements` (membres). "
               "Facilitateur·trices : `/club rex programmer <sujet> <n> [@intervenant·es]`, "
               "`/club rex capacite <n> <places|illimite>`, `/club rex annoncer [n]`, `/club rex presences <n>` "
               "(CSV), `/club rex enregistrement <n> <lien>`."),
      examples=("/club rex", "/club rex inscrire", "/club rex invite 1 Jeanne Martin, Mairie de Cayenne",
                "/club rex sujet urgent Accueil des sinistrés après le cyclone", "/club rex programmer 1 1 @lea",
                "/club rex capacite 1 30", "/club rex enregistrement 1 https://video.exemple.fr/rex-1"))
def rex(ctx: Context, args: str) -> list[Reply]:
    head, rest = _split_number(args)
    handler = SUBVERBS.get(fold(head)) if head else _list
    if handler is None:
        raise UserError("Sous-commande inconnue : « {mot} ». Tapez `/club aide rex`.", mot=user_text(head[:40]))
    hooks = _prepare(ctx)
    return [*handler(ctx, rest), *hooks]


@on(EventChanged)
def event_changed(ctx: Context, changed: EventChanged) -> list[Reply]:
    """A REX moved or cancelled: its announcement shows it at once."""
    if changed.kind != KIND:
        return []
    event = ctx.session.get(Event, changed.event_id)
    return _refresh(ctx, event) if event else []


@profile_section
def my_registrations(ctx: Context) -> list[str]:
    _ = ctx._
    events = calendar.upcoming(ctx.session, ctx.club.id, ctx.now, kind=KIND, limit=LIST_LIMIT)
    mine = [e for e in events if registrations.registration_of(ctx.session, e.id, ctx.member)]
    if not mine:
        return []
    return [_("• Inscriptions aux REX : {liste}", liste=", ".join(f"#{e.number}" for e in mine))]
