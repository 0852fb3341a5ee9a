# ruff: noqa: E501 -- the scenario tables read best one record per line
"""Generate the raw evidence of the bundled checkout-errors example (stdlib only, seeded).

Run from anywhere: ``python examples/checkout-errors/raw/generate.py [--out FOLDER]``
(default: this folder). The output is the same on every run (fixed seed, fixed gzip mtime), so the files in git can be reviewed
and regenerated. The scenario (all times UTC, 2024-05-14) is the shared one:

- 14:02:01 checkout-api v2.31.0 rolls out; its pool default drops from 50 to 10
- 14:02:58 first "slow acquire"; 14:03:12 first "pool exhausted"; 5xx burst until 14:31
- 14:03:41 readiness probes fail (160 times until 14:30:11)
- 14:04:30 alert pending; 14:06:30 firing; 14:06:41 paged; 14:07:40 channel opened
- 14:09:12 acknowledged; 14:18:05 rollout suspected; 14:29:40 rollback started
- 14:31:06 new ReplicaSet scaled down (mitigated); 14:41:30 alert resolved
- 14:47:05 PagerDuty incident resolved

Traps, on purpose and documented in ``../ground_truth.yaml``: the db host's syslog is in
Paris local time with no zone (the source declares ``timezone``) and its clock runs
7 s ahead; the db syslog is silent from 14:10 to 14:20 (forwarder stalled); PagerDuty
log entries carry +02:00 offsets; Slack times are Unix seconds as strings.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent  # the output folder; main() may point it elsewhere
SEED = 20240514
DAY = datetime(2024, 5, 14, tzinfo=UTC)
START = DAY.replace(hour=12)
END = DAY.replace(hour=15, minute=20)
PARIS = ZoneInfo("Europe/Paris")
BERLIN_OFFSET = timedelta(hours=2)


def at(clock: str) -> datetime:
    """``"14:03:12"`` or ``"14:03:12.117"`` on the incident day, UTC."""
    hms, _, frac = clock.partition(".")
    h, m, s = (int(x) for x in hms.split(":"))
    micros = int((frac or "0").ljust(6, "0")[:6])
    return DAY.replace(hour=h, minute=m, second=s, microsecond=micros)


DEPLOY = at("14:02:01")
SLOW = at("14:02:58.903")
EXHAUSTED = at("14:03:12.117")
ROLLBACK_START = at("14:29:40")
MITIGATED = at("14:31:06")
DB_SKEW = timedelta(seconds=7)
DB_SILENT = (at("14:10:00"), at("14:20:00"))


def iso_ms(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def in_incident(when: datetime) -> bool:
    return EXHAUSTED <= when < MITIGATED


def poisson_times(rng: random.Random, rate: float) -> Iterator[datetime]:
    """Event times from START to END with ``rate`` events per second on average."""
    when = START
    while True:
        when += timedelta(seconds=rng.expovariate(rate))
        if when >= END:
            return
        yield when


# Edge nginx ----------------------------------------------------------------------------

PATHS = [
    ("GET", "/api/products", 0.35),
    ("GET", "/api/cart", 0.25),
    ("POST", "/api/cart/checkout", 0.2),
    ("GET", "/static/app.js", 0.15),
    ("GET", "/healthz", 0.05),
]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64)", "Mozilla/5.0 (iPhone)", "okhttp/4.12.0"]


def nginx_line(rng: random.Random, when: datetime) -> str:
    method, path, _ = rng.choices(PATHS, weights=[p[2] for p in PATHS])[0]
    status, latency = 200, rng.uniform(0.008, 0.12)
    if path.startswith("/api") and in_incident(when) and rng.random() < 0.42:
        status, latency = 503, rng.uniform(1.9, 2.1)
    elif rng.random() < 0.002:
        status = rng.choice([404, 500])
    client = f"10.20.{rng.randint(0, 9)}.{rng.randint(2, 250)}"
    stamp = when.strftime("%d/%b/%Y:%H:%M:%S +0000")
    size = rng.randint(200, 9000) if status == 200 else 162
    request_id = f"{rng.getrandbits(64):016x}"
    return (
        f'{client} - - [{stamp}] "{method} {path} HTTP/1.1" {status} {size} "-" '
        f'"{rng.choice(AGENTS)}" {latency:.3f} req_id={request_id}'
    )


def write_edge(rng: random.Random) -> None:
    rotated, current = [], []
    for when in poisson_times(rng, 0.3):
        line = nginx_line(rng, when)
        (rotated if when < at("13:30:00") else current).append(line)
    folder = HERE / "logs" / "edge"
    folder.mkdir(parents=True, exist_ok=True)
    data = ("\n".join(rotated) + "\n").encode()
    (folder / "access.log.1.gz").write_bytes(gzip.compress(data, mtime=0))
    (folder / "access.log").write_text("\n".join(current) + "\n", encoding="utf-8")


# checkout-api JSON logs --------------------------------------------------------------

OLD_PODS = [f"checkout-api-5d4b8c7f6-{s}" for s in ("a1b2c", "d3e4f", "g5h6i")]
NEW_PODS = [f"checkout-api-7f9c6d5b8-{s}" for s in ("x2x9k", "p8m3q", "r7t4w")]


def pod_for(rng: random.Random, when: datetime) -> str:
    pods = NEW_PODS if DEPLOY + timedelta(seconds=40) <= when < MITIGATED else OLD_PODS
    return rng.choice(pods)


def app_event(rng: random.Random, when: datetime) -> dict[str, object]:
    base: dict[str, object] = {"ts": iso_ms(when), "service": "checkout-api"}
    base["pod"] = pod_for(rng, when)
    base["trace_id"] = f"{rng.getrandbits(64):016x}"
    if in_incident(when) and rng.random() < 0.55:
        return base | {
            "level": "error",
            "msg": "acquire conn",
            "err": "pool exhausted (max_conns=10, waited 2s)",
            "route": "/api/cart/checkout",
        }
    if DEPLOY <= when < MITIGATED and rng.random() < 0.1:
        wait_ms = rng.randint(900, 1990)  # drawn either way, so the rest of the data stays put
        if when <= SLOW:  # the planted first "slow acquire" stays the first one
            return base | {"level": "info", "msg": "cart loaded", "items": 1 + wait_ms % 6}
        return base | {"level": "warn", "msg": "slow acquire", "wait_ms": wait_ms}
    roll = rng.random()
    if roll < 0.02:
        return base | {"level": "warn", "msg": "payment provider slow", "latency_ms": 850}
    if roll < 0.5:
        return base | {"level": "info", "msg": "cart loaded", "items": rng.randint(1, 6)}
    return base | {"level": "info", "msg": "order placed", "amount_eur": rng.randint(9, 240)}


def write_checkout_api(rng: random.Random) -> None:
    lines = [json.dumps(app_event(rng, when)) for when in poisson_times(rng, 0.25)]
    milestones = [
        {"ts": iso_ms(at("14:02:04.010")), "level": "info", "msg": "starting checkout-api"},
        {"ts": iso_ms(SLOW), "level": "warn", "msg": "slow acquire", "wait_ms": 1840},
        {
            "ts": iso_ms(EXHAUSTED),
            "level": "error",
            "msg": "acquire conn",
            "err": "pool exhausted (max_conns=10, waited 2s)",
        },
    ]
    for item in milestones:
        item |= {"service": "checkout-api", "pod": NEW_PODS[0]}
        lines.append(json.dumps(item))
    lines.sort(key=lambda line: json.loads(line)["ts"])
    folder = HERE / "logs" / "checkout-api"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "checkout-api.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


# kubectl logs of the first new pod ---------------------------------------------------


def kubectl_stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond:06d}000Z"


def write_pod_log(rng: random.Random) -> None:
    pod = NEW_PODS[0]
    entries = [
        (at("14:02:04.010226"), 'level=info caller=main.go:52 msg="starting checkout-api" '
         "version=v2.31.0 db_max_conns=10"),
        (at("14:02:04.233901"), 'level=info caller=http.go:40 msg="listening" addr=:8080'),
        (SLOW, 'level=warn caller=db.go:71 msg="slow acquire" wait_ms=1840'),
    ]  # fmt: skip
    when = EXHAUSTED
    while when < at("14:31:05"):
        entries.append(
            (
                when,
                'level=error caller=db.go:88 msg="acquire conn" '
                'err="pool exhausted (max_conns=10, waited 2s)" route=/api/cart/checkout',
            )
        )
        when += timedelta(seconds=rng.uniform(2, 9))
    probe = at("14:03:41.000120")
    while probe < at("14:30:12"):
        entries.append(
            (probe, 'level=error caller=health.go:23 msg="readiness failed" check=db err="pool exhausted"')
        )
        probe += timedelta(seconds=10)
    entries.append((at("14:31:05.771002"), 'level=info caller=main.go:97 msg="shutting down" signal=terminated'))
    entries.sort()
    folder = HERE / "k8s" / "pods"
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{kubectl_stamp(t)} {line}\n" for t, line in entries)
    (folder / f"{pod}.log").write_text(text, encoding="utf-8")


# db host syslog (Paris local time, clock 7 s ahead, silent 14:10-14:20) -------------


def syslog_line(true_time: datetime, pid: int, text: str) -> str:
    local = (true_time + DB_SKEW).astimezone(PARIS)
    stamp = f"{local:%b} {local.day:>2} {local:%H:%M:%S}"
    return f"<30>{stamp} db-1 postgres[{pid}]: {text}"


def db_messages(rng: random.Random) -> Iterator[tuple[datetime, str]]:
    for when in poisson_times(rng, 0.05):
        yield when, "LOG:  connection authorized: user=checkout database=shop"
    checkpoint = START
    while checkpoint < END:
        yield checkpoint, "LOG:  checkpoint starting: time"
        yield checkpoint + timedelta(seconds=31), "LOG:  checkpoint complete: wrote 412 buffers"
        checkpoint += timedelta(minutes=5)
    for second in range(0, 40, 2):
        yield MITIGATED + timedelta(seconds=second + 1), (
            "LOG:  connection authorized: user=checkout database=shop"
        )


def order_statements() -> Iterator[tuple[datetime, str]]:
    """Every 8th order of checkout-api, as the slow-statement line postgres writes for it.

    The app tags its SQL with its trace id (sqlcommenter style), so the same id appears in
    both logs: the app's line at the true time, the db line on db-1's skewed clock. Read back
    from the written app log, so the random stream of the other files is unchanged."""
    app_log = HERE / "logs" / "checkout-api" / "checkout-api.jsonl"
    orders = [e for e in map(json.loads, app_log.read_text().splitlines()) if e["msg"] == "order placed"]
    for event in orders[::8]:
        when = datetime.fromisoformat(event["ts"].replace("Z", "+00:00")) - timedelta(milliseconds=4)
        yield when, (
            "LOG:  duration: 212.4 ms  statement: INSERT INTO orders (cart_id, amount) "
            f"VALUES ($1, $2) /* service=checkout-api trace_id={event['trace_id']} */"
        )


def write_db(rng: random.Random) -> None:
    entries = []
    for when, text in sorted(db_messages(rng)):
        if DB_SILENT[0] <= when < DB_SILENT[1]:
            continue
        entries.append((when, syslog_line(when, 2200 + rng.randint(0, 99), text)))
    for index, (when, text) in enumerate(order_statements()):  # no draws: rng stays put
        if not DB_SILENT[0] <= when < DB_SILENT[1]:
            entries.append((when, syslog_line(when, 2300 + index % 40, text)))
    lines = [line for _, line in sorted(entries)]
    folder = HERE / "logs" / "db"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "db-1.log").write_text("\n".join(lines) + "\n", encoding="utf-8")


# Kubernetes events -------------------------------------------------------------------


def k8s_event(name: str, obj: tuple[str, str], reason: str, message: str, **kw: object) -> dict[str, object]:
    kind, obj_name = obj
    first = kw.pop("first", None)
    last = kw.pop("last", first)
    event: dict[str, object] = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": "shop", "creationTimestamp": kw.pop("created", first)},
        "involvedObject": {"kind": kind, "namespace": "shop", "name": obj_name},
        "reason": reason,
        "message": message,
        "source": {"component": kw.pop("component", "deployment-controller")},
        "firstTimestamp": first,
        "lastTimestamp": last,
        "count": kw.pop("count", 1),
        "type": kw.pop("type", "Normal"),
        "eventTime": kw.pop("event_time", None),
        "reportingComponent": "",
        "reportingInstance": "",
    }
    return event | kw


def write_events() -> None:
    new_rs, old_rs = "checkout-api-7f9c6d5b8", "checkout-api-5d4b8c7f6"
    deploy = ("Deployment", "checkout-api")
    pod = ("Pod", NEW_PODS[0])
    items = [
        k8s_event("e1", deploy, "ScalingReplicaSet", f"Scaled up replica set {new_rs} to 1",
                  first="2024-05-14T14:02:01Z"),
        k8s_event("e2", pod, "Scheduled", f"Successfully assigned shop/{NEW_PODS[0]} to node-eu1-b-07",
                  event_time="2024-05-14T14:02:02.418873Z", created="2024-05-14T14:02:02Z",
                  component="default-scheduler"),
        k8s_event("e3", pod, "Started", "Started container checkout-api", first="2024-05-14T14:02:03Z",
                  component="kubelet"),
        k8s_event("e4", deploy, "ScalingReplicaSet", f"Scaled down replica set {old_rs} to 0 from 6",
                  first="2024-05-14T14:02:41Z"),
        k8s_event("e5", pod, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503",
                  first="2024-05-14T14:03:41Z", last="2024-05-14T14:30:11Z", count=160,
                  type="Warning", component="kubelet"),
        k8s_event("e6", deploy, "ScalingReplicaSet", f"Scaled up replica set {old_rs} to 6",
                  first="2024-05-14T14:29:44Z"),
        k8s_event("e7", deploy, "ScalingReplicaSet", f"Scaled down replica set {new_rs} to 0 from 6",
                  first="2024-05-14T14:31:06Z"),
    ]  # fmt: skip
    document = {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}
    write_json(HERE / "k8s" / "events.json", document)


# Prometheus query_range exports ------------------------------------------------------


def matrix(query: str, series: list[tuple[dict[str, str], list[tuple[datetime, float]]]]) -> dict[str, object]:
    result = [
        {"metric": labels, "values": [[int(t.timestamp()), f"{v:g}"] for t, v in samples]}
        for labels, samples in series
    ]
    return {"status": "success", "data": {"resultType": "matrix", "result": result}, "_query": query}


def minutes(step: int = 60) -> list[datetime]:
    count = int((END - START).total_seconds()) // step
    return [START + timedelta(seconds=i * step) for i in range(count + 1)]


def ramp(when: datetime, low: float, high: float, rng: random.Random) -> float:
    """``low`` outside the incident, ``high`` inside, with a 5-minute rate-window lag."""
    onset, recovery = at("14:03:00"), MITIGATED
    if when < onset or when >= recovery + timedelta(minutes=5):
        return low * rng.uniform(0.9, 1.1)
    if when < onset + timedelta(minutes=5):
        share = (when - onset) / timedelta(minutes=5)
    elif when >= recovery:
        share = 1 - (when - recovery) / timedelta(minutes=5)
    else:
        share = 1.0
    return (low + (high - low) * share) * rng.uniform(0.95, 1.05)


def write_prometheus(rng: random.Random) -> None:
    folder = HERE / "prometheus"
    grid = minutes()
    rates = matrix(
        'sum by (code_class) (rate(http_requests_total{job="checkout-api"}[5m]))',
        [
            ({"code_class": "2xx"}, [(t, round(215 - ramp(t, 0, 95, rng), 1)) for t in grid]),
            ({"code_class": "5xx"}, [(t, round(ramp(t, 0.02, 15, rng), 2)) for t in grid]),
        ],
    )
    p99 = matrix(
        'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="checkout-api"}[5m])))',
        [({}, [(t, round(ramp(t, 0.18, 2.05, rng), 3)) for t in grid])],
    )
    pool = matrix(
        'max by (pod) (db_pool_in_use{job="checkout-api"} / db_pool_max{job="checkout-api"})',
        [({}, [(t, round(min(1.0, ramp(t, 0.31, 1.0, rng)), 2)) for t in grid])],
    )
    for name, doc in (("http_rate_by_code.json", rates), ("latency_p99.json", p99), ("pool_saturation.json", pool)):
        doc.pop("_query")
        write_json(folder / name, doc)
    write_json(folder / "alerts_series.json", alerts_series())


def alerts_series() -> dict[str, object]:
    labels = {"__name__": "ALERTS", "alertname": "CheckoutHighErrorRate", "job": "checkout-api",
              "namespace": "shop", "severity": "page"}  # fmt: skip
    pending = [at("14:04:30") + timedelta(seconds=30 * i) for i in range(4)]
    firing = [at("14:06:30") + timedelta(seconds=30 * i) for i in range(70)]
    doc = matrix("ALERTS", [
        (labels | {"alertstate": "firing"}, [(t, 1.0) for t in firing]),
        (labels | {"alertstate": "pending"}, [(t, 1.0) for t in pending]),
    ])  # fmt: skip
    doc.pop("_query")
    return doc


# Alertmanager webhooks ---------------------------------------------------------------


def webhook(status: str, ends: str) -> dict[str, object]:
    labels = {"alertname": "CheckoutHighErrorRate", "job": "checkout-api", "namespace": "shop",
              "severity": "page"}  # fmt: skip
    summary = {"summary": "checkout-api 5xx ratio above 5% for 2m"}
    return {
        "version": "4",
        "groupKey": '{}/{team="checkout"}:{alertname="CheckoutHighErrorRate", namespace="shop"}',
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "pagerduty-checkout",
        "groupLabels": {"alertname": "CheckoutHighErrorRate", "namespace": "shop"},
        "commonLabels": labels,
        "commonAnnotations": summary,
        "externalURL": "http://alertmanager-0:9093",
        "alerts": [
            {
                "status": status,
                "labels": labels,
                "annotations": summary,
                "startsAt": "2024-05-14T14:06:30.118Z",
                "endsAt": ends,
                "generatorURL": "http://prometheus-0:9090/graph?g0.expr=job%3Acheckout_5xx_ratio%3Arate5m+%3E+0.05",
                "fingerprint": "6c3a1b0f9d2e4a77",
            }
        ],
    }


def write_alertmanager() -> None:
    folder = HERE / "alertmanager"
    write_json(folder / "webhook_firing.json", webhook("firing", "0001-01-01T00:00:00Z"))
    write_json(folder / "webhook_resolved.json", webhook("resolved", "2024-05-14T14:41:30.118Z"))


# PagerDuty log entries (account time zone Europe/Berlin: +02:00) ---------------------

LEE = {"id": "PUSER17", "type": "user_reference", "summary": "Lee Park"}
SERVICE = {"id": "PSRV123", "type": "service_reference", "summary": "checkout-api"}
INCIDENT = {"id": "Q1W2E3R4T5Y6U7", "type": "incident_reference",
            "summary": "[#4821] CheckoutHighErrorRate checkout-api shop"}  # fmt: skip


def pd_entry(ident: str, kind: str, when: str, summary: str, agent: dict[str, str], channel: str,
             **extra: object) -> dict[str, object]:  # fmt: skip
    local = (at(when) + BERLIN_OFFSET).strftime("%Y-%m-%dT%H:%M:%S+02:00")
    return {
        "id": ident, "type": kind, "summary": summary, "created_at": local, "agent": agent,
        "channel": {"type": channel}, "service": SERVICE, "incident": INCIDENT,
        "teams": [{"id": "PTEAM89", "type": "team_reference", "summary": "Checkout"}],
        "contexts": [],
    } | extra  # fmt: skip


def write_pagerduty() -> None:
    integration = {"id": "PINT01", "type": "generic_events_api_inbound_integration_reference",
                   "summary": "Alertmanager"}  # fmt: skip
    entries = [
        pd_entry("R2RESOLVE0009", "resolve_log_entry", "14:47:05", "Resolved by Lee Park", LEE, "website"),
        pd_entry("R2ANNOT0007", "annotate_log_entry", "14:33:50", "Note added", LEE, "note",
                 note="Rolled back checkout-api to v2.30.4; 5xx rate dropping"),
        pd_entry("R2ACK0004", "acknowledge_log_entry", "14:09:12", "Acknowledged by Lee Park", LEE, "website",
                 acknowledgement_timeout=1800),
        pd_entry("R2NOTIFY0002", "notify_log_entry", "14:06:42", "Notified Lee Park by push notification",
                 SERVICE, "auto", user=LEE),
        pd_entry("R2TRIGGER0001", "trigger_log_entry", "14:06:41",
                 "Triggered through the API: CheckoutHighErrorRate", integration, "api"),
    ]  # fmt: skip
    write_json(HERE / "pagerduty" / "log_entries.json",
               {"log_entries": entries, "limit": 25, "offset": 0, "more": False, "total": None})  # fmt: skip


# Slack export -----------------------------------------------------------------------

USERS = [
    ("U02LEEPARK", "lee.park", "Lee Park", "lee", "America/New_York", -14400),
    ("U03DANAK", "dana.kim", "Dana Kim", "dana", "Europe/Berlin", 7200),
    ("U04SAMRIV", "sam.rivera", "Sam Rivera", "sam", "Europe/Berlin", 7200),
]


def slack_ts(clock: str, micros: int) -> str:
    return f"{int(at(clock).timestamp())}.{micros:06d}"


def write_slack() -> None:
    folder = HERE / "slack"
    users = [
        {"id": i, "team_id": "T01ACME", "name": n, "deleted": False, "real_name": r, "tz": tz,
         "tz_offset": off, "is_bot": False, "profile": {"real_name": r, "display_name": d}}
        for i, n, r, d, tz, off in USERS
    ]  # fmt: skip
    opened = int(at("14:07:40").timestamp())
    channel = {"id": "C07INC4821", "name": "inc-4821-checkout", "created": opened, "creator": "U02LEEPARK",
               "is_archived": False, "is_general": False, "members": [u[0] for u in USERS],
               "topic": {"value": "INC-4821 checkout 5xx", "creator": "U02LEEPARK", "last_set": opened + 5},
               "purpose": {"value": "", "creator": "", "last_set": 0}}  # fmt: skip
    parent = slack_ts("14:08:05", 112900)
    messages = [
        {"type": "message", "subtype": "channel_join", "ts": slack_ts("14:07:40", 2100),
         "user": "U02LEEPARK", "text": "<@U02LEEPARK> has joined the channel"},
        {"type": "message", "ts": parent, "user": "U02LEEPARK", "thread_ts": parent, "reply_count": 3,
         "text": "Paged for CheckoutHighErrorRate. 5xx around 40% on checkout since ~14:03 UTC. Looking at checkout-api."},
        {"type": "message", "ts": slack_ts("14:09:30", 4500), "user": "U04SAMRIV", "thread_ts": parent,
         "parent_user_id": "U02LEEPARK", "text": "Seeing `pool exhausted` errors in checkout-api logs."},
        {"type": "message", "ts": slack_ts("14:18:05", 771200), "user": "U02LEEPARK", "thread_ts": parent,
         "parent_user_id": "U02LEEPARK",
         "text": "checkout-api v2.31.0 rolled out at 14:02; pool errors started right after. Proposing rollback."},
        {"type": "message", "ts": slack_ts("14:19:02", 5100), "user": "U03DANAK", "thread_ts": parent,
         "parent_user_id": "U02LEEPARK", "text": "Agreed, <@U02LEEPARK>. I'll drive the rollback."},
        {"type": "message", "ts": slack_ts("14:29:40", 300), "user": "U03DANAK",
         "text": "Rolling back checkout-api to 2.30.4 now."},
        {"type": "message", "ts": slack_ts("14:36:12", 880000), "user": "U03DANAK",
         "text": "Mitigated: 5xx back to baseline since 14:31, old ReplicaSet serving."},
        {"type": "message", "subtype": "bot_message", "username": "Alertmanager", "bot_id": "B05ALERTS",
         "ts": slack_ts("14:41:31", 902300), "text": "",
         "attachments": [{"fallback": "[RESOLVED] CheckoutHighErrorRate", "color": "2eb886",
                          "title": "[RESOLVED] CheckoutHighErrorRate checkout-api shop",
                          "text": "checkout-api 5xx ratio above 5% for 2m"}]},
        {"type": "message", "ts": slack_ts("14:47:30", 120000), "user": "U02LEEPARK",
         "text": "Resolved. Closing the PagerDuty incident; post-mortem owner is <@U03DANAK>."},
    ]  # fmt: skip
    write_json(folder / "channels.json", [channel])
    write_json(folder / "users.json", users)
    write_json(folder / "inc-4821-checkout" / "2024-05-14.json", messages)


# Deploy history ---------------------------------------------------------------------


def write_deploys() -> None:
    rows = [
        {"ts": "2024-05-14T11:20:07Z", "kind": "change", "stream": "deploy-pipeline", "actor": "deploy-pipeline",
         "message": "deploy cart-service 1.8.2 (completed)", "service": "cart-service", "version": "1.8.2"},
        {"ts": "2024-05-14T14:02:01Z", "kind": "change", "stream": "deploy-pipeline", "actor": "deploy-pipeline",
         "message": "deploy checkout-api v2.31.0 (rolling update started)", "service": "checkout-api",
         "version": "v2.31.0"},
        {"ts": "2024-05-14T14:29:40Z", "kind": "change", "stream": "deploy-pipeline", "actor": "dana.kim",
         "message": "rollback checkout-api to v2.30.4 (started)", "service": "checkout-api", "version": "v2.30.4"},
    ]  # fmt: skip
    folder = HERE / "deploys"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "deploys.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def write_json(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    global HERE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write (default: here)")
    HERE = parser.parse_args(argv).out.resolve()
    rng = random.Random(SEED)
    write_edge(rng)
    write_checkout_api(rng)
    write_pod_log(rng)
    write_db(rng)
    write_events()
    write_prometheus(rng)
    write_alertmanager()
    write_pagerduty()
    write_slack()
    write_deploys()


if __name__ == "__main__":
    main()
