"""Slack's 3 seconds while its Web API answers 429: what a person waits for the answer of a command.

Measured, RUNS times each, on `club-bot serve`'s HTTP app in this process (as tests/support/slack.py runs it),
against the local fake Slack API answering every call of one method with 429 + Retry-After:
  (a) the first command of a new person while `users.info` is rate-limited, beside the same command by a
      person already known, in the same run;
  (b) a command that opens a form (`/club propose`, the call for contributions open) while `views.open`
      is rate-limited: the answer must come with the form's one-line command and say the form did not open.

Target: p99 < 3 s (Slack's limit for a slash command's answer, and a trigger_id's life).
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

from bench.common import line, percentile
from storage.migrate import upgrade
from tests.fakes.slack_api import FakeSlackAPI
from tests.support.slack import SlackBot, running_slack_bot

RUNS = 20
TARGET = 3.0
ADMIN, KNOWN = "UADMIN01", "U0KNOWN01"
DID_NOT_OPEN = "Le formulaire n'a pas pu s'ouvrir"


def answered_in(slack: SlackBot, text: str, user: str, expect: str) -> float:
    start = time.perf_counter()
    response = slack.command(text, user=user)
    elapsed = time.perf_counter() - start
    if response.status_code != 200 or expect not in response.text:
        raise RuntimeError(f"/club {text}: {response.status_code} {response.text[:300]}")
    return elapsed


def report(label: str, times: list[float], baseline: list[float]) -> bool:
    p50, p99 = percentile(times, 50), percentile(times, 99)
    line(f"{label} p50", f"{p50 * 1000:.0f} ms", "—", f"connu {percentile(baseline, 50) * 1000:.0f} ms")
    line(f"{label} p99", f"{p99 * 1000:.0f} ms", f"< {TARGET:.0f} s", f"connu {percentile(baseline, 99) * 1000:.0f} ms",
         p99 < TARGET)
    return p99 < TARGET


def main() -> None:
    logging.disable(logging.WARNING)  # every 429 is logged by the bot: the figures are what matters here
    try:
        with tempfile.TemporaryDirectory() as tmp, FakeSlackAPI() as api:
            url = f"sqlite:///{Path(tmp) / 'club.sqlite3'}"
            upgrade(url)
            api.add_user(ADMIN, "Camille")
            api.add_user(KNOWN, "Léa", tz="America/Martinique")
            with running_slack_bot(url, api=api) as slack:
                answered_in(slack, "appel ouvrir", ADMIN, "ouvert")
                answered_in(slack, "moi", KNOWN, "Votre profil")  # Léa's profile is read: she is known

                api.limit_rate("users.info", 0)  # every call: 429, Retry-After 1
                first, known = [], []
                for run in range(RUNS):
                    newcomer = f"U0NEW{run:04d}"
                    api.add_user(newcomer, f"Nouvelle {run}", tz="Indian/Reunion")
                    first.append(answered_in(slack, "moi", newcomer, "Votre profil"))
                    known.append(answered_in(slack, "moi", KNOWN, "Votre profil"))
                print(f"  {RUNS} premières commandes de nouvelles personnes, users.info répondant 429 à chaque appel")
                met = report("premier contact, users.info en 429", first, known)

                api.limit_rate("views.open", 0)
                forms = [answered_in(slack, "propose", KNOWN, DID_NOT_OPEN) for _ in range(RUNS)]
                print(f"  {RUNS} « /club propose » (formulaire), views.open répondant 429 à chaque appel")
                met = report("formulaire, views.open en 429", forms, known) and met
                line("appels à views.open par formulaire", f"{len(api.calls_to('views.open')) / RUNS:.1f}", "1",
                     "", len(api.calls_to("views.open")) == RUNS)
    finally:
        logging.disable(logging.NOTSET)
    if not met:
        raise RuntimeError(f"objectif manqué : p99 < {TARGET:.0f} s")


if __name__ == "__main__":
    main()
