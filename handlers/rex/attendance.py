"""After the REX: the attendance list for the facilitators (CSV), and the recording, sent privately to
the Club's members who registered and found again by members only, never in a public place."""

from __future__ import annotations

import csv
import io
import re
from zoneinfo import ZoneInfo

from sqlalchemy import select

from handlers.calendar import registrations
from handlers.context import Context
from handlers.core import Reply, UserError
from handlers.i18n import N_, format_datetime
from handlers.rex.announcement import refresh
from handlers.rex.lookup import find_rex, split_number
from handlers.rex.texts import dm, same_platform, seats, topics_of
from handlers.text import parse_number, user_text
from storage.calendar import Event
from storage.models import Role
from storage.rex import RexSession

_URL = re.compile(r"^https?://\S+$")


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


def attendance(ctx: Context, args: str) -> list[Reply]:
    """`/club rex presences <n>`."""
    _ = ctx._
    event = find_rex(ctx, args.strip(), "`/club rex presences 1`")
    body = user_text(attendance_csv(ctx, event))
    return [Reply(_("**Liste des inscrit·es du REX #{n}** (CSV, heures de Paris) — {places}", n=event.number,
                    places=seats(ctx, event)) + f"\n```\n{body}```")]


def share_recording(ctx: Context, args: str) -> list[Reply]:
    """`/club rex enregistrement <n> <lien>`: to the registered members, privately; guests never get it."""
    _ = ctx._
    head, url = split_number(args)
    if parse_number(head) is None or not _URL.match(url):
        raise UserError("Écrivez `/club rex enregistrement <n> <lien>`, par exemple "
                        "`/club rex enregistrement 1 https://video.exemple.fr/rex-1`.")
    event = find_rex(ctx, head, "`/club rex enregistrement 1 <lien>`")
    if event.cancelled:
        raise UserError("Le REX #{n} est annulé.", n=event.number)
    rex_session = ctx.session.get(RexSession, event.id) or RexSession(event_id=event.id)
    rex_session.recording_url, rex_session.recorded_at = url[:500], ctx.now
    ctx.session.add(rex_session)
    ctx.session.flush()
    members = [r.member for r in registrations.registrants(ctx.session, event.id)
               if r.member is not None and r.member.role_enum.at_least(Role.MEMBRE)]
    replies = [dm(member, N_("🎬 L'enregistrement du REX #{n} (réservé aux membres du Club, à ne pas diffuser) : "
                             "{url}"), n=event.number, url=user_text(url))
               for member in members if same_platform(ctx, member)]
    return [Reply(_("Enregistrement du REX #{n} envoyé en privé à {nb} membre(s) inscrit·e(s). Les invité·es et les "
                    "participant·es non membres ne le reçoivent pas ; les membres le retrouvent avec "
                    "`/club rex enregistrements`.", n=event.number, nb=len(replies))),
            *replies, *refresh(ctx, event)]


def recordings(ctx: Context, args: str) -> list[Reply]:
    """`/club rex enregistrements`: every REX recording, newest first (members only, by declaration)."""
    _ = ctx._
    rows = ctx.session.execute(select(Event, RexSession.recording_url).join(RexSession, RexSession.event_id == Event.id)
                               .where(Event.club_id == ctx.club.id, RexSession.recording_url.is_not(None))
                               .order_by(Event.starts_at.desc())).all()
    if not rows:
        return [Reply(_("Aucun enregistrement de REX pour l'instant."))]
    lines = [_("**Enregistrements des REX** (réservés aux membres, à ne pas diffuser) :")]
    for event, url in rows:
        subject = ", ".join(user_text(t.text) for t in topics_of(ctx, event.id)) or user_text(event.title)
        lines.append(_("• #{n} {jour} — {sujet} : {url}", n=event.number, sujet=subject, url=user_text(url),
                       jour=format_datetime(event.starts_at, ctx.tz, ctx.lang, "d MMM y")))
    return [Reply("\n".join(lines))]
