//! Every diagnostic the macros give, checked against its expected text: one `.rs` and one
//! `.stderr` per mistake under `tests/ui/`, named by the mistake.

#[test]
fn diagnostics() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
