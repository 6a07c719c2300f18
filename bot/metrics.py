"""Prometheus series of club-bot, served at `GET /metrics`.

Commands are counted by verb and outcome (ok, user_error, error, unknown); every event a platform hands
to the Service is timed by kind. Reminders and the outbox are fed by the reminder sender through
`record_reminders` and `set_outbox_depth_source`.
"""

from __future__ import annotations

import copy
import logging
import math
import time
from collections.abc import Callable
from dataclasses import replace
from functools import wraps

from prometheus_client import Counter, Gauge, Histogram

from handlers.core import UserError
from handlers.registry import Registry, Verb

log = logging.getLogger(__name__)

COMMANDS = Counter("clubbot_commands", "Commands run, by verb and outcome.", ["verb", "outcome"])
LATENCY = Histogram("clubbot_handler_seconds", "Time to handle one event (command, action, form, reaction).",
                    ["kind"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
REACTIONS = Counter("clubbot_reactions_processed", "Reaction events handled (votes and ignored ones alike).")
REMINDERS = Counter("clubbot_reminders", "Reminders by fate: sent, failed, deferred.", ["status"])
OUTBOX_DEPTH = Gauge("clubbot_outbox_depth", "Messages waiting in the outbox (0 until an outbox reports).")

_outbox_source: Callable[[], float] | None = None


def record_command(verb: str, outcome: str) -> None:
    COMMANDS.labels(verb=verb, outcome=outcome).inc()


def record_reminders(sent: int = 0, failed: int = 0, deferred: int = 0) -> None:
    """Called by the reminder sender after each pass."""
    for status, count in (("sent", sent), ("failed", failed), ("deferred", deferred)):
        if count:
            REMINDERS.labels(status=status).inc(count)


def _outbox_depth() -> float:
    if _outbox_source is None:
        return 0.0
    try:
        return float(_outbox_source())
    except Exception:  # a scrape must never fail because the database is busy
        log.warning("outbox depth unavailable", exc_info=True)
        return math.nan


def set_outbox_depth_source(source: Callable[[], float] | None) -> None:
    """Registers the function that counts the outbox, read at each scrape; None forgets it."""
    global _outbox_source
    _outbox_source = source


OUTBOX_DEPTH.set_function(_outbox_depth)
for status in ("sent", "failed", "deferred"):
    REMINDERS.labels(status=status)  # present (at 0) from the start


def _metered(verb: Verb, name: str) -> Verb:
    func = verb.func

    @wraps(func)
    def run(ctx, args):
        try:
            replies = func(ctx, args)
        except UserError:
            record_command(name, "user_error")
            raise
        except Exception:
            record_command(name, "error")
            raise
        record_command(name, "ok")
        return replies

    return replace(verb, func=run)


def metered_registry(source: Registry) -> Registry:
    """A copy of `source` whose verbs and subcommands count their outcome (a subcommand under its verb's
    name, so the series stay one per verb)."""
    registry = copy.copy(source)
    registry.verbs, registry.order = {}, []
    for verb in source.order:
        registry.add_verb(_metered(verb, verb.name))
        for sub in verb.sub_order:
            registry.add_subverb(_metered(sub, verb.name))
    return registry


class Timer:
    """`with Timer("command"):` observes the handler latency of one event."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        LATENCY.labels(kind=self.kind).observe(time.perf_counter() - self.start)
