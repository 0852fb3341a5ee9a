"""Inline suppression with a stated reason, like ``noqa``.

In YAML: ``owner: alice  # hotwash: ignore[B001] -- quoting the customer's words``.
In Markdown: ``<!-- hotwash: ignore[B003] -- the phrase is a quotation -->``.
A comment alone on its line covers the next non-blank line; at the end of a line it covers
that line. ``ignore-file[CODE]`` covers the whole document. A suppression with no reason
does not suppress: the finding stays, and says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SUPPRESS_RE = re.compile(
    r"hotwash:\s*(?P<scope>ignore-file|ignore)\[(?P<codes>[A-Za-z0-9,\s-]+)\]"
    r"(?:\s*(?:--|:|—)\s*(?P<reason>[^>]*?))?\s*(?:-->)?\s*$"
)


@dataclass
class Suppressions:
    by_line: dict[int, dict[str, str]] = field(default_factory=dict)
    whole_file: dict[str, str] = field(default_factory=dict)

    def reason_for(self, code: str, line: int | None) -> str | None:
        """The stated reason if ``code`` is suppressed at ``line``; '' if no reason; else None."""
        if code in self.whole_file:
            return self.whole_file[code]
        if line is not None and code in self.by_line.get(line, {}):
            return self.by_line[line][code]
        return None


def parse_suppressions(text: str) -> Suppressions:
    result = Suppressions()
    rows = text.splitlines()
    for index, row in enumerate(rows):
        match = _SUPPRESS_RE.search(row)
        if not match:
            continue
        codes = [c.strip().upper() for c in match["codes"].split(",") if c.strip()]
        reason = (match["reason"] or "").strip()
        if match["scope"] == "ignore-file":
            result.whole_file.update(dict.fromkeys(codes, reason))
            continue
        before = row[: match.start()].strip()
        alone = before in {"", "#", "<!--"}
        line = index + 1
        if alone:
            line = next((j + 1 for j in range(index + 1, len(rows)) if rows[j].strip()), line)
        result.by_line.setdefault(line, {}).update(dict.fromkeys(codes, reason))
    return result
