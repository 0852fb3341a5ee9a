"""Write a realistic evidence set of a given size, with an injected incident and its ground truth.

    python bench/gen_evidence.py OUT_DIR --size 1GB [--seed 7]

The folder becomes a Hotwash workspace: ``incident.yaml`` (milestones around the injected
incident), ``hotwash.toml`` (one ``logfile`` source per family of logs, with declared time
zones where the lines carry none) and ``raw/`` with the logs:

- ``raw/nginx/<host>.access.log``   nginx combined, 8 edge hosts
- ``raw/app/<service>.jsonl``       JSON lines, 12 services
- ``raw/app/<service>.log``         logfmt, 12 services
- ``raw/syslog/<host>.log``         RFC 3164 (yearless, zone-less: declared UTC), 6 hosts
- ``raw/k8s/<pod>.log``             ``kubectl logs --timestamps``, 10 pods

About 3,000 distinct message templates with variable fields (ids, durations, IPs, paths,
hex). The injected incident (``ground_truth.json``): three new error signatures from a known
instant, a 5xx burst on the edge, one syslog host whose clock runs a known offset ahead (it
logs the ``request_id`` of some edge requests as ``trace_id=``, so the offset is measurable
against the edge), and one service silent for ten minutes. Stdlib only; deterministic for a seed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WINDOW = timedelta(hours=2)
INCIDENT_AT = START + timedelta(minutes=75)
INCIDENT_END = INCIDENT_AT + timedelta(minutes=20)
SKEWED_HOST, SKEW_SECONDS = "db-1", 7.0
SILENT_SERVICE = "svc-05"
#: Share of edge requests whose slow query the skewed database host logs with the
#: request id (``trace_id=``), so that its clock offset can be measured against the edge.
TRACED_QUERIES = 0.002
GAP = (START + timedelta(minutes=90), START + timedelta(minutes=100))

_VERB_TEXT = """fetched started finished loaded saved synced evicted refreshed queued dequeued
validated rejected accepted scheduled cancelled retried opened closed flushed compacted indexed
rebuilt renewed expired created deleted updated resolved acquired released parsed rendered encoded
decoded uploaded downloaded"""
_OBJECT_TEXT = """cart session order invoice payment token profile image thumbnail report batch
shard
segment lease lock snapshot manifest cursor page bucket record ledger webhook subscription coupon
price stock shipment refund address catalog checkpoint replica partition offset consumer producer
topic queue job task cache-entry config feature-flag quota limit schema migration chunk block
connection stream channel certificate secret policy role account device"""
VERBS = tuple(_VERB_TEXT.split())
OBJECTS = tuple(_OBJECT_TEXT.split())
SHAPES = (
    "{verb} {obj} id={id} in {ms}ms",
    "{obj} {id} {verb} by worker-{n} after {ms} ms",
    "{verb} {obj} {hex} from {ip}",
    "request {uuid} {verb} {obj} path=/api/v{n}/{obj}/{id}",
    "{obj} {verb}: size={n} bytes={big} took={sec}s",
)
NEW_ERRORS = (
    ("svc-02", "connection pool exhausted for db-{n}: waited {ms} ms for a connection"),
    ("svc-07", "upstream checkout returned 503 for order {uuid}"),
    ("svc-11", "circuit breaker OPEN for payments after {n} consecutive failures"),
)
FIRST: dict[str, datetime] = {}
#: The key of :data:`FIRST` for the first 5xx line of the incident.
FIRST_5XX = "http 5xx"
PATHS = ("/", "/api/v1/cart", "/api/v1/checkout", "/api/v1/orders/{id}", "/static/app.{hex}.js")
AGENTS = ('"Mozilla/5.0 (X11; Linux x86_64)"', '"curl/8.5.0"', '"okhttp/4.12.0"')


def templates(rng: random.Random) -> list[str]:
    """About 3,000 templates: every verb/object pair in one of the shapes."""
    return [
        rng.choice(SHAPES).replace("{verb}", v).replace("{obj}", o) for v in VERBS for o in OBJECTS
    ]


class Filler:
    """Fills the variable fields of a template (only the fields it names)."""

    def __init__(self, rng: random.Random) -> None:
        r = rng
        self.makers = {
            "id": lambda: str(r.randrange(10**6)),
            "ms": lambda: str(r.randrange(1, 5000)),
            "n": lambda: str(r.randrange(1, 64)),
            "hex": lambda: f"{r.getrandbits(48):012x}",
            "ip": lambda: f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}",
            "uuid": lambda: (
                f"{r.getrandbits(32):08x}-{r.getrandbits(16):04x}-4{r.getrandbits(12):03x}"
                f"-a{r.getrandbits(12):03x}-{r.getrandbits(48):012x}"
            ),
            "big": lambda: str(r.randrange(10**9)),
            "sec": lambda: f"{r.random() * 9:.3f}",
        }
        self.fields: dict[str, tuple[str, ...]] = {}

    def __call__(self, template: str) -> str:
        names = self.fields.get(template)
        if names is None:
            found = re.findall(r"\{(\w+)\}", template)
            names = self.fields[template] = tuple(dict.fromkeys(found))  # in a fixed order
        return template.format(**{name: self.makers[name]() for name in names})


def iso(ts: datetime, digits: int = 6) -> str:
    if digits == 0:
        return ts.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = ts.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return (text[: 20 + digits] if digits < 6 else text + "0" * (digits - 6)) + "Z"


def nginx_line(ts: datetime, r: random.Random, fill: Filler, failing: bool, request_id: str) -> str:
    status = 503 if failing and r.random() < 0.4 else r.choice((200, 200, 200, 204, 301, 404))
    path = fill(r.choice(PATHS))
    ip = f"203.0.{r.randrange(256)}.{r.randrange(1, 255)}"
    stamp = ts.strftime("%d/%b/%Y:%H:%M:%S +0000")
    size = r.randrange(100, 40000)
    agent = r.choice(AGENTS)
    return f'{ip} - - [{stamp}] "GET {path} HTTP/1.1" {status} {size} "-" {agent} {request_id}'


def syslog_line(ts: datetime, host: str, r: random.Random, msg: str) -> str:
    """RFC 3164, written by the host's clock (``SKEWED_HOST`` runs ``SKEW_SECONDS`` ahead)."""
    shifted = ts + timedelta(seconds=SKEW_SECONDS if host == SKEWED_HOST else 0)
    stamp = f"{shifted:%b} {shifted.day:2d} {shifted:%H:%M:%S}"
    return f"<134>{stamp} {host} postgres[{r.randrange(100, 9999)}]: {msg}"


