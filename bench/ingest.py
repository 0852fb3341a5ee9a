"""Ingest benchmark: Hotwash's full ingest against a text scan and drain3, on the same files.

    python bench/ingest.py --size 1GB [--keep DIR] [--sample 200000]
    make bench                      # the same on 1 GB, kept in /tmp/hotwash-bench-1GB

In one invocation and on one generated evidence set (``bench/gen_evidence.py``):

1. ``grep -c`` of a fixed pattern over every file: the scan baseline (MB/s);
2. drain3 with masking on a sample of the lines: the log-parsing baseline (lines/s), run in a
   separate virtual environment under /tmp (drain3 pins old libraries, so it is never a
   dependency of Hotwash);
3. ``sha256sum``, ``cp`` and ``sync`` of every file into a folder beside the evidence: what
   keeping a verified copy of the evidence costs on this machine with the ordinary tools
   (a floor under ``hotwash collect``, which does that and parses);
4. Hotwash's full ingest: ``hotwash collect`` (store, parse, UTC, records) and
   ``hotwash timeline --json`` (signature mining and the detectors; then once more, shown
   apart and not part of the ingest: the second run of a post-mortem, which reads the
   aggregates the first one kept and must print the same), ``--repeat`` times
   (3 by default) from an empty workspace each time; the table shows the run of median
   full-ingest time, and the times of all runs are printed below it (on the virtual
   machines here, writing a gigabyte into the page cache costs about two CPU seconds
   more on every other run, whatever writes it, so one run alone misleads).

It prints MB/s and lines/s for each, the ratios (against the targets: a third of ``grep
-c``, thirty times drain3), the peak RSS of each Hotwash step, how many cores each kept
busy on average (CPU time over wall time), and whether the injected
incident was found in the ``hotwash timeline --json`` output: each new error signature as
an event within 1 s of its first line, the onset (the proposed ``impact_started`` and the
edge's 5xx onset) within 1 s, and the skewed source's clock offset within 1 s, flagged.
``--keep DIR`` generates into DIR once and reuses it (its derived ``evidence/`` and
``records/`` are removed before each run, so collect always starts from nothing). The
incident must be found in every run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DRAIN_VENV = Path(tempfile.gettempdir()) / "hotwash-bench-drain3"
DRAIN_SCRIPT = r"""
import sys, time
from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig
from drain3.masking import MaskingInstruction
cfg = TemplateMinerConfig()
cfg.masking_instructions = [
    MaskingInstruction(r"\d{1,3}(?:\.\d{1,3}){3}", "IP"),
    MaskingInstruction(r"\d{4}-\d{2}-\d{2}[T ][\d:.]+Z?", "TS"),
    MaskingInstruction(r"[0-9a-f]{8,}", "HEX"),
    MaskingInstruction(r"\d+", "NUM"),
]
cfg.profiling_enabled = False
miner = TemplateMiner(config=cfg)
lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()
start = time.perf_counter()
for line in lines:
    miner.add_log_message(line)
took = time.perf_counter() - start
print(len(lines), took, len(miner.drain.clusters))
"""


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    stdout: str
    cpu_seconds: float = float("nan")

    @property
    def cores(self) -> float:
        """Average cores busy: CPU time (user + system) over wall time."""
        return self.cpu_seconds / self.seconds


def machine() -> str:
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{platform.node()}: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def measured(cmd: list[str], cwd: Path | None = None) -> Run:
    """Run in a fresh interpreter so RUSAGE_CHILDREN holds only this child."""
    wrapper = (
        "import resource,subprocess,sys,time,json;t=time.perf_counter();"
        "p=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
        "print(json.dumps({'rc':p.returncode,'s':time.perf_counter()-t,"
        "'rss':resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024,"
        "'cpu':(lambda u:u.ru_utime+u.ru_stime)(resource.getrusage(resource.RUSAGE_CHILDREN)),"
        "'out':p.stdout,'err':p.stderr[-3000:]}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], cwd=cwd, capture_output=True, text=True
    )
    result = json.loads(proc.stdout)
    if result["rc"] not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({result['rc']}):\n{result['err']}")
    return Run(result["s"], result["rss"], result["out"], result["cpu"])


def files_of(root: Path) -> list[Path]:
    return sorted(p for p in (root / "raw").rglob("*") if p.is_file())


def grep_baseline(files: list[Path]) -> Run:
    return measured(["grep", "-c", " 50[0-9] ", *map(str, files)])


def drain3_baseline(files: list[Path], sample: int) -> tuple[int, float, int] | None:
    python = DRAIN_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(DRAIN_VENV)], check=True)
        install = [str(DRAIN_VENV / "bin" / "pip"), "install", "-q", "drain3==0.9.11"]
        if subprocess.run(install, check=False).returncode != 0:
            print("drain3 could not be installed; its baseline is left out", file=sys.stderr)
            return None
    lines: list[str] = []
    per_file = max(1, sample // len(files))
    for path in files:
        with path.open(encoding="utf-8", errors="replace") as handle:
            lines.extend(
                line.rstrip("\n") for _, line in zip(range(per_file), handle, strict=False)
            )
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False, encoding="utf-8") as tmp:
        tmp.write("\n".join(lines))
    script = Path(tmp.name).with_suffix(".py")
    script.write_text(DRAIN_SCRIPT, encoding="utf-8")
    out = subprocess.run(
        [str(python), str(script), tmp.name], capture_output=True, text=True, check=True
    )
    count, seconds, clusters = out.stdout.split()
    return int(count), float(seconds), int(clusters)


def copy_floor(root: Path, files: list[Path]) -> Run:
    """``sha256sum``, then ``cp`` and ``sync`` of every file into a scratch folder under
    ``root`` (the same file system as the workspace), removed afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix="copy-floor-", dir=root))
    names = " ".join(shlex.quote(str(p)) for p in files)
    into = shlex.quote(str(scratch))
    script = f"sha256sum {names} >/dev/null && cp {names} {into} && sync {into}/*"
    try:
        return measured(["sh", "-c", script])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def ingest_runs(root: Path, repeat: int) -> list[tuple[Run, Run, Run]]:
    """(collect, timeline, timeline again) ``repeat`` times, each from an empty workspace;
    the second timeline reads the aggregates the first one kept."""
    runs = []
    for _ in range(repeat):
        for derived in ("evidence", "records"):
            shutil.rmtree(root / derived, ignore_errors=True)
        collect = measured(hotwash("collect", str(root)))
        timeline = measured(hotwash("timeline", str(root), "--json"))
        again = measured(hotwash("timeline", str(root), "--json"))
        if again.stdout != timeline.stdout:
            sys.exit("the second timeline differs from the first")
        runs.append((collect, timeline, again))
    return runs


