"""The detector contract.

A detector reads records (one polars DataFrame in :data:`hotwash.records.RECORD_SCHEMA`)
and the :class:`DetectContext` (incident window, baseline window) and yields candidate
:class:`~hotwash.model.Event` objects with ``auto=True``, a ``confidence`` in [0, 1] and
``evidence`` refs of the form ``<sha256>#L<offset>`` pointing at the line, sample or message
behind each event. Detectors are pure: no I/O, no clock.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from hotwash.evidence.model import Window
from hotwash.model import Event
from hotwash.registry import Registry

if TYPE_CHECKING:
    import polars as pl

__all__ = ["DetectContext", "Detector", "all_detectors", "evidence_ref", "register_detector"]


@dataclass(frozen=True)
class DetectContext:
    """The windows a detector compares: the baseline before, and the incident window."""

    window: Window
    baseline: Window | None = None


def evidence_ref(sha256: str, offset: int | None) -> str:
    """``<sha256>#L<offset>``: the evidence blob and the line or index inside it."""
    return f"{sha256}#L{offset}" if offset is not None else sha256


class Detector(ABC):
    """Finds one kind of happening in records."""

    name: ClassVar[str]

    @abstractmethod
    def detect(self, records: pl.DataFrame, context: DetectContext) -> Iterable[Event]:
        """Yield candidate events (auto=True, with confidence and evidence refs)."""


#: Modules holding built-in detectors; each registers its classes on import.
BUILTIN_MODULES: tuple[str, ...] = (
    "hotwash.detect.alerts",
    "hotwash.detect.pages",
    "hotwash.detect.chat",
    "hotwash.detect.changes",
    "hotwash.detect.kubernetes",
    "hotwash.detect.signatures",
    "hotwash.detect.http_errors",
    "hotwash.detect.changepoint",
)


DETECTORS: Registry[type[Detector]] = Registry(
    BUILTIN_MODULES,
    "hotwash.detectors",
    lambda name, old: ValueError(f"detector {name!r} registered twice ({old.__qualname__})"),
)


def register_detector(cls: type[Detector]) -> type[Detector]:
    """Class decorator; duplicate names fail loudly."""
    return DETECTORS.add(cls.name, cls)


def all_detectors() -> dict[str, type[Detector]]:
    return DETECTORS.all()
