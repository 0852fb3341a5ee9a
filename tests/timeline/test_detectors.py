"""The alert, page, chat, change and Kubernetes detectors on real-shaped records."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import ModuleType

import polars as pl

from hotwash.detect.alerts import AlertDetector
from hotwash.detect.base import DetectContext, all_detectors
from hotwash.detect.changes import ChangeDetector
from hotwash.detect.chat import ChatDetector, classify_text
from hotwash.detect.kubernetes import KubernetesDetector, workload_of
from hotwash.detect.pages import PageDetector
from hotwash.evidence.model import Window
from hotwash.model import Event, EventKind

CTX = DetectContext(
    window=Window(
        start=datetime(2024, 5, 14, 14, 0, tzinfo=UTC), end=datetime(2024, 5, 14, 15, 0, tzinfo=UTC)
    )
)


def at(hms: str) -> datetime:
    return datetime.fromisoformat(f"2024-05-14T{hms}+00:00")


def titled(events: list[Event]) -> dict[str, list[Event]]:
    found: dict[str, list[Event]] = {}
    for event in events:
        found.setdefault(event.title, []).append(event)
    return found


def test_my_detectors_are_registered() -> None:
    names = set(all_detectors())
    assert {"alerts", "pages", "chat", "changes", "kubernetes"} <= names


def test_alerts_series_gives_pending_then_firing(rec: ModuleType) -> None:
    events = titled(list(AlertDetector().detect(rec.frame(rec.alerts_series()), CTX)))
    assert [e.at for e in events["CheckoutHighErrorRate pending"]] == [at("14:04:30")]
    assert [e.at for e in events["CheckoutHighErrorRate firing"]] == [at("14:06:30")]
    # the series still fires at the end of the samples: no resolution is invented
    assert "CheckoutHighErrorRate resolved" not in events


def test_alerts_series_that_stops_early_is_resolved_at_its_last_sample(rec: ModuleType) -> None:
    firing = [r for r in rec.alerts_series() if r["level"] == "firing"][:4]
    other = dict(firing[0], ts=at("14:20:00"), message="Other", fields='{"__name__": "ALERTS"}')
    other["stream"] = '{alertname="Other", alertstate="firing"}'
    events = titled(list(AlertDetector().detect(rec.frame([*firing, other]), CTX)))
    assert [e.at for e in events["CheckoutHighErrorRate resolved"]] == [at("14:08:00")]


def test_prometheus_active_at_is_pending_not_firing(rec: ModuleType) -> None:
    alert = rec.load("prometheus_api_v1_alerts")["data"]["alerts"][0]
    row = {
        "ts": at("14:04:30"),
        "source": "prometheus",
        "kind": "alert",
        "level": "firing",
        "message": "CheckoutHighErrorRate",
        "fields": json.dumps(alert),
        "evidence": rec.sha("p"),
        "offset": 0,
    }
    events = list(AlertDetector().detect(rec.frame([row]), CTX))
    assert [(e.title, e.at.second, e.at.microsecond) for e in events] == [
        ("CheckoutHighErrorRate pending", 30, 118214)
    ]


def test_alertmanager_resolution_only_from_a_resolved_status(rec: ModuleType) -> None:
    events = list(AlertDetector().detect(rec.frame(rec.alertmanager()), CTX))
    resolved = [e for e in events if e.title.endswith("resolved")]
    # the firing alert's endsAt (14:13:30, a moving expiry) is not a resolution
    assert {e.at.replace(microsecond=0) for e in resolved} == {at("14:41:30")}
    firing = {e.at.replace(microsecond=0) for e in events if e.title.endswith("firing")}
    assert at("14:06:30") in firing
    assert all(e.auto and e.kind is EventKind.ALERT and e.evidence for e in events)
    assert all(e.evidence[0].startswith(rec.sha("webhook")) for e in resolved)


def test_pages_lifecycle_with_responder_and_utc(rec: ModuleType) -> None:
    events = titled(list(PageDetector().detect(rec.frame(rec.pagerduty()), CTX)))
    assert [e.at for e in events["Page triggered"]] == [at("14:06:41")]
    ack = events["Page acknowledged"][0]
    assert (ack.at, ack.actor) == (at("14:09:12"), "Sam Rivera")
    assert [e.at for e in events["Page resolved"]] == [at("14:47:05")]
    note = next(t for t in events if t.startswith("Responder note"))
    assert "Rolled back" in note
    # the push notification is not a phase of the page
    assert not any("Notified" in t for t in events)


def test_opsgenie_logs_read_by_text(rec: ModuleType) -> None:
    events = titled(list(PageDetector().detect(rec.frame(rec.opsgenie()), CTX)))
    assert events["Page triggered"][0].actor is None
    assert events["Page acknowledged"][0].actor == "sam.rivera@acme.example"
    assert events["Page resolved"][0].at.replace(microsecond=0) == at("14:41:31")


def test_chat_channel_actions_and_alert_bot(rec: ModuleType) -> None:
    events = list(ChatDetector().detect(rec.frame(rec.slack()), CTX))
    opened = [e for e in events if "opened" in e.title]
    assert [(e.title, e.at.replace(microsecond=0)) for e in opened] == [
        ("Incident channel #inc-4821-checkout opened", at("14:07:40"))
    ]
    rollback = next(e for e in events if e.kind is EventKind.ACTION)
    assert rollback.title.startswith("Rollback started: Starting rollback")
    assert (rollback.actor, rollback.at.replace(microsecond=0)) == ("@sam", at("14:12:31"))
    # "rolled out at 14:02" reports the past: a communication, not a deploy action
    report = next(e for e in events if "rolled out at 14:02" in e.title)
    assert report.kind is EventKind.COMMUNICATION
    bot = next(e for e in events if e.kind is EventKind.ALERT)
    assert (bot.title, bot.source) == ("CheckoutHighErrorRate resolved", "slack")


def test_classify_text_tells_done_from_started() -> None:
    assert classify_text("rolled back checkout to 2.30.4") == [("rollback", True)]
    assert classify_text("Starting rollback now") == [("rollback", False)]
    assert ("failover", True) in classify_text("failed over to eu-west")
    assert classify_text("looking at the dashboards") == []


def test_rollout_and_rollback_from_kubernetes(rec: ModuleType) -> None:
    events = list(ChangeDetector().detect(rec.frame(rec.kubernetes()), CTX))
    assert [(e.kind, e.at) for e in events] == [
        (EventKind.CHANGE, at("14:02:01")),
        (EventKind.ACTION, at("14:31:06")),
    ]
    assert events[0].title.startswith("Deployment shop/checkout-api starts rolling out")
    assert events[1].title.startswith("Rollback: shop/checkout-api")


def test_git_tags_merges_and_deploy_commits(rec: ModuleType) -> None:
    def commit(hms: str, subject: str, level: str = "commit", parents: str = "p1") -> dict:
        fields = {"sha": "abc", "parents": parents, "refs": ""}
        return {
            "ts": at(hms),
            "source": "git",
            "kind": "change",
            "level": level,
            "message": subject,
            "actor": "dana",
            "fields": json.dumps(fields),
            "evidence": rec.sha("git"),
            "offset": 1,
        }

    rows = [
        commit("13:40:00", "Fix typo in README"),
        commit("13:50:00", "Merge pull request #88 from shop/pool", "merge", "p1 p2"),
        commit("13:55:00", "tag v2.31.0: Release checkout-api v2.31.0", "tag"),
        commit("13:56:00", "Deploy checkout-api to production"),
        commit("15:30:00", "Deploy after the window"),
    ]
    events = list(ChangeDetector().detect(rec.frame(rows), CTX))
    assert [e.title for e in events] == [
        "Merge: Merge pull request #88 from shop/pool",
        "Tag v2.31.0: Release checkout-api v2.31.0",
        "Deploy commit: Deploy checkout-api to production",
    ]
    assert {e.actor for e in events} == {"dana"}


def test_deploy_pipeline_records_are_changes_and_rollbacks_actions(rec: ModuleType) -> None:
    def deploy(hms: str, message: str) -> dict:
        return {
            "ts": at(hms),
            "source": "deploys",
            "kind": "change",
            "message": message,
            "actor": "deploy-pipeline",
            "fields": "{}",
            "evidence": rec.sha("deploys"),
            "offset": 1,
        }

    rows = [
        deploy("14:02:01", "deploy checkout-api v2.31.0 (rolling update started)"),
        deploy("14:29:40", "rollback checkout-api to v2.30.4 (started)"),
    ]
    events = list(ChangeDetector().detect(rec.frame(rows), CTX))
    assert [(e.kind, e.title) for e in events] == [
        (EventKind.CHANGE, "deploy checkout-api v2.31.0 (rolling update started)"),
        (EventKind.ACTION, "rollback checkout-api to v2.30.4 (started)"),
    ]


def test_kubernetes_probe_failures_with_count_and_span(rec: ModuleType) -> None:
    events = list(KubernetesDetector().detect(rec.frame(rec.kubernetes()), CTX))
    assert len(events) == 1
    probe = events[0]
    assert probe.title == "Readiness probe failing on checkout-api"
    assert probe.at == at("14:03:41")  # firstTimestamp, although the record sits at the last
    assert "160 times" in (probe.details or "") and "14:30:11" in (probe.details or "")


def test_kubernetes_oom_crashloop_eviction(rec: ModuleType) -> None:
    def event(reason: str, message: str, offset: int) -> dict[str, object]:
        item = {
            "reason": reason,
            "involvedObject": {"kind": "Pod", "name": "worker-6d5f7c9b4-abcde"},
        }
        return {
            "ts": at("14:10:00"),
            "source": "k8s",
            "kind": "k8s",
            "level": "Warning",
            "message": message,
            "fields": json.dumps(item),
            "evidence": rec.sha("k"),
            "offset": offset,
        }

    rows = [
        event("OOMKilling", "Memory cgroup out of memory: OOMKilled", 1),
        event("BackOff", "Back-off restarting failed container", 2),
        event("Evicted", "The node was low on resource: memory.", 3),
        event("Pulled", "Successfully pulled image", 4),
    ]
    titles = [e.title for e in KubernetesDetector().detect(rec.frame(rows), CTX)]
    assert titles == [
        "Container OOMKilled in worker",
        "CrashLoopBackOff: worker restarting",
        "Pod evicted from worker",
    ]
    assert workload_of("checkout-api-7f9c6d5b8-x2x9k") == "checkout-api"


def test_detectors_ignore_other_kinds() -> None:
    empty = pl.DataFrame(schema=__import__("hotwash.records").records.RECORD_SCHEMA)
    for cls in (AlertDetector, PageDetector, ChatDetector, ChangeDetector, KubernetesDetector):
        assert list(cls().detect(empty, CTX)) == []


def test_rollback_seen_in_kubernetes_events(rec: ModuleType) -> None:
    """The example's events: rollout, old replica set back up, new one scaled to 0."""
    items = rec.load("kubernetes_events_rollback")["items"]
    rows = [
        {
            "ts": rec.parse_instant(i["firstTimestamp"] or i["eventTime"]),
            "source": "k8s-events",
            "kind": "k8s",
            "stream": f"shop/{i['involvedObject']['kind']}/{i['involvedObject']['name']}",
            "level": i["type"],
            "message": f"{i['reason']}: {i['message']}",
            "fields": json.dumps({"reason": i["reason"], "count": i.get("count")}),
            "evidence": rec.sha("events"),
            "offset": n,
        }
        for n, i in enumerate(items)
    ]
    events = list(ChangeDetector().detect(rec.frame(rows), CTX))
    assert [(e.at.strftime("%H:%M:%S"), e.kind.value, e.title) for e in events] == [
        (
            "14:02:01",
            "change",
            "Deployment shop/checkout-api starts rolling out replica set checkout-api-7f9c6d5b8",
        ),
        (
            "14:29:44",
            "change",
            "Deployment shop/checkout-api scales replica set checkout-api-5d4b8c7f6 back up "
            "(rollback)",
        ),
        (
            "14:31:06",
            "action",
            "Rollback: shop/checkout-api replica set checkout-api-7f9c6d5b8 scaled down to 0",
        ),
    ]


def test_escalation_and_unacknowledge(rec: ModuleType) -> None:
    base = rec.pagerduty()[2]  # the acknowledgement
    entry = json.loads(base["fields"])
    rows = [
        dict(base, fields=json.dumps(entry | {"type": "escalate_log_entry"}), offset=7),
        dict(base, fields=json.dumps(entry | {"type": "unacknowledge_log_entry"}), offset=8),
    ]
    events = list(PageDetector().detect(rec.frame(rows), CTX))
    assert [(e.title, e.actor) for e in events] == [("Page escalated", "Sam Rivera")]
