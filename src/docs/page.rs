//! Extract (method, path, status, request body, response body) tuples from a documentation page:
//! Markdown (fenced blocks; Jekyll front matter whose variables fill `{{page.x}}`), HTML, or its
//! plain-text rendering. Pure over the page text.
//!
//! Recognized: a line `Request GET: /path`, `Request GET /path` or ``Request `PUT: /path` `` (any
//! heading marks, bold or backticks around it); then `Response`, `Response 204`, or `Response`
//! followed by a `204 No Content` line; the JSON block that follows each (fenced or bare) is its
//! body. A block the tolerant reader refuses is reported with its line, not dropped.

use super::tolerant::{self, Repair};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Request,
    Response,
}

/// One documented example.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocExample {
    pub method: String,
    /// A path template: placeholders (`<remote_id>`, `{pk}`, `:to_user:`) become `{name}`.
    pub path: String,
    /// Query parameters of the documented request, with their example values.
    pub query: BTreeMap<String, String>,
    /// `None` where the page gives none.
    pub status: Option<u16>,
    pub part: Part,
    /// Line of the body (or of the Request/Response line when there is none).
    pub line: usize,
    pub repairs: Vec<Repair>,
    /// `None` for a bodiless request or response (a 204).
    pub body: Option<Value>,
}

/// A block that looked like an example but could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    pub file: String,
    pub examples: Vec<DocExample>,
    pub refused: Vec<Refusal>,
}

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Extract every example of one page.
pub fn extract(file: &str, raw: &str) -> Page {
    let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    let is_html = file.ends_with(".html")
        || file.ends_with(".htm")
        || raw
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("<!doctype")
        || raw.trim_start().to_ascii_lowercase().starts_with("<html");
    let (text, line_map) = if is_html {
        html_to_text(raw)
    } else {
        (raw.to_string(), Vec::new())
    };
    let (text, vars) = front_matter(&text);
    let text = liquid(&text, &vars);
    let lines: Vec<&str> = text.split('\n').collect();
    // Byte offset of each line start, to hand the tolerant reader "the rest of the page".
    let mut offsets = Vec::with_capacity(lines.len());
    let mut o = 0;
    for l in &lines {
        offsets.push(o);
        o += l.len() + 1;
    }

    let mut page = Page {
        file: file.to_string(),
        examples: Vec::new(),
        refused: Vec::new(),
    };
    let mut current: Option<(String, String, BTreeMap<String, String>)> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some((method, target)) = request_line(line) {
            let (path, query) = split_target(&target);
            current = Some((method.clone(), path.clone(), query.clone()));
            let (body, next) = read_block(&text, &lines, &offsets, i + 1, &mut page.refused);
            let line_no = body.as_ref().map_or(i + 1, |b| b.1);
            let (body, repairs) = match body {
                Some((v, _, r)) => (Some(v), r),
                None => (None, Vec::new()),
            };
            if body.is_some() || method != "GET" {
                page.examples.push(DocExample {
                    method,
                    path,
                    query,
                    status: None,
                    part: Part::Request,
                    line: line_no,
                    repairs,
                    body,
                });
            }
            i = next.max(i + 1);
            continue;
        }
        if let Some(mut status) = response_line(line) {
            let Some((method, path, query)) = current.clone() else {
                i += 1;
                continue;
            };
            let mut j = i + 1;
            // `Response` then `204 No Content` on its own line.
            while j < lines.len() && lines[j].trim().is_empty() {
                j += 1;
            }
            if status.is_none() {
                if let Some(s) = lines.get(j).and_then(|l| status_line(l)) {
                    status = Some(s);
                    j += 1;
                }
            }
            let (body, next) = read_block(&text, &lines, &offsets, j, &mut page.refused);
            let line_no = body.as_ref().map_or(i + 1, |b| b.1);
            let (body, repairs) = match body {
                Some((v, _, r)) => (Some(v), r),
                None => (None, Vec::new()),
            };
            page.examples.push(DocExample {
                method,
                path,
                query,
                status,
                part: Part::Response,
                line: line_no,
                repairs,
                body,
            });
            i = next.max(j);
            continue;
        }
        i += 1;
    }
    if !line_map.is_empty() {
        // Report the lines of the HTML file, not of its text rendering.
        let map = |l: usize| line_map.get(l.saturating_sub(1)).copied().unwrap_or(l);
        for ex in &mut page.examples {
            ex.line = map(ex.line);
            for r in &mut ex.repairs {
                r.line = map(r.line);
            }
        }
        for r in &mut page.refused {
            r.line = map(r.line);
        }
    }
    page
}

