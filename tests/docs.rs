//! Documentation pages as contracts: the three seed pages beside the project (read there, never
//! copied), and the project's own pages.

mod common;
use common::{drift, json, shared};

/// (part, method, path, query, status, line, repairs as "kind@line", has body)
type Row = (
    String,
    String,
    String,
    String,
    Option<u64>,
    u64,
    Vec<String>,
    bool,
);

/// (part, method, path, query, status, line, repairs as "kind@line", has body)
type Expected = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<u64>,
    u64,
    &'static [&'static str],
    bool,
);

fn check_page(file: &str, expected: &[Expected]) {
    let Some(path) = shared(file) else { return };
    let run = drift(&["docs", &path.to_string_lossy(), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let page = json(&run)["pages"][0].clone();
    assert_eq!(
        page["refused"],
        serde_json::json!([]),
        "every body parses after repair"
    );
    let got: Vec<Row> = page["examples"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let query: Vec<String> = e["query"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect();
            let repairs: Vec<String> = e["repairs"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| format!("{}@{}", r["kind"].as_str().unwrap_or(""), r["line"]))
                .collect();
            (
                e["part"].as_str().unwrap_or("").to_string(),
                e["method"].as_str().unwrap_or("").to_string(),
                e["path"].as_str().unwrap_or("").to_string(),
                query.join("&"),
                e["status"].as_u64(),
                e["line"].as_u64().unwrap_or(0),
                repairs,
                !e["body"].is_null(),
            )
        })
        .collect();
    let want: Vec<Row> = expected
        .iter()
        .map(|(part, m, p, q, s, l, r, b)| {
            (
                part.to_string(),
                m.to_string(),
                p.to_string(),
                q.to_string(),
                *s,
                *l,
                r.iter().map(|x| x.to_string()).collect(),
                *b,
            )
        })
        .collect();
    assert_eq!(got, want);
}

/// The Remote Connection page as text: an item GET, a DELETE answered 204, and the collection
/// GET whose example has two trailing commas (lines 94 and 137).
#[test]
fn seed_remote_connection_text_page() {
    check_page(
        "seeds/000_1bab2f22a9fb8375.txt",
        &[
            (
                "response",
                "GET",
                "/vx/remoteconnection/{remote_id}/",
                "",
                None,
                52,
                &[],
                true,
            ),
            (
                "request",
                "DELETE",
                "/vx/remoteconnection/{remote_id}/",
                "",
                None,
                78,
                &[],
                false,
            ),
            (
                "response",
                "DELETE",
                "/vx/remoteconnection/{remote_id}/",
                "",
                Some(204),
                79,
                &[],
                false,
            ),
            (
                "response",
                "GET",
                "/vx/remoteconnection/",
                "",
                None,
                83,
                &["trailing-comma@94", "trailing-comma@137"],
                true,
            ),
        ],
    );
}

/// The same page as Jekyll Markdown: `{{page.version}}` filled from the front matter, fenced
/// blocks, the same two trailing commas (lines 126 and 169).
#[test]
fn seed_remote_connection_markdown_page() {
    check_page(
        "seeds/001_2ff792c97dd53d2e.txt",
        &[
            (
                "response",
                "GET",
                "/v7.1/remoteconnection/{remote_id}/",
                "",
                None,
                75,
                &[],
                true,
            ),
            (
                "request",
                "DELETE",
                "/v7.1/remoteconnection/{remote_id}/",
                "",
                None,
                104,
                &[],
                false,
            ),
            (
                "response",
                "DELETE",
                "/v7.1/remoteconnection/{remote_id}/",
                "",
                Some(204),
                106,
                &[],
                false,
            ),
            (
                "response",
                "GET",
                "/v7.1/remoteconnection/",
                "",
                None,
                115,
                &["trailing-comma@126", "trailing-comma@169"],
                true,
            ),
        ],
    );
}

/// The Friendship page: `{friendship_id}` and `{pk}` are one template; `\/` escapes; the
/// pending-requests query; the bulk PATCH response missing a comma between two objects (line 289).
#[test]
fn seed_friendship_page() {
    const ITEM: &str = "/v7.1/friendship/{friendship_id}/";
    check_page(
        "seeds/002_a8ae1095090570ad.txt",
        &[
            ("response", "GET", ITEM, "", None, 67, &[], true),
            ("request", "PUT", ITEM, "", None, 93, &[], true),
            ("response", "PUT", ITEM, "", None, 111, &[], true),
            ("request", "DELETE", ITEM, "", None, 136, &[], false),
            ("response", "DELETE", ITEM, "", Some(204), 137, &[], false),
            ("request", "PATCH", ITEM, "", None, 143, &[], true),
            ("response", "PATCH", ITEM, "", None, 161, &[], true),
            (
                "response",
                "GET",
                "/v7.1/friendship/",
                "status=pending&to_user={User ID}",
                None,
                188,
                &[],
                true,
            ),
            (
                "request",
                "POST",
                "/v7.1/friendship/",
                "",
                None,
                224,
                &[],
                true,
            ),
            (
                "response",
                "POST",
                "/v7.1/friendship/",
                "",
                None,
                241,
                &[],
                true,
            ),
            (
                "request",
                "PATCH",
                "/v7.1/friendship/",
                "",
                None,
                267,
                &[],
                true,
            ),
            (
                "response",
                "PATCH",
                "/v7.1/friendship/",
                "",
                None,
                280,
                &["missing-comma@289"],
                true,
            ),
        ],
    );
}

#[test]
fn seed_bodies_keep_escaped_slashes_and_placeholders_as_text() {
    let Some(path) = shared("seeds/002_a8ae1095090570ad.txt") else {
        return;
    };
    let page = json(&drift(&[
        "docs",
        &path.to_string_lossy(),
        "--format",
        "json",
    ]))["pages"][0]
        .clone();
    let first = &page["examples"][0]["body"];
    assert_eq!(
        first["_links"]["self"][0]["href"],
        "/v7.1/friendship/{from_user ID}_{to_user ID}/"
    );
    assert_eq!(
        first["_links"]["documentation"][0]["href"],
        "https://developer.mapmyfitness.com/docs/Friendship"
    );
}
