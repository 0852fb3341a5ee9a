"""The source contract: how one kind of evidence is fetched for a window.

A source is a class with a stable ``name`` (its kind, as written in ``kind:`` of a source
spec) and one method, :meth:`Source.collect`. It yields :class:`Fetched` artefacts as it
gets them, so that the collector stores each one before the next is asked for: an
interruption loses nothing already fetched. Parsing, coverage and gaps are computed by the
collector from the stored blob, in one place for all sources.

Sources that speak HTTP take an injected ``httpx.Client`` (tests use
``httpx.MockTransport`` where no real server can run). Secrets come from environment
variables *named* in the spec (``token_env: PAGERDUTY_TOKEN``), never from files.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.registry import Registry
from hotwash.sources import BUILTIN_MODULES

__all__ = ["Fetched", "Source", "all_sources", "get_source", "register_source"]


@dataclass
class Fetched:
    """One artefact a source got: bytes in memory, or a file to stream (large logs)."""

    format: str
    query: str
    data: bytes | None = None
    path: Path | None = None
    meta: dict[str, str] = field(default_factory=dict)


class Source(ABC):
    """Fetches one kind of evidence."""

    name: ClassVar[str]

    @abstractmethod
    def collect(self, spec: SourceSpec, window: Window) -> Iterator[Fetched]:
        """Yield every artefact of ``spec`` for ``window``; raise SourceError on failure."""


SOURCES: Registry[type[Source]] = Registry(
    BUILTIN_MODULES,
    "hotwash.sources",
    lambda name, old: SourceError(name, f"source kind registered twice ({old.__qualname__})"),
)


def register_source(cls: type[Source]) -> type[Source]:
    """Class decorator; a second source with the same name fails loudly."""
    return SOURCES.add(cls.name, cls)


def all_sources() -> dict[str, type[Source]]:
    return SOURCES.all()


def get_source(kind: str) -> type[Source]:
    sources = all_sources()
    if kind not in sources:
        known = ", ".join(sorted(sources))
        raise SourceError(kind, f"unknown source kind {kind!r} (known: {known})")
    return sources[kind]