def hotwash(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "hotwash"), *args]


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _near(at: str, want: datetime, seconds: float = 1.0) -> bool:
    return abs((_instant(at) - want).total_seconds()) <= seconds


def _words(template: str) -> list[str]:
    """The fixed words of a generator template (no placeholder, no digit)."""
    return [w for w in re.findall(r"[^\s:]+", template) if not re.search(r"[{}\d]", w)]


def incident_found(timeline_json: str, truth: dict[str, Any]) -> list[tuple[str, bool]]:
    """Check the injected incident against ``hotwash timeline --json``: each new signature
    as an event at its first occurrence (1 s), the onset (the proposed ``impact_started`` at
    the incident's first line in the evidence, and the first 5xx event at the first 5xx
    line, 1 s), the clock offset of the skewed source (1 s)."""
    try:
        data = json.loads(timeline_json)
    except json.JSONDecodeError:
        return [("timeline output is JSON", False)]
    events = data.get("events", [])
    checks = []
    for sig in truth["new_signatures"]:
        first, words = _instant(sig["first_at"]), _words(sig["template"])
        ok = any(
            e["title"].startswith("New error signature")
            and all(w.lower() in e["title"].lower() for w in words)
            and _near(e["at"], first)
            for e in events
        )
        checks.append((f"new signature {' '.join(words[:4])!r}... at {sig['first_at']}", ok))
    # when the evidence first shows the incident (older ground truths: its start)
    onset_text = truth.get("onset_at") or truth["incident_start"]
    onset = _instant(onset_text)
    started = [m for m in data.get("milestones", []) if m.get("name") == "impact_started"]
    checks.append(
        (
            f"onset (impact_started) at {onset_text}",
            any(_near(m["at"], onset) for m in started),
        )
    )
    first_5xx_text = truth.get("http_5xx_burst", {}).get("first_at") or truth["incident_start"]
    first_5xx = _instant(first_5xx_text)
    burst = [e for e in events if "5xx rate" in e["title"] and "back to" not in e["title"]]
    checks.append(
        (
            f"5xx onset on the edge at {first_5xx_text}",
            any(_near(e["at"], first_5xx) for e in burst),
        )
    )
    want = truth["clock_offset"]
    skew = [s for s in data.get("skew", []) if s.get("source") == want["source"]]
    got = ", ".join(f"{s['offset_seconds']:+.1f} s by {s['method']}" for s in skew) or "none"
    ok = any(abs(s["offset_seconds"] - want["seconds"]) <= 1 and s.get("flagged") for s in skew)
    checks.append((f"clock offset {want['seconds']:+.0f} s on {want['source']} (got {got})", ok))
    return checks


def _generated(root: Path, size: str) -> None:
    """Generate the evidence set into ``root`` unless it holds one of about that size."""
    truth = root / "ground_truth.json"
    if truth.exists():
        have, want = json.loads(truth.read_text())["bytes"], _bytes(size)
        if abs(have - want) > 0.1 * want:
            sys.exit(
                f"{root} holds {have / 1e6:.0f} MB of evidence, not {size}: use another --keep"
            )
        return
    if root.exists() and any(root.iterdir()):
        sys.exit(f"{root} is not empty and holds no generated evidence set")
    subprocess.run(
        [sys.executable, str(HERE / "gen_evidence.py"), str(root), "--size", size], check=True
    )