def app_message(
    service: str, ts: datetime, r: random.Random, fill: Filler, tpl: list[str]
) -> tuple[str, str]:
    for svc, text in NEW_ERRORS:
        if svc == service and ts >= INCIDENT_AT and r.random() < 0.3:
            FIRST.setdefault(text, ts)
            return "ERROR", fill(text)
    level = "ERROR" if r.random() < 0.01 else ("WARN" if r.random() < 0.05 else "INFO")
    return level, fill(tpl[r.randrange(len(tpl))])


class Writer:
    """Buffers lines per file and appends them in chunks."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.buffers: dict[Path, list[str]] = {}
        self.bytes = 0

    def add(self, rel: str, line: str) -> None:
        self.buffers.setdefault(self.root / rel, []).append(line)
        self.bytes += len(line) + 1

    def flush(self) -> None:
        for path, lines in self.buffers.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write("\n".join(lines) + "\n")
        self.buffers.clear()


def emit(w: Writer, ts: datetime, r: random.Random, fill: Filler, tpl: list[str]) -> None:
    """One line in a random file of the evidence set."""
    family = r.random()
    if family < 0.45:
        host = f"edge-{r.randrange(8)}"
        failing = INCIDENT_AT <= ts < INCIDENT_END
        request_id = f"{r.getrandbits(64):016x}"
        line = nginx_line(ts, r, fill, failing, f"request_id={request_id}")
        if failing and '" 503 ' in line:
            FIRST.setdefault(FIRST_5XX, ts)
        w.add(f"nginx/{host}.access.log", line)
        if r.random() < TRACED_QUERIES:
            # the request's slow query, logged by the database host with the request id
            msg = f"duration: {r.randrange(100, 900)} ms statement: SELECT trace_id={request_id}"
            w.add(f"syslog/{SKEWED_HOST}.log", syslog_line(ts, SKEWED_HOST, r, msg))
        return
    if family < 0.85:
        service = f"svc-{r.randrange(12):02d}"
        if service == SILENT_SERVICE and GAP[0] <= ts < GAP[1]:
            return
        level, msg = app_message(service, ts, r, fill, tpl)
        trace = f"{r.getrandbits(64):016x}"
        if r.random() < 0.5:
            rec = {"ts": iso(ts), "level": level, "svc": service, "trace": trace, "msg": msg}
            w.add(f"app/{service}.jsonl", json.dumps(rec, separators=(",", ":")))
        else:
            w.add(
                f"app/{service}.log",
                f'ts={iso(ts, 3)} level={level.lower()} svc={service} trace={trace} msg="{msg}"',
            )
        return
    if family < 0.93:
        host = f"db-{r.randrange(6)}"
        msg = fill(tpl[r.randrange(len(tpl))])
        if host == SKEWED_HOST and INCIDENT_AT <= ts < INCIDENT_END and r.random() < 0.5:
            msg = f"FATAL: sorry, too many clients already (connections {r.randrange(95, 101)}/100)"
            FIRST.setdefault("FATAL: sorry, too many clients already", ts)
        w.add(f"syslog/{host}.log", syslog_line(ts, host, r, msg))
        return
    pod = f"checkout-{r.randrange(10)}"
    w.add(f"k8s/{pod}.log", f"{iso(ts, 9)} {fill(tpl[r.randrange(len(tpl))])}")


TOML = """[collect]
baseline = "75m"
tail = "25m"

