"""Scale: a 10,000-member club with a year's programme (SQLite): `agenda`, calendar generation and the
.ics feed, with `/club aide` on the same club, measured side by side, as the floor of any command.

Run: `python -m bench.bench_scale`. The tally of a 10,000-member poll is in bench_reactions.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime

from sqlalchemy import delete, insert

from bench.common import line
from handlers import ClubSettings, Command, Service
from handlers.calendar.generation import ensure_years
from handlers.calendar.ics import club_feed
from handlers.calendar.programme import load_programme
from storage import Database
from storage.migrate import upgrade
from storage.models import Member

MEMBERS = 10_000
NOW = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
TARGET_MS = 50.0


def median_ms(func, rounds: int = 5) -> float:
    runs = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/scale.sqlite3"
        upgrade(url)
        db = Database(url)
        programme = load_programme()
        service = Service(db, ClubSettings(programme=programme, admins=frozenset({"console:camille"})),
                          clock=lambda: NOW)
        with db.transaction() as session:
            session.execute(insert(Member), [
                {"club_id": service.club_id, "platform": "console", "platform_user_id": f"m{n}",
                 "display_name": f"Membre {n}", "tz": "Europe/Paris", "role": "membre", "created_at": NOW}
                for n in range(MEMBERS)])

        def command(text: str) -> None:
            service.handle_command(Command("console", "m1", "m1", "club", text, NOW))

        def generate() -> None:
            from storage.calendar import Event

            with db.transaction() as session:
                session.execute(delete(Event))
                ensure_years(session, service.club_id, programme, [NOW.year], NOW)

        def feed() -> None:
            with db.transaction() as session:
                club_feed(session, service.club_id, programme)

        command("agenda")  # the first call generates the year
        floor = median_ms(lambda: command("aide"))
        print(f"  club de {MEMBERS:_} membres, programme de l'année {NOW.year} (SQLite)".replace("_", " "))
        for name, func in (("agenda", lambda: command("agenda")), ("génération du calendrier de l'année", generate),
                           ("flux .ics du club", feed)):
            ms = median_ms(func)
            line(name, f"{ms:.1f} ms", f"< {TARGET_MS:.0f} ms", f"/club aide {floor:.1f} ms", ms < TARGET_MS)
        db.dispose()


if __name__ == "__main__":
    main()
