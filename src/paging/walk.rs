//! One walk through a collection's pages in one style, as a pure state machine: the walk names
//! the first URL; each page fetched is handed to [`Walk::observe`], which answers with the
//! findings of that page and the next URL, or the end of the walk. No I/O here: `run::paging`
//! sends the requests through the gated transport.
//!
//! Bounded: a walk ends after its page or item budget, on a link it has already fetched (a loop),
//! on a link to another origin (never followed) and on the first page it cannot read.

use super::{Budget, Paging, Strategy, Style};
use crate::model::Kind;
use crate::model::Severity;
use serde_json::Value;
use std::collections::HashSet;

/// The longest next-page URL a walk follows.
pub const MAX_URL_BYTES: usize = 8192;

/// A finding about one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageFinding {
    pub kind: Kind,
    /// Overrides the kind's default severity.
    pub severity: Option<Severity>,
    pub message: String,
    /// The page the finding is about.
    pub url: String,
}

/// Why a walk ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The last page was reached.
    Complete,
    /// The page or item budget ran out first.
    Budget,
    /// A page could not be fetched, read or followed.
    Broken,
    /// No way forward the walk can take (a cursor style with no next link or cursor field).
    Stuck,
}

/// The next step of a walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Fetch(String),
    Done(End),
}

/// One walk in progress.
pub struct Walk<'p> {
    paging: &'p Paging,
    strategy: &'p Strategy,
    budget: Budget,
    /// The page size asked for (`None`: the style has no size parameter).
    size: Option<u64>,
    /// How many items the first page held.
    first_len: Option<u64>,
    /// The URL of the first page, from which parameter-advanced pages are made.
    base: url::Url,
    pages: usize,
    fetched: usize,
    ids: HashSet<String>,
    requested: HashSet<String>,
    count: Option<u64>,
    /// The page number or offset of the page being fetched.
    position: u64,
    /// Link relations already reported missing (one finding per relation per walk).
    reported: HashSet<String>,
    /// The pages lead on through a response header (`Link: <…>; rel="next"`, `Next-Page`):
    /// a page without it is the last.
    header_driven: bool,
    /// How the walk ended, once it has.
    pub end: Option<End>,
}

