"""Running a function over a stream of items in threads, results in input order."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

__all__ = ["in_order"]

T = TypeVar("T")
R = TypeVar("R")


def in_order(
    func: Callable[[T], R],
    items: Iterable[T],
    ahead: int,
    weight: Callable[[T], int] | None = None,
) -> Iterator[R]:
    """``func(item)`` for each item, computed in threads, yielded in the order of
    ``items``. Items are taken ahead of the one yielded while fewer than ``ahead`` are in
    flight (one thread each), or, with ``weight``, while the weights of those in flight
    add up to less than ``ahead`` (as many threads as that takes): a stream of large items
    stays bounded in memory. When taking the next item fails, the results of the items
    taken before are yielded first, then the error is raised; an error of ``func`` is
    raised when its result's turn comes."""
    if weight is None and ahead <= 1:
        yield from map(func, items)
        return
    measure = weight or (lambda _: 1)
    iterator = iter(items)
    workers = ahead if weight is None else None
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hotwash") as pool:
        pending: deque[tuple[Future[R], int]] = deque()
        load = 0
        while True:
            try:
                item = next(iterator)
            except StopIteration:
                break
            except Exception:
                while pending:
                    yield pending.popleft()[0].result()
                raise
            size = measure(item)
            pending.append((pool.submit(func, item), size))
            load += size
            del item  # held by its thread only
            while pending and load >= ahead:
                future, size = pending.popleft()
                load -= size
                yield future.result()
        while pending:
            yield pending.popleft()[0].result()
