"""Slash-command latency and footprint: club-bot serve vs a bare default Bolt app, same stack, same run.

Measured: signed `/club aide`, `/club fuseau Martinique` and `/club propose …` (a call for contributions
opened first by a facilitator; a proposal writes its rows, answers on the ack and is posted to the local
fake Slack API after it), from 1 and 20 concurrent keep-alive clients, as the client sees the ack.

Targets (BENCHMARKS.md): p50 ≤ 0.5× the bare default Bolt app, p99 < 50 ms at 20 concurrent clients,
no connection refused or reset; idle RSS < 120 MB; start to /healthz < 2 s.
"""

from __future__ import annotations

import random
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from bench.common import RawClient, line, percentile, rss_mb, spawn
from tests.fakes.slack_api import FakeSlackAPI
from tests.support.slack import SECRET, signed_headers, trigger_id

REQUESTS = 400
PROPOSALS = 100  # a measure of /club propose: a January call holds tens of proposals, not hundreds
ADMIN = "UADMIN001"
_LETTERS = "bcdfghjlmnprstvz"
_VOWELS = "aeiou"


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_LETTERS) + rng.choice(_VOWELS) for _ in range(rng.randint(3, 5)))


def proposal_texts(count: int, seed: int) -> list[str]:
    """Distinct made-up themes (nothing close to another: each one is published, none held back)."""
    rng = random.Random(seed)
    return [f"propose {_word(rng).capitalize()} {_word(rng)} {_word(rng)} — {_word(rng)} {_word(rng)}"
            for _ in range(count)]


def body(command: str, text: str, user: str, channel: str = "C1") -> str:
    return urlencode({"command": command, "text": text, "user_id": user, "user_name": user, "channel_id": channel,
                      "team_id": "T1", "trigger_id": trigger_id(),  # each its own: a copy is a replay
                      "response_url": "https://hooks.slack.com/commands/T1/1/x"})


def measure(url: str, command: str, text: str | list[str], clients: int, total: int,
            expect: bytes = b"") -> tuple[list[float], int]:
    """Latencies (ms) of `total` signed requests from `clients` concurrent clients; and the errors
    (refused, reset, not 200, or an answer without `expect`). A list of texts is shared out in turn."""
    errors = 0
    texts = [text] * total if isinstance(text, str) else text

    def worker(n: int) -> list[float]:
        nonlocal errors
        out = []
        client = RawClient(url)
        for i in range(total // clients):
            payload = body(command, texts[n + i * clients], f"U{n:03d}{i % 5}")
            headers = signed_headers(payload)
            start = time.perf_counter()
            try:
                status, answer = client.post("/slack/events", payload, headers)
                ok = status == 200 and expect in answer
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


def withdraw_all(url: str, numbers: range) -> None:
    """Untimed: the facilitator withdraws the measure's proposals (the near-duplicate check of the next
    measure then compares with none of them), so each measure sees a call of 0 to PROPOSALS proposals."""
    client = RawClient(url)
    for number in numbers:
        payload = body("/club", f"retirer {number}", ADMIN)
        client.post("/slack/events", payload, signed_headers(payload))
    client.close()


def main() -> None:
    with FakeSlackAPI() as api, tempfile.TemporaryDirectory() as tmp:
        for n in range(100):
            for i in range(5):
                api.add_user(f"U{n:03d}{i}", f"Membre {n}-{i}")
        api.add_user(ADMIN, "Camille")
        env = {"DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", "SLACK_SIGNING_SECRET": SECRET,
               "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_API_URL": api.url, "LOG_LEVEL": "WARNING",
               "CLUB_ADMINS": ADMIN, "SLACK_CLUB_CHANNEL": "C1"}
        club = spawn(["-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0"], env)
        bare = spawn(["-m", "bench.bare_bolt"], env)
        try:
            time.sleep(1)
            club_rss, bare_rss = rss_mb(club.process.pid), rss_mb(bare.process.pid)
            payload = body("/club", "appel ouvrir", ADMIN)
            status, answer = RawClient(club.url).post("/slack/events", payload, signed_headers(payload))
            if status != 200 or b"ouvert" not in answer:
                raise RuntimeError(f"the call for contributions did not open: {status} {answer[:300]!r}")
            print(f"  {REQUESTS} requêtes signées par mesure (premier contact de chaque personne inclus) ; "
                  "propose : appel ouvert, chaque proposition publiée")
            seed = proposed = 0
            for clients in (1, 20):
                measure(club.url, "/club", "aide", clients, 40)  # warm-up
                measure(bare.url, "/hello", "", clients, 40)
                base, base_err = measure(bare.url, "/hello", "", clients, REQUESTS)
                base50, base99 = percentile(base, 50), percentile(base, 99)
                for label, text, expect in (("aide", "aide", b"club"), ("fuseau Martinique", "fuseau Martinique", b""),
                                            ("propose …", None, b"Proposition #")):
                    seed += 1
                    total = REQUESTS if text else PROPOSALS
                    lat, err = measure(club.url, "/club", text or proposal_texts(total, seed), clients, total, expect)
                    if not text:
                        withdraw_all(club.url, range(proposed + 1, proposed + total + 1))
                        proposed += total
                        # the posts and their updates go out after the acks: let them end before the next measure
                        api.wait_for("chat.update", count=proposed, timeout=60)
                    p50, p99 = percentile(lat, 50), percentile(lat, 99)
                    line(f"/club {label} — {clients} client(s) p50", f"{p50:.1f} ms", f"≤ {base50 / 2:.1f} ms",
                         f"bolt {base50:.1f} ms", p50 <= base50 / 2)
                    line(f"/club {label} — {clients} client(s) p99", f"{p99:.1f} ms",
                         "< 50 ms" if clients == 20 else "—", f"bolt {base99:.1f} ms",
                         p99 < 50 if clients == 20 else None)
                    line(f"/club {label} — {clients} client(s) erreurs", str(err), "0", f"bolt {base_err}",
                         err == 0)
                    if clients == 20 and text == "aide":  # the same people again: no first contact now
                        known, known_err = measure(club.url, "/club", text, clients, total, expect)
                        line("/club aide — 20 clients, déjà connus p50 / p99",
                             f"{percentile(known, 50):.1f} / {percentile(known, 99):.1f} ms", "p99 < 50 ms",
                             f"bolt {base50:.1f} / {base99:.1f} ms", percentile(known, 99) < 50 and known_err == 0)
            posted = len(api.calls_to("chat.postMessage"))
            line("propositions publiées dans le canal", str(posted), str(2 * PROPOSALS), "", posted >= 2 * PROPOSALS)
            line("RSS au repos de club-bot serve", f"{club_rss:.0f} Mo", "< 120 Mo", f"bolt {bare_rss:.0f} Mo",
                 club_rss < 120)
            line("démarrage → /healthz", f"{club.started_in:.2f} s", "< 2 s", f"bolt {bare.started_in:.2f} s",
                 club.started_in < 2)
        finally:
            club.stop()
            bare.stop()


if __name__ == "__main__":
    main()
