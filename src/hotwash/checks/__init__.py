"""Checks: a linter for post-mortems. Rules by family, one code table, a runner."""

from hotwash.checks.finding import Finding, Severity
from hotwash.checks.rule import CheckContext, Rule, all_rules, get_rule, register
from hotwash.checks.runner import CheckResult, run_checks

__all__ = [
    "CheckContext",
    "CheckResult",
    "Finding",
    "Rule",
    "Severity",
    "all_rules",
    "get_rule",
    "register",
    "run_checks",
]
