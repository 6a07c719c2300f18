"""APScheduler 3 is only the clock: what is due lives in the database, and `Service.tick` finds it;
reminders wait in the outbox, and the reminder sender (bot/reminder_sender.py) sends them once, at each tick.

Its job store is in memory on purpose (one interval job, recreated at start): APScheduler 3
cannot share a persistent store between processes, and reminders must survive restarts anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from bot import metrics
from bot.delivery import Deliverer
from bot.reminder_sender import ReminderSender
from handlers import Service
from handlers.reminders.outbox import outbox_depth

log = logging.getLogger(__name__)
TICK_SECONDS = 30


def run_tick(service: Service, deliverers: Sequence[Deliverer], reminder_sender: ReminderSender | None = None) -> int:
    """One pass of due work, delivered on each platform it concerns, then the reminders due;
    returns how many replies of the scheduled jobs went out (the reminder sender logs its own counts)."""
    sent = 0
    for platform, reply in service.tick():
        for deliverer in deliverers:
            if platform is None or deliverer.platform.name == platform:
                deliverer.deliver([reply])
                sent += 1
    if reminder_sender is not None:
        try:
            stats = reminder_sender.run()
            metrics.record_reminders(sent=stats.sent, failed=stats.failed, deferred=stats.deferred)
        except Exception:
            log.exception("reminders dispatch failed; the next tick takes over")
    return sent


def report_outbox(service: Service) -> None:
    """/metrics reads the outbox's depth from this process's database at each scrape."""
    def depth() -> int:
        with service.db.transaction() as session:
            return outbox_depth(session)

    metrics.set_outbox_depth_source(depth)


def start_scheduler(service: Service, deliverers: Sequence[Deliverer]) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": TICK_SECONDS},
        timezone="UTC",
    )
    reminder_sender = ReminderSender.for_deliverers(service, deliverers)
    report_outbox(service)
    scheduler.add_job(run_tick, "interval", seconds=TICK_SECONDS, args=[service, list(deliverers), reminder_sender],
                      id="tick", replace_existing=True, next_run_time=datetime.now(UTC))
    scheduler.start()
    return scheduler
