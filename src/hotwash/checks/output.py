"""Findings as text (for people), JSON (for programs) and GitHub annotations (for CI)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from hotwash.checks.runner import CheckResult

__all__ = ["FORMATS", "format_github", "format_json", "format_text"]


def format_text(results: Sequence[CheckResult]) -> str:
    lines: list[str] = []
    total = {"error": 0, "warning": 0, "info": 0}
    for result in results:
        for f in result.findings:
            where = f.location.file or "<document>"
            if f.location.line is not None:
                where += f":{f.location.line}"
            lines.append(f"{where}: {f.code} [{f.severity.value}] {f.message}")
            if f.hint:
                lines.append(f"    hint: {f.hint}")
        for key, value in result.counts().items():
            total[key] += value
    found = sum(total.values())
    if found:
        lines.append(
            f"Found {found} problem{'s' if found != 1 else ''} "
            f"({total['error']} errors, {total['warning']} warnings, {total['info']} info)."
        )
    else:
        lines.append("All checks passed.")
    suppressed = sum(len(r.suppressed) for r in results)
    if suppressed:
        lines.append(
            f"{suppressed} finding{'s' if suppressed != 1 else ''} suppressed with a reason."
        )
    return "\n".join(lines)


def format_json(results: Sequence[CheckResult]) -> str:
    payload = [
        {
            "file": str(r.document.path) if r.document.path else None,
            "findings": [f.as_dict() for f in r.findings],
            "suppressed": [dict(f.as_dict(), reason=why) for f, why in r.suppressed],
        }
        for r in results
    ]
    return json.dumps(payload, indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(results: Sequence[CheckResult]) -> str:
    """GitHub Actions workflow commands: ``::error file=F,line=L,title=T::message``."""
    kinds = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for result in results:
        for f in result.findings:
            props = []
            if f.location.file:
                props.append(f"file={_escape_property(f.location.file)}")
            if f.location.line is not None:
                props.append(f"line={f.location.line}")
            props.append(f"title={_escape_property(f'{f.code} {f.name}')}")
            message = f.message + (f" Hint: {f.hint}" if f.hint else "")
            lines.append(f"::{kinds[f.severity.value]} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(lines)


FORMATS = {"text": format_text, "json": format_json, "github": format_github}