[[sources]]
name = "edge"
kind = "logfile"
paths = ["raw/nginx/*.log"]
format = "nginx"

[[sources]]
name = "apps"
kind = "logfile"
paths = ["raw/app/*"]

[[sources]]
name = "db"
kind = "logfile"
paths = ["raw/syslog/*.log"]
format = "syslog"
timezone = "UTC"

[[sources]]
name = "pods"
kind = "logfile"
paths = ["raw/k8s/*.log"]
format = "kubectl"
"""


def workspace_files(out: Path) -> None:
    start, end = INCIDENT_AT, INCIDENT_END
    (out / "incident.yaml").write_text(
        "title: Generated incident for the ingest benchmark\nseverity: SEV2\nmilestones:\n"
        f"  impact_started: {iso(start, 0)}\n  resolved: {iso(end, 0)}\n",
        encoding="utf-8",
    )
    (out / "hotwash.toml").write_text(TOML, encoding="utf-8")


def _onset() -> str | None:
    """When the injected incident first shows in the evidence (unskewed): its first 5xx
    line or first new error line, whichever came first. At a gigabyte this is within
    milliseconds of ``INCIDENT_AT``; a small set may show it seconds later."""
    firsts = [FIRST[k] for k in (FIRST_5XX, *(t for _, t in NEW_ERRORS)) if k in FIRST]
    return iso(min(firsts)) if firsts else None


def ground_truth() -> dict[str, object]:
    return {
        "incident_start": iso(INCIDENT_AT, 0),
        "incident_end": iso(INCIDENT_END, 0),
        "new_signatures": [
            {"service": s, "template": t, "first_at": iso(FIRST[t])}
            for s, t in NEW_ERRORS
            if t in FIRST
        ],
        "skewed_first_error": {
            "true_at": iso(FIRST["FATAL: sorry, too many clients already"]),
            "written_at": iso(
                FIRST["FATAL: sorry, too many clients already"] + timedelta(seconds=SKEW_SECONDS)
            ),
        }
        if "FATAL: sorry, too many clients already" in FIRST
        else None,
        "http_5xx_burst": {
            "source": "edge",
            "start": iso(INCIDENT_AT, 0),
            "end": iso(INCIDENT_END, 0),
            "first_at": iso(FIRST[FIRST_5XX]) if FIRST_5XX in FIRST else None,
        },
        "onset_at": _onset(),
        "clock_offset": {"source": "db", "host": SKEWED_HOST, "seconds": SKEW_SECONDS},
        "gap": {
            "source": "apps",
            "service": SILENT_SERVICE,
            "start": iso(GAP[0], 0),
            "end": iso(GAP[1], 0),
        },
    }


def parse_size(text: str) -> int:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMG]?)B?", text.strip().upper())
    if not match:
        raise SystemExit(f"bad --size {text!r}; use e.g. 200MB or 1GB")
    return int(float(match[1]) * {"": 1, "K": 1e3, "M": 1e6, "G": 1e9}[match[2]])


def _bytes_per_call(seed: int, calls: int = 20_000) -> float:
    """Mean bytes one :func:`emit` call writes, from a sample spread over the window (its
    own generator, nothing written), so that the lines planned fill the whole window."""
    rng = random.Random(seed + 1)
    tpl, fill, writer = templates(rng), Filler(rng), Writer(Path("unused"))
    for index in range(calls):
        emit(writer, START + WINDOW * index / calls, rng, fill, tpl)
    FIRST.clear()  # the sample's first errors are not the evidence's
    return writer.bytes / calls


def generate(out: Path, size: int, seed: int) -> dict[str, object]:
    lines = max(1000, round(size / _bytes_per_call(seed)))
    rng = random.Random(seed)
    tpl, fill, writer = templates(rng), Filler(rng), Writer(out / "raw")
    step = WINDOW / lines
    index = 0
    while index < lines:
        for _ in range(min(50_000, lines - index)):
            emit(writer, START + step * index, rng, fill, tpl)
            index += 1
        writer.flush()
    workspace_files(out)
    truth = ground_truth() | {"bytes": writer.bytes, "lines_planned": lines, "templates": len(tpl)}
    (out / "ground_truth.json").write_text(json.dumps(truth, indent=2), encoding="utf-8")
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="100MB")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        raise SystemExit(f"{args.out} is not empty")
    began = time.perf_counter()
    truth = generate(args.out, parse_size(args.size), args.seed)
    took = time.perf_counter() - began
    print(f"wrote {truth['bytes'] / 1e6:.0f} MB to {args.out} in {took:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
