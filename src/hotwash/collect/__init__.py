"""Step 1 of a post-mortem: collect every artefact of the incident window.

:func:`collect` runs every configured source over the window, keeps an exact copy of
each artefact in the workspace's evidence store, parses it into records, measures what
it covers and where its gaps are, and appends it to ``evidence/manifest.json``. A
source that fails is reported (in the result and in ``manifest.errors``) and does not
stop the others; nothing already stored is lost.

::

    from hotwash.collect import collect
    result = collect(Path("incidents/2024-05-14-checkout-errors"))
    for outcome in result.outcomes:
        print(outcome.name, outcome.records, outcome.error)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hotwash.collect.ingest import Ingested, commit, prepare
from hotwash.collect.plan import CollectSettings, collect_window, configured_sources
from hotwash.config import load_settings
from hotwash.errors import ConfigError
from hotwash.evidence.coverage import source_gaps
from hotwash.evidence.model import Evidence, Gap, Window
from hotwash.evidence.store import EvidenceStore
from hotwash.model import SourceSpec
from hotwash.parallel import in_order
from hotwash.sources.base import Fetched, get_source
from hotwash.timeutil import format_iso

__all__ = ["CollectResult", "Progress", "SourceOutcome", "collect", "collect_sources"]

#: Artefacts of one source stored and parsed at once (their manifest entries are still
#: appended one by one, in the order the source gave them).
PARALLEL_ARTEFACTS = 2

#: Called as ``progress(source_name, what_happened)`` while collecting.
Progress = Callable[[str, str], None]


@dataclass
class SourceOutcome:
    """What one source gave: its evidence entries, and its errors."""

    name: str
    kind: str
    window: Window
    floor: timedelta = timedelta(minutes=5)
    entries: list[Evidence] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reused: int = 0

    @property
    def records(self) -> int:
        return sum(e.records for e in self.entries)

    @property
    def covered(self) -> Window | None:
        spans = [e.window_covered for e in self.entries if e.window_covered is not None]
        if not spans:
            return None
        return Window(start=min(s.start for s in spans), end=max(s.end for s in spans))

    @property
    def gaps(self) -> list[Gap]:
        """Gaps of the source as a whole (see :func:`~hotwash.evidence.coverage.source_gaps`)."""
        return source_gaps(self.entries, self.window, self.floor)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        covered = self.covered
        return {
            "source": self.name,
            "kind": self.kind,
            "artefacts": len(self.entries),
            "reused": self.reused,
            "records": self.records,
            "covered": covered.model_dump(mode="json") if covered else None,
            "gaps": [g.model_dump(mode="json") for g in self.gaps],
            "naive_timestamps": any(e.naive_timestamps for e in self.entries),
            "errors": self.errors,
        }


@dataclass
class CollectResult:
    """The outcome of one ``collect`` run."""

    workspace: Path
    window: Window
    outcomes: list[SourceOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "workspace": str(self.workspace),
            "window": self.window.model_dump(mode="json"),
            "ok": self.ok,
            "sources": [o.as_dict() for o in self.outcomes],
        }


def collect(
    workspace: Path,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    only: Iterable[str] = (),
    progress: Progress | None = None,
) -> CollectResult:
    """Collect every configured source (or those named in ``only``) for the incident."""
    from hotwash.document import load

    workspace = Path(workspace)
    doc = load(workspace)
    root = doc.path.parent if doc.path else workspace
    settings = load_settings(root)
    plan = CollectSettings.from_settings(settings)
    window = collect_window(doc.incident, plan, since, until, now=datetime.now(UTC))
    specs = _chosen(configured_sources(settings, doc.incident, root), list(only))
    base = settings.path.parent if settings.path else root
    return collect_sources(root, specs, window, plan, progress, base=base)


def collect_sources(
    workspace: Path,
    specs: list[SourceSpec],
    window: Window,
    plan: CollectSettings | None = None,
    progress: Progress | None = None,
    base: Path | None = None,
) -> CollectResult:
    """Run ``specs`` over ``window`` into the workspace's store (the library entry point).

    Paths of files under ``base`` (the folder of hotwash.toml) are recorded relative to
    it, so that the manifest stays true when the incidents repository moves.
    """
    plan = plan or CollectSettings()
    store = EvidenceStore(workspace)
    result = CollectResult(workspace=workspace, window=window)
    say = progress or (lambda _name, _what: None)
    for spec in specs:
        say(spec.name, "start")
        outcome = _run_source(store, spec, window, plan, say, base)
        result.outcomes.append(outcome)
        say(spec.name, "failed" if outcome.errors else "done")
    return result


def _chosen(specs: list[SourceSpec], only: list[str]) -> list[SourceSpec]:
    if not specs:
        raise ConfigError(
            "no sources configured: add [[sources]] tables to hotwash.toml "
            "or a sources: list to the document (docs/collect.md)"
        )
    if not only:
        return specs
    names = {s.name for s in specs}
    unknown = [n for n in only if n not in names]
    if unknown:
        known = ", ".join(sorted(names)) or "none configured"
        raise ConfigError(f"no source named {', '.join(unknown)} (sources: {known})")
    return [s for s in specs if s.name in only]


def _run_source(
    store: EvidenceStore,
    spec: SourceSpec,
    window: Window,
    plan: CollectSettings,
    say: Progress,
    base: Path | None,
) -> SourceOutcome:
    """Every artefact of one source; any failure is caught here, at the source boundary."""
    outcome = SourceOutcome(name=spec.name, kind=spec.kind, window=window, floor=plan.gaps.floor)
    try:
        source = get_source(spec.kind)()

        def take(fetched: Fetched) -> Ingested:
            say(spec.name, fetched.query)
            return prepare(store, spec, fetched, window, plan.gaps)

        artefacts = (_portable(fetched, base) for fetched in source.collect(spec, window))
        for taken in in_order(take, artefacts, PARALLEL_ARTEFACTS):
            commit(store, taken)
            _record(outcome, taken)
    except Exception as exc:  # a plugin may raise anything: report it and go on
        outcome.errors.append(_describe(exc))
    if outcome.errors:
        now = format_iso(datetime.now(UTC))
        store.append(
            errors=[{"source": spec.name, "message": m, "at": now} for m in outcome.errors]
        )
    return outcome


def _portable(fetched: Fetched, base: Path | None) -> Fetched:
    """The artefact with its query and file path relative to ``base`` when inside it."""
    if base is None:
        return fetched
    query, meta = _relative(fetched.query, base), dict(fetched.meta)
    if "file" in meta:
        meta["file"] = _relative(meta["file"], base)
    return replace(fetched, query=query, meta=meta)


def _relative(text: str, base: Path) -> str:
    path = Path(text)
    if not path.is_absolute():
        return text
    try:
        return path.relative_to(base.resolve()).as_posix()
    except ValueError:
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            return text


def _record(outcome: SourceOutcome, taken: Ingested) -> None:
    outcome.entries.append(taken.entry)
    if not taken.new:
        outcome.reused += 1
    if taken.problem:
        outcome.errors.append(taken.problem)


def _describe(exc: Exception) -> str:
    from hotwash.errors import HotwashError

    if isinstance(exc, HotwashError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
