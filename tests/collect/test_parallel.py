"""Collecting several artefacts at once: results in order, errors where they belong."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from hotwash.collect.parallel import in_order
from hotwash.parse import all_parsers


def test_results_come_in_the_order_of_the_items_whatever_finishes_first() -> None:
    def slow_first(n: int) -> int:
        time.sleep(0.05 if n == 0 else 0)
        return n * 10

    assert list(in_order(slow_first, range(6), workers=2)) == [0, 10, 20, 30, 40, 50]


def test_items_taken_before_a_failing_source_are_still_finished() -> None:
    def source() -> Iterator[int]:
        yield 1
        raise RuntimeError("connection lost")

    got = []
    with pytest.raises(RuntimeError, match="connection lost"):
        for value in in_order(lambda n: n + 1, source(), workers=2):
            got.append(value)
    assert got == [2]


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
