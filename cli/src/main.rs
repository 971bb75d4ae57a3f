//! `otel-genai`: a local OTLP receiver and trace store, terminal views of what GenAI code did,
//! and an MCP server that gives the same traces to a coding agent.
//!
//! ```sh
//! otel-genai serve                     # OTLP on 127.0.0.1:4317 (gRPC) and :4318 (HTTP), stored locally
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 cargo run --example research_agent
//! otel-genai traces                    # the recent traces
//! otel-genai show 4bf92f35             # one as a tree (a prefix of its id is enough)
//! otel-genai tail                      # trees as they arrive
//! otel-genai mcp                       # the MCP server, over stdio
//! ```

mod analysis;
mod forward;
mod mcp;
mod otlp;
mod report;
mod serve;
mod store;
mod views;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::store::{Reader, TraceFilter, Writer, WriterOptions};

#[derive(Parser)]
#[command(
    name = "otel-genai",
    version,
    about = "GenAI traces on your machine: receive, store, view, and hand to a coding agent"
)]
struct Cli {
    /// The trace store [default: $OTEL_GENAI_DB, else ~/.local/share/otel-genai/traces.db]
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Receive OTLP (gRPC and HTTP, traces, metrics and logs) and store it.
    Serve(ServeArgs),
    /// List recent traces: root span, service, start, duration, tokens, cost, errors.
    Traces(ListArgs),
    /// Print one trace as a tree.
    Show(ShowArgs),
    /// Print traces as trees as they arrive.
    Tail(TailArgs),
    /// Serve the traces to a coding agent over the Model Context Protocol (stdio, or HTTP).
    Mcp(McpArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// Where to take OTLP/gRPC.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:4317")]
    grpc: String,
    /// Where to take OTLP/HTTP (protobuf or JSON).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:4318")]
    http: String,
    /// Keep everything in memory (instead of --db): nothing is written, and other commands
    /// cannot read it; for a receiver that only forwards.
    #[arg(long)]
    memory: bool,
    /// Delete data older than this (`90s`, `30m`, `12h`, `7d`).
    #[arg(long, value_name = "AGE", default_value = "7d", value_parser = report::parse_duration)]
    retention: Duration,
    /// The most the stored data may take; the oldest traces go first (`500MB`, `2GiB`).
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = report::parse_size)]
    max_size: u64,
    /// Also send everything stored on to this OTLP/HTTP receiver (`http://collector:4318`).
    #[arg(long, value_name = "URL")]
    forward: Option<String>,
    /// Seconds between progress lines (0: none).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    progress: u64,
}

#[derive(Args, Clone)]
struct FilterArgs {
    /// Only this service.
    #[arg(long)]
    service: Option<String>,
    /// Only traces whose root (its whole name or what follows the operation), or an agent or
    /// tool in them, has this name.
    #[arg(long)]
    name: Option<String>,
    /// Only traces with an error.
    #[arg(long)]
    errors: bool,
    /// Only traces that started within this (`15m`, `2h`, `7d`).
    #[arg(long, value_name = "AGE", value_parser = report::parse_duration)]
    since: Option<Duration>,
    /// Only traces that took at least this long (`500ms`, `2s`).
    #[arg(long, value_name = "DURATION", value_parser = report::parse_duration)]
    min_duration: Option<Duration>,
}

impl FilterArgs {
    fn filter(&self, limit: usize) -> TraceFilter {
        TraceFilter {
            service: self.service.clone(),
            name: self.name.clone(),
            errors_only: self.errors,
            since_ns: self.since.map(store::ago_ns),
            min_duration_ns: self.min_duration.map(store::nanos),
            limit,
            ..TraceFilter::default()
        }
    }
}

#[derive(Args)]
struct ListArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// How many traces, newest first.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// JSON lines instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ShowArgs {
    /// The trace id, or enough of its first digits to name one trace.
    trace_id: String,
    /// Every attribute and event under its span.
    #[arg(long)]
    attributes: bool,
    /// The captured prompts, answers and tool arguments (where the application captured them).
    #[arg(long)]
    content: bool,
}

#[derive(Args)]
struct TailArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Print the last N traces first.
    #[arg(long, default_value_t = 0, value_name = "N")]
    last: usize,
    /// Every attribute under its span.
    #[arg(long)]
    attributes: bool,
}

