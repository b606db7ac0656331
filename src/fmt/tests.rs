#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::format_source;

#[test]
fn formats_a_small_policy() {
    let out = format_source("policy \"X\" { title \"t\" }").unwrap();
    assert_eq!(out, "policy \"X\" {\n  title \"t\"\n}\n");
}
