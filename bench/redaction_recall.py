"""Redaction recall and false positives on a corpus of real-shaped secrets.

    .venv/bin/python bench/redaction_recall.py             # measure
    .venv/bin/python bench/redaction_recall.py --generate  # rewrite the corpus (new random values)

The corpus (tests/data/redact/secrets.jsonl) has one JSON object per line: ``text``, and
``secrets`` (the values that must disappear, with their kind; empty for clean text that
must come out unchanged). Every value is random, in the format the real service issues.
Recall = secret values no longer present after redaction / all secret values.
False-positive rate = clean lines changed by redaction / all clean lines.
Baseline in the same run: a naive redactor (only ``password=`` and ``token=``).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import random
import re
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path

from hotwash.redact import redact_text

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "redact" / "secrets.jsonl"
ALNUM = string.ascii_letters + string.digits
UPPER = string.ascii_uppercase + string.digits
B64 = string.ascii_letters + string.digits + "+/"
URLSAFE = string.ascii_letters + string.digits + "-_"


def rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


HEX = "0123456789abcdef"


def digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(10 ** (n - 1), 10**n - 1))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(rng: random.Random) -> str:
    header = b64url(b'{"alg":"HS256","typ":"JWT"}')
    body = b64url(json.dumps({"sub": rand(rng, ALNUM, 10), "iat": rng.randint(1e9, 2e9)}).encode())
    return f"{header}.{body}.{rand(rng, URLSAFE, 43)}"


def pem(rng: random.Random, label: str) -> str:
    lines = [rand(rng, B64, 64) for _ in range(rng.randint(3, 6))]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"


def generators(rng: random.Random) -> list[tuple[str, Callable[[], str], list[str]]]:
    """(kind, value maker, sentence templates with {v}) for each secret kind."""
    return [
        (
            "github-token",
            lambda: "ghp_" + rand(rng, ALNUM, 36),
            [
                "git clone https://{v}@github.com/acme/shop.git",
                'export GITHUB_TOKEN="{v}"',
                "deploy bot used token {v} for the release",
            ],
        ),
        (
            "github-token",
            lambda: "github_pat_" + rand(rng, ALNUM, 22) + "_" + rand(rng, ALNUM, 59),
            [
                "GH_TOKEN={v} gh release create v2.31.0",
                "fine-grained PAT {v} expired at 14:00",
            ],
        ),
        (
            "gitlab-token",
            lambda: "glpat-" + rand(rng, URLSAFE, 20),
            [
                "curl --header 'PRIVATE-TOKEN: {v}' https://gitlab.example.com/api/v4/projects",
                "CI_JOB_TOKEN fallback to {v}",
            ],
        ),
        (
            "slack-token",
            lambda: f"xoxb-{digits(rng, 11)}-{digits(rng, 13)}-{rand(rng, ALNUM, 24)}",
            [
                "slack client init token={v}",
                'SLACK_BOT_TOKEN: "{v}"',
            ],
        ),
        (
            "slack-token",
            lambda: (
                f"xoxp-{digits(rng, 11)}-{digits(rng, 11)}-{digits(rng, 13)}-{rand(rng, HEX, 32)}"
            ),
            [
                "user token {v} posted the status update",
            ],
        ),
        (
            "slack-webhook",
            lambda: (
                "https://hooks.slack.com/services/"
                f"T{rand(rng, UPPER, 8)}/B{rand(rng, UPPER, 10)}/{rand(rng, ALNUM, 24)}"
            ),
            [
                "notify: webhook_url={v}",
                "POST {v} returned 200",
            ],
        ),
        (
            "aws-access-key",
            lambda: "AKIA" + rand(rng, UPPER, 16),
            [
                "aws_access_key_id = {v}",
                "InvalidClientTokenId: the security token in the request is invalid (key {v})",
            ],
        ),
        (
            "aws-access-key",
            lambda: "ASIA" + rand(rng, UPPER, 16),
            [
                "assumed role session with {v}",
            ],
        ),
        (
            "aws-secret-key",
            lambda: rand(rng, B64, 40),
            [
                "aws_secret_access_key = {v}",
                'AWS_SECRET_ACCESS_KEY="{v}"',
                '{{"SecretAccessKey": "{v}", "Expiration": "2024-05-14T15:00:00Z"}}',
            ],
        ),
        (
            "google-api-key",
            lambda: "AIza" + rand(rng, URLSAFE, 35),
            [
                "GET https://maps.googleapis.com/maps/api/geocode/json?address=x&key={v}",
                "firebase apiKey: {v}",
            ],
        ),
        (
            "stripe-key",
            lambda: "sk_live_" + rand(rng, ALNUM, 24),
            [
                "stripe.api_key = '{v}'",
                "Payment gateway call failed with key {v}: rate limited",
            ],
        ),
        (
            "stripe-key",
            lambda: "rk_live_" + rand(rng, ALNUM, 24),
            [
                "restricted key {v} rotated",
            ],
        ),
        (
            "stripe-key",
            lambda: "whsec_" + rand(rng, ALNUM, 32),
            [
                "STRIPE_WEBHOOK_SECRET={v}",
            ],
        ),
        (
            "jwt",
            lambda: jwt(rng),
            [
                "session cookie sid={v}; Path=/; HttpOnly",
                "invalid signature for token {v}",
            ],
        ),
        (
            "auth-header",
            lambda: "Bearer " + rand(rng, URLSAFE, 40),
            [
                "Authorization: {v}",
                "request headers: {{'Authorization': '{v}', 'Accept': 'application/json'}}",
            ],
        ),
        (
            "basic-auth",
            lambda: base64.b64encode(f"svc-checkout:{rand(rng, ALNUM, 14)}".encode()).decode(),
            [
                "curl -H 'Authorization: Basic {v}' http://payments:8080/health",
                "proxy sent Basic {v} to upstream",
            ],
        ),
        (
            "pagerduty-key",
            lambda: rand(rng, URLSAFE, 20),
            [
                "pagerduty: POST /incidents token={v}",
                "Authorization: Token token={v}",
                "routing_key={v} event_action=trigger",
            ],
        ),
        (
            "opsgenie-key",
            lambda: "-".join(rand(rng, "0123456789abcdef", n) for n in (8, 4, 4, 4, 12)),
            [
                "Authorization: GenieKey {v}",
                "opsgenie apiKey={v}",
            ],
        ),
        (
            "api-key",
            lambda: rand(rng, ALNUM, 32),
            [
                "GET /v1/metrics?api_key={v}&from=now-1h",
                "x-api-key: {v}",
                "datadog: apikey={v}",
                'client_secret: "{v}"',
            ],
        ),
        (
            "url-password",
            lambda: rand(rng, ALNUM + "!$%", 16),
            [
                "postgres://checkout:{v}@db-primary:5432/shop?sslmode=require",
                "redis://default:{v}@cache-1:6379/0",
                "amqp://svc:{v}@rabbitmq:5672/",
                "https://deploy:{v}@registry.example.com/v2/",
            ],
        ),
        (
            "password",
            lambda: rand(rng, ALNUM + "!#%^*", 14),
            [
                "Server=db1;Database=shop;User Id=app;Password={v};",
                "connect failed: host=db-primary user=app password={v} dbname=shop",
                "MYSQL_PWD={v} mysqldump shop",
                "login attempt user=admin passwd={v}",
                'db_password: "{v}"',
            ],
        ),
        ("private-key", lambda: pem(rng, "RSA PRIVATE KEY"), ["key file contents:\n{v}"]),
        ("private-key", lambda: pem(rng, "OPENSSH PRIVATE KEY"), ["{v}"]),
        ("private-key", lambda: pem(rng, "PRIVATE KEY"), ["tls.key: |\n{v}"]),
        (
            "sendgrid-key",
            lambda: f"SG.{rand(rng, URLSAFE, 22)}.{rand(rng, URLSAFE, 43)}",
            [
                "SENDGRID_API_KEY={v}",
                "mailer configured with {v}",
            ],
        ),
        (
            "npm-token",
            lambda: "npm_" + rand(rng, ALNUM, 36),
            ["//npm.registry.example/:_authToken={v}"],
        ),
    ]


CLEAN = [
    "Deployment shop/checkout-api starts rolling out v2.31.0",
    'First "pool exhausted" errors; 5xx rate climbs to 15/s',
    "Reset password: see the runbook page for the self-service flow",
    "The password reset service was not affected.",
    "Token bucket rate limiter dropped 3% of requests at 14:05:12",
    "Rollback to 2.30.4 started by the on-call engineer",
    "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 verified",
    "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7",
    "GET /api/v1/cart/8f14e45fceea167a5a36dedd4bea2543 HTTP/1.1 200 512",
    "request_id=7c9e6679-7425-40de-944b-e07fc1f90ae7 status=503 latency_ms=30012",
    "commit 3f786850e387550fdab836ed7e6dc881de23001b merged into main",
    "docker pull registry.example.com/shop/checkout-api@sha256:"
    "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
    "Secret rotation is scheduled for next week; see the security calendar.",
    "The API key page in the dashboard lists which keys are active.",
    "authorization failed for user id 4411 (role viewer)",
    "Bearer tokens are validated by the gateway before routing.",
    "Basic monitoring covers CPU, memory and disk only.",
    "pool size default changed from 50 to 10 in hikari 5.1",
    "readiness probe failed: Get http://10.0.3.17:8080/ready: context deadline exceeded",
    'level=warn msg="slow acquire" pool=primary waited_ms=812',
    "Kafka consumer lag on topic orders reached 120000 messages",
    "CheckoutHighErrorRate firing for 3 minutes 18 seconds",
    "PagerDuty incident Q1W2E3R4T5Y6U7 acknowledged",
    "uuid 123e4567-e89b-12d3-a456-426614174000 created",
    "base64 payload eyJvcmRlciI6IDQyfQ== decoded to an order id",
    "AKIA is the prefix of AWS access key ids; none were exposed.",
    "The ghp_ prefix marks GitHub classic tokens.",
    "version=2.31.0 build=20240514.3 image_digest=sha256:abc123",
    'user clicked "forgot password" 312 times during the incident',
    "config key pool.maxSize unset; library default applied",
    "token refresh loop took 40ms p99",
    "DSN host=db-primary port=5432 dbname=shop user=app sslmode=require",
    "The passwd file was not touched.",
    "Helm values: replicaCount: 6, pool.size: 50",
    "https://grafana.example.com/d/abc123/checkout?from=1715695200000&to=1715698800000",
    "alertname=CheckoutHighErrorRate severity=page service=checkout",
    "2024-05-14T14:03:12.123Z ERROR pool exhausted after 30000ms (active=10 idle=0 waiting=212)",
    "Our secret weapon was the practised rollback.",
    "The key insight came from the pool metrics.",
    "Stripe returned 402 for 12 cards with insufficient funds",
    "Slack channel #inc-2024-0514 opened",
    "GitLab pipeline 88123 passed all stages",
    "JWT validation was not involved in this incident.",
    "Authorization header was missing on 4 requests from the mobile app",
    "password: (not applicable)",
    "api_key rotation: done",
    "token: none",
    "Event ID 01HXYZABCDEF0123456789ABCD recorded",
    "cache hit ratio fell from 0.97 to 0.41",
    "nginx: upstream timed out (110: Connection timed out) while reading response header",
    "user@ prefix in the SSH config is the deploy user",
    "https://status.example.com/incidents/abc",
    "Sentry issue CHECKOUT-1A2B grouped 21480 events",
    "exported OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4317",
    'rate(http_requests_total{status=~"5.."}[5m]) > 0.05',
    "git tag v2.31.0 -m 'pool changes'",
    "kubectl rollout undo deployment/checkout-api -n shop",
    "S3 bucket acme-shop-assets served 2.1 TB",
    "Error: ECONNREFUSED 10.0.7.21:6379",
    'Customers saw "payment could not be completed" and could retry',
]


def generate(path: Path, seed: int = 514) -> int:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for kind, make, templates in generators(rng):
        for template in templates:
            for _ in range(2):
                value = make()
                rows.append(
                    {"text": template.format(v=value), "secrets": [{"kind": kind, "value": value}]}
                )
    rows += [{"text": text, "secrets": []} for text in CLEAN]
    rng.shuffle(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def naive(text: str) -> str:
    return re.sub(r"(?i)(password|token)=\S+", r"\1=[REDACTED]", text)


def measure(
    redact: Callable[[str], str], rows: list[dict[str, object]]
) -> tuple[float, float, int, int]:
    found = total = changed = clean = 0
    for row in rows:
        text = str(row["text"])
        out = redact(text)
        secrets = row["secrets"]
        assert isinstance(secrets, list)
        if not secrets:
            clean += 1
            changed += out != text
        for secret in secrets:
            total += 1
            found += secret["value"] not in out
    return found / total, changed / clean, total, clean


def missed(rows: list[dict[str, object]]) -> list[str]:
    out = []
    for row in rows:
        text = str(row["text"])
        result = redact_text(text).text
        secrets = row["secrets"]
        assert isinstance(secrets, list)
        if any(s["value"] in result for s in secrets) or (not secrets and result != text):
            out.append(text if not secrets else f"{secrets[0]['kind']}: {text}")
    return out


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", action="store_true", help="rewrite the corpus")
    args = parser.parse_args()
    if args.generate:
        print(f"wrote {generate(CORPUS)} rows to {CORPUS}")
        return
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: nproc={os.cpu_count()} cpu={cpu_model()} python={platform.python_version()}")
    start = time.perf_counter()
    recall, fp, total, clean = measure(lambda t: redact_text(t).text, rows)
    elapsed = time.perf_counter() - start
    base_recall, base_fp, _, _ = measure(naive, rows)
    print(f"corpus: {len(rows)} lines, {total} secrets, {clean} clean lines")
    print(
        f"hotwash.redact: recall {recall:.1%}  false positives {fp:.1%}  ({elapsed * 1e3:.1f} ms)"
    )
    print(
        f"baseline (password=/token= only): recall {base_recall:.1%}  false positives {base_fp:.1%}"
    )
    print(f"recall ratio vs baseline: {recall / base_recall:.2f}x")
    for text in missed(rows):
        print(f"  not as expected: {text[:100]!r}")


if __name__ == "__main__":
    main()
