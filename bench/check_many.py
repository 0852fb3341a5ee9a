"""Check 1,000 post-mortems: time per document, in-process and through the CLI.

    .venv/bin/python bench/check_many.py [--count 1000] [--keep DIR]

Generates ``--count`` variations of the bundled example (dates shifted, severities,
statuses and action items varied, some blameful sentences planted) into a temporary
folder, then times, in one run on the same files:

1. baseline: a plain YAML load of every file (ruamel.yaml, safe loader);
2. ``hotwash.document.load`` (round-trip YAML, line map, validation);
3. load + every rule (``run_checks``), in-process;
4. ``hotwash check FOLDER --format json`` as one CLI process over all files.

It prints time per document for each and the ratio against the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from ruamel.yaml import YAML

from hotwash.checks.rule import CheckContext
from hotwash.checks.runner import run_checks
from hotwash.document import Document, load

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "checkout-errors" / "incident.yaml"
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?=[T\s\n]|$)", re.M)
_PLANTS = (
    (
        "  - The rollback path was practised",
        '  - "@lee should have rolled back sooner."\n  - The rollback path was practised',
    ),
    ("  - A dependency's defaults are part", "  - Obviously a dependency's defaults are part"),
    (
        "    action: Alert when pool saturation",
        "    action: Improve monitoring. Alert when pool saturation",
    ),
    (
        "distribution:\n  - to: eng-incidents@example.com\n"
        "    at: 2024-05-15T10:00:00Z\n    channel: email\n",
        "",
    ),
)
_STATUSES = ("draft", "in-review", "reviewed", "published", "closed")


def variant(text: str, index: int) -> str:
    """The example, shifted by ``index`` days, with severity, status and plants varied."""

    def shift(match: re.Match[str]) -> str:
        day = date(int(match[1]), int(match[2]), int(match[3])) + timedelta(days=index)
        return day.isoformat()

    text = _DATE.sub(shift, text)
    text = text.replace("severity: SEV2", f"severity: SEV{index % 4 + 1}")
    text = text.replace("status: in-review", f"status: {_STATUSES[index % len(_STATUSES)]}")
    text = text.replace("id: INC-2024-0514", f"id: INC-{index:05d}")
    for number, (old, new) in enumerate(_PLANTS):
        if index % (number + 2) == 0:
            text = text.replace(old, new)
    return text


def generate(folder: Path, count: int) -> list[Path]:
    text = EXAMPLE.read_text(encoding="utf-8")
    paths = []
    for index in range(count):
        path = folder / f"inc-{index:05d}" / "incident.yaml"
        path.parent.mkdir(parents=True)
        path.write_text(variant(text, index), encoding="utf-8")
        paths.append(path)
    return paths


def timed(label: str, paths: list[Path], work: Callable[[Path], object]) -> float:
    start = time.perf_counter()
    for path in paths:
        work(path)
    per_doc = (time.perf_counter() - start) / len(paths)
    print(f"  {label:<42} {per_doc * 1000:8.2f} ms/doc")
    return per_doc


def check_document(doc: Document) -> int:
    resolved = doc.incident.milestones.resolved
    ctx = CheckContext(now=resolved + timedelta(days=10)) if resolved else CheckContext()
    return len(run_checks(doc, ctx).findings)


def check_in_process(path: Path) -> int:
    return check_document(load(path))


def rules_only(paths: list[Path], cold: bool) -> float:
    """All rules on preloaded documents; ``cold`` empties the language cache each time
    (the variants share most of their text, which real post-mortems do not)."""
    from hotwash.checks import language

    docs = [load(path) for path in paths]
    start = time.perf_counter()
    for doc in docs:
        if cold:
            language._scan.cache_clear()
        check_document(doc)
    per_doc = (time.perf_counter() - start) / len(docs)
    label = f"all rules only, preloaded, {'cold' if cold else 'warm'} cache"
    print(f"  {label:<42} {per_doc * 1000:8.2f} ms/doc")
    return per_doc


def check_cli(folder: Path, count: int) -> float:
    command = [sys.executable, "-m", "hotwash", "check", str(folder), "--format", "json"]
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    reports = json.loads(proc.stdout)
    findings = sum(len(r["findings"]) for r in reports)
    print(
        f"  {'hotwash check FOLDER --format json (CLI)':<42} {elapsed / count * 1000:8.2f} ms/doc"
    )
    print(f"    {len(reports)} documents, {findings} findings, exit {proc.returncode}")
    return elapsed / count


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="generate here and keep the files")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="hotwash-check-many-"))
    print(f"command: python {' '.join(sys.argv)}")
    print(f"machine: {machine()}")
    try:
        paths = generate(folder, args.count)
        print(f"{len(paths)} post-mortems in {folder}")
        safe = YAML(typ="safe")
        base = timed("baseline: plain YAML load (safe loader)", paths, lambda p: safe.load(p))
        loaded = timed("hotwash.document.load", paths, load)
        checked = timed("load + all rules, in-process", paths, check_in_process)
        rules_only(paths, cold=False)
        rules = rules_only(paths, cold=True)
        cli = check_cli(folder, len(paths))
        print(
            f"ratios to the baseline: load x{loaded / base:.1f}, load+check x{checked / base:.1f}, "
            f"rules only (cold) x{rules / base:.2f}, CLI x{cli / base:.1f}"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
