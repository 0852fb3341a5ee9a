"""Regression guard: the blame engine's precision and recall on labelled real sentences.

The floors are the figures reached when the engine was written (bench/blame_eval.py),
minus a small margin; improve the engine and raise them, never lower them silently.
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = ROOT / "tests" / "data" / "blame" / "sentences.jsonl"

# class: (precision floor, recall floor); reached: overall 0.98 / 0.90
FLOORS = {
    "overall": (0.93, 0.85),
    "person-as-cause": (0.90, 0.65),
    "human-error": (0.90, 0.75),
    "counterfactual": (0.75, 0.85),
    "character": (0.90, 0.90),
    "hindsight": (0.90, 0.80),
    "blaming-question": (0.90, 0.90),
}


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("blame_eval", ROOT / "bench" / "blame_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_labelled_set_is_large_balanced_and_sourced() -> None:
    rows = [json.loads(line) for line in SENTENCES.read_text().splitlines()]
    labels = Counter(row["label"] for row in rows)
    assert len(rows) >= 150
    assert 0.35 <= 1 - labels["clean"] / len(rows) <= 0.65
    assert all(row["source"].startswith("https://") and row["text"] for row in rows)
    assert len({row["text"] for row in rows}) == len(rows)


@pytest.mark.parametrize("label", sorted(FLOORS))
def test_precision_and_recall_stay_above_the_floor(label: str) -> None:
    bench = _bench()
    scores = bench.evaluate(bench.load(SENTENCES))[label]
    precision, recall = FLOORS[label]
    assert scores["precision"] >= precision, scores
    assert scores["recall"] >= recall, scores


def test_the_engine_beats_bare_keywords() -> None:
    bench = _bench()
    rows = bench.load(SENTENCES)
    ours, naive = bench.evaluate(rows)["overall"], bench.evaluate(rows, bench.keywords)["overall"]
    assert ours["precision"] > naive["precision"] and ours["recall"] > naive["recall"]