impl<'p> Walk<'p> {
    /// A walk starting from `url` (the operation's request, without paging parameters): the
    /// parameters named in `strip` are removed, then the style's size and first position set.
    pub fn new(
        paging: &'p Paging,
        strategy: &'p Strategy,
        budget: Budget,
        url: &str,
        strip: &[&str],
    ) -> Option<Walk<'p>> {
        let mut base = url::Url::parse(url).ok()?;
        let size = strategy.size.as_ref().map(|_| {
            let asked = budget
                .page_size
                .or(strategy.default_size)
                .filter(|s| *s > 0)
                .unwrap_or(10);
            strategy.max_size.map_or(asked, |m| asked.min(m.max(1)))
        });
        let kept: Vec<(String, String)> = base
            .query_pairs()
            .filter(|(k, _)| !strip.contains(&k.as_ref()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut pairs = kept;
        if let (Some(name), Some(size)) = (&strategy.size, size) {
            pairs.push((name.clone(), size.to_string()));
        }
        let position = match strategy.style {
            Style::Page => 1,
            Style::Offset | Style::Cursor | Style::Links => 0,
        };
        if let (Some(name), Style::Page | Style::Offset) = (&strategy.position, strategy.style) {
            pairs.push((name.clone(), position.to_string()));
        }
        set_query(&mut base, &pairs);
        Some(Walk {
            paging,
            strategy,
            budget,
            size,
            first_len: None,
            base,
            pages: 0,
            fetched: 0,
            ids: HashSet::new(),
            requested: HashSet::new(),
            count: None,
            position,
            reported: HashSet::new(),
            header_driven: paging.next_header.is_some(),
            end: None,
        })
    }

    /// The first page's URL.
    pub fn first(&mut self) -> String {
        let url = self.base.to_string();
        self.requested.insert(url.clone());
        url
    }

    /// The style walked.
    pub fn style(&self) -> Style {
        self.strategy.style
    }

    /// Pages fetched, distinct items fetched, the declared count, the page size asked for.
    pub fn progress(&self) -> (usize, usize, Option<u64>, Option<u64>) {
        (self.pages, self.fetched, self.count, self.size)
    }

    /// One line for the report: `page (page[size]=10): 3 pages, 25 items of 25, complete`.
    pub fn summary(&self) -> String {
        let mut text = self.strategy.style.to_string();
        if let (Some(name), Some(size)) = (&self.strategy.size, self.size) {
            text.push_str(&format!(" ({name}={size})"));
        }
        text.push_str(&format!(
            ": {} page(s), {} item(s)",
            self.pages, self.fetched
        ));
        if let Some(c) = self.count {
            text.push_str(&format!(" of {c}"));
        }
        text.push_str(match self.end {
            Some(End::Complete) => ", to the end",
            Some(End::Budget) => ", budget reached",
            Some(End::Broken) => ", stopped on a broken page",
            Some(End::Stuck) => ", no way past the first page",
            None => "",
        });
        text
    }

    /// Observe one fetched page: `status`, the parsed body (`None`: no JSON body, or the
    /// request failed — `error` says how) and the response headers (names lower-cased).
    pub fn observe(
        &mut self,
        url: &str,
        (status, headers): (Option<u16>, &[(String, String)]),
        body: Option<&Value>,
        error: Option<&str>,
    ) -> (Vec<PageFinding>, Step) {
        self.pages += 1;
        let mut findings = Vec::new();
        let finding = |kind, message: String| PageFinding {
            kind,
            severity: None,
            message,
            url: url.to_string(),
        };
        let ok = status.is_some_and(|s| (200..300).contains(&s));
        let page = body
            .filter(|_| ok)
            .and_then(|b| items_at(b, &self.paging.items));
        let (Some(body), Some(items)) = (body.filter(|_| ok), page) else {
            if self.pages > 1 {
                let why = match (error, status) {
                    (Some(e), _) => format!("failed: {e}"),
                    (None, Some(s)) if !(200..300).contains(&s) => format!("answered {s}"),
                    _ => format!("has no item list at {}", display(&self.paging.items)),
                };
                findings.push(finding(
                    Kind::PaginationBrokenLink,
                    format!("the next page {url} {why}"),
                ));
            }
            return (findings, self.done(End::Broken));
        };
        let n = items.len();
        if let Some(size) = self.size.filter(|s| n as u64 > *s) {
            findings.push(finding(
                Kind::PaginationPageOversize,
                format!("the page holds {n} items; {size} were asked for"),
            ));
        }
        findings.extend(self.duplicates(items, url));
        if self.pages == 1 {
            self.first_len = Some(n as u64);
            self.count = self
                .paging
                .count
                .as_deref()
                .and_then(|p| body.pointer(p))
                .and_then(count_value);
        }
        if self.strategy.style != Style::Cursor {
            findings.extend(self.link_set(body, url));
        }
        let in_header = header_link(headers, self.paging.next_header.as_deref());
        let step = self.advance(body, n, url, in_header, &mut findings);
        (findings, step)
    }

    /// Items seen before (by `id`): one finding per page, naming the first few.
    fn duplicates(&mut self, items: &[Value], url: &str) -> Option<PageFinding> {
        let mut repeated = Vec::new();
        for item in items {
            // `null`, `{}` or `[]` names nothing: such an item counts, as one with no id.
            let id = item.get("id").filter(|v| match v {
                Value::Null => false,
                Value::Object(o) => !o.is_empty(),
                Value::Array(a) => !a.is_empty(),
                _ => true,
            });
            match id.map(id_text) {
                Some(id) if !self.ids.insert(id.clone()) => repeated.push(id),
                Some(_) => self.fetched += 1,
                // No id to tell items apart: each counts.
                None => self.fetched += 1,
            }
        }
        if repeated.is_empty() {
            return None;
        }
        let shown: Vec<String> = repeated.iter().take(3).map(|i| format!("{i:?}")).collect();
        let more = if repeated.len() > 3 { ", …" } else { "" };
        let severity = match self.strategy.style {
            Style::Cursor => None,
            Style::Page | Style::Offset | Style::Links => Some(Severity::Info),
        };
        Some(PageFinding {
            kind: Kind::PaginationDuplicate,
            severity,
            message: format!(
                "{} item(s) on page {} were already fetched on an earlier page: id {}{more}",
                repeated.len(),
                self.pages,
                shown.join(", ")
            ),
            url: url.to_string(),
        })
    }

    /// Declared `first`/`last`/`prev` links missing from this page.
    fn link_set(&mut self, body: &Value, url: &str) -> Vec<PageFinding> {
        let mut out = Vec::new();
        for (relation, pointer) in &self.paging.relations {
            // `prev` has nothing to name on the first page: absent or null there is fine.
            let first_page = self.pages == 1 && relation == "prev";
            let problem = match body.pointer(pointer) {
                None if !first_page => Some("is absent"),
                Some(Value::Null) if relation != "prev" => Some("is null"),
                Some(Value::Null) if !first_page => Some("is null past the first page"),
                _ => None,
            };
            if let Some(problem) = problem {
                if self.reported.insert(relation.clone()) {
                    out.push(PageFinding {
                        kind: Kind::PaginationLinkSet,
                        severity: None,
                        message: format!(
                            "the declared `{relation}` link ({pointer}) {problem} on page {}",
                            self.pages
                        ),
                        url: url.to_string(),
                    });
                }
            }
        }
        out
    }

    /// Where to go after a page of `n` items: the next link, the next cursor, or the next page
    /// number or offset; the end of the collection; or the end of the budget.
    fn advance(
        &mut self,
        body: &Value,
        n: usize,
        url: &str,
        in_header: Option<Link>,
        findings: &mut Vec<PageFinding>,
    ) -> Step {
        // A next page named in a header, where the body names none: the header leads, and once
        // it has, a page without it is the last (as a client following `Link` would stop).
        let header_led = self.paging.next.is_none() && (in_header.is_some() || self.header_driven);
        let next = if header_led {
            self.header_driven = true;
            match in_header {
                Some(Link::Url(link)) => Some(self.follow(&link, url, findings)),
                Some(Link::Position(at)) => Some(Ok(self.with_position(&at))),
                None => None,
            }
        } else {
            self.advance_in_body(body, n, url, findings)
        };
        self.finish_advance(next, url, findings)
    }

    /// The way on a page's body or its position gives: `None` at the end of the collection,
    /// `Err` when the walk ends otherwise.
    fn advance_in_body(
        &mut self,
        body: &Value,
        n: usize,
        url: &str,
        findings: &mut Vec<PageFinding>,
    ) -> Option<Result<String, End>> {
        match (&self.paging.next, &self.paging.cursor, self.strategy.style) {
            (Some(pointer), _, _) => {
                match link_at(body, pointer, self.strategy.position.as_deref()) {
                    Ok(Some(Link::Url(link))) => Some(self.follow(&link, url, findings)),
                    Ok(Some(Link::Position(at))) => Some(Ok(self.with_position(&at))),
                    Ok(None) => None,
                    Err(shown) => {
                        findings.push(PageFinding {
                            kind: Kind::PaginationBrokenLink,
                            severity: None,
                            message: format!("the next link ({pointer}) is not a URL: {shown}"),
                            url: url.to_string(),
                        });
                        Some(Err(End::Broken))
                    }
                }
            }
            (None, Some(pointer), Style::Cursor) => body
                .pointer(pointer)
                .and_then(cursor_text)
                .map(|cursor| Ok(self.with_position(&cursor))),
            (None, None, Style::Cursor | Style::Links) if n == 0 => Some(Err(End::Complete)),
            // A page shorter than the size asked for, with no way on: the last page.
            (None, None, Style::Cursor | Style::Links)
                if self.size.is_some_and(|s| (n as u64) < s) =>
            {
                None
            }
            (None, None, Style::Cursor | Style::Links) => Some(Err(End::Stuck)),
            (None, _, _) => {
                // With no size parameter, the first page's length is the page size.
                let size = self.size.or(self.first_len);
                let short = n == 0 || size.is_some_and(|s| (n as u64) < s);
                if short || self.strategy.position.is_none() {
                    None
                } else {
                    self.position += match self.strategy.style {
                        Style::Offset => n as u64,
                        Style::Page | Style::Cursor | Style::Links => 1,
                    };
                    Some(Ok(self.with_position(&self.position.to_string())))
                }
            }
        }
    }

    /// Finish [`Walk::advance`] for a page whose way on is in its body or its position.
    fn finish_advance(
        &mut self,
        next: Option<Result<String, End>>,
        url: &str,
        findings: &mut Vec<PageFinding>,
    ) -> Step {
        match next {
            None => {
                let link_driven = self.paging.next.is_some();
                findings.extend(self.count_check(url, link_driven));
                self.done(End::Complete)
            }
            Some(Err(end)) => self.done(end),
            // Servers refuse longer URLs, and every report line that quotes it would carry it.
            Some(Ok(next)) if next.len() > MAX_URL_BYTES => {
                findings.push(PageFinding {
                    kind: Kind::PaginationBrokenLink,
                    severity: None,
                    message: format!(
                        "the next page's URL is {} bytes long, over the {MAX_URL_BYTES} bytes drift follows ({}); not followed",
                        next.len(),
                        crate::text::excerpt(&next, 120)
                    ),
                    url: url.to_string(),
                });
                self.done(End::Broken)
            }
            Some(Ok(_)) if self.pages >= self.budget.max_pages => self.done(End::Budget),
            Some(Ok(_)) if self.fetched >= self.budget.max_items => self.done(End::Budget),
            Some(Ok(next)) => {
                if !self.requested.insert(next.clone()) {
                    findings.push(PageFinding {
                        kind: Kind::PaginationBrokenLink,
                        severity: None,
                        message: format!(
                            "the next link leads back to a page already fetched ({next}): the pages loop"
                        ),
                        url: url.to_string(),
                    });
                    return self.done(End::Broken);
                }
                Step::Fetch(next)
            }
        }
    }

    /// Resolve a next link against the page's URL; another origin is a finding, never followed.
    fn follow(
        &self,
        link: &str,
        url: &str,
        findings: &mut Vec<PageFinding>,
    ) -> Result<String, End> {
        let broken = |message| PageFinding {
            kind: Kind::PaginationBrokenLink,
            severity: None,
            message,
            url: url.to_string(),
        };
        let here = url::Url::parse(url).map_err(|_| End::Broken)?;
        let Ok(next) = here.join(link) else {
            findings.push(broken(format!(
                "the next link is not a URL: {:?}",
                crate::text::excerpt(link, 200)
            )));
            return Err(End::Broken);
        };
        if !matches!(next.scheme(), "http" | "https") || next.origin() != here.origin() {
            findings.push(broken(format!(
                "the next link {:?} leaves the API's origin ({}); drift does not follow it",
                crate::text::excerpt(next.as_str(), 200),
                here.origin().ascii_serialization()
            )));
            return Err(End::Broken);
        }
        Ok(next.to_string())
    }

    /// The first page's URL with the position parameter set to `value`.
    fn with_position(&self, value: &str) -> String {
        let mut url = self.base.clone();
        if let Some(name) = &self.strategy.position {
            let mut pairs: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != name.as_str())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            pairs.push((name.clone(), value.to_string()));
            set_query(&mut url, &pairs);
        }
        url.to_string()
    }

