"""Turning matplotlib figures into deterministic inline SVG and PNG bytes.

The SVG has no XML prolog, no date, a fixed hash salt, and every ``id`` prefixed so that
several charts can sit in one HTML page without their clip paths or glyphs colliding.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["RC", "figure_png", "figure_svg", "scope_ids"]

#: matplotlib settings for every chart: deterministic, text kept as text, no math parsing.
RC: dict[str, Any] = {
    "svg.hashsalt": "hotwash",
    "svg.fonttype": "none",
    "text.parse_math": False,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "legend.fontsize": 8,
    "legend.frameon": False,
}

_ID = re.compile(r'\bid="([^"]+)"')


def scope_ids(svg: str, prefix: str) -> str:
    """Prefix every ``id`` of ``svg`` and every reference to it (``#id``, ``url(#id)``)."""
    ids = set(_ID.findall(svg))
    if not ids:
        return svg
    alternatives = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    svg = re.sub(rf'\bid="({alternatives})"', rf'id="{prefix}-\1"', svg)
    return re.sub(rf"#({alternatives})(?=[\"')])", rf"#{prefix}-\1", svg)


def figure_svg(figure: Figure, prefix: str) -> str:
    """The figure as an inline ``<svg>`` element (no prolog, ids scoped by ``prefix``)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    return scope_ids(text, prefix).strip()


def figure_png(figure: Figure, dpi: int = 120) -> bytes:
    """The figure as PNG bytes with no software or date metadata."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
