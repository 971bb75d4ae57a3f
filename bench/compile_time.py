#!/usr/bin/env python3
"""Wall time of `cargo build` for a crate of 200 annotated functions, three ways: the
otel-genai macros, `#[tracing::instrument]`, and no attribute.

    python3 bench/compile_time.py [runs]

Dependencies are built once first; each timed run touches the crate's source and rebuilds
the crate alone (debug profile), as in an edit-compile loop.
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "compile-time"
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
FUNCTIONS = 200


def function(variant, index):
    body_sync = f"query.len() + {index}"
    if index % 2 == 0:
        attribute = {
            "otel-genai": "/// Looks something up.\n#[otel_genai::tool]",
            "tracing": "/// Looks something up.\n#[tracing::instrument]",
            "none": "/// Looks something up.",
        }[variant]
        return f"{attribute}\npub fn tool_{index}(query: &str) -> Result<usize, String> {{\n    Ok({body_sync})\n}}\n"
    attribute = {
        "otel-genai": f'#[otel_genai::agent(name = "agent-{index}", conversation_id = session)]',
        "tracing": "#[tracing::instrument]",
        "none": "",
    }[variant]
    return (
        f"{attribute}\npub async fn agent_{index}(session: &str, task: &str) -> Result<usize, String> {{\n"
        f"    let found = tool_{index - 1}(task)?;\n    Ok(found + session.len())\n}}\n"
    )


def generate(variant):
    crate = WORK / variant
    (crate / "src").mkdir(parents=True, exist_ok=True)
    dependency = {
        "otel-genai": f'otel-genai = {{ path = "{ROOT / "runtime"}" }}',
        "tracing": 'tracing = { version = "0.1", default-features = false, features = ["std", "attributes"] }',
        "none": "",
    }[variant]
    (crate / "Cargo.toml").write_text(
        f'[package]\nname = "generated-{variant}"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
        f"[dependencies]\n{dependency}\n\n[workspace]\n"
    )
    (crate / "src" / "lib.rs").write_text("\n".join(function(variant, i) for i in range(FUNCTIONS)))
    return crate


def build(crate):
    start = time.monotonic()
    subprocess.run(["cargo", "build", "-q", "--manifest-path", str(crate / "Cargo.toml")], check=True,
                   env={**__import__("os").environ, "CARGO_TARGET_DIR": str(WORK / "target")})
    return time.monotonic() - start


def main():
    results = {}
    for variant in ["none", "otel-genai", "tracing"]:
        crate = generate(variant)
        build(crate)  # dependencies, untimed
        times = []
        for _ in range(RUNS):
            (crate / "src" / "lib.rs").touch()
            times.append(build(crate))
        results[variant] = times
    print(f"compile time of {FUNCTIONS} annotated functions (debug build of the crate alone, {RUNS} runs):")
    for variant, times in results.items():
        print(f"  {variant:<11} median {statistics.median(times):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})")
    ours, tracing = statistics.median(results["otel-genai"]), statistics.median(results["tracing"])
    print(f"  otel-genai / tracing {ours / tracing:.2f}")


main()
