//! The research agent exported through `init()` to `otel-genai serve` over gRPC and over
//! HTTP, then read back through the terminal views and through a real MCP client (rmcp over
//! stdio), every tool's answer and errors asserted.

mod support;

use std::collections::BTreeSet;

use otel_genai::init::{Config, Protocol, Signal};
use otel_genai_examples::ModelServer;
use otel_genai_examples::research::research;
use rmcp::ServiceExt as _;
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};
use support::{Serve, run, scratch};

/// `init` installs global providers: one test at a time.
static GLOBAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Two runs of the research agent (the second one's page fetch is rate limited), exported
/// to `endpoint` with `protocol`.
async fn export_two_runs(endpoint: String, protocol: Protocol) {
    let config = Config::default()
        .service_name("research-agent")
        .otlp_endpoint(endpoint)
        .protocol(protocol)
        .exporters(Signal::Logs, [otel_genai::init::Exporter::Otlp])
        .announce(false);
    let telemetry = otel_genai::init_with(config).unwrap();
    let server = ModelServer::start().await;
    let client = server.client();
    research(&client, "gpt-4o", "session-1", "how to trace LLM agents", "https://example.org/otel").await.unwrap();
    research(&client, "gpt-4o", "session-2", "token cost of agents", "https://busy.example.org").await.unwrap();
    tokio::task::block_in_place(|| telemetry.shutdown());
}

struct Mcp {
    client: rmcp::service::RunningService<rmcp::RoleClient, ()>,
}

impl Mcp {
    async fn start(db: &std::path::Path) -> Mcp {
        let mut command = tokio::process::Command::new(support::EXE);
        command.arg("--db").arg(db).arg("mcp");
        let transport = rmcp::transport::TokioChildProcess::new(command).unwrap();
        Mcp { client: ().serve(transport).await.unwrap() }
    }

    /// A tool's structured answer; panics on an error.
    async fn call(&self, tool: &'static str, arguments: Value) -> Value {
        let result =
            self.try_call(tool, arguments.clone()).await.unwrap_or_else(|e| panic!("{tool} {arguments}: {e:?}"));
        assert_ne!(result.is_error, Some(true), "{tool}: {result:?}");
        let structured = result.structured_content.clone().expect("a structured answer");
        // The same answer as text, for clients that read only text.
        let text = result.content.first().and_then(|c| c.as_text()).map(|t| t.text.clone()).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), structured);
        structured
    }

    async fn try_call(
        &self,
        tool: &'static str,
        arguments: Value,
    ) -> Result<rmcp::model::CallToolResult, rmcp::ServiceError> {
        let arguments = arguments.as_object().unwrap().clone();
        self.client.call_tool(CallToolRequestParams::new(tool).with_arguments(arguments)).await
    }

    /// The MCP error a call gets: code and message.
    async fn error(&self, tool: &'static str, arguments: Value) -> (i32, String) {
        match self.try_call(tool, arguments).await {
            Err(rmcp::ServiceError::McpError(error)) => (error.code.0, error.message.to_string()),
            other => panic!("{tool}: expected an MCP error, got {other:?}"),
        }
    }
}

