"""Helpers for the collect tests: a workspace with a document and a hotwash.toml."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from tests.conftest import DATA

COLLECT_DATA = DATA / "collect"

INCIDENT = """\
title: Checkout errors after v2.31.0
milestones:
  impact_started: 2024-05-14T14:03:12Z
  detected: 2024-05-14T14:06:30Z
  resolved: 2024-05-14T14:47:05Z
"""


def make_workspace(root: Path, sources_toml: str, incident: str = INCIDENT) -> Path:
    """``root/hotwash.toml`` with the given sources and ``root/incident-1/incident.yaml``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "hotwash.toml").write_text(sources_toml, encoding="utf-8")
    folder = root / "incident-1"
    folder.mkdir()
    (folder / "incident.yaml").write_text(incident, encoding="utf-8")
    return folder


def manifest(folder: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((folder / "evidence" / "manifest.json").read_text())
    return data


@pytest.fixture
def data() -> Path:
    return COLLECT_DATA


def line_frame(lines: list[str]) -> pl.DataFrame:
    """Lines as :func:`hotwash.parse.lines.iter_line_frames` gives them (offset, line)."""
    return (
        pl.DataFrame({"line": lines}, schema={"line": pl.String})
        .with_row_index("offset", offset=1)
        .with_columns(pl.col("offset").cast(pl.Int64))
    )
