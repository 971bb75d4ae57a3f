fn main() {
    let _scope = otel_genai::propagate_attributes!(gen_ai.response.model = "gpt-4o", gen_ai.conversaton.id = "c");
}
