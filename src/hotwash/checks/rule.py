"""The rule contract and the one registry of rule codes.

A rule is a class with a stable ``code`` (family letter + three digits), a kebab-case
``name``, a default ``severity``, and one method, :meth:`Rule.check`. Its docstring is its
documentation and has four headings: *What it checks*, *Why it matters*, *Example*,
*Instead*. ``hotwash rule CODE`` prints it; ``docs/rules.md`` is generated from it.

Built-in rules are registered exactly like third-party ones: by the ``hotwash.rules``
entry-point group (a module whose import registers its rules with :func:`register`).
Duplicate codes or names fail loudly.
"""

from __future__ import annotations

import inspect
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from hotwash.checks.finding import Finding, Severity
from hotwash.config import Settings
from hotwash.document import Document, FieldPath
from hotwash.errors import RuleError
from hotwash.registry import Registry

__all__ = [
    "FAMILIES",
    "REDIRECTS",
    "CheckContext",
    "Rule",
    "all_rules",
    "get_rule",
    "register",
]

FAMILIES = {
    "T": "timeline",
    "E": "evidence",
    "F": "factors and analysis",
    "A": "action items",
    "B": "blameless language",
    "D": "distribution and follow-through",
}

#: Renamed or merged codes keep working: old code -> new code.
REDIRECTS: dict[str, str] = {}

_CODE_RE = re.compile(r"^[TEFABD]\d{3}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_BUILTIN_MODULES = (
    "hotwash.checks.rules_timeline",
    "hotwash.checks.rules_evidence",
    "hotwash.checks.rules_factors",
    "hotwash.checks.rules_actions",
    "hotwash.checks.rules_blame",
    "hotwash.checks.rules_distribution",
)
RULES: Registry[type[Rule]] = Registry(
    _BUILTIN_MODULES,
    "hotwash.rules",
    lambda code, old: RuleError(f"rule code {code} registered twice ({old.__qualname__})"),
)


@dataclass
class CheckContext:
    """What rules may read besides the document: settings, the clock, collected evidence."""

    settings: Settings = field(default_factory=Settings)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    evidence: list[Any] = field(default_factory=list)


class Rule(ABC):
    """One check of a post-mortem. Subclasses set ``code``, ``name``, ``severity``."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    status: ClassVar[str] = "stable"
    fixable: ClassVar[bool] = False

    @abstractmethod
    def check(self, doc: Document, ctx: CheckContext) -> Iterable[Finding]:
        """Yield a :class:`Finding` for every problem in ``doc``; nothing when it is fine."""

    def finding(
        self,
        doc: Document,
        message: str,
        path: FieldPath | str = (),
        hint: str = "",
        words: str = "",
        line: int | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule located at ``path`` (or an explicit 1-based ``line``)."""
        location = doc.locate(path)
        if line is not None:
            location = type(location)(file=location.file, line=line, field=location.field)
        return Finding(
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            location=location,
            hint=hint,
            words=words,
        )

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def label(cls) -> str:
        return f"{cls.code} {cls.name}"


def register(rule: type[Rule]) -> type[Rule]:
    """Class decorator: add ``rule`` to the registry; duplicates fail loudly."""
    if not _CODE_RE.match(getattr(rule, "code", "")):
        raise RuleError(f"{rule.__qualname__}: code must be a family letter and 3 digits")
    if not _NAME_RE.match(getattr(rule, "name", "")):
        raise RuleError(f"{rule.__qualname__}: name must be kebab-case")
    for other in RULES.registered().values():
        if other.name == rule.name and other is not rule:
            raise RuleError(f"rule name {rule.name} registered twice ({other.code}, {rule.code})")
    return RULES.add(rule.code, rule)


def all_rules() -> list[type[Rule]]:
    """Every registered rule, ordered by family then code."""
    order = list(FAMILIES)
    return sorted(RULES.all().values(), key=lambda r: (order.index(r.code[0]), r.code))


def get_rule(code: str) -> type[Rule]:
    """The rule with ``code`` (or its kebab name, or a redirected old code)."""
    rules = RULES.all()
    key = REDIRECTS.get(code.upper(), code.upper())
    if key in rules:
        return rules[key]
    for rule in rules.values():
        if rule.name == code.lower():
            return rule
    raise RuleError(f"unknown rule {code!r}; `hotwash rule` lists them")


def iter_selected(select: Iterable[str], ignore: Iterable[str]) -> Iterator[type[Rule]]:
    """Rules matching any ``select`` prefix (all if empty) and no ``ignore`` prefix."""
    rules = all_rules()
    select = [_normalise_selector(s, rules) for s in select if s]
    ignore = [_normalise_selector(s, rules) for s in ignore if s]
    for rule in rules:
        chosen = not select or any(rule.code.startswith(s) for s in select)
        if chosen and not any(rule.code.startswith(s) for s in ignore):
            yield rule


def _normalise_selector(selector: str, rules: list[type[Rule]]) -> str:
    text = selector.strip()
    for rule in rules:
        if rule.name == text.lower():
            return rule.code
    upper = REDIRECTS.get(text.upper(), text.upper())
    if upper == "ALL":
        return ""
    if not re.match(r"^[TEFABD]\d{0,3}$", upper) or not any(
        r.code.startswith(upper) for r in rules
    ):
        raise RuleError(f"unknown rule selector {selector!r}; `hotwash rule` lists the codes")
    return upper
