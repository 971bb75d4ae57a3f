#!/usr/bin/env python3
"""Prints the medians of the last `cargo bench -p otel-genai-bench --bench overhead` run
and the ratios the targets are stated in, as a Markdown table."""

import json
import sys
from pathlib import Path

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
VARIANTS = ["bare", "hand_written", "macro", "tracing", "hand_written_no_provider", "macro_no_provider", "tracing_no_subscriber"]


def median_ns(workload, variant):
    path = ROOT / workload / variant / "new" / "estimates.json"
    return json.loads(path.read_text())["median"]["point_estimate"]


def main():
    workloads = sorted(p.name for p in ROOT.iterdir() if (p / "macro").is_dir() and "+metrics" not in p.name)
    metered = sorted(p.name for p in ROOT.iterdir() if (p / "macro").is_dir() and "+metrics" in p.name)
    if metered:
        print("| workload, with metrics | hand_written | macro | macro / hand |")
        print("|---|---|---|---|")
        for workload in metered:
            hand, ours = median_ns(workload, "hand_written"), median_ns(workload, "macro")
            print(f"| {workload} | {hand:.1f} ns | {ours:.1f} ns | {ours / hand:.2f} |")
        print()
    print("| workload | " + " | ".join(VARIANTS) + " | macro / hand | macro / tracing | no provider: macro / hand |")
    print("|---" * (len(VARIANTS) + 4) + "|")
    for workload in workloads:
        m = {v: median_ns(workload, v) for v in VARIANTS}
        cells = " | ".join(f"{m[v]:.1f} ns" for v in VARIANTS)
        print(f"| {workload} | {cells} | {m['macro'] / m['hand_written']:.2f} | {m['macro'] / m['tracing']:.2f} | "
              f"{m['macro_no_provider'] / m['hand_written_no_provider']:.2f} |")


main()
