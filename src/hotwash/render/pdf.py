"""PDF through WeasyPrint, from the same HTML as the HTML report.

Adds what paper needs: page size and margins, a running header (title, severity, date,
taken from the report's ``.running-header`` element, so no user text is put into CSS),
page numbers, and page breaks before the appendix. Nothing is fetched: the URL fetcher
refuses every URL but ``data:``.
"""

from __future__ import annotations

import functools
from typing import Any

from hotwash.errors import MissingExtraError, RenderError

__all__ = ["PAGE_CSS", "html_to_pdf", "pdf_available"]

PAGE_CSS = """
@page {
  size: A4; margin: 20mm 16mm 18mm 16mm;
  @top-center { content: element(pageHeader); }
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
                  font: 8pt "DejaVu Sans", sans-serif; color: #5b6575; }
}
.running-header { display: block; position: running(pageHeader);
                  font: 8pt "DejaVu Sans", sans-serif; color: #5b6575; }
body { font-size: 10pt; }
figure svg { width: 100%; height: auto; }
.scroll { overflow: visible; }
.cards { display: flex; gap: 3mm; } .card { flex: 1; }
"""


@functools.cache
def pdf_available() -> bool:
    """Whether WeasyPrint and its system libraries (Pango) can be loaded."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def _refusing_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class DataOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Serves ``data:`` URLs; refuses everything else (files, http, https, ...)."""

        refused: list[str]

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                self.refused.append(url[:200])
                raise ValueError(f"refused to fetch {url[:80]!r}: reports are self-contained")
            return super().fetch(url, headers)

    fetcher = DataOnlyFetcher(allowed_protocols={"data"})
    fetcher.refused = []
    return fetcher


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html``; :class:`MissingExtraError` without WeasyPrint."""
    if not pdf_available():
        raise MissingExtraError("PDF", "pdf")
    import weasyprint

    fetcher = _refusing_fetcher()
    page_style = f"<style>{PAGE_CSS}</style>"
    if "</head>" in html:
        html = html.replace("</head>", page_style + "</head>", 1)
    else:
        html = page_style + html
    try:
        document = weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=fetcher)
        pdf = document.write_pdf()
    except Exception as exc:  # WeasyPrint raises many kinds; report one clear error
        raise RenderError(f"PDF rendering failed: {exc}") from exc
    if not isinstance(pdf, bytes):
        raise RenderError("PDF rendering produced no bytes")
    return pdf
