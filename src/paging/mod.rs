//! Pagination contracts: which collection operations page, how, and where their pages keep the
//! items, the count and the links. Detected from the contract (query parameters and the fields
//! the success response declares), overridable per API or operation in drift.yaml.
//! [`walk`] follows the pages of one walk and checks the promises; `run::paging` drives walks
//! through the same gated transport as every other request.
//!
//! Recognised styles:
//! - numbered pages: `page[size]`+`page[number]`, `per_page`/`page_size`/`limit`+`page`;
//! - offsets: `limit`+`offset` (`skip`, `start`);
//! - cursors: `page[limit]`+`page[after]`/`page[cursor]`, `limit`+`cursor`/`after`/`page_token`;
//! - links only: no paging parameter, a declared `next` link (`links.next`, HAL `_links.next`).
//!
//! An operation declaring two styles (JSON:API skip- and cursor-based paging on one collection)
//! is walked in both, never mixing them.

pub mod walk;

use crate::snapshot::view::SchemaView;
use crate::spec::{Contract, Operation, ParamIn, Parameter};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// How a walk moves from one page to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Style {
    /// Numbered pages: a size and a page number.
    Page,
    /// A size and an item offset.
    Offset,
    /// A size and an opaque cursor, advanced by the next link or a cursor field.
    Cursor,
    /// No paging parameter: the `next` link is the only way forward.
    Links,
}

impl fmt::Display for Style {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Style::Page => "page",
            Style::Offset => "offset",
            Style::Cursor => "cursor",
            Style::Links => "links",
        })
    }
}

/// One way of paging a collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Strategy {
    pub style: Style,
    /// The query parameter holding the page size (`page[size]`, `limit`).
    pub size: Option<String>,
    /// The query parameter holding the position: page number, offset or cursor.
    pub position: Option<String>,
    /// The documented default page size.
    pub default_size: Option<u64>,
    /// The documented largest page size.
    pub max_size: Option<u64>,
    /// The size parameter admits 0.
    pub zero_size: bool,
}

/// How one collection operation pages. Pointers are JSON Pointers into a page's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paging {
    pub strategies: Vec<Strategy>,
    /// Where the items are (`/data`, `/_embedded/friends`; empty: the body is the list).
    pub items: String,
    /// The declared total (`/meta/count`, `/total_count`).
    pub count: Option<String>,
    /// The link to the next page (`/links/next`, `/_links/next`).
    pub next: Option<String>,
    /// A field holding the next cursor (`/meta/next_cursor`, `/nextToken`).
    pub cursor: Option<String>,
    /// The other declared links (`first`, `last`, `prev`) and their pointers.
    pub relations: Vec<(String, String)>,
    /// The contract says a page size of 0 returns only the count.
    pub count_only: bool,
    /// A declared response header naming the next page (`link`, `next-page`; lower-cased).
    pub next_header: Option<String>,
    /// Why this was detected, for `drift ops`.
    pub reasons: Vec<String>,
    /// What the next link and the cursor field hold on the last page, by what the schema allows
    /// (for the mock).
    #[serde(skip)]
    pub last_page: LastPage,
    /// How the schema writes the fields a page sets (for the mock).
    #[serde(skip)]
    pub forms: Forms,
}

/// How the schema writes the fields of a page that change from page to page, so the mock can
/// set them in the declared form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forms {
    /// The next link: a string, an `{href}` object, a list of them, or a page number.
    pub link: Option<LinkForm>,
    /// The properties a link object declares (`href`; HubSpot's `{after, link}`), and those it
    /// requires.
    pub link_keys: Vec<String>,
    pub link_required: Vec<String>,
    /// A text link with no `format` or `pattern`: `""` can say "no next page" when the link
    /// must stay (Azure's required `nextLink`).
    pub link_may_be_empty: bool,
    /// The count is declared as a string (OMDb's `"totalResults": "25"`).
    pub count_text: bool,
    /// The count's declared `maximum`: no collection is larger.
    pub count_max: Option<u64>,
    /// The item list's declared `maxItems`: no page is larger.
    pub page_max: Option<u64>,
    /// The item list is `uniqueItems`: items no `id` tells apart are not repeated.
    pub unique: bool,
    /// How each of `relations` shows there is no such page (`prev` on the first page).
    pub relation_ends: Vec<EndMark>,
    /// The `minLength` of the cursor field: the mock's cursors are padded to it (`c04`).
    pub cursor_min_len: usize,
    /// The `pattern` of the cursor field, when the mock's own cursors (`c10`) do not match it
    /// (AWS's `"nextToken": {"pattern": "[\\S]+"}`).
    pub cursor_pattern: Option<String>,
}

