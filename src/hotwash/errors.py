"""One exception tree for Hotwash.

Every error a user can cause or meet is a :class:`HotwashError`. Foreign exceptions
(ruamel.yaml, pydantic, httpx, OSError, ...) are translated at the layer boundary into
one of these, with the context a user needs to act: the file and line, the field, the
source, the time window. The command line turns a ``HotwashError`` into one line on
stderr and a non-zero exit; a traceback is shown only with ``--debug``.

::

    HotwashError
    ├── DocumentError          the incident document cannot be read or is invalid
    │   └── StaleWriteError    the file changed on disk since it was read
    ├── ConfigError            hotwash.toml or a HOTWASH_* setting is wrong
    ├── RuleError              unknown rule code, bad --select/--ignore, bad suppression
    ├── SourceError            a source could not be collected (names the source)
    ├── EvidenceError          the evidence store is damaged or a blob is missing
    ├── ParseError             evidence could not be parsed (names file and line)
    ├── RenderError            a report could not be rendered (template, PDF)
    ├── PublishError           a tracker, mail server or webhook refused or failed
    └── MissingExtraError      an optional dependency is not installed
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where in a document something is: a file, a 1-based line, a field path."""

    file: str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [self.file or "<document>"]
        if self.line is not None:
            parts.append(str(self.line))
        text = ":".join(parts)
        return f"{text} ({self.field})" if self.field else text


class HotwashError(Exception):
    """The base of every error Hotwash raises on purpose."""

    exit_code = 2


class DocumentError(HotwashError):
    """The incident document cannot be read, parsed or validated."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class StaleWriteError(DocumentError):
    """The file changed on disk after it was read; saving would lose those changes."""


class ConfigError(HotwashError):
    """``hotwash.toml`` or a ``HOTWASH_*`` setting is invalid."""


class RuleError(HotwashError):
    """An unknown rule code, a bad selection or a suppression without a reason."""


class SourceError(HotwashError):
    """A source could not be collected. The message names the source."""

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        super().__init__(f"source {source!r}: {message}")


class EvidenceError(HotwashError):
    """The evidence store is inconsistent: a blob is missing or does not match its hash."""


class ParseError(HotwashError):
    """Evidence could not be parsed. The message names the file and line."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        where = self.path or ""
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class RenderError(HotwashError):
    """A report could not be rendered."""


class PublishError(HotwashError):
    """A tracker, mail server or webhook refused the request or could not be reached."""


class MissingExtraError(HotwashError):
    """An optional dependency is missing; the message names the extra to install."""

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(f"{feature} needs the optional extra: pip install 'hotwash[{extra}]'")
