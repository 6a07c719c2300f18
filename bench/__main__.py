"""Runs every benchmark module (bench/bench_*.py) in turn; `python -m bench latency` runs one."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import bench


def main(argv: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    wanted = [f"bench_{a.removeprefix('bench_')}" for a in argv] or names
    failed = 0
    for name in wanted:
        if name not in names:
            print(f"benchmark inconnu : {name} (disponibles : {', '.join(names)})")
            return 2
        print(f"\n=== {name} ===", flush=True)
        start = time.monotonic()
        try:
            importlib.import_module(f"bench.{name}").main()
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            failed += 1
            print(f"ÉCHEC de {name} : {exc!r}")
        print(f"({name} : {time.monotonic() - start:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
