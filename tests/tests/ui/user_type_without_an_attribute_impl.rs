enum Model {
    Large,
}

#[derive(otel_genai::GenAiRequest)]
struct Request {
    model: Model,
}

fn main() {
    let _ = Model::Large;
}
