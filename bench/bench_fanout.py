"""Fan-out of 2,000 direct messages against a local Slack API enforcing a rate limit (429 + Retry-After).

Target: the fan-out (first to last message, as the API saw them) within 10 % of the rate-limit floor
(2,000 / RATE seconds), 0 duplicates, 0 missing. The process's start-up is reported beside it.
The reminder sender runs in its own process, on SQLite, as a bot process's scheduler would run it.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path

from storage.migrate import upgrade
from tests.fakes.slack_api import FakeSlackAPI
from tests.support.outbox import seed_fanout, spawn_reminder_sender, states

MESSAGES = 2000
RATE = 100  # chat.postMessage calls per second the local API accepts
TOLERANCE = 0.10


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'club.sqlite3'}"
        upgrade(url)
        seed_fanout(url, MESSAGES)
        with FakeSlackAPI() as api:
            api.limit_rate("chat.postMessage", RATE)
            started = time.monotonic()
            process = spawn_reminder_sender(url, api.url, lease=60)
            output, _ = process.communicate(timeout=600)
            elapsed = time.monotonic() - started
            keys = Counter(api.keys_posted())
            posts = api.calls_to("chat.postMessage")
            refused = len(posts) - sum(keys.values())
            sending = posts[-1].at - posts[0].at if posts else float("nan")
        done = states(url)
    floor = MESSAGES / RATE
    duplicates = sum(seen - 1 for seen in keys.values() if seen > 1)
    missing = MESSAGES - len(keys)
    print(f"{MESSAGES} messages privés, limite {RATE}/s : envoi {sending:.1f} s (plancher {floor:.1f} s, "
          f"{100 * (sending / floor - 1):+.1f} %), {elapsed:.1f} s avec le démarrage du processus ; "
          f"{refused} réponses 429, doublons {duplicates}, manquants {missing}, états {done}")
    if process.returncode != 0:
        raise RuntimeError(output[-2000:])
    if duplicates or missing or sending > floor * (1 + TOLERANCE):
        raise RuntimeError("objectif manqué : dans les 10 % du plancher, 0 doublon, 0 manquant")


if __name__ == "__main__":
    main()
