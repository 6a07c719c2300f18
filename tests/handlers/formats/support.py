"""Shared setup for the sister formats' conversations: a programme file, a console clock set with `:now`."""

from __future__ import annotations

from pathlib import Path

from bot.platforms.console import Console, SimulatedClock
from handlers import ClubSettings, Service
from handlers.calendar.programme import load_programme

EXAMPLES = Path(__file__).resolve().parents[3] / "config" / "examples"


def settings_for(example: str) -> ClubSettings:
    return ClubSettings(programme=load_programme(EXAMPLES / example), admins=frozenset({"console:camille"}))


def console_at(service: Service, when: str) -> Console:
    """A console whose `:now` moves the service's clock (as `club-bot console` does), as camille (admin)."""
    console = Console(service, user="camille")
    console.run_line(f":now {when}")
    return console


def simulated_clock() -> SimulatedClock:
    return SimulatedClock()
