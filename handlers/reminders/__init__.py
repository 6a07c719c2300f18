"""Reminders through a database outbox: the charter's cadence, claimed and sent exactly once.

`cadence` listens to "event.changed", "registration.changed", "poll.changed" and "call.changed" and
writes the outbox; `outbox` claims due rows for a reminder sender (bot/reminder_sender.py) and records the result.
"""

from handlers.reminders import cadence  # noqa: F401  (registers the topic listeners)
from handlers.reminders.cadence import ensure_programme
from handlers.reminders.outbox import Delivery, claim, mark_failed, mark_sent, mark_skipped, outbox_depth

__all__ = ["Delivery", "ensure_programme", "claim", "mark_failed", "mark_sent", "mark_skipped", "outbox_depth"]
