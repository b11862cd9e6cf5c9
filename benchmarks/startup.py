"""Measure how fast ``safetycheck --help`` starts, and what it imports.

Prints the median wall time over N runs (default 25) of ``python -m safetycheck --help`` and
of ``python -c pass`` from the same interpreter, the difference, and the modules that
``--help`` imports beyond a bare interpreter (from ``python -X importtime``), slowest first.
Goal: under 50 ms on a 2-core machine, with none of requests, rich, yaml or cryptography.

    python benchmarks/startup.py [--runs 25]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

HEAVY = ("requests", "rich", "yaml", "cryptography", "keyring", "PIL", "jinja2")


def median_ms(cmd: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       check=True)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def imported_modules(env: dict[str, str]) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) for top-level imports caused by --help."""
    base = subprocess.run([sys.executable, "-X", "importtime", "-c", "pass"],
                          capture_output=True, text=True, env=env).stderr
    seen = {line.rsplit("|", 1)[-1].strip() for line in base.splitlines() if "|" in line}
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "safetycheck", "--help"],
                         capture_output=True, text=True, env=env).stderr
    rows = []
    for line in out.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self, cumulative, name = line.split(":", 1)[1].split("|", 2)
        if name.strip() in seen:
            continue
        rows.append((int(cumulative), name.rstrip()[1:]))  # one space follows the bar
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFETYCHECK_")}
    help_ms = median_ms([sys.executable, "-m", "safetycheck", "--help"], args.runs, env)
    bare_ms = median_ms([sys.executable, "-c", "pass"], args.runs, env)
    print(f"python: {sys.version.split()[0]} on {os.cpu_count()} CPUs, {args.runs} runs each")
    print(f"safetycheck --help  median {help_ms:7.1f} ms")
    print(f"python -c pass      median {bare_ms:7.1f} ms")
    print(f"difference                 {help_ms - bare_ms:7.1f} ms  (goal: --help < 50 ms)")
    rows = imported_modules(env)
    names = {name.strip() for _, name in rows}
    heavy = [m for m in HEAVY if m in names]
    print(f"heavy modules imported by --help: {heavy or 'none'}")
    print(f"modules imported by --help beyond a bare interpreter: {len(rows)}; slowest:")
    top = sorted((r for r in rows if not r[1].startswith(" ")), reverse=True)[:15]
    for us, name in top:
        print(f"  {us / 1000:7.2f} ms  {name.strip()}")


if __name__ == "__main__":
    main()