#[derive(Args)]
struct McpArgs {
    /// Serve MCP over streamable HTTP at this address (at `/mcp`) instead of stdio.
    #[arg(long, value_name = "ADDR")]
    http: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("otel-genai: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("otel-genai: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let path = cli.db.clone().unwrap_or_else(store::default_path);
    let open = || Reader::open(&path).map_err(|e| e.to_string());
    match cli.command {
        Command::Serve(args) => serve(args, path).await,
        Command::Traces(args) => {
            let reader = open()?;
            let traces = reader.traces(&args.filter.filter(args.limit)).map_err(|e| e.to_string())?;
            if args.json {
                for trace in &traces {
                    println!("{}", analysis::trace_summary(trace));
                }
            } else if traces.is_empty() {
                eprintln!("otel-genai: no traces match in {}", path.display());
            } else {
                print!("{}", views::table(&traces));
            }
            Ok(())
        }
        Command::Show(args) => {
            let reader = open()?;
            let trace_id = reader.resolve(&args.trace_id).map_err(|e| e.to_string())?;
            let spans = reader.spans(&trace_id).map_err(|e| e.to_string())?;
            let logs = reader.logs(&trace_id).map_err(|e| e.to_string())?;
            print!("{}", views::tree(&spans, &logs, args.attributes, args.content));
            Ok(())
        }
        Command::Tail(args) => {
            let reader = open()?;
            views::tail(&reader, args.filter.filter(500), args.last, args.attributes).await.map_err(|e| e.to_string())
        }
        Command::Mcp(args) => mcp::run(path, args.http).await,
    }
}

async fn serve(args: ServeArgs, path: PathBuf) -> Result<(), String> {
    let options = WriterOptions {
        path: (!args.memory).then(|| path.clone()),
        retention: args.retention,
        max_size: args.max_size,
        max_pending: 500_000,
    };
    let forward_to = args.forward.as_deref().map(forward::check).transpose()?;
    let writer = Writer::start(options).map_err(|e| e.to_string())?;
    let otlp_holder = "a collector or another `otel-genai serve`";
    let grpc = serve::bind(&args.grpc, "OTLP/gRPC", otlp_holder, "--grpc").await?;
    let http = serve::bind(&args.http, "OTLP/HTTP", otlp_holder, "--http").await?;
    let addresses = (grpc.local_addr().map_err(|e| e.to_string())?, http.local_addr().map_err(|e| e.to_string())?);
    let forwarder = forward_to.clone().map(forward::Forwarder::start);
    let ingest = Arc::new(serve::Ingest { writer, forward: forwarder });
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let grace = Duration::from_secs(5);
    let servers = [
        tokio::spawn(serve::run(grpc, ingest.clone(), stopped.clone(), grace)),
        tokio::spawn(serve::run(http, ingest.clone(), stopped.clone(), grace)),
    ];
    if args.progress > 0 {
        tokio::spawn(serve::report_progress(
            ingest.writer.totals.clone(),
            Duration::from_secs(args.progress),
            stopped.clone(),
        ));
    }
    if let Some(base) = &forward_to {
        eprintln!("otel-genai: forwarding everything stored to {base} (OTLP/HTTP protobuf)");
    }
    let stored_in =
        if args.memory { "memory (nothing is kept after exit)".to_owned() } else { path.display().to_string() };
    eprintln!(
        "otel-genai: receiving OTLP/gRPC on {} and OTLP/HTTP on {}; storing in {stored_in} (kept {}, at most {})",
        addresses.0,
        addresses.1,
        report::age(args.retention),
        report::size(args.max_size)
    );
    shutdown_signal().await;
    eprintln!("otel-genai: stopping: finishing the requests in flight");
    let _ = stop.send(true);
    for server in servers {
        let _ = server.await;
    }
    // Whatever still runs past the grace period gets "stopped" from the writer; all that was
    // handed over is written before it stops.
    ingest.writer.stop();
    eprintln!("otel-genai: {}", report::totals(&ingest.writer.totals));
    if let Some(forwarder) = &ingest.forward {
        eprintln!("otel-genai: {}", forwarder.finish(grace).await);
    }
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
