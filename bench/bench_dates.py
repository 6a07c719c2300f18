"""French date parsing speed: p50 time to read one phrase of the test table (target < 2 ms), with raw
`dateparser.parse` on the same phrases, measured side by side in the same run, as the baseline.

Run: `python -m bench.bench_dates`.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime

import dateparser

from handlers.calendar.dates import parse_span
from handlers.core import UserError
from tests.handlers.calendar.date_phrases import PHRASES

NOW = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
TZ = "Europe/Paris"
ROUNDS = 5
TARGET_MS = 2.0


def ours(phrase: str) -> None:
    try:
        parse_span(phrase, TZ, NOW)
    except UserError:
        pass  # a refusal with its explanation is an answer too


def raw(phrase: str) -> None:
    dateparser.parse(phrase, languages=["fr", "en"], settings={
        "TIMEZONE": TZ, "RETURN_AS_TIMEZONE_AWARE": True, "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": NOW.replace(tzinfo=None)})


def timings(func, phrases: list[str]) -> list[float]:
    out: list[float] = []
    for _ in range(ROUNDS):
        for phrase in phrases:
            start = time.perf_counter()
            func(phrase)
            out.append((time.perf_counter() - start) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def main() -> None:
    phrases = [phrase for phrase, _ in PHRASES]
    ours(phrases[0])  # warm both (regex compilation, dateparser's language data)
    raw(phrases[0])
    mine, base = timings(ours, phrases), timings(raw, phrases)
    print(f"phrases: {len(phrases)} x {ROUNDS} rounds")
    print(f"parse_when p50: {statistics.median(mine):.3f} ms (target < {TARGET_MS} ms) "
          f"{'OK' if statistics.median(mine) < TARGET_MS else 'MISSED'}")
    print(f"parse_when p95: {p(mine, 95):.3f} ms")
    print(f"baseline dateparser.parse p50: {statistics.median(base):.3f} ms, p95: {p(base, 95):.3f} ms")


if __name__ == "__main__":
    main()
