"""One registry per kind of extension (sources, parsers, detectors, rules, trackers, notifiers).

Built-ins are registered exactly like third-party plugins: their modules are imported once,
then the entry points of the kind's group, and each module registers its classes on import.
Loading happens under a lock and the registry counts as loaded only once everything is in,
so threads that look something up at the same time (the collector parses files in parallel)
all see the full registry. A name registered twice fails loudly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from importlib import import_module
from importlib.metadata import entry_points
from typing import Generic, TypeVar

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """Named items of one kind, filled by importing ``builtins`` and the ``group`` entry points."""

    def __init__(
        self,
        builtins: Sequence[str],
        group: str | None,
        duplicate: Callable[[str, T], Exception],
    ) -> None:
        self._builtins = builtins
        self._group = group
        self._duplicate = duplicate
        self._items: dict[str, T] = {}
        self._loaded = False
        self._lock = threading.RLock()

    def add(self, name: str, item: T) -> T:
        """Register ``item`` as ``name``; ``duplicate(name, existing)`` is raised on a clash."""
        with self._lock:
            existing = self._items.get(name)
            if existing is not None and existing is not item:
                raise self._duplicate(name, existing)
            self._items[name] = item
        return item

    def load(self) -> None:
        """Import the built-in modules and entry points once (they register on import)."""
        with self._lock:
            if self._loaded:
                return
            for module in self._builtins:
                import_module(module)
            if self._group:
                for entry in entry_points(group=self._group):
                    entry.load()
            self._loaded = True

    def registered(self) -> dict[str, T]:
        """What is registered so far, without loading (for checks made while registering)."""
        with self._lock:
            return dict(self._items)

    def all(self) -> dict[str, T]:
        """Every registered item by name, after loading."""
        self.load()
        return dict(self._items)

    def get(self, name: str) -> T | None:
        """The item registered as ``name`` (after loading), or None."""
        self.load()
        return self._items.get(name)
