"""Reminders through a database outbox: the charter's cadence, claimed and sent exactly once.

- `cadence`: listens to `EventChanged`, `RegistrationChanged`, `PollChanged` and `CallChanged`
  (`handlers.events`) and writes the outbox rows the charter's cadence asks for (J-7, J-1, H-1…).
- `messages`: the text of each reminder, in its reader's language and time zones, with the agenda.
- `outbox`: claims due rows for the outbox sender (bot/outbox_sender.py) and records what became of
  them.
"""

from handlers.reminders.cadence import ensure_programme
from handlers.reminders.outbox import Delivery, claim, mark_failed, mark_sent, mark_skipped, outbox_depth

__all__ = ["Delivery", "ensure_programme", "claim", "mark_failed", "mark_sent", "mark_skipped", "outbox_depth"]