/// The shape of a link field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkForm {
    Text,
    Object,
    List,
    /// The page number (or offset) itself, not a URL (thetvdb's `links.next: integer`).
    Number,
}

/// How a page with no next page shows it, for the next link and the cursor field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LastPage {
    pub next: EndMark,
    pub cursor: EndMark,
}

/// The end of a collection, as a field shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EndMark {
    /// The key is left out (it is optional).
    #[default]
    Absent,
    /// `null` (the key is required and nullable).
    Null,
    /// The key is required and cannot be `null`: it keeps a value.
    Kept,
}

/// How many pages and items one walk may fetch, and the page size it asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub max_pages: usize,
    pub max_items: usize,
    /// The page size to ask for; `None`: the documented default (else 10, within the bounds).
    pub page_size: Option<u64>,
}

impl Default for Budget {
    /// Five pages, 1,000 items: the first few pages at the documented default page size,
    /// cheap and polite enough for a nightly run against a huge collection.
    fn default() -> Self {
        Budget {
            max_pages: 5,
            max_items: 1_000,
            page_size: None,
        }
    }
}

/// The drift.yaml `pagination:` entry of an API, and of one of its operations.
///
/// ```yaml
/// pagination:
///   max_pages: 5          # per walk (default 5)
///   max_items: 1000       # per walk (default 1000)
///   page_size: 20         # asked for (default: the documented default, else 10)
///   operations:
///     listFriends:
///       style: offset     # page | offset | cursor | links | none (not walked)
///       size_param: limit
///       position_param: offset
///       items: /_embedded/friends
///       count: /total_count
///       next: /_links/next
///       count_only: false
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagingConfig {
    pub style: Option<StyleChoice>,
    pub size_param: Option<String>,
    pub position_param: Option<String>,
    pub items: Option<String>,
    pub count: Option<String>,
    pub next: Option<String>,
    pub cursor: Option<String>,
    pub count_only: Option<bool>,
    #[serde(default, deserialize_with = "crate::limits::de::page_size")]
    pub page_size: Option<u64>,
    #[serde(default, deserialize_with = "crate::limits::de::max_pages")]
    pub max_pages: Option<usize>,
    #[serde(default, deserialize_with = "crate::limits::de::max_items")]
    pub max_items: Option<usize>,
    /// Per operation id (only at the API level).
    #[serde(default)]
    pub operations: BTreeMap<String, PagingConfig>,
}

/// A style set in drift.yaml, or `none` to not walk an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StyleChoice {
    Page,
    Offset,
    Cursor,
    Links,
    None,
}

impl PagingConfig {
    /// The walk budget of an operation: its own settings, then the API's, then the defaults.
    pub fn budget(&self, operation: &str) -> Budget {
        let own = self.operations.get(operation);
        let d = Budget::default();
        Budget {
            max_pages: own
                .and_then(|o| o.max_pages)
                .or(self.max_pages)
                .unwrap_or(d.max_pages),
            max_items: own
                .and_then(|o| o.max_items)
                .or(self.max_items)
                .unwrap_or(d.max_items),
            page_size: own.and_then(|o| o.page_size).or(self.page_size),
        }
    }
}

