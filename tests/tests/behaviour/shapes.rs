//! Every function shape a user writes: free functions and methods, `self` in all its
//! forms, trait impls (native `async fn` in traits too), generics, `impl Trait`,
//! lifetimes, `where` clauses, and any return type.

use std::fmt::Display;

use otel_genai::testing::Capture;
use otel_genai::{agent, tool};

struct Counter {
    count: u32,
    label: String,
}

impl Counter {
    #[tool]
    fn by_value(self) -> u32 {
        self.count
    }

    #[tool]
    fn by_ref(&self) -> &str {
        &self.label
    }

    #[tool]
    fn by_mut(&mut self) -> &mut u32 {
        self.count += 1;
        &mut self.count
    }

    #[tool]
    async fn async_by_ref(&self) -> &str {
        tokio::task::yield_now().await;
        self.label.as_str()
    }

    #[tool]
    async fn async_by_mut(&mut self, step: u32) -> u32 {
        tokio::task::yield_now().await;
        self.count += step;
        self.count
    }

    #[tool]
    async fn async_by_value(self) -> String {
        self.label
    }

    #[tool]
    fn associated(label: &str) -> Self {
        Counter { count: 0, label: label.to_owned() }
    }
}

#[tokio::test]
async fn inherent_methods_with_every_receiver() {
    let capture = Capture::new();
    capture
        .scope(async {
            let mut counter = Counter::associated("c");
            assert_eq!(counter.by_ref(), "c");
            *counter.by_mut() += 10;
            assert_eq!(counter.async_by_ref().await, "c");
            assert_eq!(counter.async_by_mut(5).await, 16);
            let copy = Counter { count: counter.count, label: counter.label.clone() };
            assert_eq!(copy.by_value(), 16);
            assert_eq!(counter.async_by_value().await, "c");
        })
        .await;
    let tree = capture.tree();
    let names: Vec<&str> = tree.spans().map(|s| s.name()).collect();
    assert_eq!(
        names,
        [
            "execute_tool associated",
            "execute_tool by_ref",
            "execute_tool by_mut",
            "execute_tool async_by_ref",
            "execute_tool async_by_mut",
            "execute_tool by_value",
            "execute_tool async_by_value",
        ]
    );
}

trait Tool {
    fn name(&self) -> String;
    async fn call(&self, input: &str) -> Result<String, String>;
    fn call_boxed(self: Box<Self>) -> usize;
}

struct Upper;

impl Tool for Upper {
    #[tool(name = "upper.name")]
    fn name(&self) -> String {
        "upper".to_owned()
    }

    #[tool(name = "upper")]
    async fn call(&self, input: &str) -> Result<String, String> {
        if input.is_empty() {
            return Err("empty input".to_owned());
        }
        Ok(input.to_uppercase())
    }

    #[tool(name = "upper.boxed")]
    fn call_boxed(self: Box<Self>) -> usize {
        1
    }
}

async fn call_through_generic<T: Tool>(tool: &T, input: &str) -> Result<String, String> {
    tool.call(input).await
}

#[tokio::test]
async fn trait_impl_methods_including_native_async_fn() {
    let capture = Capture::new();
    capture
        .scope(async {
            assert_eq!(Upper.name(), "upper");
            assert_eq!(call_through_generic(&Upper, "abc").await.unwrap(), "ABC");
            assert_eq!(Upper.call("").await.unwrap_err(), "empty input");
            assert_eq!(Box::new(Upper).call_boxed(), 1);
        })
        .await;
    let tree = capture.tree();
    assert_eq!(tree.find_all("execute_tool upper").len(), 2);
    assert!(tree.find("execute_tool upper.name").is_some());
    assert!(tree.find("execute_tool upper.boxed").is_some());
    let failed = tree.find_all("execute_tool upper").into_iter().find(|s| s.attr("error.type").is_some()).unwrap();
    assert_eq!(failed.str_attr("error.type"), Some("alloc::string::String"));
}

#[tool]
fn generic<T: Display, const N: usize>(items: [T; N]) -> String
where
    [T; N]: Clone,
{
    items.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
}

#[tool]
fn impl_trait_argument(values: impl IntoIterator<Item = u32>) -> u32 {
    values.into_iter().sum()
}

#[tool]
fn returns_impl_trait(n: u32) -> impl Iterator<Item = u32> {
    0..n
}

#[tool]
async fn async_returns_impl_trait(n: u32) -> impl Display {
    n * 2
}

#[tool]
fn with_lifetimes<'a, 'b: 'a>(first: &'a str, _second: &'b str) -> &'a str {
    first
}

#[tool]
async fn async_with_lifetimes<'a>(items: &'a [String], index: usize) -> Option<&'a String> {
    items.get(index)
}

#[tool]
fn generic_return<T: Default>() -> T {
    T::default()
}

