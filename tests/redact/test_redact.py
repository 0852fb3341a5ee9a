"""Redaction: secrets never leave the machine, clean text is left alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hotwash.config import Settings
from hotwash.errors import ConfigError
from hotwash.model import Incident
from hotwash.redact import RedactionPolicy, redact_incident, redact_text

CORPUS = Path(__file__).resolve().parents[1] / "data" / "redact" / "secrets.jsonl"


def corpus() -> list[dict[str, object]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def test_corpus_is_big_enough_and_mixed() -> None:
    rows = corpus()
    secrets = [r for r in rows if r["secrets"]]
    assert len(secrets) >= 100
    assert len(rows) - len(secrets) >= 50
    kinds = {s["kind"] for r in secrets for s in r["secrets"]}  # type: ignore[attr-defined]
    assert len(kinds) >= 15


def test_every_secret_of_the_corpus_is_redacted() -> None:
    missed = []
    for row in corpus():
        out = redact_text(str(row["text"])).text
        missed += [s["kind"] for s in row["secrets"] if s["value"] in out]  # type: ignore[attr-defined]
    assert missed == []


def test_clean_text_of_the_corpus_is_unchanged() -> None:
    changed = [
        r["text"]
        for r in corpus()
        if not r["secrets"] and redact_text(str(r["text"])).text != r["text"]
    ]
    assert changed == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Authorization: Bearer abcdefghijklmnopqrstuvwx", "auth-header"),
        ("postgres://app:hunter2hunter2@db:5432/x", "url-password"),
        ("password=correct-horse", "password"),
        ("ghp_" + "a1B2" * 9, "github-token"),
        ("AKIA" + "ABCDEFGHIJKLMNOP", "aws-access-key"),
    ],
)
def test_hits_name_kind_and_offsets_but_never_the_secret(text: str, kind: str) -> None:
    result = redact_text(f"before {text} after", where="summary")
    assert [h.kind for h in result.hits] == [kind]
    hit = result.hits[0]
    assert hit.where == "summary"
    assert f"[REDACTED:{kind}]" in result.text
    assert hit.end > hit.start
    assert "hunter2" not in repr(hit) and "horse" not in repr(hit)


def test_private_key_block_is_removed_whole() -> None:
    key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\n-----END RSA PRIVATE KEY-----"
    result = redact_text(f"key:\n{key}\ndone")
    assert result.text == "key:\n[REDACTED:private-key]\ndone"


def test_policy_from_settings_adds_emails_ips_hosts_and_patterns() -> None:
    settings = Settings(
        raw={
            "redact": {
                "emails": True,
                "ips": True,
                "hostnames": ["*.corp.example.com"],
                "patterns": ["CUST-\\d{6}"],
            }
        }
    )
    policy = RedactionPolicy.from_settings(settings)
    text = "mail ops@example.com from 10.1.2.3 via git.corp.example.com for CUST-123456"
    out = redact_text(text, policy).text
    assert (
        out
        == "mail [REDACTED:email] from [REDACTED:ip] via [REDACTED:hostname] for [REDACTED:custom]"
    )
    assert redact_text(text).text == text  # secrets only by default


@pytest.mark.parametrize(
    "table",
    [{"emails": "yes"}, {"hostnames": "*.internal"}, {"patterns": ["("]}, {"secrets": True}],
)
def test_bad_redact_table_is_one_config_error(table: dict[str, object]) -> None:
    with pytest.raises(ConfigError, match=r"\[redact\]"):
        RedactionPolicy.from_settings(Settings(raw={"redact": table}))


def test_external_policy_removes_people_handles_hosts_ips_and_links() -> None:
    policy = RedactionPolicy(public_domains=("status.example.com",)).for_external(
        ["@dana", "Lee Park"]
    )
    text = (
        "@dana and Lee Park fixed pod checkout-7d9f8b6c4-x2kqp on db1.prod.internal (10.0.3.17); "
        "see https://grafana.internal.example.com/d/1 and https://status.example.com/x, ping @sam"
    )
    out = redact_text(text, policy).text
    for gone in ("dana", "Lee Park", "x2kqp", "db1.prod", "10.0.3.17", "grafana", "@sam"):
        assert gone not in out
    assert "https://status.example.com/x" in out


def test_redact_incident_reports_field_paths_and_keeps_ids() -> None:
    incident = Incident.model_validate(
        {
            "title": "Leak",
            "summary": "token=abcdefghijklmnop1234 leaked",
            "timeline": [
                {"at": "2024-05-14T14:00:00Z", "title": "x", "actor": "password=swordfish9"}
            ],
            "action_items": [{"id": "AI-001", "action": "Rotate ghp_" + "x" * 36}],
        }
    )
    clean, hits = redact_incident(incident, RedactionPolicy())
    assert {h.where for h in hits} == {"summary", "timeline[0].actor", "action_items[0].action"}
    assert "abcdefghijklmnop1234" not in clean.model_dump_json()
    assert clean.action_items[0].id == "AI-001"
    assert clean.timeline[0].at == incident.timeline[0].at
