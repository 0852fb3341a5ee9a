"""Hostile text in every free-text field and in evidence comes out as text, in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hotwash.document import load
from hotwash.render import render_files

from ..conftest import need_binary
from .conftest import NOW, store_blob

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
    "--disable-dev-shm-usage",
]  # fmt: skip

PAYLOAD = (
    "<script>alert('s')</script><img src=x onerror=alert('i')>"
    "<a href=\"javascript:alert('j')\">jlink</a><svg onload=alert('v')><circle/></svg>"
    '<iframe src="http://127.0.0.1:9/x"></iframe><style>body{display:none}</style>'
    "$\\frac{1}{2}$ --> ]]>"
)


def poison(value: Any) -> Any:
    """Every string of a dumped incident (but ids, enums and times) gets the payload."""
    if isinstance(value, dict):
        skip = {"id", "kind", "category", "status", "priority", "type", "at", "severity", "due",
                "timezone", "evidence", "factors", "events", "created", "follow_up_review",
                "milestones", "to", "channel", "audience", "currency", "reviewed_on"}  # fmt: skip
        return {k: (v if k in skip else poison(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v) for v in value]
    if isinstance(value, str):
        return f"{value} {PAYLOAD}"
    return value


def hostile_workspace(workspace: Path) -> Path:
    blob = workspace / "hostile.log"
    blob.write_text(f"line one\nevidence says {PAYLOAD}\nline three\n", encoding="utf-8")
    sha = store_blob(workspace, blob)
    blob.unlink()
    doc = load(workspace)
    data = poison(doc.incident.model_dump(mode="json"))
    data["timeline"][0]["evidence"] = [f"{sha}#L2"]
    doc.incident = type(doc.incident).model_validate(data)
    return workspace, doc  # type: ignore[return-value]


@pytest.mark.chromium
def test_payloads_are_inert_text_in_chromium(workspace: Path, artifacts: Path) -> None:
    need_binary("chromium")
    from playwright.sync_api import sync_playwright

    _, doc = hostile_workspace(workspace)  # type: ignore[misc]
    [html] = render_files(doc, workspace / "out", ["html"], now=NOW)[:1]
    url = html.resolve().as_uri()
    requests: list[str] = []
    dialogs: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.wait_for_timeout(300)
        injected = page.evaluate(
            """() => ({
              scripts: document.querySelectorAll('script').length,
              imgs: document.querySelectorAll('img').length,
              iframes: document.querySelectorAll('iframe').length,
              styles: [...document.querySelectorAll('style')]
                .filter(s => s.textContent.includes('display:none')).length,
              handlers: document.querySelectorAll('[onerror],[onload]').length,
              jslinks: document.querySelectorAll('a[href^="javascript:"]').length,
              circles: document.querySelectorAll('svg circle').length,
            })"""
        )
        text = page.inner_text("body")
        page.screenshot(path=str(artifacts / "hostile-report.png"), full_page=False)
        browser.close()
    assert dialogs == []
    assert errors == []
    assert requests == [url]
    assert injected == {
        "scripts": 0,
        "imgs": 0,
        "iframes": 0,
        "styles": 0,
        "handlers": 0,
        "jslinks": 0,
        "circles": 0,
    }
    assert text.count("<script>alert('s')</script>") >= 20
    assert "evidence says <script>alert('s')</script>" in text
