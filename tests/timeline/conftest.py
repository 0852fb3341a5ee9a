"""Fixtures of the timeline tests: record builders for the shared checkout scenario, and
the bundled example collected."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _records_module() -> ModuleType:
    name = "hotwash_timeline_test_records"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("records.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def rec() -> ModuleType:
    """The record builders (tests/timeline/records.py)."""
    return _records_module()


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-errors"


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example, collected once per module (one records file per evidence
    blob); its document is kept, its rendered reports and records are not copied."""
    from hotwash.collect import collect

    if not EXAMPLE.exists():
        pytest.skip("no bundled example")
    workspace = tmp_path_factory.mktemp("example") / "checkout-errors"
    shutil.copytree(EXAMPLE, workspace, ignore=shutil.ignore_patterns("out", "records"))
    collect(workspace)
    return workspace
