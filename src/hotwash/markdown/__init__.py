"""Markdown post-mortem import: the usual templates (Hotwash's seed template, Google SRE,
PagerDuty, Atlassian) read into an :class:`~hotwash.model.Incident`, with every field
pointing at its Markdown line so that findings do too.

``hotwash.document.load`` calls :func:`parse_markdown` for ``.md`` files.
"""

from hotwash.markdown.importer import parse_markdown

__all__ = ["parse_markdown"]
