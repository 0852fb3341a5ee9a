"""Reading and writing the incident document (``incident.yaml`` or a Markdown post-mortem).

Loading keeps what a person wrote: comments, key order and the text of every time are
preserved on save (round-trip through ruamel.yaml, with YAML's implicit timestamps off so
that no time is silently converted). Saves are atomic (temporary file, fsync, rename) and a
save over a file that changed since it was read is refused with :class:`StaleWriteError`.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.resolver import VersionedResolver

from hotwash.errors import DocumentError, Location, StaleWriteError
from hotwash.model import Incident
from hotwash.timeutil import parse_instant, zone

__all__ = [
    "DOCUMENT_NAME",
    "Document",
    "atomic_write",
    "dump_yaml",
    "load",
    "loads",
    "locate",
    "resolve_path",
    "save",
]

DOCUMENT_NAME = "incident.yaml"
FieldPath = tuple[str | int, ...]
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _NoTimestampResolver(VersionedResolver):
    """YAML's implicit timestamps lose the written zone; keep them as strings instead."""

    @property
    def versioned_resolver(self) -> Any:
        table = super().versioned_resolver
        return {
            first: [(tag, rx) for tag, rx in entries if tag != _TIMESTAMP_TAG]
            for first, entries in table.items()
        }


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Resolver = _NoTimestampResolver
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


@dataclass
class Document:
    """A loaded incident document and what is needed to point into it and save it back."""

    incident: Incident
    path: Path | None = None
    format: str = "yaml"
    text: str = ""
    raw: Any = None
    lines: dict[FieldPath, int] = field(default_factory=dict)
    digest: str | None = None
    texts: dict[FieldPath, str] = field(default_factory=dict)
    """Original text of values the model normalised (times as written), by field path.
    The Markdown importer fills it; for YAML it is read from ``raw``."""

    def original(self, path: FieldPath) -> str | None:
        """The value at ``path`` exactly as the person wrote it (e.g. a time with its offset)."""
        if path in self.texts:
            return self.texts[path]
        node = self.raw
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return None if node is None or isinstance(node, dict | list) else str(node)

    def locate(self, path: FieldPath | str = ()) -> Location:
        """The file and line of a field path such as ``("action_items", 2, "owner")``."""
        return locate(self.lines, path, self.path)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line of the source file ('' when out of range)."""
        rows = self.text.splitlines()
        return rows[line - 1] if 0 < line <= len(rows) else ""


def locate(lines: dict[FieldPath, int], path: FieldPath | str, file: Path | None) -> Location:
    """The nearest known line of ``path`` (or of its closest parent) in ``lines``."""
    if isinstance(path, str):
        path = _parse_field_path(path)
    probe = tuple(path)
    while probe and probe not in lines:
        probe = probe[:-1]
    return Location(
        file=str(file) if file else None,
        line=lines.get(probe) if probe else None,
        field=format_field_path(path) or None,
    )


def format_field_path(path: FieldPath) -> str:
    """``("action_items", 2, "owner")`` -> ``action_items[2].owner``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _parse_field_path(text: str) -> FieldPath:
    parts: list[str | int] = []
    for chunk in text.replace("]", "").split("."):
        name, *indexes = chunk.split("[")
        if name:
            parts.append(name)
        parts.extend(int(i) for i in indexes)
    return tuple(parts)


def resolve_path(path: Path | str) -> Path:
    """A workspace folder means its ``incident.yaml``; a file means itself."""
    path = Path(path)
    if path.is_dir():
        candidate = path / DOCUMENT_NAME
        if not candidate.exists():
            raise DocumentError(f"no {DOCUMENT_NAME} in this folder", Location(file=str(path)))
        return candidate
    if not path.exists():
        raise DocumentError("no such file", Location(file=str(path)))
    return path


def load(path: Path | str) -> Document:
    """Load an incident document from a workspace folder, a YAML file or a Markdown file."""
    file = resolve_path(path)
    data = _read_bytes(file)
    text = _decode(data, file)
    if file.suffix.lower() in {".md", ".markdown"}:
        from hotwash.markdown import parse_markdown

        document: Document = parse_markdown(text, file)
    else:
        document = loads(text, file)
    document.digest = hashlib.sha256(data).hexdigest()
    return document


def _read_bytes(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror}", Location(file=str(file))) from exc


def _decode(data: bytes, file: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DocumentError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            Location(file=str(file), line=line),
        ) from exc


def loads(text: str, path: Path | None = None) -> Document:
    """Parse and validate YAML text; errors name the file, line and field."""
    where = str(path) if path else None
    try:
        raw = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise DocumentError(f"invalid YAML: {problem}", Location(where, line)) from exc
    except YAMLError as exc:
        raise DocumentError(f"invalid YAML: {exc}", Location(where)) from exc
    if not isinstance(raw, CommentedMap):
        raise DocumentError("the document must be a YAML mapping (key: value)", Location(where, 1))
    lines = dict(_walk_lines(raw, ()))
    incident = validate(raw, lines, path)
    return Document(incident=incident, path=path, format="yaml", text=text, raw=raw, lines=lines)


