"""PDF render time against the HTML render time of the same report, in the same run.

    .venv/bin/python bench/render_pdf.py [--runs 5]

Uses the render test fixture (tests/data/render: the example incident with evidence refs)
with a generated records parquet, so the HTML has all six charts. Times are the median of
``--runs`` warm runs after one cold run (imports, fonts); the PDF time is html -> pdf only.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2024, 5, 17, 12, 0, tzinfo=UTC)


def fixture_helpers() -> object:
    spec = importlib.util.spec_from_file_location(
        "render_fixture", ROOT / "tests/render/conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_workspace(folder: Path) -> Path:
    helpers = fixture_helpers()
    data = ROOT / "tests" / "data" / "render"
    for name in ("incident.yaml", "hotwash.toml"):
        shutil.copy(data / name, folder / name)
    helpers.store_blob(folder, data / "checkout.log")  # type: ignore[attr-defined]
    helpers.build_records(folder)  # type: ignore[attr-defined]
    return folder


def timed(function: object, runs: int) -> tuple[float, list[float], object]:
    assert callable(function)
    start = time.perf_counter()
    result = function()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        warm.append(time.perf_counter() - start)
    return cold, warm, result


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from hotwash.document import load
    from hotwash.render import render_text
    from hotwash.render.pdf import html_to_pdf

    print(f"command: {Path(sys.executable).name} {' '.join(sys.argv)}")
    print(f"machine: nproc={os.cpu_count()} cpu={cpu_model()} python={platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        doc = load(make_workspace(Path(tmp)))
        _, plain_warm, _ = timed(lambda: render_text(doc, "html", now=NOW, charts=False), args.runs)
        html_cold, html_warm, html = timed(lambda: render_text(doc, "html", now=NOW), args.runs)
        assert isinstance(html, str)
        pdf_cold, pdf_warm, pdf = timed(lambda: html_to_pdf(html), args.runs)
        assert isinstance(pdf, bytes)
    html_median, pdf_median = statistics.median(html_warm), statistics.median(pdf_warm)
    print(
        f"html: {len(html) / 1024:.0f} KiB, cold {html_cold:.2f} s, warm median {html_median:.3f} s"
    )
    print(f"pdf:  {len(pdf) / 1024:.0f} KiB, cold {pdf_cold:.2f} s, warm median {pdf_median:.3f} s")
    print(f"html without charts: warm median {statistics.median(plain_warm):.3f} s")
    print(f"pdf / html (warm medians, {args.runs} runs): {pdf_median / html_median:.2f}x")
    total = html_median + pdf_median
    print(f"html + pdf, warm: {total:.3f} s")


if __name__ == "__main__":
    main()