/// The JSON block starting at line `start` (after blank lines), fenced or bare, up to the next
/// request/response line. Returns ((value, line, repairs), the line after the block).
#[allow(clippy::type_complexity)]
fn read_block(
    text: &str,
    lines: &[&str],
    offsets: &[usize],
    start: usize,
    refused: &mut Vec<Refusal>,
) -> (Option<(Value, usize, Vec<Repair>)>, usize) {
    let mut i = start;
    while i < lines.len() && lines[i].trim().is_empty() {
        i += 1;
    }
    let Some(first) = lines.get(i) else {
        return (None, i);
    };
    let trimmed = first.trim_start();
    if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
        let fence = &trimmed[..3];
        let mut end = i + 1;
        while end < lines.len() && !lines[end].trim_start().starts_with(fence) {
            end += 1;
        }
        let body_start = i + 1;
        let content: String = lines[body_start..end.min(lines.len())].join("\n");
        if content.trim().is_empty() || !content.trim_start().starts_with(['{', '[']) {
            return (None, end + 1);
        }
        return match tolerant::parse(&content, body_start + 1) {
            Ok((v, repairs, _)) => (
                Some((v, body_start + 1 + leading_blank(&content), repairs)),
                end + 1,
            ),
            Err(e) => {
                refused.push(Refusal {
                    line: e.line,
                    message: e.message,
                });
                (None, end + 1)
            }
        };
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        // The rest of the page, cut before the next request/response line so a broken block
        // cannot swallow the following example.
        let mut stop = i + 1;
        while stop < lines.len()
            && request_line(lines[stop]).is_none()
            && response_line(lines[stop]).is_none()
        {
            stop += 1;
        }
        let from = offsets[i];
        let to = offsets
            .get(stop)
            .copied()
            .unwrap_or(text.len())
            .min(text.len());
        let chunk = &text[from..to];
        return match tolerant::parse(chunk, i + 1) {
            Ok((v, repairs, used)) => {
                let consumed_lines = chunk[..used.min(chunk.len())].matches('\n').count();
                (Some((v, i + 1, repairs)), i + consumed_lines + 1)
            }
            Err(e) => {
                refused.push(Refusal {
                    line: e.line,
                    message: e.message,
                });
                (None, stop)
            }
        };
    }
    (None, i)
}

fn leading_blank(s: &str) -> usize {
    s.split('\n').take_while(|l| l.trim().is_empty()).count()
}

/// Strip Markdown decoration: heading marks, emphasis, backticks, list bullets.
fn plain(line: &str) -> String {
    let t = line.trim().trim_start_matches('#').trim();
    let t = t.trim_start_matches(['*', '-', '>']).trim();
    t.replace(['`', '*'], "").trim().to_string()
}

/// `Request GET: /path` → ("GET", "/path").
fn request_line(line: &str) -> Option<(String, String)> {
    let p = plain(line);
    let rest = strip_word(&p, "request")?;
    let rest = rest.trim_start_matches(':').trim_start();
    let (method, rest) = rest.split_once(|c: char| c == ':' || c.is_whitespace())?;
    let method = method.to_ascii_uppercase();
    if !METHODS.contains(&method.as_str()) {
        return None;
    }
    // The rest of the line: placeholders may hold spaces (`?to_user={User ID}`); a trailing
    // ` HTTP/1.1` is not part of it.
    let target = rest.trim_start_matches(':').trim();
    let target = target
        .split(" HTTP/")
        .next()
        .unwrap_or(target)
        .trim()
        .to_string();
    if target.is_empty() {
        return None;
    }
    (target.starts_with('/') || target.starts_with("http")).then_some((method, target))
}

/// `Response`, `Response 204`, `Response 200 OK` → the status, if any. Prose is not a response line.
fn response_line(line: &str) -> Option<Option<u16>> {
    let p = plain(line);
    let rest = strip_word(&p, "response")?
        .trim()
        .trim_start_matches(':')
        .trim();
    if rest.is_empty() {
        return Some(None);
    }
    let code = rest.split_whitespace().next()?;
    let status = code
        .parse::<u16>()
        .ok()
        .filter(|c| (100..600).contains(c))?;
    (rest.len() <= 40).then_some(Some(status))
}

