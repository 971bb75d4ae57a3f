//! Functions whose work happens after they return: `impl Future`, boxed futures, and
//! `#[async_trait]` methods. The span covers the returned future, from its first poll to
//! its end, and is the parent of what it starts.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use async_trait::async_trait;
use opentelemetry::trace::Status;
use otel_genai::testing::Capture;
use otel_genai::{agent, tool};

const WORK: Duration = Duration::from_millis(30);

#[tool]
async fn leaf(step: u32) -> u32 {
    step + 1
}

/// Searches the index.
#[tool]
fn search(query: String) -> impl Future<Output = usize> + Send {
    let words = query.split_whitespace().count();
    async move {
        tokio::time::sleep(WORK).await;
        leaf(1).await as usize + words
    }
}

#[tool(name = "boxed_search", attributes(app.query = query))]
fn boxed_search<'a>(query: &'a str) -> Pin<Box<dyn Future<Output = Result<usize, String>> + Send + 'a>> {
    // Not `Box::pin(async move { .. })` alone: the general shape, boxed again.
    let length = query.len();
    let future = async move {
        tokio::time::sleep(WORK).await;
        if length == 0 { Err("empty query".to_owned()) } else { Ok(length) }
    };
    Box::pin(future)
}

#[tool]
fn lazy(step: u32) -> futures::future::BoxFuture<'static, u32> {
    Box::pin(async move { leaf(step).await })
}

#[tokio::test]
async fn a_function_returning_impl_future_is_timed_by_its_future() {
    let capture = Capture::new();
    // Called inside the capture's scope: a function returning a future takes its parent
    // when it is called.
    let found = capture.scope(async { search("two words".to_owned()).await }).await;
    assert_eq!(found, 4);
    let tree = capture.tree();
    assert_eq!(tree.outline(), "execute_tool search\n  execute_tool leaf\n", "{tree}");
    let span = tree.root();
    assert!(span.duration() >= WORK, "covers the future's work, took {:?}", span.duration());
    assert_eq!(span.str_attr("gen_ai.tool.description"), Some("Searches the index."));
}

#[tokio::test]
async fn a_boxed_future_is_timed_and_its_error_recorded() {
    let capture = Capture::new();
    let query = String::new();
    let found = capture.scope(async { boxed_search(&query).await }).await;
    assert_eq!(found, Err("empty query".to_owned()));
    let query = "rust".to_owned();
    assert_eq!(capture.scope(async { boxed_search(&query).await }).await, Ok(4));
    let spans = capture.tree();
    let [failed, found] = spans.find_all("execute_tool boxed_search")[..] else { panic!("{spans}") };
    assert!(failed.duration() >= WORK && found.duration() >= WORK);
    assert_eq!(failed.str_attr("error.type"), Some("alloc::string::String"));
    assert_eq!(failed.status(), &Status::error("empty query"));
    assert_eq!(found.str_attr("app.query"), Some("rust"));
    assert_eq!(found.status(), &Status::Unset);
}

#[tokio::test]
async fn a_future_never_polled_records_nothing() {
    let capture = Capture::new();
    capture.in_scope(|| drop(search("never".to_owned())));
    capture.in_scope(|| drop(lazy(1)));
    assert!(capture.spans().is_empty(), "{}", capture.tree());
}

