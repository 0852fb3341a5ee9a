"""PDF pages, header and page numbers; files written; external version; the CLI."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotwash.cli import cli
from hotwash.document import load
from hotwash.errors import MissingExtraError, RenderError
from hotwash.render import available_formats, render_files, render_report, render_text
from hotwash.render.pdf import html_to_pdf, pdf_available

from ..conftest import need_binary
from .conftest import NOW
from .test_hostile import CHROMIUM_ARGS

needs_pdf = pytest.mark.skipif(not pdf_available(), reason="WeasyPrint is not installed")


def pdftotext(pdf: Path) -> list[str]:
    binary = need_binary("pdftotext")
    text = subprocess.run(
        [binary, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


@needs_pdf
def test_pdf_has_pages_running_header_and_page_numbers(workspace: Path, artifacts: Path) -> None:
    [pdf] = render_report(load(workspace), workspace / "out", ["pdf"], now=NOW).reports
    pages = [p for p in pdftotext(pdf) if p.strip()]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "Checkout API errors after the v2.31.0 rollout · SEV2 · 2024-05-14" in page
        assert f"Page {number} of {len(pages)}" in page
    assert "Evidence and Data Gaps" in "".join(pages)
    pdftoppm = need_binary("pdftoppm")
    subprocess.run(
        [
            pdftoppm,
            "-r",
            "70",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(artifacts / "report-pdf-page1"),
        ],
        check=True,
    )
    assert (artifacts / "report-pdf-page1.png").stat().st_size > 10_000


@needs_pdf
def test_pdf_fetches_nothing(tmp_path: Path) -> None:
    target = tmp_path / "secret.png"
    target.write_bytes(b"\x89PNG not really")
    html = f'<p>hi</p><img src="{target.as_uri()}"><img src="http://127.0.0.1:9/x.png">'
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert b"not really" not in pdf


def test_available_formats_follow_weasyprint() -> None:
    assert available_formats()[:2] == ["markdown", "html"]
    assert ("pdf" in available_formats()) == pdf_available()


def test_files_charts_and_redaction_report_are_written(workspace: Path) -> None:
    out = workspace / "out"
    result = render_report(load(workspace), out, ["markdown", "html"], now=NOW)
    assert [p.name for p in result.reports] == ["report.md", "report.html"]
    names = {p.name for p in result.charts}
    assert {"metric-1.png", "errors.png", "swimlane.png", "durations.png", "fishbone.png"} <= names
    markdown = (out / "report.md").read_text()
    for chart in result.charts:
        assert f"(charts/{chart.name})" in markdown
        assert chart.read_bytes().startswith(b"\x89PNG")
    report = json.loads((out / "redactions.json").read_text())
    assert report["by_kind"] == {"hostname": 2, "stripe-key": 1, "url-password": 1}
    assert {"kind": "stripe-key", "where": "evidence:39f702e5af08#L8", "count": 1} in report[
        "fields"
    ]
    assert "sk_live" not in (out / "redactions.json").read_text()


def test_a_failing_format_writes_nothing(workspace: Path) -> None:
    out = workspace / "out"
    with pytest.raises(RenderError, match="unknown format"):
        render_files(load(workspace), out, ["markdown", "docx"])
    assert not out.exists()


def test_external_version_has_no_names_hosts_ips_or_evidence(workspace: Path) -> None:
    doc = load(workspace)
    doc.incident.summary += " Paged @lee at 10.0.3.17; db-primary.shop.internal was full. See https://wiki.corp.example.com/x"
    doc.incident.impact.description += " Reported by dana to pod checkout-api-7d9f8b6c4-x2kqp."
    out = workspace / "out"
    render_files(doc, out, ["markdown", "html"], audience="external", now=NOW)
    for name in ("report-external.md", "report-external.html"):
        text = re.sub(r"(?s)<style>.*</style>", "", (out / name).read_text())
        for leak in (
            "@",
            "10.0.3.17",
            "db-primary",
            "corp.example.com",
            "x2kqp",
            "dana",
            "lee",
            "39f702e5af08",
            "A00",
            "CF-",
        ):
            assert leak not in text, (name, leak)
        for heading in ("Summary", "What happened", "What we are doing about it"):
            assert heading in text
        assert " pod" not in text and "servers" in text
    assert not (out / "charts").exists()


def test_cli_render_prints_files_and_redaction_summary(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["render", str(workspace), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert f"wrote {workspace / 'out' / 'report.md'}" in result.output
    assert "redacted: 2 hostname, 1 stripe-key, 1 url-password" in result.output


@pytest.mark.chromium
def test_screenshots_of_the_report_desktop_and_phone(workspace: Path, artifacts: Path) -> None:
    need_binary("chromium")
    from playwright.sync_api import sync_playwright

    [html] = render_files(load(workspace), workspace / "out", ["html"], now=NOW)[:1]
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        for name, width in (("report-desktop", 1100), ("report-phone", 390)):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(html.resolve().as_uri())
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
            assert overflow <= 0, f"{name}: page wider than the screen by {overflow}px"
        browser.close()


def test_render_text_refuses_pdf(workspace: Path) -> None:
    with pytest.raises(RenderError, match="markdown or html"):
        render_text(load(workspace), "pdf")


def test_pdf_without_weasyprint_names_the_extra(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hotwash.render as render

    monkeypatch.setattr(render, "pdf_available", lambda: False)
    assert render.available_formats() == ["markdown", "html"]
    with pytest.raises(MissingExtraError, match=r"hotwash\[pdf\]"):
        render.render_files(load(workspace), workspace / "out", ["markdown", "pdf"])
    assert not (workspace / "out" / "report.md").exists()