def _bytes(size: str) -> int:
    sys.path.insert(0, str(HERE))
    from gen_evidence import parse_size

    return parse_size(size)


def _num(value: float, spec: str) -> str:
    """``value`` formatted, or a dash right-aligned in the same width when not measured."""
    width = int(spec.split(".")[0])
    return "-".rjust(width) if math.isnan(value) else format(value, spec)


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            count += block.count(b"\n")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1GB")
    parser.add_argument("--sample", type=int, default=200_000, help="lines fed to drain3")
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    parser.add_argument("--repeat", type=int, default=3, help="full ingest runs (median shown)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    root = args.keep or Path(tempfile.mkdtemp(prefix="hotwash-ingest-"))
    _generated(root, args.size)
    for derived in ("evidence", "records"):
        shutil.rmtree(root / derived, ignore_errors=True)
    files = files_of(root)
    size_mb = sum(p.stat().st_size for p in files) / 1e6
    lines = sum(_count_lines(p) for p in files)
    truth = json.loads((root / "ground_truth.json").read_text())
    print(f"machine: {machine()}")
    print(f"command: python bench/ingest.py {' '.join(sys.argv[1:])}")
    print(f"evidence: {size_mb:.0f} MB, {lines:,} lines in {len(files)} files ({root})\n")

    grep = grep_baseline(files)
    drain = drain3_baseline(files, args.sample)
    floor = copy_floor(root, files)
    runs = ingest_runs(root, args.repeat)
    by_time = sorted(runs, key=lambda run: run[0].seconds + run[1].seconds)
    collect, timeline, again = by_time[(len(by_time) - 1) // 2]

    ingest_s = collect.seconds + timeline.seconds
    ingest_cpu = collect.cpu_seconds + timeline.cpu_seconds
    nan = float("nan")

    # (step, seconds, MB/s, lines/s, cores busy, peak RSS MB)
    def row(name: str, run: Run) -> tuple[str, float, float, float, float, float]:
        mbps, lps = size_mb / run.seconds, lines / run.seconds
        return (name, run.seconds, mbps, lps, run.cores, run.max_rss_mb)

    rows = [row("grep -c (scan baseline)", grep)]
    if drain:
        n, s, clusters = drain
        rows.append(
            (f"drain3+masking, {n:,}-line sample ({clusters} clusters)", s, nan, n / s, nan, nan)
        )
    rows += [
        row("sha256sum + cp + sync (evidence copy floor)", floor),
        row("hotwash collect (store, parse, UTC, records)", collect),
        row("hotwash timeline (signatures, detectors)", timeline),
        row("hotwash timeline again (kept aggregates)", again),
    ]
    rows.append(
        (
            "hotwash full ingest (collect + timeline)",
            ingest_s,
            size_mb / ingest_s,
            lines / ingest_s,
            ingest_cpu / ingest_s,
            max(collect.max_rss_mb, timeline.max_rss_mb),
        )
    )
    head = (
        f"{'step':58} {'seconds':>8} {'MB/s':>8} {'lines/s':>12} {'cores':>6} {'peak RSS MB':>12}"
    )
    print(head)
    for name, s, mbps, lps, cores, rss in rows:
        print(
            f"{name:58} {s:8.2f} {_num(mbps, '8.1f')} {lps:12,.0f} {_num(cores, '6.2f')}"
            f" {_num(rss, '12.0f')}"
        )
    print()
    if len(runs) > 1:
        each = ", ".join(f"{c.seconds:.2f} + {t.seconds:.2f}" for c, t, _ in runs)
        print(f"collect + timeline seconds, each of {len(runs)} runs: {each} (median shown)")
    print(f"evidence copy floor / full ingest time: {floor.seconds / ingest_s:.2f}")
    scan_ratio = grep.seconds / ingest_s
    print(f"hotwash full ingest / grep -c throughput: {scan_ratio:.2f} (target >= 0.33)")
    if drain:
        drain_ratio = (lines / ingest_s) / (drain[0] / drain[1])
        print(f"hotwash full ingest / drain3 lines per second: {drain_ratio:.1f}x (target >= 30x)")
    print("\ninjected incident (from ground_truth.json), in the run shown:")
    checks = incident_found(timeline.stdout, truth)
    for what, ok in checks:
        print(f"  {'found    ' if ok else 'NOT FOUND'}  {what}")
    every = [all(ok for _, ok in incident_found(t.stdout, truth)) for _, t, _ in runs]
    found = "yes" if all(every) else "NO"
    print(f"incident found: {found} (in {sum(every)} of {len(runs)} runs)")


if __name__ == "__main__":
    main()
