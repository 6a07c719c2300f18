"""APScheduler 3 is only the clock: what is due lives in the database, and `Service.tick` finds it;
what it queues and the reminders due wait in the outboxes, and the outbox worker (bot/outbox_sender.py)
sends them once, woken at each tick.

Its job store is in memory on purpose (one interval job, recreated at start): APScheduler 3
cannot share a persistent store between processes, and reminders must survive restarts anyway.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from bot import metrics
from bot.outbox_sender import OutboxSender, OutboxWorker
from handlers import Service
from handlers.outbox import pending
from handlers.reminders.outbox import outbox_depth

log = logging.getLogger(__name__)
TICK_SECONDS = 30


def run_tick(service: Service, sender: OutboxSender) -> int:
    """One pass of due work, here and now: what the scheduled jobs queued and the reminders due are sent;
    returns how many replies the jobs produced."""
    replies = service.tick()
    try:
        stats = sender.run()
        metrics.record_reminders(sent=stats.sent, failed=stats.failed, deferred=stats.deferred)
    except Exception:
        log.exception("outbox dispatch failed; the next tick takes over")
    return len(replies)


def tick_and_wake(service: Service, worker: OutboxWorker) -> None:
    """The scheduler's job: due work queued, then the outbox worker sends it with the reminders due
    (on its own thread, which paces every post of this process)."""
    service.tick()
    worker.wake(reminders=True)


def report_outbox(service: Service) -> None:
    """/metrics reads the outboxes' depth (messages and reminders to send) from the database at each scrape."""
    def depth() -> int:
        with service.db.transaction() as session:
            return outbox_depth(session) + pending(session)

    metrics.set_outbox_depth_source(depth)


def start_scheduler(service: Service, worker: OutboxWorker) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": TICK_SECONDS},
        timezone="UTC",
    )
    report_outbox(service)
    scheduler.add_job(tick_and_wake, "interval", seconds=TICK_SECONDS, args=[service, worker],
                      id="tick", replace_existing=True, next_run_time=datetime.now(UTC))
    scheduler.start()
    return scheduler