/// How `op` pages: detected from the contract, then overridden by the configuration. `None`
/// when it is not a paged collection (or the configuration says `style: none`).
pub fn resolve(contract: &Contract, op: &Operation, config: &PagingConfig) -> Option<Paging> {
    if !op.is_read_only() {
        return None;
    }
    let own = config.operations.get(&op.id);
    let pick = |f: fn(&PagingConfig) -> Option<String>| own.and_then(f).or_else(|| f(config));
    let style = own.and_then(|o| o.style).or(config.style);
    if style == Some(StyleChoice::None) {
        return None;
    }
    let detected = contract.paging_of(op, |op| detect(contract, op));
    let configured = style.is_some()
        || [own, Some(config)]
            .into_iter()
            .flatten()
            .any(|c| c.items.is_some() || c.size_param.is_some() || c.next.is_some());
    let mut paging = match detected {
        Some(p) => p,
        None if configured => Paging {
            strategies: Vec::new(),
            items: "/data".into(),
            count: None,
            next: None,
            cursor: None,
            relations: Vec::new(),
            count_only: false,
            next_header: None,
            reasons: Vec::new(),
            last_page: LastPage::default(),
            forms: Forms::default(),
        },
        None => return None,
    };
    for (field, target) in [(pick(|c| c.items.clone()), &mut paging.items)] {
        if let Some(v) = field {
            *target = v;
        }
    }
    for (field, target) in [
        (pick(|c| c.count.clone()), &mut paging.count),
        (pick(|c| c.next.clone()), &mut paging.next),
        (pick(|c| c.cursor.clone()), &mut paging.cursor),
    ] {
        if field.is_some() {
            *target = field;
        }
    }
    if let Some(only) = own.and_then(|o| o.count_only).or(config.count_only) {
        paging.count_only = only;
    }
    let (size, position) = (
        pick(|c| c.size_param.clone()),
        pick(|c| c.position_param.clone()),
    );
    if let Some(choice) = style {
        let style = match choice {
            StyleChoice::Page => Style::Page,
            StyleChoice::Offset => Style::Offset,
            StyleChoice::Cursor => Style::Cursor,
            StyleChoice::Links | StyleChoice::None => Style::Links,
        };
        let param = |name: &Option<String>| {
            name.as_ref()
                .and_then(|n| op.parameters.iter().find(|p| &p.name == n))
        };
        let from_contract = paging.strategies.iter().find(|s| s.style == style).cloned();
        let mut s = from_contract.unwrap_or(Strategy {
            style,
            size: None,
            position: None,
            default_size: None,
            max_size: None,
            zero_size: false,
        });
        if size.is_some() {
            s.size = size;
            s.default_size = param(&s.size).and_then(|p| number(p, "default"));
            s.max_size = param(&s.size).and_then(|p| number(p, "maximum"));
            s.zero_size = param(&s.size).and_then(|p| number(p, "minimum")) == Some(0);
        }
        if position.is_some() {
            s.position = position;
        }
        paging.strategies = vec![s];
        paging
            .reasons
            .push(format!("style {style} set in drift.yaml"));
    } else if size.is_some() || position.is_some() {
        for s in &mut paging.strategies {
            if size.is_some() {
                s.size.clone_from(&size);
            }
            if position.is_some() {
                s.position.clone_from(&position);
            }
        }
    }
    if paging.strategies.is_empty() && paging.next.is_some() {
        paging.strategies.push(links_only());
    }
    (!paging.strategies.is_empty()).then_some(paging)
}