/// `204 No Content` alone on a line.
fn status_line(line: &str) -> Option<u16> {
    let p = plain(line);
    let mut words = p.split_whitespace();
    let code = words
        .next()?
        .parse::<u16>()
        .ok()
        .filter(|c| (100..600).contains(c))?;
    (p.len() <= 40 && words.all(|w| w.chars().all(|c| c.is_ascii_alphabetic() || c == '-')))
        .then_some(code)
}

fn strip_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let head = text.get(..word.len())?;
    let rest = &text[word.len()..];
    (head.eq_ignore_ascii_case(word) && (rest.is_empty() || rest.starts_with([' ', ':', '\t'])))
        .then_some(rest)
}

/// Split `/v7.1/friendship/?status=pending&to_user={User ID}` into a template and the query.
pub fn split_target(target: &str) -> (String, BTreeMap<String, String>) {
    let without_host = match target.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => target,
    };
    let (path, query) = without_host.split_once('?').unwrap_or((without_host, ""));
    let mut params = BTreeMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        params.insert(k.to_string(), v.to_string());
    }
    (template(path), params)
}

/// Placeholders become `{name}`: `<remote_id>`, `{friendship_id}`, `{to_user ID}`, `:to_user:`.
pub fn template(path: &str) -> String {
    let segments: Vec<String> = path
        .split('/')
        .map(|seg| {
            let mut out = String::new();
            let mut rest = seg;
            while !rest.is_empty() {
                let open = rest.find(['<', '{', ':']);
                let Some(open) = open else {
                    out.push_str(rest);
                    break;
                };
                let (opener, closer) = match rest.as_bytes()[open] {
                    b'<' => ('<', '>'),
                    b'{' => ('{', '}'),
                    _ => (':', ':'),
                };
                let after = &rest[open + 1..];
                match after.find(closer) {
                    Some(close) if close > 0 && (opener != ':' || open == 0) => {
                        out.push_str(&rest[..open]);
                        let name: String = after[..close]
                            .trim_matches(['{', '}'])
                            .chars()
                            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                            .collect();
                        out.push('{');
                        out.push_str(name.trim_matches('_'));
                        out.push('}');
                        rest = &after[close + 1..];
                        if opener == '{' {
                            rest = rest.strip_prefix('}').unwrap_or(rest);
                        }
                    }
                    _ => {
                        out.push_str(&rest[..open + 1]);
                        rest = after;
                    }
                }
            }
            out
        })
        .collect();
    segments.join("/")
}

/// The template with parameter names erased: `/v7.1/friendship/{}/`.
pub fn template_key(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    out.push_str("{}");
                }
            }
            '}' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// One name per template across pages: the first name seen wins (`{friendship_id}` and `{pk}` at
/// the same place are one parameter).
pub fn unify(pages: &mut [Page]) {
    let mut canonical: BTreeMap<String, String> = BTreeMap::new();
    for page in pages.iter_mut() {
        for ex in &mut page.examples {
            let key = template_key(&ex.path);
            match canonical.get(&key) {
                Some(name) => ex.path = name.clone(),
                None => {
                    canonical.insert(key, ex.path.clone());
                }
            }
        }
    }
}

/// Jekyll front matter: (text with the block blanked, variables).
fn front_matter(text: &str) -> (String, BTreeMap<String, String>) {
    let mut vars = BTreeMap::new();
    if !text.starts_with("---\n") && !text.starts_with("---\r\n") {
        return (text.to_string(), vars);
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let Some(end) = lines
        .iter()
        .skip(1)
        .position(|l| l.trim() == "---")
        .map(|p| p + 1)
    else {
        return (text.to_string(), vars);
    };
    let yaml = lines[1..end].join("\n");
    if let Ok(Value::Object(map)) = yaml_serde::from_str::<Value>(&yaml) {
        for (k, v) in map {
            let s = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            vars.insert(k, s);
        }
    }
    // Blank the block so line numbers stay those of the file.
    let blanked: Vec<&str> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| if i <= end { "" } else { *l })
        .collect();
    (blanked.join("\n"), vars)
}