    /// At the end of the collection: the items fetched against the declared count.
    fn count_check(&self, url: &str, link_driven: bool) -> Option<PageFinding> {
        let count = self.count?;
        let fetched = self.fetched as u64;
        if fetched == count {
            return None;
        }
        let what = display(self.paging.count.as_deref().unwrap_or(""));
        let (kind, message) = if fetched < count && link_driven {
            (
                Kind::PaginationMissingNext,
                format!(
                    "page {} has no next link, but only {fetched} of the {count} items ({what}) were fetched",
                    self.pages
                ),
            )
        } else {
            (
                Kind::PaginationCountMismatch,
                format!(
                    "walked all {} page(s): {fetched} distinct item(s), but {what} is {count}",
                    self.pages
                ),
            )
        };
        Some(PageFinding {
            kind,
            severity: None,
            message,
            url: url.to_string(),
        })
    }

    fn done(&mut self, end: End) -> Step {
        self.end = Some(end);
        Step::Done(end)
    }
}

/// The count-only promise: the URL asking for a page size of 0, and the check of its answer.
pub fn count_only_url(strategy: &Strategy, url: &str, strip: &[&str]) -> Option<String> {
    let mut base = url::Url::parse(url).ok()?;
    let mut pairs: Vec<(String, String)> = base
        .query_pairs()
        .filter(|(k, _)| !strip.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.push((strategy.size.clone()?, "0".into()));
    set_query(&mut base, &pairs);
    Some(base.to_string())
}

/// Whether a size-0 answer is only the count: a success, no items, a count.
pub fn check_count_only(
    paging: &Paging,
    url: &str,
    status: Option<u16>,
    body: Option<&Value>,
) -> Option<PageFinding> {
    let count = paging.count.as_deref()?;
    let problem = match (status, body) {
        (Some(s), _) if !(200..300).contains(&s) => Some(format!("it answered {s}")),
        (None, _) => Some("the request failed".to_string()),
        (_, None) => Some("the answer is not JSON".to_string()),
        (_, Some(b)) => {
            let items = items_at(b, &paging.items).map_or(0, <[Value]>::len);
            match b.pointer(count).and_then(count_value) {
                None => Some(format!("the answer has no count at {count}")),
                Some(_) if items > 0 => Some(format!("the answer holds {items} item(s)")),
                Some(_) => None,
            }
        }
    };
    problem.map(|p| PageFinding {
        kind: Kind::PaginationCountOnly,
        severity: None,
        message: format!("a page size of 0 should return only the count, but {p}"),
        url: url.to_string(),
    })
}

/// The item list at `pointer` (empty pointer: the body).
fn items_at<'v>(body: &'v Value, pointer: &str) -> Option<&'v [Value]> {
    body.pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
}

