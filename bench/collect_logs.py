"""Benchmark `hotwash collect` on a generated folder of logs of mixed formats.

Usage::

    .venv/bin/python bench/collect_logs.py [--size 1GB] [--keep] [--dir /tmp/...]

Generates about SIZE of logs in a temporary folder (nginx access logs, JSON lines, logfmt,
``kubectl logs --timestamps`` and RFC 3164 syslog, two files each, one of them gzip), runs
``hotwash collect`` on them in a child process and prints its wall time, throughput and
peak RSS, next to ``cat`` and ``grep -c`` of the same files measured in the same run as the
baseline (the cost of merely reading the bytes). Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2024, 5, 14, 10, 0, tzinfo=UTC)
SPAN = timedelta(hours=8)
VENV_BIN = Path(sys.executable).parent


def _nginx(i: int, t: datetime) -> str:
    status = 503 if i % 97 == 0 else 200
    return (
        f'10.20.{i % 10}.{i % 250} - - [{t:%d/%b/%Y:%H:%M:%S} +0000] "GET /api/cart/{i % 1000} '
        f'HTTP/1.1" {status} {i % 9000} "-" "Mozilla/5.0 (X11; Linux x86_64)" 0.{i % 1000:03d} '
        f"req_id={i:016x}"
    )


def _json(i: int, t: datetime) -> str:
    level = "error" if i % 89 == 0 else "info"
    return (
        f'{{"ts":"{t:%Y-%m-%dT%H:%M:%S}.{i % 1000:03d}Z","level":"{level}","msg":"order placed",'
        f'"service":"checkout-api","trace_id":"{i:016x}","amount_eur":{i % 240}}}'
    )


def _logfmt(i: int, t: datetime) -> str:
    return (
        f"ts={t:%Y-%m-%dT%H:%M:%S}.{i % 1000:03d}Z level=info caller=cart.go:{i % 300} "
        f'msg="cart loaded" items={i % 7} trace_id={i:016x}'
    )


def _kubectl(i: int, t: datetime) -> str:
    return (
        f"{t:%Y-%m-%dT%H:%M:%S}.{i % 1_000_000:06d}000Z level=warn caller=db.go:71 "
        f'msg="slow acquire" wait_ms={i % 2000}'
    )


def _syslog(i: int, t: datetime) -> str:
    return (
        f"<30>{t:%b} {t.day:>2} {t:%H:%M:%S} db-1 postgres[{2200 + i % 99}]: "
        "LOG:  connection authorized: user=checkout"
    )


FORMATS: dict[str, Callable[[int, datetime], str]] = {
    "nginx": _nginx,
    "json": _json,
    "logfmt": _logfmt,
    "kubectl": _kubectl,
    "syslog": _syslog,
}


def parse_size(text: str) -> int:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMG]?)B?", text.strip().upper())
    if not match:
        raise SystemExit(f"bad --size {text!r} (use e.g. 200MB, 1GB)")
    scale = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[match.group(2)]
    return int(float(match.group(1)) * scale)


def write_file(
    path: Path, make: Callable[[int, datetime], str], size: int, compress: bool, first: int = 0
) -> None:
    """About ``size`` bytes of lines spread evenly over SPAN, in batches of 10,000 lines."""
    sample = len(make(0, START)) + 1
    lines = max(1, size // sample)
    step = SPAN / lines
    opener = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8") as out:  # type: ignore[operator]
        for low in range(0, lines, 10_000):
            batch = range(low, min(low + 10_000, lines))
            out.write("\n".join(make(first + i, START + step * i) for i in batch) + "\n")


def generate(root: Path, total: int) -> list[Path]:
    files = []
    share = total // (2 * len(FORMATS))
    for name, make in FORMATS.items():
        folder = root / "logs" / name
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(2):
            gz = name == "nginx" and index == 1
            path = folder / f"{name}-{index}.log{'.gz' if gz else ''}"
            write_file(path, make, share, compress=gz, first=index * 10_000_019)
            files.append(path)
    return files


def workspace(root: Path) -> Path:
    sources = "\n".join(
        f'[[sources]]\nname = "{name}"\nkind = "logfile"\npaths = ["logs/{name}"]\n'
        + ('timezone = "UTC"\n' if name == "syslog" else "")
        for name in FORMATS
    )
    (root / "hotwash.toml").write_text(sources)
    folder = root / "incident"
    folder.mkdir()
    (folder / "incident.yaml").write_text(
        "title: bench\nmilestones:\n  impact_started: 2024-05-14T12:00:00Z\n"
        "  resolved: 2024-05-14T16:00:00Z\n"
    )
    return folder


@dataclass
class Timing:
    wall: float
    cpu: float
    rss_mib: int


def timed(command: list[str]) -> Timing:
    """Wall and CPU (user + system) seconds of the child, and the peak RSS of the
    largest child so far in MiB (run the big one last)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu, after.ru_maxrss // 1024)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc), {model}, {platform.system()} {platform.release()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1GB", help="total size of the logs (default 1GB)")
    parser.add_argument("--dir", type=Path, help="folder to use (default: a new one in /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="hotwash-bench-"))
    try:
        run(root, parse_size(args.size))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


def run(root: Path, size: int) -> None:
    print(f"machine: {machine()}")
    print(f"command: {' '.join(sys.argv)}")
    t0 = time.perf_counter()
    files = generate(root, size)
    on_disk = sum(f.stat().st_size for f in files)
    print(f"generated {len(files)} files, {on_disk / 2**20:.0f} MiB on disk in {root} "
          f"({time.perf_counter() - t0:.0f} s)")  # fmt: skip
    folder = workspace(root)
    plain = [str(f) for f in files]
    cat = timed(["cat", *plain])
    grep = timed(["grep", "-c", "error", *plain])
    collect = timed([str(VENV_BIN / "hotwash"), "collect", str(folder), "--json"])
    mib = on_disk / 2**20
    print(f"load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'step':<17}{'wall s':>8}{'cpu s':>8}{'MiB/s wall':>12}{'MiB/s cpu':>11}{'x cat':>8}")
    for name, run_ in (("cat", cat), ("grep -c", grep), ("hotwash collect", collect)):
        print(
            f"{name:<17}{run_.wall:>8.2f}{run_.cpu:>8.2f}{mib / run_.wall:>12.1f}"
            f"{mib / max(run_.cpu, 1e-3):>11.1f}{run_.wall / cat.wall:>8.0f}"
        )
    print(f"hotwash collect peak RSS: {collect.rss_mib} MiB (input {mib:.0f} MiB)")
    records = sum(1 for _ in (folder / "records").glob("*.parquet"))
    blobs = sum(1 for p in (folder / "evidence" / "blobs").rglob("*") if p.is_file())
    print(f"records files: {records}; evidence blobs: {blobs}")


if __name__ == "__main__":
    main()