/// `{{ page.version }}` → the front-matter value; unknown variables are left as written.
fn liquid(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}").filter(|e| !after[..*e].contains('\n')) else {
            out.push_str("{{");
            rest = after;
            continue;
        };
        let name = after[..end].trim();
        let key = name
            .strip_prefix("page.")
            .or_else(|| name.strip_prefix("site."))
            .unwrap_or(name);
        match vars.get(key) {
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// HTML to text: block tags become line breaks, tags go, entities are decoded. Also returns, for
/// each line of the text, the line of the HTML file it comes from.
fn html_to_text(html: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(html.len());
    let mut map = vec![1usize];
    let mut line = 1usize;
    let mut rest = html;
    let copy = |segment: &str, out: &mut String, map: &mut Vec<usize>, line: &mut usize| {
        for c in segment.chars() {
            out.push(c);
            if c == '\n' {
                *line += 1;
                map.push(*line);
            }
        }
    };
    while let Some(open) = rest.find('<') {
        copy(&rest[..open], &mut out, &mut map, &mut line);
        let Some(close) = rest[open..].find('>') else {
            copy(&rest[open..], &mut out, &mut map, &mut line);
            rest = "";
            break;
        };
        let tag_text = &rest[open..open + close + 1];
        let tag = tag_text[1..tag_text.len() - 1]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let breaks = matches!(
            name.as_str(),
            "br" | "p" | "div" | "pre" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
        );
        if breaks && !out.ends_with('\n') {
            out.push('\n');
            map.push(line);
        }
        // Newlines inside a tag still advance the file's line.
        line += tag_text.matches('\n').count();
        rest = &rest[open + close + 1..];
    }
    copy(rest, &mut out, &mut map, &mut line);
    let text = out
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    (text, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_response_lines() {
        assert_eq!(
            request_line("Request GET: /v7.1/friendship/{friendship_id}/"),
            Some(("GET".into(), "/v7.1/friendship/{friendship_id}/".into()))
        );
        assert_eq!(
            request_line("###### Request `PUT: /v7.1/x/`"),
            Some(("PUT".into(), "/v7.1/x/".into()))
        );
        assert_eq!(
            request_line("Request GET /vx/remoteconnection/"),
            Some(("GET".into(), "/vx/remoteconnection/".into()))
        );
        assert_eq!(request_line("Requests are rate limited"), None);
        assert_eq!(
            request_line("Request GET: /f/?to_user={User ID}").map(|r| r.1),
            Some("/f/?to_user={User ID}".to_string())
        );
        assert_eq!(response_line("###### Response 204"), Some(Some(204)));
        assert_eq!(response_line("Response"), Some(None));
        assert_eq!(
            response_line("Response headers tell you the rate limit"),
            None
        );
        assert_eq!(status_line("204 No Content"), Some(204));
    }

    #[test]
    fn templates_and_queries() {
        assert_eq!(
            template("/vx/remoteconnection/<remote_id>/"),
            "/vx/remoteconnection/{remote_id}/"
        );
        assert_eq!(template("/v7.1/user/:to_user:/"), "/v7.1/user/{to_user}/");
        assert_eq!(
            template("/v7.1/friendship/{from_user ID}_{to_user ID}/"),
            "/v7.1/friendship/{from_user_ID}_{to_user_ID}/"
        );
        let (p, q) = split_target("/v7.1/friendship/?status=pending&to_user={User ID}");
        assert_eq!(p, "/v7.1/friendship/");
        assert_eq!(
            q.into_iter().collect::<Vec<_>>(),
            vec![
                ("status".to_string(), "pending".to_string()),
                ("to_user".to_string(), "{User ID}".to_string())
            ]
        );
        assert_eq!(template_key("/a/{x}/b/{y_z}"), "/a/{}/b/{}");
    }

    #[test]
    fn html_lines_are_those_of_the_file() {
        let page = extract("p.html", "<html>\n<h3>Request GET: /a/{id}/</h3><h4>Response</h4>\n<pre>{\n  &quot;a&quot;: 1,\n}</pre>\n</html>\n");
        assert_eq!(page.examples.len(), 1);
        assert_eq!(page.examples[0].line, 3);
        assert_eq!(
            page.examples[0].repairs,
            vec![Repair {
                line: 4,
                kind: "trailing-comma"
            }]
        );
        assert_eq!(page.examples[0].body, Some(serde_json::json!({"a": 1})));
    }

    #[test]
    fn front_matter_fills_liquid() {
        let page = extract("p.md", "---\nversion: v7.1\n---\n# x\n###### Request `GET: /{{page.version}}/a/<id>/`\n###### Response\n```json\n{\"a\": 1,}\n```\n");
        assert_eq!(page.examples.len(), 1);
        let ex = &page.examples[0];
        assert_eq!(
            (ex.path.as_str(), ex.line, ex.status),
            ("/v7.1/a/{id}/", 8, None)
        );
        assert_eq!(
            ex.repairs,
            vec![Repair {
                line: 8,
                kind: "trailing-comma"
            }]
        );
    }
}