/// Where a next link leads.
enum Link {
    Url(String),
    /// The next page's position itself: a page number (thetvdb's `links.next: 2`) or the value
    /// of the position parameter in a link object (HubSpot's `paging.next.after`).
    Position(String),
}

/// A next link: a URL string, `{href}` (or `{link}`, `{url}`), a list of those (HAL), a number,
/// or an object holding the position parameter. `Ok(None)`: absent or `null` (no next page);
/// `Err`: something else, shown.
fn link_at(body: &Value, pointer: &str, position: Option<&str>) -> Result<Option<Link>, String> {
    let node = match body.pointer(pointer) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(a)) if a.is_empty() => return Ok(None),
        Some(Value::Array(a)) => &a[0],
        Some(v) => v,
    };
    match node {
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(Link::Url(s.clone()))),
        Value::Number(n) if position.is_some() => Ok(Some(Link::Position(n.to_string()))),
        Value::Object(o) => {
            let url = ["href", "link", "url", "uri"]
                .iter()
                .find_map(|k| o.get(*k).filter(|v| !v.is_null()));
            match url {
                Some(Value::String(s)) if !s.is_empty() => Ok(Some(Link::Url(s.clone()))),
                Some(Value::String(_)) => Ok(None),
                Some(other) => Err(crate::text::excerpt(&other.to_string(), 80)),
                None => Ok(position
                    .and_then(|p| o.get(p))
                    .and_then(cursor_text)
                    .map(Link::Position)),
            }
        }
        other => Err(crate::text::excerpt(&other.to_string(), 80)),
    }
}