/// Detect how `op` pages from its query parameters and its success response.
pub fn detect(contract: &Contract, op: &Operation) -> Option<Paging> {
    let view = success_view(contract, op)?;
    let mut reasons = Vec::new();
    let next = first_declared(&view, NEXT);
    let count = first_declared(&view, COUNT);
    let cursor = first_declared(&view, CURSOR);
    let strategies = strategies(op, &mut reasons);
    let next_header = next_header(contract, op);
    if strategies.is_empty() && next.is_none() && next_header.is_none() {
        return None;
    }
    let (items, usual) = items_pointer(&view)?;
    // Without paging parameters, only a list with a usual name (or a count beside it, or a
    // declared next-page header) makes a collection: a resource with one list and a link map
    // is not one.
    if strategies.is_empty() && !usual && count.is_none() && next_header.is_none() {
        return None;
    }
    if let Some(h) = &next_header {
        reasons.push(format!("next page in the `{h}` response header"));
    }
    reasons.push(match items.as_str() {
        "" => "items: the body is a list".to_string(),
        p => format!("items at {p}"),
    });
    let mut strategies = strategies;
    if strategies.is_empty() {
        strategies.push(links_only());
    }
    for (what, found) in [
        ("next link", &next),
        ("count", &count),
        ("next cursor", &cursor),
    ] {
        if let Some(p) = found {
            reasons.push(format!("{what} at {p}"));
        }
    }
    let relations = next
        .as_deref()
        .map(|n| relations(&view, n))
        .unwrap_or_default();
    let count_only = count.is_some()
        && strategies
            .iter()
            .any(|s| s.zero_size && says_count_only(contract, op, s.size.as_deref().unwrap_or("")));
    if count_only {
        reasons.push("the contract says a page size of 0 returns only the count".into());
    }
    let last_page = LastPage {
        next: next
            .as_deref()
            .map_or(EndMark::Absent, |p| end_of(&view, p)),
        cursor: cursor
            .as_deref()
            .map_or(EndMark::Absent, |p| end_of(&view, p)),
    };
    let link = next.as_deref().and_then(|p| view_at(&view, p));
    let forms = Forms {
        link: link.and_then(link_form),
        link_keys: link.map_or_else(Vec::new, |v| v.properties.keys().cloned().collect()),
        link_required: link.map_or_else(Vec::new, |v| v.required.iter().cloned().collect()),
        link_may_be_empty: link
            .is_some_and(|v| v.types.contains("string") && !v.format && v.pattern.is_none()),
        count_text: count
            .as_deref()
            .and_then(|p| view_at(&view, p))
            .is_some_and(|v| {
                v.types.contains("string")
                    && !v.types.contains("integer")
                    && !v.types.contains("number")
            }),
        count_max: count
            .as_deref()
            .and_then(|p| view_at(&view, p))
            .and_then(|v| v.maximum),
        page_max: view_at(&view, &items).and_then(|v| v.max_items),
        unique: view_at(&view, &items).is_some_and(|v| v.unique),
        relation_ends: relations.iter().map(|(_, p)| end_of(&view, p)).collect(),
        cursor_min_len: cursor
            .as_deref()
            .and_then(|p| view_at(&view, p))
            .and_then(|v| v.min_length)
            .map_or(0, |n| n.min(64) as usize),
        cursor_pattern: cursor
            .as_deref()
            .and_then(|p| view_at(&view, p))
            .and_then(|v| v.pattern.clone())
            .filter(|p| !crate::memo::pattern_matches(p, "c10")),
    };
    Some(Paging {
        strategies,
        items,
        count,
        next,
        cursor,
        relations,
        count_only,
        next_header,
        last_page,
        forms,
        reasons,
    })
}

/// A response header of the operation's success answer that names the next page (`Link`,
/// `Next-Page`, `X-Next-Page`, a continuation token), lower-cased.
fn next_header(contract: &Contract, op: &Operation) -> Option<String> {
    let doc = &contract.documents.docs.get(op.doc)?.value;
    let responses = crate::spec::source::get(doc, &op.pointer)?
        .get("responses")?
        .as_object()?;
    for (_, response) in responses.iter().filter(|(s, _)| s.starts_with('2')) {
        let response = match response.get("$ref").and_then(Value::as_str) {
            Some(r) => match contract.documents.resolve_ref(op.doc, r) {
                Some(crate::spec::source::RefTarget::Doc(d, p)) => {
                    crate::spec::source::get(&contract.documents.docs.get(d)?.value, &p)?
                }
                _ => continue,
            },
            None => response,
        };
        let Some(headers) = response.get("headers").and_then(Value::as_object) else {
            continue;
        };
        for name in headers.keys() {
            let lower = name.to_ascii_lowercase();
            if lower == "link" || walk::NEXT_HEADERS.contains(&lower.as_str()) {
                return Some(lower);
            }
        }
    }
    None
}

/// The view of the place `pointer` names: declared properties, or the values of a declared map
/// (HAL `_links` as `additionalProperties: {$ref: Link}`).
fn view_at<'v>(view: &'v SchemaView, pointer: &str) -> Option<&'v SchemaView> {
    let mut at = view;
    for k in pointer.split('/').skip(1) {
        at = at.properties.get(k).or(at.values.as_deref())?;
    }
    Some(at)
}

