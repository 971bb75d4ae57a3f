#!/usr/bin/env python3
"""Writes the typed table of the pinned OpenTelemetry GenAI conventions as Rust.

    python3 scripts/generate_conventions.py ../shared/semconv > macros/src/conventions.rs
    cargo fmt --all

The output is committed: the crates build without the YAML. Re-run it when the pinned
conventions change; `cargo test -p otel-genai-macros` checks the table against itself.
"""

import sys
from pathlib import Path

import yaml

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/semconv")

REGISTRIES = [
    "gen-ai/registry.yaml",
    "openai/registry.yaml",
    "aws-bedrock/registry.yaml",
    "mcp/registry.yaml",
    "core/server/registry.yaml",
    "core/error/registry.yaml",
]
DEPRECATED_GROUPS = {"registry.gen_ai.deprecated", "registry.gen_ai.openai.deprecated"}

# Message content: recorded only when content capture is on.
CONTENT_EXTRA = {"gen_ai.tool.definitions", "gen_ai.retrieval.documents"}

# When an attribute's value is known. The conventions do not say it in a field; the
# names and briefs do, and these rules write that down once.
RESPONSE_PREFIXES = ("gen_ai.response.", "gen_ai.usage.", "openai.response.", "gen_ai.evaluation.")
RESPONSE_NAMES = {
    "gen_ai.output.messages",
    "gen_ai.tool.call.result",
    "gen_ai.retrieval.documents",
    "gen_ai.memory.records",
    "gen_ai.memory.record.count",
    "gen_ai.conversation.compacted",
    "error.type",
    "mcp.session.id",
}
START_PREFIXES = ("gen_ai.request.", "openai.request.", "gen_ai.agent.", "gen_ai.prompt.", "server.", "aws.bedrock.")
START_NAMES = {
    "gen_ai.operation.name",
    "gen_ai.provider.name",
    "gen_ai.input.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.definitions",
    "gen_ai.tool.call.arguments",
    "gen_ai.tool.name",
    "gen_ai.tool.type",
    "gen_ai.tool.description",
    "gen_ai.tool.call.id",
    "gen_ai.data_source.id",
    "gen_ai.retrieval.query.text",
    "gen_ai.retrieval.top_k",
    "gen_ai.output.type",
    "gen_ai.workflow.name",
    "gen_ai.conversation.id",
    "gen_ai.embeddings.dimension.count",
    "gen_ai.memory.store.id",
    "gen_ai.memory.record.id",
    "gen_ai.memory.query.text",
    "openai.api.type",
    "mcp.method.name",
    "mcp.resource.uri",
    "mcp.protocol.version",
}

# Which operations each span definition covers.
SPAN_OPERATIONS = {
    "gen_ai.inference.client": ["chat", "text_completion", "generate_content"],
    "gen_ai.embeddings.client": ["embeddings"],
    "gen_ai.retrieval.client": ["retrieval"],
    "gen_ai.fetch_response.client": ["fetch_response"],
    "gen_ai.memory.client": [
        "create_memory_store", "search_memory", "create_memory", "update_memory",
        "upsert_memory", "delete_memory", "delete_memory_store",
    ],
    "gen_ai.create_agent.client": ["create_agent"],
    "gen_ai.invoke_agent.client": ["invoke_agent"],
    "gen_ai.invoke_agent.internal": ["invoke_agent"],
    "gen_ai.execute_tool.internal": ["execute_tool"],
    "gen_ai.invoke_workflow.internal": ["invoke_workflow"],
    "gen_ai.plan.internal": ["plan"],
}


# Names the conventions do not define that otel-genai records, marked as extensions.
EXTENSION_ATTRIBUTES = [
    {"name": "gen_ai.usage.cost", "type": "Double", "members": [], "template": False, "stability": "development",
     "content": False,
     "brief": "The cost of the operation in USD, from its token usage and a price table (an otel-genai "
              "extension: the name Langfuse reads and OpenLIT writes)."},
]

