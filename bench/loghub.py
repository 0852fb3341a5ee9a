"""Grouping accuracy of ``mine_templates`` on the Loghub-2k samples, next to Drain's.

Usage: ``python bench/loghub.py [DATA_DIR]`` (default: ``../shared/data/loghub`` relative
to the repository). ``DATA_DIR`` holds one folder per system with
``<System>_2k.log_structured.csv`` (``Content`` and ``EventId`` columns) and, where it
exists, ``corrected_loghub2/<System>_2k.log_structured_corrected.csv``, plus
``benchmarks/drain_logparser_readme_loghub2k.csv`` (Drain's published accuracy).

Grouping accuracy (GA, Zhu et al. ICSE-SEIP 2019): the share of messages whose predicted
group holds exactly the messages of their ground-truth group. The miner sees only the
``Content`` column; it runs with one configuration for every system. GA is printed
against both the original ground truth (what Drain's published figures used) and the
Loghub-2.0 corrected one (Jiang et al. ISSTA 2024), which fixes labelling mistakes.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

import polars as pl

from hotwash.detect.templates import mine_templates

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "loghub"


def grouping_accuracy(predicted: pl.Series, truth: pl.Series) -> float:
    """Share of messages whose predicted group equals their true group, as sets."""
    frame = pl.DataFrame({"p": predicted.fill_null("\0null"), "t": truth.cast(pl.String)})
    frame = frame.with_columns(
        pl.len().over("p").alias("p_size"),
        pl.len().over("t").alias("t_size"),
        pl.col("t").n_unique().over("p").alias("t_in_p"),
    )
    correct = frame.filter((pl.col("t_in_p") == 1) & (pl.col("p_size") == pl.col("t_size")))
    return correct.height / frame.height if frame.height else 0.0


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{platform.node()}: nproc={os.cpu_count()}, {cpu}, Python {platform.python_version()}"


def drain_figures(data: Path) -> dict[str, float]:
    path = data / "benchmarks" / "drain_logparser_readme_loghub2k.csv"
    if not path.exists():
        return {}
    frame = pl.read_csv(path)
    return dict(zip(frame["dataset"].to_list(), frame["Accuracy"].to_list(), strict=True))


def truth_of(frame: pl.DataFrame) -> pl.Series:
    return frame["EventId"]


def evaluate(system: Path) -> tuple[float, float | None, float, int, float] | None:
    """(GA, GA loghub2-corrected or None, GA coarse, lines, seconds) for one system folder.

    GA coarse: ``mine_templates(split_choices=False)``, the grouping the log signature
    detector uses, against the original ground truth.
    """
    original = system / f"{system.name}_2k.log_structured.csv"
    if not original.exists():
        return None
    frame = pl.read_csv(original, infer_schema=False)
    start = time.perf_counter()
    predicted = mine_templates(frame["Content"])
    seconds = time.perf_counter() - start
    ga = grouping_accuracy(predicted, truth_of(frame))
    corrected = system / "corrected_loghub2" / f"{system.name}_2k.log_structured_corrected.csv"
    ga2 = None
    if corrected.exists():
        truth = pl.read_csv(corrected, infer_schema=False)
        if truth["Content"].to_list() == frame["Content"].to_list():
            ga2 = grouping_accuracy(predicted, truth["EventId"])
        else:
            ga2 = grouping_accuracy(mine_templates(truth["Content"]), truth["EventId"])
    coarse = grouping_accuracy(
        mine_templates(frame["Content"], split_choices=False), truth_of(frame)
    )
    return ga, ga2, coarse, frame.height, seconds


def main(argv: list[str]) -> int:
    data = Path(argv[1]) if len(argv) > 1 else DEFAULT_DATA
    data = data.resolve()
    print(f"machine: {machine()}")
    print(f"command: {' '.join([Path(sys.executable).name, *argv])}")
    print(f"data:    {data}\n")
    drain = drain_figures(data)
    rows: list[tuple[str, float, float | None, float | None, float]] = []
    header = (
        f"{'system':<12}{'lines':>7}{'GA':>8}{'GA lh2':>8}{'Drain':>8}{'diff':>8}"
        f"{'coarse':>8}{'ms':>8}"
    )
    print(header)
    for system in sorted(p for p in data.iterdir() if p.is_dir()):
        result = evaluate(system)
        if result is None:
            continue
        ga, ga2, coarse, lines, seconds = result
        ref = drain.get(system.name)
        rows.append((system.name, ga, ga2, ref, coarse))
        print(
            f"{system.name:<12}{lines:>7}{ga:>8.4f}{_fmt(ga2)}{_fmt(ref)}"
            f"{_fmt(None if ref is None else ga - ref, signed=True)}{coarse:>8.4f}"
            f"{seconds * 1000:>8.0f}"
        )
    _print_means(rows)
    return 0


def _fmt(value: float | None, signed: bool = False) -> str:
    if value is None:
        return f"{'-':>8}"
    return f"{value:>+8.4f}" if signed else f"{value:>8.4f}"


def _print_means(rows: list[tuple[str, float, float | None, float | None, float]]) -> None:
    if not rows:
        print("no system folders found")
        return
    mean = sum(r[1] for r in rows) / len(rows)
    with_ref = [r for r in rows if r[3] is not None]
    ga2s = [r[2] for r in rows if r[2] is not None]
    mean2 = sum(ga2s) / len(ga2s) if ga2s else None
    line = f"{'mean':<12}{'':>7}{mean:>8.4f}{_fmt(mean2)}"
    if with_ref:
        ours = sum(r[1] for r in with_ref) / len(with_ref)
        theirs = sum(r[3] or 0.0 for r in with_ref) / len(with_ref)
        line += f"{theirs:>8.4f}{ours - theirs:>+8.4f}"
    line += f"{sum(r[4] for r in rows) / len(rows):>8.4f}"
    print(line)
    print(
        "\nGA: original ground truth (as in Drain's published figures); "
        "GA lh2: Loghub-2.0 corrected ground truth;\n"
        "Drain: logparser README (per-system settings); "
        "coarse: split_choices=False (the grouping the log signature detector uses), original "
        "ground truth; ms: time of mine_templates."
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
