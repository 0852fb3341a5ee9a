"""Markdown post-mortem import (in progress)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hotwash.errors import DocumentError, Location

if TYPE_CHECKING:
    from hotwash.document import Document


def parse_markdown(text: str, path: Path | None = None) -> Document:
    raise DocumentError("Markdown import is not available yet", Location(str(path)))
