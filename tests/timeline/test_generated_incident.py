"""End to end on the benchmark's generated evidence (small): collect then timeline find
the injected incident, the same check `make bench` runs on a gigabyte."""

from __future__ import annotations

import importlib.util
import os
import subprocess
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
    # 40 MB: dense enough around the onset (about 40 lines a second) for the rate of 5xx
    # of an edge to rise in its first 10 s bucket; at 12 MB some seeds show it seconds late
    truth = _bench_module("gen_evidence").generate(root, 40_000_000, seed=7)
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


def test_the_generator_writes_the_same_bytes_for_the_same_seed(tmp_path: Path) -> None:
    """Whatever the interpreter's hash seed: the check above runs on the evidence the
    benchmark describes, not on one of many."""
    digests = []
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        command = [sys.executable, str(BENCH / "gen_evidence.py"), str(out), "--size", "300KB"]
        subprocess.run(command, check=True, env=env, capture_output=True)
        files = sorted(p for p in out.rglob("*") if p.is_file())
        digests.append([(p.relative_to(out).as_posix(), p.read_bytes()) for p in files])
    assert len(digests[0]) > 20 and digests[0] == digests[1]
