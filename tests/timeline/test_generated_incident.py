"""End to end on the benchmark's generated evidence (small): collect then timeline find
the injected incident, the same check `make bench` runs on a gigabyte."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from hotwash.cli import cli

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    root = tmp_path_factory.mktemp("generated")
    truth = _bench_module("gen_evidence").generate(root, 12_000_000, seed=7)
    return root, truth


def test_the_injected_incident_is_found_in_generated_evidence(
    generated: tuple[Path, dict[str, object]],
) -> None:
    root, truth = generated
    runner = CliRunner()
    collected = runner.invoke(cli, ["collect", str(root)])
    assert collected.exit_code == 0, collected.output
    timeline = runner.invoke(cli, ["timeline", str(root), "--json"])
    assert timeline.exit_code == 0, timeline.output
    checks = _bench_module("ingest").incident_found(timeline.output, truth)
    missed = [what for what, found in checks if not found]
    assert len(checks) == 6 and not missed, missed
