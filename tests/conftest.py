"""Shared fixtures. Tests never read ../shared; fixtures live under tests/data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = ROOT / "examples" / "checkout-errors"


def need_binary(name: str) -> str:
    """The path of a system binary; skip without it, but fail in CI (it must be installed)."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; .ci/run must install it")
        pytest.skip(f"{name} is not installed (make sysdeps installs it)")
    return path


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A fresh copy of the bundled example workspace."""
    target = tmp_path / "checkout-errors"
    shutil.copytree(EXAMPLE, target)
    return target
