"""French date input: what people type ("jeudi 14h", "le 3 mars à 10h30") -> an aware UTC instant.

Entry point for every verb that takes a date. Interpreted in the typing person's time zone.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from handlers.core import UserError
from handlers.i18n import format_datetime

_LOCK = threading.Lock()  # dateparser is not thread-safe


def parse_when(text: str, tz: str, now: datetime, *, future: bool = True) -> datetime:
    """The instant `text` means for someone in `tz` at `now`; a UserError says what was understood."""
    import dateparser

    text = " ".join(text.split())
    if not text:
        raise UserError("Indiquez une date, par exemple « jeudi 14h » ou « le 3 mars à 10h30 ».")
    local_now = now.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    settings = {"TIMEZONE": tz, "RETURN_AS_TIMEZONE_AWARE": True, "RELATIVE_BASE": local_now,
                "PREFER_DATES_FROM": "future" if future else "current_period"}
    with _LOCK:
        found = dateparser.parse(text, languages=["fr", "en"], settings=settings)
    if found is None:
        raise UserError("Date non comprise : « {saisie} ». Exemples : « jeudi 14h », « le 3 mars à 10h30 », "
                        "« dans 15 jours ».", saisie=text[:80])
    moment = found.astimezone(UTC)
    if future and moment <= now:
        raise UserError("« {saisie} » tombe dans le passé ({compris}). Indiquez une date à venir.",
                        saisie=text[:80], compris=format_datetime(moment, tz, "fr"))
    return moment
