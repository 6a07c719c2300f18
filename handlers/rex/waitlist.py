"""What follows a change of seats: whoever the waitlist promoted is told privately, with the link, and
the announcement shows the new count."""

from __future__ import annotations

from handlers.calendar import registrations
from handlers.context import Context
from handlers.core import Reply, Visibility
from handlers.i18n import Translator, format_datetime
from handlers.rex.announcement import refresh
from handlers.rex.texts import same_platform, visio
from handlers.text import user_text
from storage.calendar import Event
from storage.registrations import Registration


def promoted_notice(ctx: Context, event: Event, row: Registration) -> list[Reply]:
    """Told privately: the promoted member, or the member who invited the promoted guest."""
    target = row.member or row.invited_by
    if not same_platform(ctx, target):
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
    return [Reply(text + "\n" + visio(_, event), visibility=Visibility.DM, user=target.platform_user_id)]


def after_change(ctx: Context, event: Event, outcome: registrations.Outcome) -> list[Reply]:
    """The replies a registration change brings besides its own answer: promotions, listeners, announcement."""
    replies: list[Reply] = []
    for row in outcome.promoted:
        replies.extend(promoted_notice(ctx, event, row))
    return [*replies, *outcome.replies, *refresh(ctx, event)]
