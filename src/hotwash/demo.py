"""`hotwash demo`: the whole pipeline on the bundled example incident.

The example is copied to a fresh folder, then each step runs on the copy. Every step is a
plain function taking the :class:`DemoRun`; a step that fails stops the demo with its error.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from hotwash.errors import HotwashError

__all__ = ["EXAMPLE", "DemoRun", "example_path", "run_demo"]

EXAMPLE = "checkout-errors"
_MARKER = ".hotwash-demo"


def example_path(name: str = EXAMPLE) -> Path:
    """Where the bundled example lives (inside the package, or the source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "examples" / name, here.parents[1] / "examples" / name):
        if (candidate / "incident.yaml").exists():
            return candidate
    raise HotwashError(f"bundled example {name!r} not found next to the package")


@dataclass
class DemoRun:
    workspace: Path
    echo: Callable[[str], None]
    now: datetime | None = None
    lines: list[str] = field(default_factory=list)
    failed: bool = False

    def say(self, text: str) -> None:
        self.lines.append(text)
        self.echo(text)


def prepare(out: Path) -> Path:
    """Copy the example to ``out`` (replacing an earlier demo there, nothing else)."""
    if out.exists() and any(out.iterdir()):
        if not (out / _MARKER).exists():
            raise HotwashError(f"{out} exists and is not a demo folder; choose another --out")
        shutil.rmtree(out)
    shutil.copytree(
        example_path(), out, ignore=shutil.ignore_patterns("out", "records", "evidence")
    )
    (out / _MARKER).write_text("created by hotwash demo; safe to delete\n", encoding="utf-8")
    return out


def step_collect(run: DemoRun) -> None:
    """Collect the example's raw evidence (logs, metrics, alerts, pages, chat, events)."""
    from hotwash.collect import collect
    from hotwash.collect.summary import summary_text

    result = collect(run.workspace)
    run.say("== collect")
    run.say(summary_text(result))
    if not result.ok:
        run.failed = True


def step_timeline(run: DemoRun) -> None:
    """Build the timeline from the collected evidence and accept it into incident.yaml."""
    from hotwash.timeline import accept_in_workspace
    from hotwash.timeline.text import format_result

    result, done, path = accept_in_workspace(run.workspace, None)
    run.say("== timeline")
    run.say(format_result(result))
    run.say(
        f"accepted {len(done.added)} detected entries into {path.name} "
        f"({len(done.skipped)} already there); milestones filled: "
        f"{', '.join(done.milestones) or 'none (all written by hand)'}"
    )


def step_check(run: DemoRun) -> None:
    """Lint the post-mortem as of three days after resolution (reproducible)."""
    from hotwash.checks.output import format_text
    from hotwash.checks.rule import CheckContext
    from hotwash.checks.runner import run_checks
    from hotwash.config import load_settings
    from hotwash.document import load
    from hotwash.evidence.store import workspace_evidence

    doc = load(run.workspace)
    resolved = doc.incident.milestones.resolved
    run.now = run.now or (resolved + timedelta(days=3) if resolved else None)
    ctx = CheckContext(settings=load_settings(run.workspace))
    ctx.evidence = workspace_evidence(run.workspace)
    if run.now is not None:
        ctx.now = run.now
    result = run_checks(doc, ctx)
    run.say(f"== check (as of {ctx.now:%Y-%m-%d %H:%M} UTC)")
    run.say(format_text([result]))


def step_render(run: DemoRun) -> None:
    """Write the report as Markdown and HTML (and PDF when the extra is installed)."""
    from hotwash.document import load
    from hotwash.render import available_formats, render_files

    doc = load(run.workspace)
    written = render_files(doc, run.workspace / "out", available_formats())
    run.say("== render")
    for path in written:
        run.say(f"wrote {path}")


def step_publish(run: DemoRun) -> None:
    """Dry run of publishing: the tracker issues and reminders it would create (no network)."""
    from datetime import UTC

    from hotwash.publish.pipeline import PublishRequest, publish
    from hotwash.publish.present import publish_lines

    now = run.now or datetime.now(UTC)
    request = PublishRequest(trackers=True, calendar=True, dry_run=True, now=now)
    result = publish(run.workspace, request)
    run.say("== publish")
    for line in publish_lines(result, dry_run=True):
        run.say(line)


STEPS: list[Callable[[DemoRun], None]] = [
    step_collect,
    step_timeline,
    step_check,
    step_render,
    step_publish,
]


def run_demo(out: Path, echo: Callable[[str], None] = print) -> DemoRun:
    """Copy the example into ``out`` and run every step on it."""
    run = DemoRun(workspace=prepare(out), echo=echo)
    run.say(f"Hotwash demo on {example_path().name}, in {out}")
    for step in STEPS:
        step(run)
    return run
