"""Start-up time of `hotwash --help` against `python -c pass` and bare imports.

    .venv/bin/python bench/startup.py [--runs 20]

Each command runs ``--runs`` times in a fresh interpreter; the median wall time is
printed with the ratio to ``python -c pass`` measured in the same run. ``hotwash --help``
must stay fast: heavy libraries (polars, matplotlib, httpx, ...) are imported lazily.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "python -c 'import click'": [sys.executable, "-c", "import click"],
    "hotwash --help": [sys.executable, "-m", "hotwash", "--help"],
    "hotwash rule --help": [sys.executable, "-m", "hotwash", "rule", "--help"],
    "hotwash check --help": [sys.executable, "-m", "hotwash", "check", "--help"],
}
HEAVY = ("polars", "matplotlib", "weasyprint", "httpx", "numpy", "pydantic", "lemminflect")


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heavy_imports() -> list[str]:
    """Heavy modules that `hotwash --help` imports (should be none)."""
    code = (
        "import sys; from hotwash.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    line = next(r for r in proc.stdout.splitlines() if r.startswith("HEAVY:"))
    return [m for m in line.removeprefix("HEAVY:").split(",") if m]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [r for r in cpuinfo.read_text().splitlines() if r.startswith("model name")]
        cpu = names[0].split(":", 1)[1].strip() if names else cpu
    print(f"command: python {' '.join(sys.argv)}")
    print(f"machine: {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}")
    baseline = 0.0
    for label, command in COMMANDS.items():
        seconds = median_seconds(command, args.runs)
        baseline = baseline or seconds
        print(f"  {label:<28} {seconds * 1000:7.1f} ms  x{seconds / baseline:.1f}")
    print(f"heavy modules imported by `hotwash --help`: {', '.join(heavy_imports()) or 'none'}")


if __name__ == "__main__":
    main()