#[tokio::test]
async fn a_returned_future_dropped_half_way_is_cancelled() {
    let capture = Capture::new();
    let future = capture.in_scope(|| search("slow".to_owned()));
    let timed_out = tokio::time::timeout(Duration::from_millis(5), future).await;
    assert!(timed_out.is_err());
    let tree = capture.tree();
    assert_eq!(tree.root().str_attr("error.type"), Some("cancelled"), "{tree}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_parent_is_taken_when_the_function_is_called() {
    #[agent(name = "dispatcher")]
    async fn dispatch() -> (usize, u32) {
        // Plain `tokio::spawn`: the future is polled on another task, with no context
        // attached, yet its span is still a child of this agent.
        let searched = tokio::spawn(search("a b c".to_owned()));
        let boxed = tokio::spawn(lazy(5));
        (searched.await.unwrap(), boxed.await.unwrap())
    }
    let capture = Capture::new();
    assert_eq!(capture.scope(dispatch()).await, (5, 6));
    let tree = capture.tree();
    // The two tasks run concurrently: their order in the tree is the scheduler's.
    let agent = tree.root();
    assert_eq!(agent.name(), "invoke_agent dispatcher");
    let mut children: Vec<&str> = agent.children().iter().map(|child| child.name()).collect();
    children.sort();
    assert_eq!(children, ["execute_tool lazy", "execute_tool search"], "{tree}");
    for child in agent.children() {
        assert_eq!(
            child.children().iter().map(|leaf| leaf.name()).collect::<Vec<_>>(),
            ["execute_tool leaf"],
            "{tree}"
        );
    }
}

/// A registry of tools behind `dyn`, as `#[async_trait]` writes it.
#[async_trait]
trait Tool: Send + Sync {
    fn name(&self) -> &str;
    async fn call(&self, input: &str) -> Result<String, String>;
}

struct Fetch {
    delay: Duration,
}

#[async_trait]
impl Tool for Fetch {
    fn name(&self) -> &str {
        "fetch"
    }

    /// Fetches a page.
    #[tool(name = "fetch", call_id = self.name())]
    async fn call(&self, input: &str) -> Result<String, String> {
        tokio::time::sleep(self.delay).await;
        if input.is_empty() {
            return Err("nothing to fetch".to_owned());
        }
        leaf(2).await;
        Ok(format!("page {input}"))
    }
}

struct Echo;

#[async_trait]
impl Tool for Echo {
    fn name(&self) -> &str {
        "echo"
    }

    // An early `return` inside the block `#[async_trait]` generates.
    #[tool(name = "echo")]
    #[allow(clippy::needless_return)]
    async fn call(&self, input: &str) -> Result<String, String> {
        return Ok(input.to_owned());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_trait_methods_are_timed_by_their_future() {
    #[agent(name = "tool-runner")]
    async fn run(tools: &[Box<dyn Tool>]) -> Vec<Result<String, String>> {
        let mut results = Vec::new();
        for tool in tools {
            results.push(tool.call("home").await);
            results.push(tool.call("").await);
        }
        results
    }
    let tools: Vec<Box<dyn Tool>> = vec![Box::new(Fetch { delay: WORK }), Box::new(Echo)];
    let capture = Capture::new();
    let results = capture.scope(run(&tools)).await;
    assert_eq!(results[0], Ok("page home".to_owned()));
    assert_eq!(results[1], Err("nothing to fetch".to_owned()));
    assert_eq!(results[2], Ok("home".to_owned()));
    let tree = capture.tree();
    assert_eq!(
        tree.outline(),
        "invoke_agent tool-runner\n  execute_tool fetch\n    execute_tool leaf\n  execute_tool fetch\n  execute_tool echo\n  execute_tool echo\n",
        "{tree}"
    );
    let fetches = tree.find_all("execute_tool fetch");
    for fetch in &fetches {
        assert!(fetch.duration() >= WORK, "covers the work, took {:?}", fetch.duration());
        assert_eq!(fetch.str_attr("gen_ai.tool.call.id"), Some("fetch"));
        assert_eq!(fetch.str_attr("gen_ai.tool.description"), Some("Fetches a page."));
    }
    assert_eq!(fetches[1].str_attr("error.type"), Some("alloc::string::String"));
}

#[tokio::test]
async fn an_async_trait_future_never_polled_records_nothing() {
    let capture = Capture::new();
    let fetch = Fetch { delay: WORK };
    capture.in_scope(|| drop(fetch.call("x")));
    assert!(capture.spans().is_empty());
}
