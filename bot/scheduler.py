"""APScheduler 3 is only the clock: what is due lives in the database, and `Service.tick` finds it.

Its job store is in memory on purpose (one interval job, recreated at start): APScheduler 3
cannot share a persistent store between processes, and reminders must survive restarts anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from bot.delivery import Deliverer
from handlers import Service

log = logging.getLogger(__name__)
TICK_SECONDS = 30


def run_tick(service: Service, deliverers: Sequence[Deliverer]) -> int:
    """One pass of due work, delivered on each platform it concerns; returns how many replies went out."""
    sent = 0
    for platform, reply in service.tick():
        for deliverer in deliverers:
            if platform is None or deliverer.platform.name == platform:
                deliverer.deliver([reply])
                sent += 1
    return sent


def start_scheduler(service: Service, deliverers: Sequence[Deliverer]) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": TICK_SECONDS},
        timezone="UTC",
    )
    scheduler.add_job(run_tick, "interval", seconds=TICK_SECONDS, args=[service, list(deliverers)],
                      id="tick", replace_existing=True)
    scheduler.start()
    return scheduler
