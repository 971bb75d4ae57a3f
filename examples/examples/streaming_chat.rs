//! A streamed chat completion: the answer printed as it arrives, and one span for the whole
//! stream with the time to the first chunk, the finish reason and the token usage of the
//! last chunk (metrics: `gen_ai.client.operation.time_to_first_chunk` and
//! `time_per_output_chunk`).
//!
//! ```sh
//! cargo run --example streaming_chat
//! ```

use std::io::Write as _;

use async_openai::types::chat::ChatCompletionStreamOptions;
use futures::StreamExt as _;
use otel_genai_examples::{ask, client_from_env};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let _telemetry = otel_genai::init()?;
    let (client, model, _server) = client_from_env().await;

    let mut request = ask(&model, "You explain things briefly.", "Explain streaming responses in a few words");
    request.stream_options = Some(ChatCompletionStreamOptions { include_usage: Some(true), include_obfuscation: None });
    let mut stream = client.chat().create_stream(request).await?;
    while let Some(chunk) = stream.next().await {
        for choice in chunk?.choices {
            if let Some(piece) = choice.delta.content {
                print!("{piece}");
                std::io::stdout().flush()?;
            }
            if choice.finish_reason.is_some() {
                // The span ends with the stream, and its tree prints then.
                println!("\n");
            }
        }
    }
    Ok(())
}