/// The declared shape of a link, when its type says.
fn link_form(at: &SchemaView) -> Option<LinkForm> {
    let declared = |t: &str| at.types.contains(t);
    if declared("string") {
        Some(LinkForm::Text)
    } else if declared("array") {
        Some(LinkForm::List)
    } else if declared("object") || !at.properties.is_empty() {
        Some(LinkForm::Object)
    } else if declared("integer") || declared("number") {
        Some(LinkForm::Number)
    } else {
        None
    }
}

/// How the field at `pointer` can say "no next page": left out when optional, else `null` when
/// nullable, else it must keep a value.
fn end_of(view: &SchemaView, pointer: &str) -> EndMark {
    let keys: Vec<&str> = pointer.split('/').skip(1).collect();
    let Some((last, parents)) = keys.split_last() else {
        return EndMark::Absent;
    };
    let mut at = view;
    for k in parents {
        match at.properties.get(*k) {
            Some(v) => at = v,
            None => return EndMark::Absent,
        }
    }
    let required = at.required.contains(*last);
    let nullable = at.properties.get(*last).is_none_or(|v| v.nullable);
    match (required, nullable) {
        (false, _) => EndMark::Absent,
        (true, true) => EndMark::Null,
        (true, false) => EndMark::Kept,
    }
}

fn links_only() -> Strategy {
    Strategy {
        style: Style::Links,
        size: None,
        position: None,
        default_size: None,
        max_size: None,
        zero_size: false,
    }
}

/// The view of the first success response with a JSON schema.
fn success_view(contract: &Contract, op: &Operation) -> Option<SchemaView> {
    let schema = op
        .responses
        .iter()
        .filter(|r| match r.status {
            crate::spec::Status::Code(c) => (200..300).contains(&c),
            crate::spec::Status::Range(r) => r == 2,
            crate::spec::Status::Default => false,
        })
        .flat_map(|r| r.content.iter())
        .find(|m| crate::spec::media::is_json(&m.name) && m.schema.is_some())
        .and_then(|m| m.schema.as_ref())?;
    Some(SchemaView::outline(contract, schema))
}

/// Page-size parameters, most specific first.
const SIZE: &[&str] = &[
    "page[size]",
    "page[limit]",
    "limit",
    "per_page",
    "perpage",
    "page_size",
    "pagesize",
    "size",
    "max_results",
    "maxresults",
    "pagelen",
    "$top",
    "top",
    "_limit",
];
const NUMBER: &[&str] = &[
    "page[number]",
    "page",
    "page_number",
    "pagenumber",
    "page_no",
    "pageno",
    "pageindex",
    "page_index",
];
const OFFSET: &[&str] = &[
    "page[offset]",
    "offset",
    "skip",
    "$skip",
    "start",
    "start_index",
    "startindex",
];
const CURSOR_PARAM: &[&str] = &[
    "page[after]",
    "page[cursor]",
    "cursor",
    "_token",
    "after",
    "page_token",
    "pagetoken",
    "next_token",
    "nexttoken",
    "starting_after",
    "continuation",
    "continuation_token",
    "continuationtoken",
    "marker",
];

