"""A throwaway PostgreSQL cluster for the suite: initdb in a temporary folder, Unix socket only.

TEST_POSTGRES_URL uses an existing server instead. No TCP port is opened, so nothing collides.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, text


def _pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    return Path(versions[-1]) if versions else None


class PostgresCluster:
    def __init__(self) -> None:
        self.bin = _pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL est introuvable : installez le paquet Debian « postgresql » "
                               "(make deps) ou définissez TEST_POSTGRES_URL.")
        self.root = Path(tempfile.mkdtemp(prefix="club-bot-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root
        self.as_root = os.geteuid() == 0
        if self.as_root:  # PostgreSQL refuses to run as root: run it as the 'postgres' account
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> str:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        options = (f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-l",
                  str(self.root / "log"), "start")
        return f"postgresql+psycopg://postgres@/postgres?host={self.socket_dir}"

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


LOCK_WAITERS = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'")


def wait_for_lock_waiters(engine: Engine, count: int, timeout: float = 30) -> None:
    """Returns once `count` sessions of the engine's database wait for a lock another one holds: how a test
    knows that concurrent transactions have really met, without guessing how long they take."""
    deadline = time.monotonic() + timeout
    # Autocommit: within one transaction PostgreSQL would show the same snapshot of the activity each time.
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        while conn.scalar(LOCK_WAITERS) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} transaction(s) never waited for the lock")
            time.sleep(0.01)