def validate(data: Any, lines: dict[FieldPath, int], path: Path | None) -> Incident:
    """Validate plain data into an :class:`Incident`, translating the first error."""
    tz = data.get("timezone") if isinstance(data, dict) else None
    try:
        return Incident.model_validate(
            data, context={"timezone": tz if isinstance(tz, str) else None}
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        message = _explain(error)
        more = len(exc.errors()) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise DocumentError(message, locate(lines, loc, path)) from exc


def _explain(error: Any) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; `hotwash schema` lists the fields)"
    if kind == "missing":
        return "required field is missing"
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


def _walk_lines(node: Any, prefix: FieldPath) -> Iterator[tuple[FieldPath, int]]:
    if isinstance(node, CommentedMap):
        for key in node:
            try:
                line = node.lc.key(key)[0] + 1
            except (KeyError, TypeError):
                continue
            path = (*prefix, str(key))
            yield path, line
            yield from _walk_lines(node[key], path)
    elif isinstance(node, CommentedSeq):
        for index, item in enumerate(node):
            try:
                line = node.lc.item(index)[0] + 1
            except (KeyError, TypeError, IndexError):
                continue
            path = (*prefix, index)
            yield path, line
            yield from _walk_lines(item, path)


# Saving ------------------------------------------------------------------------------


def dump_yaml(document: Document) -> str:
    """The YAML text ``save`` would write: the model merged into what was read."""
    incident = document.incident
    full = incident.model_dump(mode="json")
    lean = incident.model_dump(mode="json", exclude_defaults=True)
    raw = document.raw if isinstance(document.raw, CommentedMap) else CommentedMap()
    tz = zone(incident.timezone) if incident.timezone else None
    merged = _merge(raw, full, lean, tz)
    buffer = io.StringIO()
    _yaml().dump(merged, buffer)
    return buffer.getvalue()


def save(document: Document, path: Path | str | None = None) -> Path:
    """Write the document atomically; refuse if the file changed since it was read."""
    target = Path(path) if path is not None else document.path
    if target is None:
        raise DocumentError("no path to save to")
    if target.is_dir():
        target = target / DOCUMENT_NAME
    if document.format != "yaml" and target.suffix.lower() in {".md", ".markdown"}:
        raise DocumentError(
            "a Markdown post-mortem is read-only; save it as incident.yaml",
            Location(str(target)),
        )
    _refuse_stale(document, target)
    text = dump_yaml(document)
    atomic_write(target, text.encode("utf-8"))
    document.path = target
    document.text = text
    document.digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    document.raw = _yaml().load(text)
    document.lines = dict(_walk_lines(document.raw, ()))
    document.format = "yaml"
    return target


def _refuse_stale(document: Document, target: Path) -> None:
    if not target.exists():
        return
    if document.digest is None or target != document.path:
        raise StaleWriteError(
            "file exists and was not the one read; refusing to overwrite", Location(str(target))
        )
    current = hashlib.sha256(target.read_bytes()).hexdigest()
    if current != document.digest:
        raise StaleWriteError(
            "file changed on disk since it was read; reload and apply your change again",
            Location(str(target)),
        )


def atomic_write(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that readers see the old or the new file, never half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 less the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _merge(old: Any, full: Any, lean: Any, tz: tzinfo | None) -> Any:
    if isinstance(full, dict):
        target = old if isinstance(old, CommentedMap) else CommentedMap()
        lean_map = lean if isinstance(lean, dict) else {}
        for key in list(target):
            if key not in full:
                del target[key]
        for key, value in full.items():
            if key in target:
                target[key] = _merge(target[key], value, lean_map.get(key, value), tz)
            elif key in lean_map:
                target[key] = _merge(None, value, lean_map[key], tz)
        return target
    if isinstance(full, list):
        target_seq = old if isinstance(old, CommentedSeq) else CommentedSeq()
        lean_list = lean if isinstance(lean, list) else full
        while len(target_seq) > len(full):
            target_seq.pop()
        for index, value in enumerate(full):
            sub_lean = lean_list[index] if index < len(lean_list) else value
            if index < len(target_seq):
                target_seq[index] = _merge(target_seq[index], value, sub_lean, tz)
            else:
                target_seq.append(_merge(None, value, sub_lean, tz))
        return target_seq
    if old is not None and _same_value(old, full, tz):
        return old
    return full


def _same_value(old: Any, new: Any, tz: tzinfo | None) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new or old == new
    if str(old) == str(new) or old == new:
        return True
    if isinstance(old, str) and isinstance(new, str):
        try:
            return parse_instant(old, tz) == parse_instant(new)
        except ValueError:
            return False
    try:
        return float(old) == float(new)
    except (TypeError, ValueError):
        return False
