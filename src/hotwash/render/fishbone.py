"""A fishbone (Ishikawa) diagram: contributing factors by category, the trigger at the head."""

from __future__ import annotations

import textwrap
from collections import defaultdict
from typing import TYPE_CHECKING

from hotwash.model import FactorKind, Incident

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["fishbone_figure"]

_BONE_COLOR = "#1f5fa8"
_SYSTEMIC_COLOR = "#7b4fa3"
_MAX_PER_BONE = 4


def _wrap(text: str, width: int, lines: int = 3) -> str:
    return "\n".join(textwrap.wrap(text, width, max_lines=lines, placeholder=" …"))


def _head_text(incident: Incident) -> str:
    triggers = [f.text for f in incident.factors if f.kind is FactorKind.TRIGGER]
    return triggers[0] if triggers else incident.trigger or incident.title


def _bones(incident: Incident) -> dict[str, list[tuple[str, bool]]]:
    """Category -> (text, is systemic) of the non-trigger factors, in document order."""
    bones: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for factor in incident.factors:
        if factor.kind is not FactorKind.TRIGGER:
            bones[factor.category].append((factor.text, factor.kind is FactorKind.SYSTEMIC))
    return dict(bones)


def fishbone_figure(incident: Incident) -> Figure | None:
    """The diagram, or None when the document names no contributing or systemic factor."""
    bones = _bones(incident)
    if not bones:
        return None
    from matplotlib.figure import Figure

    columns = (len(bones) + 1) // 2
    figure = Figure(figsize=(max(8.0, 3.2 * columns + 2.6), 4.8), layout="constrained")
    axes = figure.add_subplot()
    axes.set_axis_off()
    length = 3.2 * columns
    axes.set_xlim(-0.3, length + 2.8)
    axes.set_ylim(-2.6, 2.6)
    axes.set_title("Contributing factors by category (purple: systemic)")
    axes.annotate(
        "",
        xy=(length + 0.1, 0),
        xytext=(0, 0),
        arrowprops={"arrowstyle": "-|>", "color": "#333333", "lw": 2},
    )
    _head(axes, length, _head_text(incident))
    for index, (category, factors) in enumerate(sorted(bones.items())):
        _bone(axes, 0.4 + 3.2 * (index // 2), 1 if index % 2 == 0 else -1, category, factors)
    return figure


def _head(axes: Axes, x: float, text: str) -> None:
    axes.text(
        x + 0.2,
        0,
        "Trigger\n" + _wrap(text, 26, 6),
        va="center",
        ha="left",
        fontsize=8,
        bbox={"boxstyle": "round,pad=0.4", "facecolor": "#fde8ea", "edgecolor": "#d1495b"},
    )


def _bone(axes: Axes, x: float, side: int, category: str, factors: list[tuple[str, bool]]) -> None:
    """One diagonal bone meeting the spine at ``x + 1.6``, its factors stacked along it."""
    top = (x, 2.0 * side)
    axes.plot([top[0], x + 1.6], [top[1], 0], color=_BONE_COLOR, lw=1.4)
    axes.text(
        top[0],
        top[1] + 0.18 * side,
        category.title(),
        ha="center",
        va="bottom" if side > 0 else "top",
        fontsize=9,
        fontweight="bold",
        color=_BONE_COLOR,
    )
    shown = factors[:_MAX_PER_BONE]
    for step, (text, systemic) in enumerate(shown, start=1):
        y = side * 2.0 * (1 - step / (len(shown) + 1))
        bone_x = x + 1.6 * (1 - y / (2.0 * side))
        axes.text(
            bone_x + 0.08,
            y,
            _wrap(text, 32, 3),
            va="center",
            ha="left",
            fontsize=7.5,
            color=_SYSTEMIC_COLOR if systemic else "#222222",
        )
    if len(factors) > _MAX_PER_BONE:
        axes.text(x + 1.7, 0.15 * side, f"+{len(factors) - _MAX_PER_BONE} more", fontsize=7)
