//! Media types as contracts and responses spell them: the essence (`type/subtype`, lower case,
//! no parameters), whether a type is JSON, and whether a declared type (or range) covers a
//! received one.

/// `application/vnd.api+json; charset=utf-8` → `application/vnd.api+json`.
pub fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// `application/json`, `application/problem+json`, `text/json`: a JSON body.
pub fn is_json(media: &str) -> bool {
    let e = essence(media);
    e.ends_with("/json") || e.ends_with("+json")
}

/// Whether a declared media type (`*/*` and `type/*` ranges included) covers a received one.
pub fn matches(declared: &str, actual: &str) -> bool {
    let (d, a) = (essence(declared), essence(actual));
    d == a
        || d == "*/*"
        || d.strip_suffix("/*")
            .is_some_and(|t| a.split('/').next() == Some(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn essences_json_and_ranges() {
        assert_eq!(
            essence(" Application/JSON; charset=utf-8"),
            "application/json"
        );
        assert!(is_json("application/vnd.api+json"));
        assert!(!is_json("text/html"));
        assert!(matches("*/*", "text/html"));
        assert!(matches("application/*", "application/xml"));
        assert!(!matches("application/json", "application/vnd.api+json"));
    }
}
