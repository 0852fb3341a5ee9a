"""Timeline benchmark on the bundled example: precision, recall, milestones, skew, time.

    .venv/bin/python bench/timeline_example.py [--runs 5] [--tolerance 5]

Copies ``examples/checkout-errors`` to a temporary workspace, collects it through the
collector API, builds the timeline from the evidence alone (the document's hand-written
timeline and milestones are left out, so nothing is copied from the answer) and scores
it against ``ground_truth.yaml``: an entry matches when its kind agrees and its time is
within the tolerance (the truth entry's own ``tolerance_seconds`` where it has one). The
milestones are compared with the example's incident.yaml (within 60 s), the clock-skew
estimates with the ground truth's ``clock_offsets``. Build time is the median of --runs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "checkout-errors"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tolerance", type=float, default=5.0, help="seconds (default 5)")
    args = parser.parse_args()

    from hotwash.collect import collect
    from hotwash.document import load
    from hotwash.records import read_records
    from hotwash.timeline import build_timeline
    from hotwash.timeline.build import read_manifest
    from hotwash.timeline.evaluate import load_ground_truth, score_events, score_milestones
    from hotwash.timeutil import format_utc

    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "checkout-errors"
        shutil.copytree(EXAMPLE, workspace, ignore=shutil.ignore_patterns("out", "records"))
        started = time.perf_counter()
        collect(workspace)
        collect_s = time.perf_counter() - started
        records = read_records(workspace).collect()
        manifest = read_manifest(workspace)
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            result = build_timeline(records, manifest, None)
            timings.append(time.perf_counter() - started)

    truth, data = load_ground_truth(EXAMPLE / "ground_truth.yaml")
    events = result.events
    print(f"records: {records.height}   entries: {len(events)}   collect: {collect_s:.2f} s")
    print(f"build_timeline: median {statistics.median(timings):.3f} s over {args.runs} runs")
    for label, seconds in (("strict", args.tolerance), ("ground truth", data["tolerance_seconds"])):
        score = score_events(events, truth, timedelta(seconds=seconds))
        print(
            f"{label} (±{seconds:g} s unless the entry says otherwise): "
            f"recall {score.recall:.2f} ({score.matched}/{score.required})  "
            f"precision {score.precision:.2f} ({score.correct}/{score.counted})  "
            f"one-to-one precision {score.precision_one_to_one:.2f}"
        )
        for miss in score.missed:
            print(f"    missed: {format_utc(miss.at)} {miss.kind:<13} {miss.title}")
        for wrong in score.wrong:
            print(f"    extra:  {format_utc(wrong.at)} {wrong.kind!s:<13} {wrong.title[:70]}")
    wanted = load(EXAMPLE).incident.milestones
    print("milestones (proposed - incident.yaml):")
    for name, delta in score_milestones(result.proposed_milestones(), wanted).items():
        verdict = "-" if delta is None else ("ok" if abs(delta) <= timedelta(seconds=60) else "OFF")
        shown = "missing" if delta is None else f"{delta.total_seconds():+.1f} s"
        print(f"    {name:<15} {shown:>10}  {verdict}")
    for want in data.get("clock_offsets", []):
        found = [s for s in result.skew if s.source == want["source"]]
        got = ", ".join(f"{s.offset.total_seconds():+.2f} s vs {s.reference}" for s in found)
        print(
            f"skew {want['source']}: truth {want['offset_seconds']:+} s, estimate {got or 'none'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
