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

/// The declared media type that best covers a received one: the same type first, then a range
/// (`application/*` before `*/*`), whatever their order in the contract (a download declaring
/// `*/*` first beside `application/json`).
pub fn best<'a, T>(declared: &'a [T], name: impl Fn(&T) -> &str, actual: &str) -> Option<&'a T> {
    let wanted = essence(actual);
    declared
        .iter()
        .find(|m| essence(name(m)) == wanted)
        .or_else(|| {
            declared.iter().find(|m| {
                name(m).trim().ends_with("/*")
                    && !name(m).trim().starts_with('*')
                    && matches(name(m), actual)
            })
        })
        .or_else(|| declared.iter().find(|m| matches(name(m), actual)))
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

    // A download declaring `*/*` first beside `application/json`: a JSON answer was read (and
    // validated) through the `*/*` schema.
    #[test]
    fn the_received_type_before_a_range_that_covers_it() {
        let declared = ["*/*", "application/*", "application/json", "text/plain"];
        let pick = |actual| best(&declared, |m| m, actual).copied();
        assert_eq!(
            pick("application/json; charset=utf-8"),
            Some("application/json")
        );
        assert_eq!(pick("application/xml"), Some("application/*"));
        assert_eq!(pick("image/png"), Some("*/*"));
        assert_eq!(best(&["text/plain"], |m| m, "image/png"), None);
    }
}