# Explicit bucket boundaries. The pinned metrics.yaml carries no advice; these are the
# boundaries the conventions' text advises (durations, tokens, server time to first token
# and per output token), reused for the client streaming metrics and the agent, tool and
# workflow durations; the call counts and cost are ours.
DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]
TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]
FIRST_TOKEN_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0]
PER_TOKEN_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5]
CALL_BUCKETS = [0, 1, 2, 4, 8, 16, 32, 64, 128]
COST_BUCKETS = [0.00001, 0.0001, 0.001, 0.01, 0.1, 1, 10, 100]
SCORE_BUCKETS = [0, 0.25, 0.5, 0.75, 1, 2, 3, 4, 5, 10]
BUCKETS = {
    "gen_ai.client.token.usage": TOKEN_BUCKETS,
    "gen_ai.client.operation.duration": DURATION_BUCKETS,
    "gen_ai.client.operation.time_to_first_chunk": FIRST_TOKEN_BUCKETS,
    "gen_ai.client.operation.time_per_output_chunk": PER_TOKEN_BUCKETS,
    "gen_ai.server.request.duration": DURATION_BUCKETS,
    "gen_ai.server.time_per_output_token": PER_TOKEN_BUCKETS,
    "gen_ai.server.time_to_first_token": FIRST_TOKEN_BUCKETS,
    "gen_ai.workflow.duration": DURATION_BUCKETS,
    "gen_ai.invoke_agent.duration": DURATION_BUCKETS,
    "gen_ai.invoke_agent.inference_calls": CALL_BUCKETS,
    "gen_ai.invoke_agent.tool_calls": CALL_BUCKETS,
    "gen_ai.execute_tool.duration": DURATION_BUCKETS,
    "gen_ai.usage.cost": COST_BUCKETS,
    "gen_ai.evaluation.score": SCORE_BUCKETS,
}

# Metrics the conventions do not define that otel-genai records, marked as extensions.
EXTENSION_METRICS = [
    {"name": "gen_ai.usage.cost", "unit": "USD", "value": "Double",
     "brief": "The cost of GenAI operations in USD, from their token usage and a price table.",
     "attributes": {"gen_ai.operation.name": "Required", "gen_ai.provider.name": "Required",
                    "gen_ai.request.model": "ConditionallyRequired", "gen_ai.response.model": "Recommended"}},
    {"name": "gen_ai.evaluation.score", "unit": "1", "value": "Double",
     "brief": "Evaluation scores (`gen_ai.evaluation.score.value`) by evaluation name and label.",
     "attributes": {"gen_ai.evaluation.name": "Required", "gen_ai.evaluation.score.label": "Recommended"}},
]