/// The strategies the query parameters declare (JSON:API pairs first, then generic names).
fn strategies(op: &Operation, reasons: &mut Vec<String>) -> Vec<Strategy> {
    let query: Vec<&Parameter> = op
        .parameters
        .iter()
        .filter(|p| p.location == ParamIn::Query)
        .collect();
    let find = |names: &[&str], numeric: bool| {
        names.iter().find_map(|n| {
            query
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(n) && (!numeric || is_numeric(p)))
                .copied()
        })
    };
    let mut out = Vec::new();
    let mut push = |style, size: Option<&Parameter>, position: Option<&Parameter>| {
        out.push(strategy(style, size, position, reasons));
    };
    let jsonapi_size = find(&["page[size]"], true);
    let jsonapi_limit = find(&["page[limit]"], true);
    if let (Some(size), Some(n)) = (jsonapi_size, find(&["page[number]"], true)) {
        push(Style::Page, Some(size), Some(n));
    }
    if let Some(limit) = jsonapi_limit {
        if let Some(c) = find(&["page[after]", "page[cursor]"], false) {
            push(Style::Cursor, Some(limit), Some(c));
        } else if let Some(o) = find(&["page[offset]"], true) {
            push(Style::Offset, Some(limit), Some(o));
        }
    }
    let jsonapi = jsonapi_size.is_some() || jsonapi_limit.is_some();
    let size = SIZE[2..].iter().find_map(|n| find(&[n], true));
    if jsonapi {
        // JSON:API names found: the generic names below are not paging parameters here.
    } else if let Some(o) = find(OFFSET, true) {
        push(Style::Offset, size, Some(o));
    } else if let Some(n) = find(NUMBER, true) {
        push(Style::Page, size, Some(n));
    } else if let Some(c) = find(CURSOR_PARAM, false) {
        push(Style::Cursor, size, Some(c));
    }
    out
}

fn strategy(
    style: Style,
    size: Option<&Parameter>,
    position: Option<&Parameter>,
    reasons: &mut Vec<String>,
) -> Strategy {
    let names: Vec<&str> = size
        .iter()
        .chain(position.iter())
        .map(|p| p.name.as_str())
        .collect();
    reasons.push(format!("{style}: query {}", names.join(" + ")));
    Strategy {
        style,
        size: size.map(|p| p.name.clone()),
        position: position.map(|p| p.name.clone()),
        default_size: size.and_then(|p| number(p, "default")),
        max_size: size.and_then(|p| number(p, "maximum")),
        zero_size: size.and_then(|p| number(p, "minimum")) == Some(0),
    }
}

fn is_numeric(p: &Parameter) -> bool {
    match p.schema.as_ref().and_then(|s| s.get("type")) {
        Some(Value::String(t)) => t == "integer" || t == "number",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer" || t == "number"),
        _ => true,
    }
}

