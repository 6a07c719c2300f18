"""Reaction votes: events ingested per second over signed Slack HTTP, and the tally of a big poll.

`python -m bench.bench_reactions` — SQLite and PostgreSQL (a throwaway cluster unless
TEST_POSTGRES_URL is set). Baselines measured side by side in the same run: the same events handed
to the Service without HTTP, and the bare INSERT … ON CONFLICT of one vote per transaction.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from bench.bench_latency import body as command_body
from bench.common import RawClient, line, spawn
from handlers import Anchor, Command, ReactionEvent, Service
from handlers.polls.votes import GRADES, OPTION, add_vote, tally
from storage import Database
from storage.migrate import upgrade
from storage.models import Member, PostedMessage
from storage.polls import Poll, Vote
from tests.fakes.slack_api import FakeSlackAPI
from tests.support.postgres import PostgresCluster
from tests.support.slack import CLUB_CHANNEL, SECRET, reaction_body, signed_headers

SENDERS = 8
EVENTS_PER_SENDER = 250
OPTIONS = 10
TARGET_RATE = 500.0
TALLY_MEMBERS = 10_000
TARGET_TALLY_MS = 50.0


def _parallel(work: Callable[[int], None]) -> float:
    """Runs work(0..SENDERS-1) in threads; returns the wall time in seconds."""
    threads = [threading.Thread(target=work, args=(index,)) for index in range(SENDERS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def _moves(index: int) -> list[tuple[str, int]]:
    """Distinct (voter, option) adds for one sender: nothing is a duplicate, so every one must count."""
    return [(f"U{index:02d}{n // OPTIONS:05d}", n % OPTIONS) for n in range(EVENTS_PER_SENDER)]


def _count_votes(service: Service) -> int:
    with service.db.transaction() as session:
        return _count_votes_in(session)


def _count_votes_in(session) -> int:
    return session.scalar(select(func.count()).select_from(Vote)) or 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process: less sensitive than a rate to what else the machine runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ingest_over_http(url: str) -> tuple[float, int, bool, float]:
    """`club-bot serve` in its own process, a poll posted by a signed /club sondage, then SENDERS
    keep-alive clients sending signed reaction events: adds, Slack's retries of some of them (same
    event id, X-Slack-Retry-Num) and removals. Returns (events/s, votes lost or extra, tally right,
    the server's CPU milliseconds per event)."""
    with FakeSlackAPI() as api:
        api.add_user("UADMIN01", "Camille")
        env = {"DATABASE_URL": url, "SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": "xoxb-bench",
               "SLACK_API_URL": api.url, "SLACK_CLUB_CHANNEL": CLUB_CHANNEL, "CLUB_ADMINS": "UADMIN01",
               "LOG_LEVEL": "WARNING"}
        server = spawn(["-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0"], env)
        db = Database(url)
        try:
            labels = " ".join(f'"Option {n}"' for n in range(OPTIONS))
            payload = command_body("/club", f'sondage "Banc d\'essai ?" {labels}', "UADMIN01", CLUB_CHANNEL)
            RawClient(server.url).post("/slack/events", payload, signed_headers(payload))
            api.wait_for("reactions.add", count=OPTIONS, timeout=60)
            with db.transaction() as session:
                poll = session.scalar(select(Poll).order_by(Poll.id.desc()))
                timestamps = dict(session.execute(select(PostedMessage.object_id, PostedMessage.message_id)
                                                  .where(PostedMessage.kind == OPTION)).all())
                timestamps = [timestamps[option.id] for option in poll.options]
            refused = []
            sent = [0] * SENDERS

            def send(index: int) -> None:
                client = RawClient(server.url)
                for number, (voter, option, added, retry) in enumerate(_deliveries(index)):
                    body = reaction_body(voter, CLUB_CHANNEL, timestamps[option], "+1", added,
                                         f"Ev{index:02d}{number // 2 if retry else number:06d}{'r' if retry else ''}")
                    headers = signed_headers(body, content_type="application/json")
                    if retry:
                        headers["X-Slack-Retry-Num"], headers["X-Slack-Retry-Reason"] = "1", "http_timeout"
                    status, answer = client.post("/slack/events", body, headers)
                    sent[index] += 1
                    if status != 200:
                        refused.append(answer)
                client.close()

            cpu_before = cpu_seconds(server.process.pid)
            elapsed = _parallel(send)
            cpu_ms = (cpu_seconds(server.process.pid) - cpu_before) * 1000 / sum(sent)
            with db.transaction() as session:
                poll = session.get(Poll, poll.id)
                stored = _count_votes_in(session)
                counted = tally(session, poll)
            truth = _ground_truth()
            right = [int(counted.scores[option.id]) for option in poll.options] == \
                [sum(1 for _voter, o in truth if o == n) for n in range(OPTIONS)]
            return sum(sent) / elapsed, abs(len(truth) - stored) + len(refused), right, cpu_ms
        finally:
            db.dispose()
            server.stop()


def _deliveries(index: int) -> list[tuple[str, int, bool, bool]]:
    """(voter, option, added, is a retry) of one sender: every add, a retry of every 5th delivery
    (same event id: it must not count twice), and the removal of every 7th vote at the end."""
    out = []
    moves = _moves(index)
    for number, (voter, option) in enumerate(moves):
        out.append((voter, option, True, False))
        if number % 5 == 0:
            out.append((voter, option, True, True))
    out.extend((voter, option, False, False) for number, (voter, option) in enumerate(moves) if number % 7 == 0)
    return out


def _ground_truth() -> set[tuple[str, int]]:
    live: set[tuple[str, int]] = set()
    for index in range(SENDERS):
        for voter, option, added, _retry in _deliveries(index):
            (live.add if added else live.discard)((voter, option))
    return live


def ingest_direct(url: str) -> tuple[float, float]:
    """Baselines: Service.handle_reaction without HTTP; then one bare insert per transaction."""
    from bot.runtime import build_service
    from bot.settings import load_settings

    service = build_service(load_settings(database_url=url), migrate=False)
    service.handle_command(Command("console", "camille", "camille", "club",
                                   'sondage "Base ?" ' + " ".join(f'"O{n}"' for n in range(OPTIONS)),
                                   datetime.now(UTC)))
    with service.db.transaction() as session:
        poll = session.scalar(select(Poll).order_by(Poll.id.desc()))
        poll_id, ids = poll.id, [option.id for option in poll.options]
    for n, oid in enumerate(ids):
        service.record_posted("console", "club", f"base{n}", Anchor(OPTION, oid))

    def handle(index: int) -> None:
        for number, (voter, option) in enumerate(_moves(index)):
            service.handle_reaction(ReactionEvent("console", f"b{index}-{number}", voter, "club", f"base{option}",
                                                  "+1", True, datetime.now(UTC)))

    before = _count_votes(service)
    service_rate = SENDERS * EVENTS_PER_SENDER / _parallel(handle)
    assert _count_votes(service) - before == SENDERS * EVENTS_PER_SENDER
    with service.db.transaction() as session:
        voter_ids = list(session.scalars(select(Member.id).where(Member.platform == "console")))

    def raw(index: int) -> None:
        for number in range(EVENTS_PER_SENDER):
            with service.db.transaction() as session:
                add_vote(session, OPTION, ids[number % OPTIONS], voter_ids[0], f"raw{index}-{number}", poll_id)

    raw_rate = SENDERS * EVENTS_PER_SENDER / _parallel(raw)
    service.db.dispose()
    return service_rate, raw_rate


def tally_big_poll(url: str) -> dict[str, tuple[float, float]]:
    """Milliseconds to tally a poll where 10,000 members voted (median of 5), and beside it the floor:
    a bare COUNT(*) of the poll's votes."""
    db = Database(url)
    service = Service(db, _settings())
    timings = {}
    for kind, flag in (("approval", ""), ("jm", "--jm"), ("par institution", "--par-institution")):
        service.handle_command(Command("console", "camille", "camille", "club",
                                       f'sondage "Grand {kind} ?" "A" "B" "C" "D" "E" {flag}', datetime.now(UTC)))
        with db.transaction() as session:
            poll = session.scalar(select(Poll).order_by(Poll.id.desc()))
            poll_id, ids = poll.id, [option.id for option in poll.options]
            first = session.scalar(select(func.coalesce(func.max(Member.id), 0)))
            session.execute(insert(Member), [
                {"club_id": poll.club_id, "platform": "bench", "platform_user_id": f"{kind}{n}",
                 "display_name": f"m{n}", "tz": "Europe/Paris", "role": "membre",
                 "created_at": datetime.now(UTC)} for n in range(TALLY_MEMBERS)])
            members = list(session.scalars(select(Member.id).where(Member.id > first).order_by(Member.id)))
            grades = [emoji for emoji, _label in GRADES]
            rows = []
            for n, member in enumerate(members):
                for k, oid in enumerate(ids):
                    if kind == "jm" or (n + k) % 3 == 0:
                        value = grades[(n * 7 + k) % len(grades)] if kind == "jm" else "+1"
                        rows.append({"poll_id": poll_id, "target_kind": OPTION, "target_id": oid,
                                     "voter_id": member, "value": value, "created_at": datetime.now(UTC)})
            session.execute(insert(Vote), rows)
        runs, floor = [], []
        for _ in range(5):
            with db.transaction() as session:
                poll = session.get(Poll, poll_id)
                start = time.perf_counter()
                result = tally(session, poll)
                runs.append((time.perf_counter() - start) * 1000)
                assert result.voters >= TALLY_MEMBERS * 0.99
                start = time.perf_counter()
                session.scalar(select(func.count()).select_from(Vote).where(Vote.poll_id == poll_id))
                floor.append((time.perf_counter() - start) * 1000)
        timings[kind] = statistics.median(runs), statistics.median(floor)
    db.dispose()
    return timings


def _settings():
    from handlers import ClubSettings
    from handlers.calendar.programme import load_programme

    return ClubSettings(programme=load_programme(), admins=frozenset({"console:camille"}))


def fresh_databases() -> tuple[list[tuple[str, str]], Callable[[], None]]:
    folder = tempfile.mkdtemp(prefix="bench-reactions-")
    urls = [("SQLite", f"sqlite:///{folder}/http.sqlite3"), ("SQLite", f"sqlite:///{folder}/direct.sqlite3"),
            ("SQLite", f"sqlite:///{folder}/tally.sqlite3")]
    cluster = None
    server = os.environ.get("TEST_POSTGRES_URL")
    if not server:
        cluster = PostgresCluster()
        server = cluster.start()
    server = Database(server).url
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    for name in ("bench_http", "bench_direct", "bench_tally"):
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        urls.append(("PostgreSQL", make_url(server).set(database=name).render_as_string(False)))
    for _label, url in urls:
        upgrade(url)

    def cleanup() -> None:
        admin.dispose()
        if cluster:
            cluster.stop()

    return urls, cleanup


def main() -> None:
    urls, cleanup = fresh_databases()
    try:
        for offset, label in ((0, "SQLite"), (3, "PostgreSQL")):
            http_url, direct_url, tally_url = (url for _l, url in urls[offset:offset + 3])
            rate, lost, right, cpu_ms = ingest_over_http(http_url)
            service_rate, raw_rate = ingest_direct(direct_url)
            line(f"[{label}] réactions/s, HTTP signé, {SENDERS} envois", f"{rate:.0f}/s", f"≥ {TARGET_RATE:.0f}/s",
                 f"Service seul {service_rate:.0f}/s", rate >= TARGET_RATE)
            line(f"[{label}] CPU du serveur par événement", f"{cpu_ms:.2f} ms", "—", "")
            line(f"[{label}] votes perdus ou en trop", str(lost), "0", f"INSERT nu {raw_rate:.0f}/s", lost == 0)
            line(f"[{label}] décompte = vérité terrain", "oui" if right else "NON", "oui", "", right)
            for kind, (ms, before) in tally_big_poll(tally_url).items():
                line(f"[{label}] décompte {TALLY_MEMBERS:,} membres ({kind})".replace(",", " "), f"{ms:.1f} ms",
                     f"< {TARGET_TALLY_MS:.0f} ms", f"COUNT(*) nu {before:.1f} ms", ms < TARGET_TALLY_MS)
    finally:
        cleanup()


if __name__ == "__main__":
    main()
