"""Shared pieces of the benchmarks: subprocess servers on port 0, percentiles, RSS, result lines."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Served:
    process: subprocess.Popen
    url: str
    started_in: float  # seconds from spawn to /healthz (or first answer) responding

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def spawn(args: list[str], env: dict[str, str], ready_path: str = "/healthz") -> Served:
    """Starts a server that prints '… http://host:port' on its first line, and waits until it answers."""
    start = time.monotonic()
    process = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, **env}, cwd=ROOT)
    line = process.stdout.readline()
    if "http://" not in line:
        process.kill()
        raise RuntimeError(f"server did not start: {line!r} {process.stderr.read()[-2000:]}")
    url = line.strip().split()[-1]
    while True:
        try:
            if httpx.get(url + ready_path, timeout=1).status_code < 500:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() - start > 30:
            raise RuntimeError("server never answered")
        time.sleep(0.005)
    return Served(process, url, time.monotonic() - start)


def line(name: str, value: str, target: str, baseline: str = "", verdict: bool | None = None) -> None:
    mark = "" if verdict is None else ("  OK" if verdict else "  MANQUÉ")
    print(f"  {name:<44} {value:>14}   cible {target:<14} référence {baseline:<16}{mark}", flush=True)
