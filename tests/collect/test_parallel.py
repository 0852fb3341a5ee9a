"""Collecting several artefacts at once: results in order, errors where they belong."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from hotwash.parallel import in_order
from hotwash.parse import all_parsers


def test_results_come_in_the_order_of_the_items_whatever_finishes_first() -> None:
    def slow_first(n: int) -> int:
        time.sleep(0.05 if n == 0 else 0)
        return n * 10

    assert list(in_order(slow_first, range(6), ahead=2)) == [0, 10, 20, 30, 40, 50]


def test_items_taken_before_a_failing_source_are_still_finished() -> None:
    def source() -> Iterator[int]:
        yield 1
        raise RuntimeError("connection lost")

    got = []
    with pytest.raises(RuntimeError, match="connection lost"):
        for value in in_order(lambda n: n + 1, source(), ahead=2):
            got.append(value)
    assert got == [2]


def test_with_weights_items_are_taken_ahead_only_up_to_their_total() -> None:
    taken: list[int] = []

    def sizes() -> Iterator[int]:
        for size in [6, 6, 6, 6, 3, 3, 3, 3]:
            taken.append(size)
            yield size

    results = in_order(lambda n: n * 2, sizes(), ahead=10, weight=lambda n: n)
    assert next(results) == 12 and len(taken) == 2  # 6 + 6 reached 10: no third taken
    assert list(results) == [12, 12, 12, 6, 6, 6, 6]


def test_threads_asking_for_parsers_at_once_all_see_every_format() -> None:
    seen: list[bool] = []

    def look() -> None:
        seen.append("log.nginx" in all_parsers())

    threads = [threading.Thread(target=look) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [True] * 4
