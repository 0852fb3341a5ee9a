"""Throughput of ``mask_messages`` and ``mine_templates``, against plain polars passes.

Usage::

    python bench/masking.py [--lines 3000000] [--seed 7] [--repeat 3] [--file LOG]

Without ``--file`` it generates ``--lines`` realistic log *messages* (what a parser hands
to the detectors, without timestamps and levels): application lines in the shapes of
``bench/gen_evidence.py`` (ids, durations, hex, IPs, UUIDs, paths, ``key=value``), nginx
request lines, HDFS block lines, sshd authentication lines, Spark task lines, Java
exceptions, messages with timestamps inside, and a share of constant messages. Numbers
are drawn at random, so most lines are distinct, as in real logs. With ``--file`` it reads
one message per line of that file instead (any text file; first ``--lines`` lines).

It prints, for the same column and in the same run (best of ``--repeat``):

- ``len_bytes``: ``str.len_bytes`` (reads every byte once; the floor for any pass);
- ``one replace_all``: a single ``str.replace_all(r"\\d+", "<*>")`` pass;
- ``mask_messages`` and ``mine_templates`` (masking, clustering and the join back).

Figures are wall seconds, lines/s and MB/s of message text, CPU seconds (all threads of
the process: wall below CPU means both cores worked), and the wall time as a multiple of
the single ``replace_all`` pass, with the machine, the load and the command.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from hotwash.detect.masking import mask_messages
from hotwash.detect.templates import mine_templates

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loghub import machine

VERBS = [
    "fetched",
    "started",
    "finished",
    "loaded",
    "saved",
    "synced",
    "evicted",
    "refreshed",
    "queued",
    "rejected",
]
OBJECTS = [
    "cart",
    "session",
    "order",
    "invoice",
    "payment",
    "token",
    "profile",
    "lease",
    "lock",
    "shard",
    "bucket",
    "job",
]
USERS = ["root", "admin", "oracle", "test", "guest", "ubuntu", "postgres", "deploy"]

#: (weight, polars format string, kinds of the ``{}`` fields in order).
SHAPES: tuple[tuple[float, str, tuple[str, ...]], ...] = (
    (10, "{} {} id={} in {}ms", ("verb", "obj", "id", "ms")),
    (8, "{} {} {} by worker-{} after {} ms", ("obj", "id", "verb", "n", "ms")),
    (8, "{} {} {} from {}", ("verb", "obj", "hex", "ip")),
    (8, "request {} {} {} path=/api/v{}/{}/{}", ("uuid", "verb", "obj", "n", "obj", "id")),
    (6, "{} {}: size={} bytes={} took={}s", ("obj", "verb", "n", "big", "sec")),
    (14, "GET /api/v1/orders/{} HTTP/1.1", ("id",)),
    (4, "GET /static/app.{}.js HTTP/1.1", ("hex",)),
    (
        5,
        "Receiving block blk_{} src: /{}:{} dest: /{}:50010",
        ("blk", "ip", "port", "ip"),
    ),
    (4, "PacketResponder {} for block blk_{} terminating", ("n", "blk")),
    (4, "Failed password for invalid user {} from {} port {} ssh2", ("user", "ip", "port")),
    (2, "pam_unix(sshd:session): session opened for user {} by (uid=0)", ("user",)),
    (
        4,
        "Finished task {}.0 in stage {}.0 (TID {}). {} bytes result sent to driver",
        ("n", "n", "id", "big"),
    ),
    (
        2,
        'Exception in thread "worker-{}" java.lang.IllegalStateException: lease {} expired',
        ("n", "hex"),
    ),
    (3, "lease {} renewed until {} by {}", ("uuid", "iso", "ip")),
    (2, "cache hit ratio {} over the last {} seconds", ("sec", "n")),
    (6, "health check ok", ()),
    (4, "Starting scheduled compaction", ()),
    (3, "connection refused to db-primary:5432 after {} retries", ("n",)),
    (3, "user={} action=login result=ok src={}", ("user", "ip")),
)


def _hex(rng: np.random.Generator, n: int, digits: int) -> pl.Series:
    values = pl.Series(rng.integers(0, 2**40, n, dtype=np.int64))
    return values.map_elements(lambda v: f"{v:0{digits}x}", return_dtype=pl.String)


def _field(kind: str, rng: np.random.Generator, n: int) -> pl.Series:
    """``n`` random values of one field kind, as strings."""
    ints = lambda lo, hi: pl.Series(rng.integers(lo, hi, n)).cast(pl.String)  # noqa: E731
    pick = lambda words: pl.Series(words)[rng.integers(0, len(words), n)]  # noqa: E731
    if kind in ("id", "big", "ms", "n", "port"):
        lo, hi = {"id": (0, 10**6), "big": (0, 10**9), "ms": (1, 5000)}.get(
            kind, (1, 64) if kind == "n" else (1024, 65536)
        )
        return ints(lo, hi)
    if kind == "blk":
        return pl.Series(rng.integers(-(2**62), 2**62, n)).cast(pl.String)
    if kind == "sec":
        return pl.Series(np.round(rng.random(n) * 9, 3)).cast(pl.String)
    if kind == "ip":
        parts = [ints(0, 256) for _ in range(3)]
        return pl.select(pl.concat_str([pl.lit("10"), *parts], separator="."))[:, 0]
    if kind == "hex":
        return _hex(rng, n, 12)
    if kind == "uuid":
        cols = [_hex(rng, n, 8), _hex(rng, n, 4), _hex(rng, n, 4), _hex(rng, n, 4)]
        return pl.select(pl.concat_str([*cols, _hex(rng, n, 12)], separator="-"))[:, 0]
    if kind == "iso":
        base = np.datetime64("2026-11-25T12:00:00")
        stamps = (base + rng.integers(0, 86400, n).astype("timedelta64[s]")).astype(
            "datetime64[ms]"
        )
        return pl.Series(stamps).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    words = {"verb": VERBS, "obj": OBJECTS, "user": USERS}[kind]
    return pick(words)


def generate(lines: int, seed: int) -> pl.Series:
    """``lines`` messages in the shapes of :data:`SHAPES`, shuffled (deterministic)."""
    rng = np.random.default_rng(seed)
    weights = np.array([w for w, _f, _k in SHAPES], dtype=np.float64)
    counts = rng.multinomial(lines, weights / weights.sum())
    parts = []
    for (_w, fmt, kinds), n in zip(SHAPES, counts.tolist(), strict=True):
        if n == 0:
            continue
        if not kinds:
            parts.append(pl.Series([fmt] * n))
            continue
        frame = pl.DataFrame({f"f{i}": _field(k, rng, n) for i, k in enumerate(kinds)})
        parts.append(frame.select(pl.format(fmt, *frame.columns))[:, 0])
    messages = pl.concat(parts).alias("message")
    return messages.gather(rng.permutation(lines))


def read(path: Path, lines: int) -> pl.Series:
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()[:lines]
    return pl.Series("message", text, dtype=pl.String)


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process, all threads) of the fastest run."""
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return min(times)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=3_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--file", type=Path)
    args = parser.parse_args(argv[1:])
    print(f"machine: {machine()}, polars {pl.__version__} ({pl.thread_pool_size()} threads)")
    print(f"command: {' '.join([Path(sys.executable).name, *argv])}")
    messages = read(args.file, args.lines) if args.file else generate(args.lines, args.seed)
    megabytes = float(messages.str.len_bytes().sum()) / 1e6
    distinct = messages.n_unique()
    source = args.file or f"generated, seed {args.seed}"
    print(
        f"input:   {messages.len():,} messages ({source}), {megabytes:.0f} MB, "
        f"{distinct:,} distinct ({distinct / max(1, messages.len()):.0%})\n"
    )
    frame = messages.to_frame("m")
    runs: list[tuple[str, Callable[[], object]]] = [
        ("len_bytes", lambda: frame.select(pl.col("m").str.len_bytes())),
        ("one replace_all", lambda: frame.select(pl.col("m").str.replace_all(r"\d+", "<*>"))),
        ("mask_messages", lambda: mask_messages(messages)),
        ("mine_templates", lambda: mine_templates(messages)),
    ]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average at start: {load:.1f} (wall figures suffer when the machine is busy)")
    print(f"{'pass':<18}{'wall s':>8}{'lines/s':>14}{'MB/s':>7}{'CPU s':>8}{'x one pass':>11}")
    reference = 0.0
    for name, run in runs:
        seconds, cpu = best_of(args.repeat, run)
        reference = seconds if name == "one replace_all" else reference
        ratio = f"{seconds / reference:>11.1f}" if reference else f"{'-':>11}"
        print(
            f"{name:<18}{seconds:>8.3f}{messages.len() / seconds:>14,.0f}"
            f"{megabytes / seconds:>7.0f}{cpu:>8.3f}{ratio}"
        )
    templates = mine_templates(messages).n_unique()
    print(f"\ntemplates: {templates:,} (from {len(SHAPES)} shapes when generated)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
