//! Finding where a dotted key sits in a JSON text, so that request errors point into the
//! request. A small scanner over JSON's tokens; it never fails, at worst it finds nothing.

use crate::source::Span;

/// Which part of a member a request error points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Point {
    /// The key: it is not in the vocabulary.
    Key,
    /// The value.
    Value,
}

/// The span of the key or of the value (`at`) at a dotted path (`customer.usage_amw`) in a
/// JSON text.
pub fn locate(text: &str, path: &str, at: Point) -> Option<Span> {
    let want: Vec<&str> = path.split('.').collect();
    let bytes = text.as_bytes();
    let mut stack: Vec<Option<String>> = Vec::new(); // key of each open object
    let mut pending_key: Option<(String, usize, usize)> = None;
    let mut i = 0;
    // Paths match greedily: `customer.usage_amw` may be written nested or flat.
    let matches = |stack: &[Option<String>], key: &str| -> bool {
        let mut parts: Vec<&str> = stack.iter().skip(1).filter_map(|k| k.as_deref()).collect();
        parts.push(key);
        parts.join(".") == want.join(".")
    };
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                let key = pending_key.take().map(|(k, _, _)| k);
                stack.push(key);
                i += 1;
            }
            b'}' => {
                stack.pop();
                i += 1;
            }
            b'[' | b']' | b',' => {
                if bytes[i] != b',' {
                    pending_key = None;
                }
                i += 1;
            }
            b'"' => {
                let start = i;
                let end = string_end(bytes, i);
                let raw = text.get(start + 1..end.saturating_sub(1)).unwrap_or("");
                // A key written with escapes (`"usage\u200b_amw"`) is compared as read.
                let unescaped;
                let raw = if raw.contains('\\') {
                    unescaped = text
                        .get(start..end)
                        .and_then(|quoted| serde_json::from_str::<String>(quoted).ok())
                        .unwrap_or_else(|| raw.to_string());
                    unescaped.as_str()
                } else {
                    raw
                };
                // A string followed by ':' is a key.
                let mut j = end;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if bytes.get(j) == Some(&b':') {
                    if matches(&stack, raw) {
                        if at == Point::Key {
                            return Some(Span::new(start, end));
                        }
                        let mut k = j + 1;
                        while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                            k += 1;
                        }
                        return Some(Span::new(k, value_end(bytes, k)));
                    }
                    pending_key = Some((raw.to_string(), start, end));
                    i = j + 1;
                } else {
                    i = end;
                }
            }
            _ => i += 1,
        }
    }
    // A nested object whose own key is the unknown one: point at that key.
    None
}

fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn value_end(bytes: &[u8], start: usize) -> usize {
    match bytes.get(start) {
        Some(b'"') => string_end(bytes, start),
        Some(b'{') | Some(b'[') => {
            let mut depth = 0i32;
            let mut i = start;
            while i < bytes.len() {
                match bytes[i] {
                    b'"' => {
                        i = string_end(bytes, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            bytes.len()
        }
        _ => {
            let mut i = start;
            while i < bytes.len() && !matches!(bytes[i], b',' | b'}' | b']' | b'\n' | b'\r') {
                i += 1;
            }
            while i > start && bytes[i - 1].is_ascii_whitespace() {
                i -= 1;
            }
            i
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::{locate, Point};

    #[test]
    fn finds_nested_and_flat_keys_and_values() {
        let text = r#"{"data": "sn", "customer": {"usage_amw": "x", "opted": true}}"#;
        let value = locate(text, "data", Point::Value).expect("found");
        assert_eq!(&text[value.range()], "\"sn\"");
        let key = locate(text, "customer.opted", Point::Key).expect("found");
        assert_eq!(&text[key.range()], "\"opted\"");
        let value = locate(text, "customer.usage_amw", Point::Value).expect("found");
        assert_eq!(&text[value.range()], "\"x\"");
        assert_eq!(locate(text, "customer.missing", Point::Key), None);
        assert_eq!(locate("{\"a\\\"b\": 1", "a", Point::Key), None);
        let escaped = r#"{"customer": {"usage\u200b_amw": 1}}"#;
        let key = locate(escaped, "customer.usage\u{200b}_amw", Point::Key).expect("found");
        assert_eq!(&escaped[key.range()], r#""usage\u200b_amw""#);
        assert_eq!(locate("", "a", Point::Key), None);
    }
}
