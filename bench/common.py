"""Shared pieces of the benchmarks: subprocess servers on port 0, percentiles, RSS, result lines."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
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


def _drain(stream) -> None:
    for _line in stream:
        pass


def spawn(args: list[str], env: dict[str, str], ready_path: str = "/healthz") -> Served:
    """Starts a server that prints '… http://host:port' once listening, and waits until it answers."""
    start = time.monotonic()
    process = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env={**os.environ, **env}, cwd=ROOT)
    seen: list[str] = []
    for line in process.stdout:  # log lines may come before the address
        seen.append(line)
        if "http://" in line:
            break
    else:
        process.kill()
        raise RuntimeError(f"server did not start: {''.join(seen)[-2000:]}")
    url = line.strip().split()[-1]
    # Nobody reads the server's later logs: drain them, or a full pipe would block the server.
    threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
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


class RawClient:
    """A minimal keep-alive HTTP/1.1 client: each request leaves in one write on a TCP_NODELAY socket.
    httpx writes headers and body separately, which on loopback meets delayed ACKs (~40 ms a request)
    and costs more CPU than the servers measured; this measures the server, not the client."""

    def __init__(self, url: str) -> None:
        host, _, port = url.removeprefix("http://").partition(":")
        self.address = (host, int(port))
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self.address, timeout=10)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        return sock

    def post(self, path: str, body: str, headers: dict[str, str]) -> tuple[int, bytes]:
        data = body.encode()
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        request = (f"POST {path} HTTP/1.1\r\nHost: {self.address[0]}\r\nContent-Length: {len(data)}\r\n"
                   f"{head}\r\n").encode() + data
        if self.sock is None:
            self.sock = self._connect()
        self.sock.sendall(request)
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        raw_head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = raw_head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
        length = int(fields.get("content-length", "0"))
        while len(self.buffer) < length:
            self._receive()
        payload, self.buffer = self.buffer[:length], self.buffer[length:]
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, payload

    def _receive(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed by the server")
        self.buffer += chunk

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
