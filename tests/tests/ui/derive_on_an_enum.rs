#[derive(otel_genai::GenAiRequest)]
enum Request {
    Chat,
}

fn main() {}
