#[otel_genai::gen_ai_chat(modle = "gpt-4o", attributes(gen_ai.system = "openai", gen_ai.usage.input_tokens = 1))]
fn complete() {}

fn main() {
    // The item is re-emitted: using it causes no further error.
    complete();
}