def rust_str(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def one_line(text):
    return " ".join((text or "").split())


def phase_of(name):
    if name in RESPONSE_NAMES or name.startswith(RESPONSE_PREFIXES):
        return "Response"
    if name in START_NAMES or name.startswith(START_PREFIXES):
        return "Start"
    return "Either"


def value_type(raw):
    if isinstance(raw, dict):
        values = [m["value"] for m in raw["members"]]
        return ("Int" if all(isinstance(v, int) for v in values) else "String"), values
    simple = {
        "string": "String", "int": "Int", "double": "Double", "boolean": "Boolean",
        "string[]": "StringArray", "int[]": "IntArray", "double[]": "DoubleArray",
        "boolean[]": "BooleanArray", "any": "Any", "template[string]": "String",
    }
    return simple[raw], []


def attributes():
    found = []
    for path in REGISTRIES:
        data = yaml.safe_load((ROOT / path).read_text())
        entries = data.get("attributes") or [a for g in data.get("groups", []) for a in g.get("attributes", [])]
        for entry in entries:
            name = entry.get("key") or entry.get("id")
            ty, members = value_type(entry["type"])
            sensitive = "sensitive information" in (entry.get("note") or "")
            found.append({
                "name": name,
                "type": ty,
                "members": members,
                "template": str(entry["type"]).startswith("template["),
                "stability": entry.get("stability", "development"),
                "content": sensitive or name in CONTENT_EXTRA,
                "brief": one_line(entry.get("brief")),
                "extension": False,
            })
    for extension in EXTENSION_ATTRIBUTES:
        found.append(dict(extension, extension=True))
    return sorted(found, key=lambda a: a["name"])


def deprecated():
    data = yaml.safe_load((ROOT / "core/gen-ai-deprecated/registry-deprecated.yaml").read_text())
    found = []
    for group in data["groups"]:
        if group["id"] not in DEPRECATED_GROUPS:
            continue
        for entry in group["attributes"]:
            note = one_line(entry["deprecated"].get("note"))
            replacement = None
            if note.startswith("Replaced by `"):
                replacement = note[len("Replaced by `"):].split("`")[0]
            found.append({"name": entry["id"], "replacement": replacement,
                          "note": note.split(", which has moved")[0].rstrip(".") + "."})
    return sorted(found, key=lambda d: d["name"])


def requirement(raw):
    if isinstance(raw, dict):
        raw = next(iter(raw))
    return {"required": "Required", "conditionally_required": "ConditionallyRequired",
            "recommended": "Recommended", "opt_in": "OptIn"}[raw]


def attribute_groups():
    """The attribute groups of spans.yaml and metrics.yaml, by id."""
    groups = {}
    for path in ("gen-ai/spans.yaml", "gen-ai/metrics.yaml"):
        for group in yaml.safe_load((ROOT / path).read_text())["attribute_groups"]:
            groups[group["id"]] = group["attributes"]
    return groups


def referenced(entries, groups):
    """The attribute references of `entries`, groups expanded in place, in order: a later
    reference of the same name refines an earlier one."""
    for entry in entries:
        if "ref_group" in entry:
            yield from referenced(groups[entry["ref_group"]], groups)
        else:
            yield entry


def spans():
    data = yaml.safe_load((ROOT / "gen-ai/spans.yaml").read_text())
    groups = attribute_groups()
    found = []
    for span in data["spans"]:
        attrs = {}
        for entry in referenced(span["attributes"], groups):
            current = attrs.setdefault(entry["ref"], {"requirement": "Recommended", "sampling": False})
            if "requirement_level" in entry:
                current["requirement"] = requirement(entry["requirement_level"])
            if entry.get("sampling_relevant"):
                current["sampling"] = True
        found.append({"type": span["type"], "kind": span["kind"], "operations": SPAN_OPERATIONS[span["type"]],
                      "attributes": attrs})
    return found


def metrics():
    data = yaml.safe_load((ROOT / "gen-ai/metrics.yaml").read_text())
    groups = attribute_groups()
    found = []
    for metric in data["metrics"]:
        attrs = {}
        for entry in referenced(metric["attributes"], groups):
            level = entry.get("requirement_level")
            attrs[entry["ref"]] = requirement(level) if level else attrs.get(entry["ref"], "Recommended")
        found.append({
            "name": metric["name"],
            "unit": metric["unit"],
            "value": "Int" if metric["annotations"]["code_generation"]["metric_value_type"] == "int" else "Double",
            "brief": one_line(metric["brief"]),
            "attributes": attrs,
            "extension": False,
        })
    for extension in EXTENSION_METRICS:
        found.append(dict(extension, extension=True))
    return sorted(found, key=lambda m: m["name"])


def events():
    data = yaml.safe_load((ROOT / "gen-ai/events.yaml").read_text())
    return sorted(({"name": event["name"], "brief": one_line(event["brief"])} for event in data["events"]),
                  key=lambda e: e["name"])


def constants(w, module, doc, items):
    """A module of name constants: `gen_ai.request.model` as `GEN_AI_REQUEST_MODEL`."""
    w(f"/// {doc}")
    w(f"pub mod {module} {{")
    for item in items:
        const = item["name"].upper().replace(".", "_")
        w(f"    /// `{item['name']}`: {item['brief']}")
        w(f"    pub const {const}: &str = {rust_str(item['name'])};")
    w("}")


def float_list(values):
    return ", ".join(repr(float(v)) for v in values)


def main():
    out = []
    w = out.append
    manifest = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    w("// The pinned OpenTelemetry GenAI conventions as a typed table.")
    w("// Written by scripts/generate_conventions.py from semantic-conventions-genai at")
    w("// fe5608e2 and semantic-conventions v1.44.0; edit the script, not this file.")
    w("")
    w("#![allow(dead_code)]")
    w("")
    w(f"/// The schema URL of the pinned conventions.")
    w(f"pub const SCHEMA_URL: &str = {rust_str(manifest['schema_url'])};")
    w("")
    w(Path(__file__).with_name("conventions_types.rs").read_text().rstrip())
    w("")
    w("/// Every attribute of the pinned conventions, sorted by name.")
    w("pub static ATTRIBUTES: &[AttributeDef] = &[")
    for a in attributes():
        members = ", ".join(rust_str(str(m)) for m in a["members"])
        w("    AttributeDef {")
        w(f"        name: {rust_str(a['name'])},")
        w(f"        ty: ValueType::{a['type']},")
        w(f"        members: &[{members}],")
        w(f"        template: {str(a['template']).lower()},")
        w(f"        stability: Stability::{'Stable' if a['stability'] == 'stable' else 'Development'},")
        w(f"        phase: Phase::{phase_of(a['name'])},")
        w(f"        content: {str(a['content']).lower()},")
        w(f"        brief: {rust_str(a['brief'])},")
        w(f"        extension: {str(a['extension']).lower()},")
        w("    },")
    w("];")
    w("")
    constants(w, "names", "Every attribute name as a constant, such as `GEN_AI_REQUEST_MODEL`.", attributes())
    w("")
    w("/// Deprecated names: never emitted, a compile error where written.")
    w("pub static DEPRECATED: &[DeprecatedDef] = &[")
    for d in deprecated():
        replacement = f"Some({rust_str(d['replacement'])})" if d["replacement"] else "None"
        w(f"    DeprecatedDef {{ name: {rust_str(d['name'])}, replacement: {replacement}, note: {rust_str(d['note'])} }},")
    w("];")
    w("")
    w("/// The span definitions of `spans.yaml` with their attributes' requirement levels.")
    w("pub static SPANS: &[SpanDef] = &[")
    for s in spans():
        w("    SpanDef {")
        w(f"        span_type: {rust_str(s['type'])},")
        w(f"        client: {str(s['kind'] == 'client').lower()},")
        w(f"        operations: &[{', '.join(rust_str(o) for o in s['operations'])}],")
        w("        attributes: &[")
        for name, info in sorted(s["attributes"].items()):
            w(f"            SpanAttribute {{ name: {rust_str(name)}, requirement: Requirement::{info['requirement']}, sampling_relevant: {str(info['sampling']).lower()} }},")
        w("        ],")
        w("    },")
    w("];")
    w("")
    w("/// The metrics of `metrics.yaml` (all histograms), and ours marked as extensions, sorted by name.")
    w("pub static METRICS: &[MetricDef] = &[")
    for m in metrics():
        w("    MetricDef {")
        w(f"        name: {rust_str(m['name'])},")
        w(f"        unit: {rust_str(m['unit'])},")
        w(f"        value: MetricValue::{m['value']},")
        w(f"        brief: {rust_str(m['brief'])},")
        w("        attributes: &[")
        for name, level in sorted(m["attributes"].items()):
            w(f"            MetricAttribute {{ name: {rust_str(name)}, requirement: Requirement::{level} }},")
        w("        ],")
        w(f"        buckets: &[{float_list(BUCKETS.get(m['name'], []))}],")
        w(f"        extension: {str(m['extension']).lower()},")
        w("    },")
    w("];")
    w("")
    constants(w, "metric_names", "Every metric name as a constant, such as `GEN_AI_CLIENT_OPERATION_DURATION`.", metrics())
    w("")
    constants(w, "event_names", "Every event name as a constant, such as `GEN_AI_EVALUATION_RESULT`.", events())
    sys.stdout.write("\n".join(out) + "\n")


main()