fn number(p: &Parameter, key: &str) -> Option<u64> {
    let v = p.schema.as_ref()?.get(key)?;
    v.as_u64()
        .or_else(|| {
            v.as_f64()
                .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                .map(|f| f as u64)
        })
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// Whether a body's key at `pointer` is a paging field whose presence follows the data: a link
/// to the next or previous page (`/links/next`, `/_links/prev`, `/@odata.nextLink`) or the next
/// page's cursor — there only when there is such a page, whatever the contract declares.
pub fn follows_the_data(pointer: &str) -> bool {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    let is = |path: &&[&str]| *path == tokens.as_slice();
    NEXT.iter().chain(CURSOR).any(is)
        || matches!(
            tokens.as_slice(),
            [
                "links" | "_links" | "meta" | "paging" | "pagination",
                "prev" | "previous"
            ] | ["prev" | "previous" | "prev_page_url"]
        )
}

/// Where the next page's link may be, most common first.
const NEXT: &[&[&str]] = &[
    &["links", "next"],
    &["_links", "next"],
    &["meta", "next"],
    &["paging", "next"],
    &["pagination", "next"],
    &["@odata.nextLink"],
    &["nextLink"],
    &["next_page_url"],
    &["next"],
];
const COUNT: &[&[&str]] = &[
    &["meta", "count"],
    &["meta", "total"],
    &["meta", "total_count"],
    &["meta", "totalCount"],
    &["total_count"],
    &["totalCount"],
    &["total"],
    &["total_results"],
    &["totalResults"],
    &["@odata.count"],
    &["count"],
];
const CURSOR: &[&[&str]] = &[
    &["meta", "next_cursor"],
    &["meta", "nextCursor"],
    &["response_metadata", "next_cursor"],
    &["next_cursor"],
    &["nextCursor"],
    &["nextToken"],
    &["next_token"],
    &["next_page_token"],
    &["nextPageToken"],
];
/// Collections' usual names for their item list.
const ITEMS: &[&str] = &[
    "data", "items", "results", "records", "entries", "values", "value", "elements", "content",
    "list", "rows", "objects", "hits",
];

/// The first of `candidates` the view declares, as a JSON Pointer. A relation of a link map
/// (HAL `_links` declared as `additionalProperties`) counts as declared.
fn first_declared(view: &SchemaView, candidates: &[&[&str]]) -> Option<String> {
    candidates.iter().find_map(|path| {
        let mut at = view;
        for (i, key) in path.iter().enumerate() {
            at = match at.properties.get(*key) {
                Some(next) => next,
                None if i == path.len() - 1
                    && i > 0
                    && matches!(path[i - 1], "_links" | "links")
                    && at.values.is_some() =>
                {
                    return Some(pointer(path));
                }
                None => return None,
            };
        }
        Some(pointer(path))
    })
}

fn pointer(path: &[&str]) -> String {
    path.iter()
        .map(|k| format!("/{}", k.replace('~', "~0").replace('/', "~1")))
        .collect()
}

fn is_array(view: &SchemaView) -> bool {
    view.types.contains("array") || (view.types.is_empty() && view.items.is_some())
}

/// Where a page keeps its items: the body itself, a usual name, HAL `_embedded` (all three
/// `usual`), else the only list the body declares.
fn items_pointer(view: &SchemaView) -> Option<(String, bool)> {
    if is_array(view) {
        return Some((String::new(), true));
    }
    if let Some(key) = ITEMS
        .iter()
        .find(|k| view.properties.get(**k).is_some_and(is_array))
    {
        return Some((pointer(&[key]), true));
    }
    if let Some((key, _)) = view
        .properties
        .get("_embedded")
        .and_then(|e| e.properties.iter().find(|(_, v)| is_array(v)))
    {
        return Some((pointer(&["_embedded", key]), true));
    }
    let mut lists = view.properties.iter().filter(|(_, v)| is_array(v));
    match (lists.next(), lists.next()) {
        (Some((key, _)), None) => Some((pointer(&[key]), false)),
        _ => None,
    }
}

/// The `first`, `last` and `prev` links declared beside the next link.
fn relations(view: &SchemaView, next: &str) -> Vec<(String, String)> {
    let Some((container, _)) = next.rsplit_once('/') else {
        return Vec::new();
    };
    let keys: Vec<&str> = container.split('/').skip(1).collect();
    let mut at = view;
    for k in &keys {
        match at.properties.get(*k) {
            Some(v) => at = v,
            None => return Vec::new(),
        }
    }
    ["first", "last", "prev"]
        .iter()
        .filter(|r| at.properties.contains_key(**r))
        .map(|r| (r.to_string(), format!("{container}/{r}")))
        .collect()
}

/// Whether the contract says a page size of 0 returns only the count: a sentence of the size
/// parameter's description or of the API's description that names the count and a 0 (or zero).
fn says_count_only(contract: &Contract, op: &Operation, size: &str) -> bool {
    let own = op
        .parameters
        .iter()
        .find(|p| p.name == size)
        .and_then(|p| p.description.clone())
        .unwrap_or_default();
    let api = contract
        .documents
        .root()
        .value
        .pointer("/info/description")
        .and_then(Value::as_str)
        .unwrap_or("");
    [own.as_str(), api]
        .iter()
        .flat_map(|text| text.lines())
        .flat_map(|line| line.split(". "))
        .any(|sentence| {
            let lower = sentence.to_ascii_lowercase();
            lower.contains("count") && (lower.contains("zero") || has_zero(&lower))
        })
}

/// A standalone `0` (not part of a larger number or word).
fn has_zero(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, b)| {
        *b == b'0'
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric() && bytes[i - 1] != b'.')
            && bytes
                .get(i + 1)
                .is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'.')
    })
}

