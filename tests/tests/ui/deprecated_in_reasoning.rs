fn main() {
    otel_genai::reasoning!("answer", gen_ai.usage.completion_tokens = 3);
}