#[tool]
async fn uses_question_mark(input: &str) -> Result<u32, std::num::ParseIntError> {
    let value: u32 = input.parse()?;
    Ok(value + 1)
}

#[tool]
fn unit_return(flag: &mut bool) {
    if *flag {
        return;
    }
    *flag = true;
}

#[tool]
fn pattern_arguments((a, b): (u8, u8), Wrapper(c): Wrapper) -> u8 {
    a + b + c
}

struct Wrapper(u8);

#[tool]
fn r#match(value: u8) -> u8 {
    value
}

#[tokio::test]
async fn generics_impl_trait_lifetimes_and_return_types() {
    let capture = Capture::new();
    capture
        .scope(async {
            assert_eq!(generic([1, 2, 3]), "1,2,3");
            assert_eq!(impl_trait_argument(vec![1, 2]), 3);
            assert_eq!(returns_impl_trait(3).collect::<Vec<_>>(), [0, 1, 2]);
            assert_eq!(async_returns_impl_trait(4).await.to_string(), "8");
            assert_eq!(with_lifetimes("a", "b"), "a");
            let items = vec!["x".to_owned()];
            assert_eq!(async_with_lifetimes(&items, 0).await, Some(&"x".to_owned()));
            assert_eq!(generic_return::<u16>(), 0);
            assert_eq!(uses_question_mark("41").await, Ok(42));
            assert!(uses_question_mark("x").await.is_err());
            let mut flag = false;
            unit_return(&mut flag);
            unit_return(&mut flag);
            assert!(flag);
            assert_eq!(pattern_arguments((1, 2), Wrapper(3)), 6);
            assert_eq!(r#match(9), 9);
        })
        .await;
    let tree = capture.tree();
    for name in [
        "generic",
        "impl_trait_argument",
        "returns_impl_trait",
        "async_returns_impl_trait",
        "with_lifetimes",
        "async_with_lifetimes",
        "generic_return",
        "uses_question_mark",
        "unit_return",
        "pattern_arguments",
        "match",
    ] {
        assert!(tree.find(&format!("execute_tool {name}")).is_some(), "no span for {name}:\n{tree}");
    }
    let parse_spans = tree.find_all("execute_tool uses_question_mark");
    assert_eq!(parse_spans.iter().filter(|s| s.attr("error.type").is_some()).count(), 1);
    assert_eq!(tree.find_all("execute_tool unit_return").len(), 2);
}

#[agent(name = "spawned")]
async fn sendable(input: String) -> usize {
    tokio::task::yield_now().await;
    input.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instrumented_futures_stay_send() {
    let capture = Capture::new();
    let handle = tokio::spawn(capture.scope(sendable("four".to_owned())));
    assert_eq!(handle.await.unwrap(), 4);
    assert_eq!(capture.tree().root().name(), "invoke_agent spawned");
}

/// A crate that re-exports otel-genai under its own name.
mod my_sdk {
    pub use otel_genai as telemetry;
}

#[my_sdk::telemetry::tool(crate = my_sdk::telemetry)]
fn through_a_reexport() -> u8 {
    3
}

#[test]
fn the_runtime_can_be_reached_through_a_reexport() {
    let capture = Capture::new();
    assert_eq!(capture.in_scope(through_a_reexport), 3);
    assert_eq!(capture.tree().root().name(), "execute_tool through_a_reexport");
}

#[derive(my_sdk::telemetry::GenAiResponse)]
#[gen_ai(crate = my_sdk::telemetry)]
struct ReexportedResponse {
    id: String,
}

#[test]
fn derives_reach_the_runtime_through_a_reexport() {
    use my_sdk::telemetry::GenAiResponse as _;
    let mut attrs = my_sdk::telemetry::Attributes::new(false);
    ReexportedResponse { id: "r".to_owned() }.record(&mut attrs);
    assert_eq!(attrs.get("gen_ai.response.id"), Some(&opentelemetry::Value::from("r")));
}

trait Accumulate {
    async fn add(&mut self, n: u32) -> u32;
    fn into_total(self) -> u32;
}

impl Accumulate for Counter {
    #[tool(name = "accumulate")]
    async fn add(&mut self, n: u32) -> u32 {
        tokio::task::yield_now().await;
        self.count += n;
        self.count
    }

    #[tool(name = "total")]
    fn into_total(self) -> u32 {
        self.count
    }
}

#[tokio::test]
async fn trait_impl_methods_with_mut_self_and_self() {
    let capture = Capture::new();
    let total = capture
        .scope(async {
            let mut counter = Counter { count: 1, label: String::new() };
            counter.add(2).await;
            counter.add(3).await;
            counter.into_total()
        })
        .await;
    assert_eq!(total, 6);
    assert_eq!(capture.tree().outline(), "execute_tool accumulate\nexecute_tool accumulate\nexecute_tool total\n");
}