/// The next page a response header names: RFC 8288 `Link: <url>; rel="next"`, a `Next-Page` /
/// `X-Next-Page` URL (a page number there is a position, as GitLab's is), a continuation token
/// header, or the header the contract declares (`declared`, lower-cased). Empty values name none.
fn header_link(headers: &[(String, String)], declared: Option<&str>) -> Option<Link> {
    let value = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    if let Some(link) = value("link").and_then(rel_next) {
        return Some(Link::Url(link));
    }
    let named = declared.into_iter().chain(NEXT_HEADERS.iter().copied());
    for name in named {
        if let Some(v) = value(name) {
            if name == "link" {
                continue;
            }
            let looks_like_url = v.contains('/') || v.contains('?');
            return Some(if looks_like_url {
                Link::Url(v.to_string())
            } else {
                Link::Position(v.to_string())
            });
        }
    }
    None
}

/// Headers that name the next page (or its position), lower-cased.
pub const NEXT_HEADERS: &[&str] = &[
    "next-page",
    "x-next-page",
    "x-next",
    "x-next-page-url",
    "next-page-token",
    "x-next-page-token",
    "x-next-token",
    "x-continuation",
    "x-continuation-token",
    "x-ms-continuation",
];

/// The `rel="next"` target of an RFC 8288 `Link` header (relations may be several, quoted or
/// not: `rel="next last"`).
fn rel_next(header: &str) -> Option<String> {
    for part in header.split(",").take(64) {
        let part = part.trim();
        let Some(rest) = part.strip_prefix('<') else {
            continue;
        };
        let Some((target, params)) = rest.split_once('>') else {
            continue;
        };
        let is_next = params.split(';').any(|p| {
            let Some((k, v)) = p.split_once('=') else {
                return false;
            };
            k.trim().eq_ignore_ascii_case("rel")
                && v.trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"))
        });
        if is_next && !target.is_empty() {
            return Some(target.to_string());
        }
    }
    None
}

/// A declared count: a number, or a number written as a string (`"25"`).
fn count_value(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn cursor_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn display(pointer: &str) -> String {
    if pointer.is_empty() {
        "the body".into()
    } else {
        pointer.to_string()
    }
}

/// Replace a URL's query, keeping `[` and `]` readable (`page[size]=10`).
fn set_query(url: &mut url::Url, pairs: &[(String, String)]) {
    if pairs.is_empty() {
        url.set_query(None);
        return;
    }
    url.set_query(Some(&crate::text::query_string(pairs)));
}
