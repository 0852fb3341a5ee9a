"""Precision and recall of the blame-language engine on labelled real-world sentences.

    .venv/bin/python bench/blame_eval.py [--errors]

The data is ``tests/data/blame/sentences.jsonl``: sentences adapted from public
post-mortems and post-mortem guides (each with its source URL), labelled with a blame
class or "clean". A sentence counts as flagged for a class when
:func:`hotwash.checks.language.scan_blame` returns a hit of that class's code for it in its
section. "Overall" is blameful (any class) versus clean. The baseline is the naive keyword
list most blame linters start from, measured on the same sentences in the same run.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from hotwash.checks.language import scan_blame

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "blame" / "sentences.jsonl"
CODES = {
    "person-as-cause": "B001",
    "human-error": "B002",
    "counterfactual": "B003",
    "character": "B004",
    "hindsight": "B005",
    "blaming-question": "B006",
}
_KEYWORDS = {
    "B001": r"\b(?:caused|broke|forgot|ignored)\b",
    "B002": r"\bhuman error\b",
    "B003": r"\b(?:should|could|would)\b|\bfailed to\b",
    "B004": r"\b(?:careless|sloppy|negligent|lazy)\b",
    "B005": r"\b(?:obviously|clearly|of course)\b",
    "B006": r"\bwhy\b|\bwho\b",
}
Predict = Callable[[dict[str, str]], set[str]]


def load(path: Path = DATA) -> list[dict[str, str]]:
    """The labelled sentences."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def engine(row: dict[str, str]) -> set[str]:
    """The codes scan_blame finds in one labelled sentence."""
    return {hit.code for hit in scan_blame(row["text"], (), row["section"])}


def keywords(row: dict[str, str]) -> set[str]:
    """The naive baseline: bare keywords, no grammar, no sections."""
    return {code for code, rx in _KEYWORDS.items() if re.search(rx, row["text"], re.I)}


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def evaluate(
    rows: Iterable[dict[str, str]], predict: Predict = engine
) -> dict[str, dict[str, float]]:
    """Precision, recall and support per class and overall (blameful versus clean)."""
    rows = list(rows)
    found = [predict(row) for row in rows]
    scores: dict[str, dict[str, float]] = {}
    for label, code in CODES.items():
        gold = [row["label"] == label for row in rows]
        said = [code in codes for codes in found]
        true = sum(g and s for g, s in zip(gold, said, strict=True))
        scores[label] = {
            "precision": _ratio(true, sum(said)),
            "recall": _ratio(true, sum(gold)),
            "support": float(sum(gold)),
        }
    gold = [row["label"] != "clean" for row in rows]
    said = [bool(codes) for codes in found]
    true = sum(g and s for g, s in zip(gold, said, strict=True))
    scores["overall"] = {
        "precision": _ratio(true, sum(said)),
        "recall": _ratio(true, sum(gold)),
        "support": float(sum(gold)),
    }
    return scores


def _print_table(name: str, scores: dict[str, dict[str, float]]) -> None:
    print(f"\n{name}")
    print(f"  {'class':<18} {'precision':>9} {'recall':>7} {'support':>8}")
    for label, row in scores.items():
        print(
            f"  {label:<18} {row['precision']:>9.2f} {row['recall']:>7.2f} {int(row['support']):>8}"
        )


def _print_errors(rows: list[dict[str, str]]) -> None:
    print("\nMisclassified by the engine:")
    for row in rows:
        said = engine(row)
        want = {CODES[row["label"]]} if row["label"] in CODES else set()
        if (want and not want & said) or (not want and said):
            print(f"  [{row['label']} -> {sorted(said) or 'clean'}] {row['text']}")


def _cpu() -> str:
    info = Path("/proc/cpuinfo")
    names = (
        [r for r in info.read_text().splitlines() if r.startswith("model name")]
        if info.exists()
        else []
    )
    return names[0].split(":", 1)[1].strip() if names else platform.machine()


def main(argv: list[str]) -> None:
    rows = load()
    blameful = sum(row["label"] != "clean" for row in rows)
    print(f"command: {' '.join(['python', *sys.argv])}")
    print(f"machine: {os.cpu_count()} CPUs ({_cpu()}), Python {platform.python_version()}")
    print(f"sentences: {len(rows)} ({blameful} blameful, {len(rows) - blameful} clean)")
    start = time.perf_counter()
    ours = evaluate(rows)
    elapsed = time.perf_counter() - start
    base = evaluate(rows, keywords)
    _print_table("hotwash scan_blame", ours)
    _print_table("baseline: bare keywords", base)
    o, b = ours["overall"], base["overall"]
    print(
        f"\noverall precision {o['precision']:.2f} vs {b['precision']:.2f} "
        f"(x{o['precision'] / b['precision']:.2f}), recall {o['recall']:.2f} vs {b['recall']:.2f}"
    )
    print(f"engine time: {elapsed * 1000 / len(rows):.2f} ms per sentence (cold caches)")
    if "--errors" in argv:
        _print_errors(rows)


if __name__ == "__main__":
    main(sys.argv[1:])
