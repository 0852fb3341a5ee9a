"""Running a function over a stream of items in a few threads, results in input order."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

__all__ = ["in_order"]

T = TypeVar("T")
R = TypeVar("R")


def in_order(func: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """``func(item)`` for each item, computed by up to ``workers`` threads, yielded in the
    order of ``items``. At most ``workers`` items are taken ahead of the one yielded, so a
    stream of large items stays bounded in memory. When taking the next item fails, the
    results of the items taken before are yielded first, then the error is raised; an
    error of ``func`` is raised when its result's turn comes."""
    if workers <= 1:
        yield from map(func, items)
        return
    iterator = iter(items)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hotwash-collect") as pool:
        pending: deque[Future[R]] = deque()
        while True:
            try:
                item = next(iterator)
            except StopIteration:
                break
            except Exception:
                while pending:
                    yield pending.popleft().result()
                raise
            pending.append(pool.submit(func, item))
            if len(pending) >= workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
