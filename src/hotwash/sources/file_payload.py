"""A saved API response read from disk (kind ``file``), parsed like the live source.

Spec options::

    [[sources]]
    name = "prometheus"
    kind = "file"
    path = "raw/prometheus/query_range_5xx.json"   # or paths = [...] (globs allowed)
    format = "prometheus.query_range"              # required: the parser to use

The format is required because the same JSON shape can mean different things; the
parser is the one the live source uses, so a saved Prometheus export and a live query
give the same records. This is how the bundled example works without a Prometheus.
"""

from __future__ import annotations

from collections.abc import Iterator

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.sources.base import Fetched, Source, register_source
from hotwash.sources.files import expand_paths
from hotwash.sources.options import list_option, str_option

__all__ = ["FilePayloadSource"]


@register_source
class FilePayloadSource(Source):
    """Saved payloads of a stated format."""

    name = "file"

    def collect(self, spec: SourceSpec, window: Window) -> Iterator[Fetched]:
        """One artefact per file, with the spec's ``format``."""
        fmt = str_option(spec, "format")
        if not fmt:
            raise SourceError(
                spec.name, "option 'format' is required (e.g. prometheus.query_range)"
            )
        patterns = list_option(spec, "paths") + list_option(spec, "path")
        if not patterns:
            raise SourceError(spec.name, "option 'path' is required")
        stream = str_option(spec, "stream")
        for file in expand_paths(spec, patterns):
            meta = {"file": str(file)} | ({"stream": stream} if stream else {})
            yield Fetched(format=fmt, query=str(file), path=file, meta=meta)