impl Paging {
    /// One line for `drift ops`: `page (page[size]+page[number], default 10) · cursor (…) · items /data · count /meta/count`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .strategies
            .iter()
            .map(|s| {
                let params: Vec<&str> = s
                    .size
                    .iter()
                    .chain(s.position.iter())
                    .map(String::as_str)
                    .collect();
                let mut text = s.style.to_string();
                if !params.is_empty() {
                    text.push_str(&format!(" ({}", params.join("+")));
                    if let Some(d) = s.default_size {
                        text.push_str(&format!(", default {d}"));
                    }
                    text.push(')');
                }
                text
            })
            .collect();
        parts.push(match self.items.as_str() {
            "" => "items: the body".into(),
            p => format!("items {p}"),
        });
        for (what, p) in [
            ("count", &self.count),
            ("next", &self.next),
            ("cursor", &self.cursor),
        ] {
            if let Some(p) = p {
                parts.push(format!("{what} {p}"));
            }
        }
        if self.count_only {
            parts.push("size 0 = count only".into());
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The paging of `GET /x` with these query parameters and this 200 schema.
    fn detected(params: Value, schema: Value) -> Option<Paging> {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {"operationId": "x", "parameters": params,
                "responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": schema}}}}}}}});
        let contract =
            Contract::from_documents(crate::spec::source::Documents::from_values(vec![doc]))
                .unwrap_or_else(|e| panic!("{e}"));
        detect(&contract, &contract.operations[0])
    }

    fn q(name: &str, ty: &str) -> Value {
        json!({"name": name, "in": "query", "schema": {"type": ty}})
    }

    #[test]
    fn generic_names_are_detected() {
        let list = json!({"type": "array", "items": {"type": "object"}});
        let p = detected(
            json!([q("per_page", "integer"), q("page", "integer")]),
            list.clone(),
        );
        let p = p.unwrap_or_else(|| panic!("per_page/page"));
        assert_eq!(p.strategies[0].style, Style::Page);
        assert_eq!(p.items, "");
        let p = detected(
            json!([q("limit", "integer"), q("cursor", "string")]),
            json!({"type": "object", "properties": {"results": list,
                   "meta": {"type": "object", "properties": {"next_cursor": {"type": "string"}}}}}),
        );
        let p = p.unwrap_or_else(|| panic!("limit/cursor"));
        assert_eq!(
            (p.strategies[0].style, p.items.as_str(), p.cursor.as_deref()),
            (Style::Cursor, "/results", Some("/meta/next_cursor"))
        );
    }

    #[test]
    fn each_operation_is_read_once_per_contract() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"get": {"operationId": "a", "parameters": [q("page", "integer")],
                    "responses": {"200": {"description": "ok", "content": {"application/json":
                        {"schema": {"type": "array", "items": {}}}}}}}},
                "/b": {"get": {"operationId": "b",
                    "responses": {"200": {"description": "ok"}}}}}});
        let contract =
            Contract::from_documents(crate::spec::source::Documents::from_values(vec![doc]))
                .unwrap_or_else(|e| panic!("{e}"));
        let reads = std::cell::Cell::new(0);
        let read = |op: &Operation| {
            reads.set(reads.get() + 1);
            detect(&contract, op)
        };
        let [a, b] = [&contract.operations[0], &contract.operations[1]];
        let first = contract.paging_of(a, read);
        assert!(first.is_some());
        assert_eq!(contract.paging_of(a, read), first);
        assert_eq!(contract.paging_of(b, read), None);
        assert_eq!(contract.paging_of(b, read), None);
        assert_eq!(reads.get(), 2);
        // An operation of another contract is read every time.
        let copy = a.clone();
        assert_eq!(contract.paging_of(&copy, read), first);
        assert_eq!(reads.get(), 3);
        let config = PagingConfig::default();
        assert_eq!(
            resolve(&contract, a, &config),
            resolve(&contract, a, &config)
        );
    }

    #[test]
    fn a_resource_is_not_a_collection() {
        // One list property and no paging parameter, count or usual item name.
        let resource = json!({"type": "object", "properties": {
            "name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
            "_links": {"type": "object", "additionalProperties": {"type": "array"}}}});
        assert_eq!(detected(json!([]), resource), None);
        // `page` that is not a number is not a page number.
        let list = json!({"type": "array", "items": {"type": "object"}});
        assert_eq!(detected(json!([q("page", "string")]), list), None);
    }

    #[test]
    fn standalone_zero() {
        assert!(has_zero("resources per page (0: only meta.count)"));
        assert!(has_zero("set page[size] to 0 to get only the count"));
        assert!(!has_zero("at most 100 or 0.5"));
        assert!(!has_zero("version 2.0"));
    }
}
