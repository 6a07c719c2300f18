"""Slash-command latency and footprint: club-bot serve vs a bare default Bolt app, same stack, same run.

Targets (BENCHMARKS.md): p50 ≤ 0.5× the bare default Bolt app, p99 < 50 ms at 20 concurrent clients,
no connection refused or reset; idle RSS < 120 MB; start to /healthz < 2 s.
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from bench.common import RawClient, line, percentile, rss_mb, spawn
from tests.fakes.slack_api import FakeSlackAPI
from tests.support.slack import SECRET, signed_headers

REQUESTS = 400


def body(command: str, text: str, user: str, channel: str = "C1") -> str:
    return urlencode({"command": command, "text": text, "user_id": user, "user_name": user, "channel_id": channel,
                      "team_id": "T1", "trigger_id": "1.2.3",
                      "response_url": "https://hooks.slack.com/commands/T1/1/x"})


def measure(url: str, command: str, text: str, clients: int, total: int) -> tuple[list[float], int]:
    """Latencies (ms) of `total` signed requests from `clients` concurrent clients; and the errors."""
    errors = 0

    def worker(n: int) -> list[float]:
        nonlocal errors
        out = []
        client = RawClient(url)
        for i in range(total // clients):
            payload = body(command, text, f"U{n:03d}{i % 5}")
            headers = signed_headers(payload)
            start = time.perf_counter()
            try:
                status, _answer = client.post("/slack/events", payload, headers)
                ok = status == 200
            except OSError:
                ok = False
                client.close()
            out.append((time.perf_counter() - start) * 1000)
            if not ok:
                errors += 1
        client.close()
        return out

    with ThreadPoolExecutor(clients) as pool:
        latencies = [x for chunk in pool.map(worker, range(clients)) for x in chunk]
    return latencies, errors


def main() -> None:
    with FakeSlackAPI() as api, tempfile.TemporaryDirectory() as tmp:
        for n in range(100):
            for i in range(5):
                api.add_user(f"U{n:03d}{i}", f"Membre {n}-{i}")
        env = {"DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", "SLACK_SIGNING_SECRET": SECRET,
               "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_API_URL": api.url, "LOG_LEVEL": "WARNING"}
        club = spawn(["-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0"], env)
        bare = spawn(["-m", "bench.bare_bolt"], env)
        try:
            time.sleep(1)
            club_rss, bare_rss = rss_mb(club.process.pid), rss_mb(bare.process.pid)
            print(f"  {REQUESTS} requêtes signées par mesure (premier contact de chaque personne inclus)")
            for clients in (1, 20):
                measure(club.url, "/club", "aide", clients, 40)  # warm-up
                measure(bare.url, "/hello", "", clients, 40)
                base, base_err = measure(bare.url, "/hello", "", clients, REQUESTS)
                base50, base99 = percentile(base, 50), percentile(base, 99)
                for text in ("aide", "fuseau Martinique"):
                    lat, err = measure(club.url, "/club", text, clients, REQUESTS)
                    p50, p99 = percentile(lat, 50), percentile(lat, 99)
                    line(f"/club {text} — {clients} client(s) p50", f"{p50:.1f} ms", f"≤ {base50 / 2:.1f} ms",
                         f"bolt {base50:.1f} ms", p50 <= base50 / 2)
                    line(f"/club {text} — {clients} client(s) p99", f"{p99:.1f} ms",
                         "< 50 ms" if clients == 20 else "—", f"bolt {base99:.1f} ms",
                         p99 < 50 if clients == 20 else None)
                    line(f"/club {text} — {clients} client(s) erreurs", str(err), "0", f"bolt {base_err}",
                         err == 0)
            line("RSS au repos de club-bot serve", f"{club_rss:.0f} Mo", "< 120 Mo", f"bolt {bare_rss:.0f} Mo",
                 club_rss < 120)
            line("démarrage → /healthz", f"{club.started_in:.2f} s", "< 2 s", f"bolt {bare.started_in:.2f} s",
                 club.started_in < 2)
        finally:
            club.stop()
            bare.stop()


if __name__ == "__main__":
    main()
