"""Kubernetes (kind ``kubernetes``): Events and pod logs through ``kubectl``.

Spec options::

    [[sources]]
    name = "k8s"
    kind = "kubernetes"
    namespaces = ["shop"]                  # default: ["default"]
    selectors = ["app=checkout-api"]       # pods whose logs to fetch (none: events only)
    context = "prod-eu1"                   # optional kubectl --context
    kubeconfig = "~/.kube/prod"            # optional kubectl --kubeconfig
    kubectl = "kubectl"                    # optional binary
    events = true                          # kubectl get events -o json (default true)
    timeout = 120                          # seconds per kubectl call

Artefacts: ``kubectl get events -n NS -o json`` (format ``kubernetes.events``) per
namespace, and ``kubectl logs --timestamps --since-time=<window start>`` per pod
(format ``log.kubectl``, stream ``NS/POD``). Events expire (one hour by default), so
collect them during or right after the incident; the events artefact notes that in its
``meta``.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import timedelta

from hotwash.errors import SourceError
from hotwash.evidence.model import Window
from hotwash.model import SourceSpec
from hotwash.sources.base import Fetched, Source, register_source
from hotwash.sources.options import bool_option, list_option, str_option
from hotwash.timeutil import format_iso

__all__ = ["Kubectl", "KubernetesSource"]

EVENT_TTL = timedelta(hours=1)


class Kubectl:
    """Runs kubectl with the spec's context and kubeconfig; errors name the source."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.binary = str_option(spec, "kubectl", "kubectl") or "kubectl"
        self.timeout = float(str_option(spec, "timeout", "120") or 120)
        self.base: list[str] = [self.binary]
        for key in ("context", "kubeconfig"):
            value = str_option(spec, key)
            if value:
                self.base.append(f"--{key}={value}")

    def run(self, *args: str) -> bytes:
        """stdout of ``kubectl <args>``; a failure raises SourceError with kubectl's words."""
        command = [*self.base, *args]
        try:
            done = subprocess.run(command, capture_output=True, timeout=self.timeout, check=False)
        except FileNotFoundError as exc:
            raise SourceError(self.spec.name, f"{self.binary!r} not found on PATH") from exc
        except subprocess.TimeoutExpired as exc:
            raise SourceError(
                self.spec.name, f"kubectl {' '.join(args)} took over {self.timeout:g}s"
            ) from exc
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = said[-1] if said else f"exit status {done.returncode}"
            raise SourceError(self.spec.name, f"kubectl {' '.join(args)}: {reason}")
        return done.stdout


@register_source
class KubernetesSource(Source):
    """Events and pod logs of namespaces and label selectors."""

    name = "kubernetes"

    def collect(self, spec: SourceSpec, window: Window) -> Iterator[Fetched]:
        """Events per namespace, then the logs of every pod the selectors match."""
        kubectl = Kubectl(spec)
        namespaces = list_option(spec, "namespaces", ["default"])
        for namespace in namespaces:
            if bool_option(spec, "events", True):
                yield self._events(kubectl, namespace, window)
            for selector in list_option(spec, "selectors"):
                yield from self._logs(kubectl, namespace, selector, window)

    def _events(self, kubectl: Kubectl, namespace: str, window: Window) -> Fetched:
        args = ("get", "events", "-n", namespace, "-o", "json")
        meta = {
            "namespace": namespace,
            "retention": "1h (Kubernetes event TTL, default)",
            "retention_drops_at": format_iso(window.start + EVENT_TTL),
        }
        return Fetched(
            format="kubernetes.events", query=" ".join(args), data=kubectl.run(*args), meta=meta
        )

    def _logs(
        self, kubectl: Kubectl, namespace: str, selector: str, window: Window
    ) -> Iterator[Fetched]:
        for pod in _pod_names(kubectl, namespace, selector):
            args = (
                "logs",
                "-n",
                namespace,
                pod,
                "--all-containers=true",
                "--timestamps",
                f"--since-time={format_iso(window.start)}",
            )
            meta = {"namespace": namespace, "pod": pod, "stream": f"{namespace}/{pod}"}
            yield Fetched(
                format="log.kubectl", query=" ".join(args[:4]), data=kubectl.run(*args), meta=meta
            )


def _pod_names(kubectl: Kubectl, namespace: str, selector: str) -> list[str]:
    raw = kubectl.run("get", "pods", "-n", namespace, "-l", selector, "-o", "json")
    try:
        items = json.loads(raw).get("items", [])
        return sorted(str(item["metadata"]["name"]) for item in items)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SourceError(
            kubectl.spec.name, f"kubectl get pods: unexpected output ({exc})"
        ) from exc
