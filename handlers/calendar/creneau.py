"""`creneau [durée]`: the weekly slots that keep the most members inside their working hours, all year."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import select

from handlers.calendar import slots
from handlers.calendar.dates import parse_duration
from handlers.context import Context
from handlers.core import Reply
from handlers.i18n import N_
from handlers.registry import verb
from handlers.territories import zone_label
from storage.models import Member, Role

DEFAULT_DURATION = timedelta(hours=1)
SHOWN = 3


def member_zones(ctx: Context) -> Counter:
    """How many members (participants aside) live in each zone; the covered zones when there are none."""
    zones = Counter(ctx.session.scalars(select(Member.tz).where(
        Member.club_id == ctx.club.id, Member.role != Role.PARTICIPANT.value)))
    return zones or Counter(dict.fromkeys(ctx.settings.programme.zones, 1))


def _weekday(ctx: Context, weekday: int) -> str:
    return format_date(date(2027, 1, 4 + weekday), "EEEE", locale="fr_FR" if ctx.lang == "fr" else "en_GB")


def _day(ctx: Context, day) -> str:
    return format_date(day, "d MMMM y", locale="fr_FR" if ctx.lang == "fr" else "en_GB")


@verb("creneau", "créneau", "slot", summary=N_("Les créneaux hebdomadaires qui conviennent au plus de membres, "
                                              "selon leurs fuseaux (facilitateurs)."),
      usage=N_("`/club creneau [durée]` — par exemple `/club creneau 1h` ou `/club creneau 2h`. Cherche le jour et "
               "l'heure de Paris où le plus de membres sont entre 8h et 19h chez eux, toute l'année."),
      examples=("/club creneau 1h", "/club creneau 1h30"), role=Role.FACILITATEUR, section=N_("Calendrier"))
def slot(ctx: Context, args: str) -> list[Reply]:
    _ = ctx._
    duration = int(parse_duration(args, default=DEFAULT_DURATION).total_seconds() // 60)
    zones = member_zones(ctx)
    total = sum(zones.values())
    today = ctx.now.astimezone(ZoneInfo(slots.REF_ZONE)).date()
    best = slots.best_slots(dict(zones), duration, today, limit=SHOWN)
    hours = f"{duration // 60}h{duration % 60:02d}" if duration % 60 else f"{duration // 60}h"
    people = ", ".join(f"{zone_label(z)} ({n})" for z, n in sorted(zones.items(), key=lambda i: (-i[1], i[0])))
    lines = [_("**Créneaux hebdomadaires de {duree}** pour {n} membres — {fuseaux}. Vérifiés sur un an, du {debut} "
               "au {fin} (Paris passe à l'heure d'été, la plupart des territoires non).", duree=hours, n=total,
               fuseaux=people, debut=_day(ctx, today), fin=_day(ctx, today + timedelta(days=364)))]
    for rank, score in enumerate(best, start=1):
        start = score.slot.clock.strftime("%H:%M")
        lines.append(_("{rang}. **{jour} {heure} (heure de Paris)** — {dedans} membres sur {n} dans leurs horaires "
                       "toute l'année", rang=rank, jour=_weekday(ctx, score.slot.weekday), heure=start,
                       dedans=score.all_year, n=total))
        for zone in sorted(zones, key=lambda z: (z != slots.REF_ZONE, zone_label(z))):
            shown = " / ".join(f"{a}–{b}" for a, b in slots.local_times(score.slot, duration, zone, today))
            lines.append(_("   • {territoire} : {heures}", territoire=zone_label(zone), heures=shown))
        for zone in score.partial():
            out = slots.dates_outside(score.slot, duration, zone, today)
            lines.append(_("   ⚠ {territoire} : hors de 8h–19h pendant {k} semaines sur {total} (à partir du {date}).",
                           territoire=zone_label(zone), k=len(out), total=score.dates, date=_day(ctx, out[0])))
        never = score.never()
        if never:
            lines.append(_("   ✗ Jamais dans les horaires : {territoires}.",
                           territoires=", ".join(zone_label(z) for z in never)))
    return [Reply("\n".join(lines))]
