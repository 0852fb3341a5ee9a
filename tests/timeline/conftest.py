"""Fixtures of the timeline tests: record builders for the shared checkout scenario."""

from __future__ import annotations

import importlib.util
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