fn names(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_research_agent_read_back_through_the_views_and_mcp() {
    let _one = GLOBAL.lock().await;
    let dir = scratch("roundtrip");
    let db = dir.join("traces.db");
    let serve = Serve::start(&db, &[]);

    // Content is captured on the HTTP runs only.
    export_two_runs(format!("http://{}", serve.grpc), Protocol::Grpc).await;
    otel_genai::content::set_capture_mode(otel_genai::content::CaptureMode::SpanAndEvent);
    export_two_runs(format!("http://{}", serve.http), Protocol::HttpProtobuf).await;
    otel_genai::content::set_capture_mode(otel_genai::content::CaptureMode::NoContent);

    // `traces`: four runs, newest first; the two rate-limited ones have an error.
    let (ok, stdout, stderr) = run(&db, &["traces", "--json"]);
    assert!(ok, "{stderr}");
    let traces: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(traces.len(), 4, "{stdout}");
    for trace in &traces {
        assert_eq!(trace["root"], "invoke_agent research-agent");
        assert_eq!(trace["service"], "research-agent");
        assert_eq!(trace["spans"], 5);
        assert_eq!(trace["complete"], true);
        assert!(trace["input_tokens"].as_i64().unwrap() > 0 && trace["cost_usd"].as_f64().unwrap() > 0.0);
    }
    let failed: Vec<&Value> = traces.iter().filter(|t| t["errors"] == 1).collect();
    assert_eq!(failed.len(), 2);
    let (ok, table, _) = run(&db, &["traces", "--errors"]);
    assert!(ok);
    assert_eq!(table.lines().count(), 3, "{table}");
    assert!(table.lines().next().unwrap().starts_with("TRACE  "), "{table}");
    println!("{table}");

    // `show`: the tree the console prints, by a prefix of the id.
    // The older one: exported over gRPC, without content.
    let error_trace = failed[1]["trace_id"].as_str().unwrap().to_owned();
    let (ok, tree, stderr) = run(&db, &["show", &error_trace[..8]]);
    assert!(ok, "{stderr}");
    let shape: Vec<&str> = tree.lines().map(|l| l.split("  ").next().unwrap()).collect();
    assert_eq!(
        shape,
        [
            "invoke_agent research-agent",
            "├─ chat gpt-4o",
            "├─ • plan ready",
            "├─ execute_tool web_search",
            "├─ execute_tool fetch_page",
            "└─ chat gpt-4o"
        ],
        "{tree}"
    );
    assert!(tree.contains("ERROR rate_limited: rate limited, retry later"), "{tree}");
    println!("{tree}");
    let (_, detailed, _) = run(&db, &["show", &error_trace, "--attributes"]);
    assert!(detailed.contains("gen_ai.agent.name = research-agent"), "{detailed}");
    assert!(detailed.contains("gen_ai.tool.name = fetch_page"), "{detailed}");
    // The HTTP runs captured content: shown only with --content.
    let http_trace = traces[0]["trace_id"].as_str().unwrap().to_owned();
    let (ok, without, _) = run(&db, &["show", &http_trace, "--attributes"]);
    assert!(ok && without.contains("gen_ai.request.model = gpt-4o"), "{without}");
    assert!(!without.contains("gen_ai.input.messages"), "{without}");
    let (_, with, _) = run(&db, &["show", &http_trace, "--attributes", "--content"]);
    assert!(with.contains("gen_ai.input.messages = "), "{with}");
    assert!(
        with.contains("Plan the research: token cost of agents") || with.contains("Plan the research: how to trace"),
        "{with}"
    );
    let (ok, _, stderr) = run(&db, &["show", "0123456789abcdef"]);
    assert!(!ok);
    assert_eq!(stderr.trim(), "otel-genai: no trace 0123456789abcdef in the store");
    let (ok, _, stderr) = run(&db, &["show", "not-an-id"]);
    assert!(!ok);
    assert!(stderr.contains("\"not-an-id\" is not a trace id"), "{stderr}");

    // The MCP server over stdio, through the rmcp client.
    let mcp = Mcp::start(&db).await;
    let info = mcp.client.peer_info().unwrap();
    assert_eq!(info.server_info.as_ref().unwrap().name, "otel-genai");
    assert!(info.instructions.as_deref().unwrap().contains("list_traces"));
    let tools = mcp.client.list_all_tools().await.unwrap();
    let tool_names: BTreeSet<String> = tools.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(
        tool_names,
        ["compare_runs", "find_errors", "get_trace", "list_traces", "usage_summary"].map(String::from).into()
    );
    for tool in &tools {
        assert!(tool.description.as_deref().is_some_and(|d| d.len() > 80), "{}", tool.name);
        assert_eq!(tool.input_schema.get("type"), Some(&json!("object")), "{}", tool.name);
    }
    let get_trace = tools.iter().find(|t| t.name == "get_trace").unwrap();
    assert_eq!(get_trace.input_schema["required"], json!(["trace_id"]));
    assert!(
        get_trace.input_schema["properties"]["include_content"]["description"].as_str().unwrap().contains("captured")
    );

    // list_traces
    let listed = mcp.call("list_traces", json!({})).await;
    assert_eq!(listed["count"], 4);
    assert_eq!(
        listed["traces"].as_array().unwrap().iter().map(|t| t["trace_id"].clone()).collect::<Vec<_>>(),
        traces.iter().map(|t| t["trace_id"].clone()).collect::<Vec<_>>()
    );
    let errors_only = mcp.call("list_traces", json!({"errors_only": true, "name": "fetch_page"})).await;
    assert_eq!(errors_only["count"], 2);
    assert_eq!(mcp.call("list_traces", json!({"service": "elsewhere"})).await["count"], 0);
    assert_eq!(mcp.call("list_traces", json!({"name": "research-agent"})).await["count"], 4);
    assert_eq!(mcp.call("list_traces", json!({"name": "no-such-agent"})).await["count"], 0);
    assert_eq!(mcp.call("list_traces", json!({"since": "1ms"})).await["count"], 0, "all ended earlier");
    assert_eq!(mcp.call("list_traces", json!({"min_duration": "10m"})).await["count"], 0);
    assert_eq!(mcp.call("list_traces", json!({"since": "1h", "limit": 1})).await["count"], 1);

    // get_trace: the tree with models, tokens, cost, errors and the reasoning step.
    let trace = mcp.call("get_trace", json!({"trace_id": &error_trace[..10]})).await;
    println!("get_trace {}:\n{}", &error_trace[..10], serde_json::to_string_pretty(&trace).unwrap());
    assert_eq!(trace["trace_id"], error_trace.as_str());
    let root = &trace["tree"][0];
    assert_eq!(root["name"], "invoke_agent research-agent");
    assert_eq!(root["agent"], "research-agent");
    assert_eq!(root["totals"]["inference_calls"], 2);
    assert_eq!(root["totals"]["input_tokens"], trace["input_tokens"]);
    assert_eq!(
        names(&root["children"]),
        ["chat gpt-4o", "execute_tool web_search", "execute_tool fetch_page", "chat gpt-4o"]
    );
    let fetch = &root["children"][2];
    assert_eq!(fetch["status"], "error");
    assert_eq!(fetch["error"], json!({"type": "rate_limited", "message": "rate limited, retry later"}));
    let chat = &root["children"][0];
    assert_eq!(chat["provider"], "openai");
    assert_eq!(chat["response_model"], "gpt-4o-2024-08-06");
    let chat_tokens: i64 = [0, 3].iter().map(|&i| root["children"][i]["tokens"]["input"].as_i64().unwrap()).sum();
    assert_eq!(json!(chat_tokens), trace["input_tokens"]);
    assert_eq!(root["events"][0]["name"], "plan ready");
    assert_eq!(root["events"][0]["attributes"]["app.plan.steps"], 2);
    assert!(trace["content"].as_str().unwrap().starts_with("no content was captured"));
    assert!(trace.get("truncated").is_none());
    assert!(chat.get("attributes").is_none() && chat.get("content").is_none());
    // Bounded: one span only, the rest counted.
    let cut = mcp.call("get_trace", json!({"trace_id": error_trace, "max_spans": 1})).await;
    assert_eq!(cut["truncated"]["spans_omitted"], 4);
    assert!(cut["tree"][0].get("children").is_none());
    // Content where it was captured, and only when asked.
    let http = mcp.call("get_trace", json!({"trace_id": http_trace})).await;
    assert_eq!(http["content"], "content was captured; ask again with include_content = true to see it");
    let http = mcp
        .call("get_trace", json!({"trace_id": http_trace, "include_content": true, "include_attributes": true}))
        .await;
    let messages = &http["tree"][0]["children"][0]["content"]["gen_ai.input.messages"];
    assert!(messages.as_str().unwrap().contains("Plan the research"), "{messages}");
    assert_eq!(http["tree"][0]["children"][0]["attributes"]["gen_ai.request.model"], "gpt-4o");

    // find_errors
    let errors = mcp.call("find_errors", json!({"since": "1h"})).await;
    assert_eq!(errors["failed_spans"], 2);
    let group = &errors["errors"][0];
    assert_eq!(
        (&group["error_type"], &group["span"], &group["count"]),
        (&json!("rate_limited"), &json!("execute_tool fetch_page"), &json!(2))
    );
    assert!(failed.iter().any(|t| t["trace_id"] == group["sample_trace_id"]));
    assert_eq!(group["sample_message"], "rate limited, retry later");

    // usage_summary
    let by_model = mcp.call("usage_summary", json!({})).await;
    let model = &by_model["groups"][0];
    assert_eq!((&model["key"], &model["calls"]), (&json!("gpt-4o-2024-08-06"), &json!(8)));
    let total_input: i64 = traces.iter().map(|t| t["input_tokens"].as_i64().unwrap()).sum();
    assert_eq!(model["input_tokens"], total_input);
    let total_cost: f64 = traces.iter().map(|t| t["cost_usd"].as_f64().unwrap()).sum();
    assert!(total_cost > 0.0);
    assert!((model["cost_usd"].as_f64().unwrap() - total_cost).abs() <= 1e-7, "{model} against {total_cost}");
    assert!(
        model["p50_ms"].as_f64().unwrap() > 0.0
            && model["p95_ms"].as_f64().unwrap() >= model["p50_ms"].as_f64().unwrap()
    );
    let by_tool = mcp.call("usage_summary", json!({"group_by": "tool"})).await;
    assert_eq!(by_tool["group_by"], "tool");
    let tools_used: Vec<(Value, Value, Value)> = by_tool["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["key"].clone(), g["calls"].clone(), g["errors"].clone()))
        .collect();
    assert!(tools_used.contains(&(json!("fetch_page"), json!(4), json!(2))), "{tools_used:?}");
    assert!(tools_used.contains(&(json!("web_search"), json!(4), json!(0))), "{tools_used:?}");
    let by_agent = mcp.call("usage_summary", json!({"group_by": "agent"})).await;
    assert_eq!(by_agent["groups"][0]["key"], "research-agent");
    assert_eq!(by_agent["groups"][0]["calls"], 4);
    assert_eq!(by_agent["groups"][0]["input_tokens"], total_input);

    // compare_runs: a clean run before, a rate-limited one after.
    let clean = traces.iter().find(|t| t["errors"] == 0).unwrap()["trace_id"].as_str().unwrap().to_owned();
    let compared = mcp.call("compare_runs", json!({"before": clean, "after": error_trace})).await;
    assert_eq!(compared["difference"]["errors"], 1);
    assert_eq!(compared["steps_added"], json!([]));
    assert_eq!(compared["steps_gone"], json!([]));
    let fetch_step =
        compared["steps_in_both"].as_array().unwrap().iter().find(|s| s["step"] == "execute_tool fetch_page").unwrap();
    assert_eq!(fetch_step["errors"], json!([0, 1]));
    assert!(compared.get("warning").is_none());
    // The differences are the two runs' own figures, as list_traces gives them.
    let listed = |id: &str| traces.iter().find(|t| t["trace_id"] == id).unwrap();
    let (before, after) = (listed(&clean), listed(&error_trace));
    let change = |field: &str| after[field].as_f64().unwrap() - before[field].as_f64().unwrap();
    for field in ["input_tokens", "output_tokens"] {
        assert_eq!(compared["difference"][field].as_f64(), Some(change(field)), "{field}");
    }
    // Rounded to hundredths of a millisecond and to 1e-8 USD on each side.
    assert!((compared["difference"]["duration_ms"].as_f64().unwrap() - change("duration_ms")).abs() <= 0.02);
    assert!((compared["difference"]["cost_usd"].as_f64().unwrap() - change("cost_usd")).abs() <= 2e-8);
    assert_ne!(change("input_tokens"), 0.0, "the runs differ in tokens: {before} {after}");

    // Errors that say what is wrong.
    let (code, message) = mcp.error("get_trace", json!({"trace_id": "0123456789abcdef"})).await;
    assert_eq!(code, -32602);
    assert!(message.starts_with("trace_id: no trace 0123456789abcdef in the store; list_traces shows"), "{message}");
    let (code, message) = mcp.error("get_trace", json!({"trace_id": "xyz"})).await;
    assert_eq!(
        (code, message.as_str()),
        (-32602, "trace_id: \"xyz\" is not a trace id: expected 32 hex digits (or at least 4 of its first)")
    );
    let (code, message) = mcp.error("compare_runs", json!({"before": clean, "after": "ffffffffff"})).await;
    assert_eq!(code, -32602);
    assert!(message.starts_with("after: no trace ffffffffff"), "{message}");
    let (_, message) = mcp.error("list_traces", json!({"limit": 0})).await;
    assert_eq!(message, "limit: 0 is out of range: give 1 to 200");
    let (_, message) = mcp.error("find_errors", json!({"since": "yesterday"})).await;
    assert!(message.starts_with("since: \"yesterday\" is not a duration"), "{message}");
    let (code, _) = mcp.error("no_such_tool", json!({})).await;
    assert_eq!(code, -32602);
    // A value of the wrong type is the tool's error, naming the argument.
    let wrong = mcp.try_call("usage_summary", json!({"group_by": "planet"})).await.unwrap();
    assert_eq!(wrong.is_error, Some(true));
    assert!(wrong.content[0].as_text().unwrap().text.contains("planet"), "{wrong:?}");

    mcp.client.cancel().await.unwrap();
    let said = serve.stop();
    let summary = said.last().unwrap();
    assert!(summary.starts_with("otel-genai: stored 20 spans, "), "{said:?}");
    // The metrics came too: every duration and token histogram of the conventions.
    let connection = rusqlite::Connection::open(&db).unwrap();
    let mut names = connection.prepare("SELECT DISTINCT name FROM points ORDER BY name").unwrap();
    let names: Vec<String> = names.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    for expected in [
        "gen_ai.client.operation.duration",
        "gen_ai.client.token.usage",
        "gen_ai.execute_tool.duration",
        "gen_ai.invoke_agent.duration",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} not in {names:?}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mcp_server_starts_before_the_store_exists_and_says_how_to_make_one() {
    let _one = GLOBAL.lock().await;
    let dir = scratch("mcp-first");
    let db = dir.join("traces.db");
    let mcp = Mcp::start(&db).await;
    let (code, message) = mcp.error("list_traces", json!({})).await;
    assert_eq!(code, -32002, "{message}");
    assert!(message.contains("there is no such file: `otel-genai serve` creates it when it starts"), "{message}");
    assert!(message.ends_with("start `otel-genai serve` and export to it, then ask again"), "{message}");

    // Once serve has run, the same server answers.
    let serve = Serve::start(&db, &[]);
    export_two_runs(format!("http://{}", serve.grpc), Protocol::Grpc).await;
    assert_eq!(mcp.call("list_traces", json!({})).await["count"], 2);
    // An argument no tool has is named.
    let unknown = mcp.try_call("list_traces", json!({"agent": "research-agent"})).await.unwrap();
    assert_eq!(unknown.is_error, Some(true));
    assert!(unknown.content[0].as_text().unwrap().text.contains("unknown field `agent`"), "{unknown:?}");
    let (_, message) = mcp.error("list_traces", json!({"since": "99999999999999999999999d"})).await;
    assert!(message.starts_with("since:"), "{message}");
    mcp.client.cancel().await.unwrap();
    serve.stop();
}
