"""Kubernetes: a fake kubectl first on PATH prints the fixture payloads and checks its arguments."""

from __future__ import annotations

import json
import os
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.parse import ParseContext, parse
from hotwash.sources.kubernetes import KubernetesSource

WINDOW = Window(
    start=datetime(2024, 5, 14, 12, 3, 12, tzinfo=UTC),
    end=datetime(2024, 5, 14, 15, 17, 5, tzinfo=UTC),
)

FAKE = """#!{python}
import json, sys
from pathlib import Path
args = sys.argv[1:]
Path({log!r}).open("a").write(json.dumps(args) + "\\n")
assert args[:2] == ["--context=prod-eu1", "--kubeconfig={kubeconfig}"], args
rest = args[2:]
if rest == ["get", "events", "-n", "shop", "-o", "json"]:
    sys.stdout.write(Path({events!r}).read_text())
elif rest == ["get", "pods", "-n", "shop", "-l", "app=checkout-api", "-o", "json"]:
    print(json.dumps({{"items": [{{"metadata": {{"name": "checkout-api-7f9c6d5b8-x2x9k"}}}}]}}))
elif rest[:4] == ["logs", "-n", "shop", "checkout-api-7f9c6d5b8-x2x9k"]:
    assert "--timestamps" in rest and "--since-time=2024-05-14T12:03:12Z" in rest, rest
    sys.stdout.write(Path({logs!r}).read_text())
else:
    sys.stderr.write("error: the server doesn't have a resource type\\n")
    sys.exit(1)
"""


@pytest.fixture
def fake_kubectl(tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "kubectl"
    script.write_text(
        FAKE.format(
            python=sys.executable,
            log=str(tmp_path / "calls.jsonl"),
            kubeconfig=str(tmp_path / "kube.conf"),
            events=str(data / "kubernetes_events.json"),
            logs=str(data / "kubectl_logs_timestamps.txt"),
        )
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return tmp_path / "calls.jsonl"


def spec(tmp_path: Path, **extra: object) -> SourceSpec:
    options: dict[str, object] = {
        "namespaces": ["shop"],
        "selectors": ["app=checkout-api"],
        "context": "prod-eu1",
        "kubeconfig": str(tmp_path / "kube.conf"),
    }
    return SourceSpec(name="k8s", kind="kubernetes", **(options | extra))


def test_events_and_pod_logs_come_through_kubectl(tmp_path: Path, fake_kubectl: Path) -> None:
    fetched = list(KubernetesSource().collect(spec(tmp_path), WINDOW))
    assert [f.format for f in fetched] == ["kubernetes.events", "log.kubectl"]
    assert fetched[0].meta["retention_drops_at"] == "2024-05-14T13:03:12Z"
    assert fetched[1].meta["stream"] == "shop/checkout-api-7f9c6d5b8-x2x9k"
    assert fetched[1].data is not None and b"pool exhausted" in fetched[1].data
    calls = [json.loads(line)[2] for line in fake_kubectl.read_text().splitlines()]
    assert calls == ["get", "get", "logs"]


def test_a_kubectl_failure_names_the_source_and_what_kubectl_said(
    tmp_path: Path, fake_kubectl: Path
) -> None:
    with pytest.raises(
        SourceError, match=r"source 'k8s': kubectl get events -n other .*resource type"
    ):
        list(KubernetesSource().collect(spec(tmp_path, namespaces=["other"]), WINDOW))


def test_missing_kubectl_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not found on PATH"):
        list(KubernetesSource().collect(spec(tmp_path, kubectl=str(tmp_path / "nope")), WINDOW))


def test_events_use_the_fallback_times_and_keep_repeats(data: Path) -> None:
    records = parse(
        "kubernetes.events", data / "kubernetes_events.json", ParseContext(source="k8s")
    )
    scheduled = records.filter(records["message"].str.starts_with("Scheduled"))
    assert scheduled["ts"][0] == datetime(2024, 5, 14, 14, 2, 2, 418873, tzinfo=UTC)
    assert scheduled["ts_text"][0] == "2024-05-14T14:02:02.418873Z"
    probes = records.filter(records["message"].str.starts_with("Unhealthy"))
    assert probes["ts"].to_list() == [
        datetime(2024, 5, 14, 14, 3, 41, tzinfo=UTC),
        datetime(2024, 5, 14, 14, 30, 11, tzinfo=UTC),
    ]
    assert json.loads(probes["fields"][1]) | {} == {
        "count": 160, "first": "2024-05-14T14:03:41Z", "last": "2024-05-14T14:30:11Z",
        "occurrence": "last", "reason": "Unhealthy",
    }  # fmt: skip
    assert set(records["kind"]) == {"k8s"} and probes["level"][0] == "Warning"
