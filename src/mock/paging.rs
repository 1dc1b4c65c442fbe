//! The mock pages its collections, so a walk has pages to walk: the documented (or synthesized)
//! items grow into a fixed collection — two and a half default pages, distinct ids — and each
//! request gets the page its parameters ask for, with the count and the links set the way the
//! contract declares them (JSON:API `links.next` strings, HAL `_links.next` lists of `{href}`).
//!
//! Deterministic: the same contract and request give the same page. Links are absolute, on the
//! origin the request was sent to (`http://127.0.0.1:4010/api/patients?page[size]=50&page[number]=2`:
//! a `format: uri` link validates). Cursors are opaque to clients (`c25`: start at item 25), in
//! the next link or in the declared cursor field (`nextPageToken`).

use super::synth::ItemKeys;
use crate::paging::{Paging, Strategy, Style};
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// The keys a link object holds its URL in.
const URL_KEYS: [&str; 4] = ["href", "link", "url", "uri"];

/// The largest collection the mock makes.
const MAX_TOTAL: usize = 250;

/// A page of a collection: its body, and the response header naming the next page when the
/// contract declares one (`Link: <…>; rel="next"`, GitHub's way) and the body names none.
pub struct Page {
    pub body: Value,
    pub next_header: Option<(String, String)>,
}

/// The page `query` asks for at `path` of a collection body; `None` when the body has no item
/// list where the paging says (it is served as it is).
pub fn page(
    paging: &Paging,
    base: &Value,
    path: &str,
    query: &[(String, String)],
    seed: Option<u64>,
    vary: &Variation<'_>,
) -> Option<Page> {
    let (body, next) = page_body(paging, base, path, query, seed, vary)?;
    let next_header = match (&paging.next_header, &paging.next) {
        (Some(name), None) => next.map(|url| {
            let value = match name.as_str() {
                "link" => format!("<{url}>; rel=\"next\""),
                _ => url,
            };
            (name.clone(), value)
        }),
        _ => None,
    };
    Some(Page { body, next_header })
}

/// The page body [`page`] serves, and the next page's URL.
fn page_body(
    paging: &Paging,
    base: &Value,
    path: &str,
    query: &[(String, String)],
    seed: Option<u64>,
    vary: &Variation<'_>,
) -> Option<(Value, Option<String>)> {
    let Some(Value::Array(documented)) = base.pointer(&paging.items) else {
        return None;
    };
    let mut body = without(base, &paging.items);
    let strategy = chosen(paging, query);
    // One collection whatever the style of the request: its size comes from the first documented
    // default page size.
    let collection_default = paging
        .strategies
        .iter()
        .find_map(|s| s.default_size)
        .unwrap_or(10)
        .max(1) as usize;
    let default = strategy
        .and_then(|s| s.default_size)
        .map_or(collection_default, |d| d.max(1) as usize);
    let total = match strategy {
        None
        | Some(Strategy {
            style: Style::Links,
            ..
        }) => documented.len(),
        Some(_) if documented.is_empty() => 0,
        // A `uniqueItems` list of items no `id` tells apart: a repeat would be a duplicate.
        Some(_) if paging.forms.unique && !documented.iter().all(|v| id_key(v).is_some()) => {
            documented.len()
        }
        // Without a size parameter a walk finds the end by an empty page, which a list's
        // `minItems` may forbid: the fixed size then, seeded or not.
        Some(s) => seeded_total(
            seed.filter(|_| s.size.is_some()),
            path,
            documented.len(),
            collection_default,
        )
        .unwrap_or(collection_default * 2 + collection_default / 2)
        .clamp(documented.len(), MAX_TOTAL)
        .min(paging.forms.count_max.map_or(MAX_TOTAL, |m| m as usize)),
    };
    let size = strategy
        .and_then(|s| s.size.as_ref())
        .and_then(|name| value(query, name))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(default)
        .min(
            strategy
                .and_then(|s| s.max_size)
                .map_or(usize::MAX, |m| m as usize),
        )
        .min(paging.forms.page_max.map_or(usize::MAX, |m| m as usize));
    let start = match strategy.map(|s| s.style) {
        Some(Style::Page) => position(strategy, query)
            .and_then(|v| v.parse::<usize>().ok())
            .map_or(0, |n| n.saturating_sub(1).saturating_mul(size)),
        Some(Style::Offset) => position(strategy, query)
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0),
        Some(Style::Cursor) => position(strategy, query)
            .and_then(|v| cursor_position(paging, v))
            .unwrap_or(0),
        _ => 0,
    };
    let end = match strategy.map(|s| s.style) {
        None | Some(Style::Links) => total,
        _ => start.saturating_add(size).min(total),
    };
    let top = documented
        .iter()
        .filter_map(|v| v.get("id").and_then(Value::as_u64))
        .max()
        .unwrap_or(0);
    let mut items = collection(documented, start, end, total, top);
    // Seeded, each copy of an item goes without some of its optional keys, as a live
    // collection's items differ: a key is not there in every item just because one was made.
    // A copy first takes the optional keys its item lacks from an item that has them all, or
    // a key missing from the item would be missing from every copy of it: absent from a whole
    // page at once, which a live collection's independent items rarely are.
    if let Some(seed) = seed.filter(|_| !vary.keys.is_empty()) {
        let mut whole = None;
        for (i, item) in (start..).zip(items.iter_mut()) {
            if i >= documented.len() {
                if let Some(whole) = whole.get_or_insert_with(|| (vary.whole)(&body)) {
                    fill_in(item, whole, vary.keys);
                }
                leave_out(item, vary.keys, seed, i, false);
            }
        }
    }
    let documented_links = base;
    set(&mut body, &paging.items, Value::Array(items));
    if let Some(count) = &paging.count {
        let total = match paging.forms.count_text {
            true => json!(total.to_string()),
            false => json!(total),
        };
        set(&mut body, count, total);
    }
    let Some(strategy) = strategy else {
        return Some((body, None));
    };
    let link = |at: usize| {
        Some(Target {
            at,
            url: href(path, query, paging, strategy, at, size),
        })
    };
    let last_start = if size == 0 || total == 0 {
        0
    } else {
        (total - 1) / size * size
    };
    let next = match strategy.style {
        Style::Links => None,
        _ if size == 0 || end >= total => None,
        _ => link(end),
    };
    let next_url = next.as_ref().map(|t| t.url.clone());
    let mut relations = vec![(paging.next.clone(), next.clone())];
    if strategy.style != Style::Cursor {
        for (relation, pointer) in &paging.relations {
            let target = match relation.as_str() {
                "first" => link(0),
                "last" => link(last_start),
                "prev" if start > 0 && size > 0 => link(start.saturating_sub(size)),
                _ => None,
            };
            relations.push((Some(pointer.clone()), target));
        }
    }
    if let (Some(pointer), Style::Cursor) = (&paging.cursor, strategy.style) {
        let was = documented_links.pointer(pointer);
        match next.as_ref().map(|_| cursor(paging, end)) {
            Some(cursor) => set(&mut body, pointer, json!(cursor)),
            None => no_more(&mut body, pointer, was, paging.last_page.cursor),
        }
    }
    for (i, (pointer, target)) in relations.into_iter().enumerate() {
        // The first entry is the next link, then `first`, `last`, `prev` as declared.
        let end = match i {
            0 => paging.last_page.next,
            _ => paging
                .forms
                .relation_ends
                .get(i - 1)
                .copied()
                .unwrap_or_default(),
        };
        let Some(pointer) = pointer else { continue };
        let was = documented_links.pointer(&pointer);
        match target {
            Some(target) => {
                let link = shaped(was, paging, strategy, &pointer, target, size);
                set(&mut body, &pointer, link);
            }
            None if end == crate::paging::EndMark::Kept => match was {
                Some(Value::String(_)) if i == 0 && paging.forms.link_may_be_empty => {
                    set(&mut body, &pointer, json!(""));
                }
                _ => unlinked(&mut body, &pointer, &paging.forms.link_required),
            },
            None => no_more(&mut body, &pointer, was, end),
        }
    }
    if let Some(seed) = seed.filter(|_| !vary.keys.is_empty()) {
        let copies = start.max(documented.len());
        vary_risky(&mut body, &paging.items, (start, copies), seed, vary);
    }
    Some((body, next_url))
}

/// A seeded collection's size, the same for every page of it: as many items as documented (or
/// synthesized) or one more, one default page, or two and a half. Never fewer than the items the
/// body holds (the list's `minItems` holds). `None` unseeded.
fn seeded_total(seed: Option<u64>, path: &str, held: usize, page: usize) -> Option<usize> {
    let mut h = seed? ^ 0xD1B5_4A32_D192_ED03;
    for b in path.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
    }
    let choices = [held, held + 1, page, page * 2 + page / 2];
    Some(choices[(h % choices.len() as u64) as usize])
}

/// A copy of `body` with `null` in place of the value at `pointer` (the item list, replaced by
/// the page's): the documented items are not copied only to be dropped.
fn without(body: &Value, pointer: &str) -> Value {
    let Some((key, rest)) = pointer
        .strip_prefix('/')
        .map(|p| p.split_once('/').unwrap_or((p, "")))
    else {
        return Value::Null;
    };
    let key = key.replace("~1", "/").replace("~0", "~");
    match body {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| match k == &key {
                    true if rest.is_empty() => (k.clone(), Value::Null),
                    true => (k.clone(), without(v, &format!("/{rest}"))),
                    false => (k.clone(), v.clone()),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A link object that must stay but whose URL is optional (ShipEngine's `"next": {}` on the
/// last page): its URL keys removed.
fn unlinked(body: &mut Value, pointer: &str, required: &[String]) {
    if let Some(Value::Object(link)) = body.pointer_mut(pointer) {
        for key in URL_KEYS {
            if !required.iter().any(|r| r == key) {
                link.remove(key);
            }
        }
    }
}

/// No such page: `null` where the documented body shows `null` or the schema needs the key and
/// allows `null`; the value kept where the schema needs the key and forbids `null` (the contract
/// leaves no way to say "last page"); else no key.
/// A required text cursor that cannot be `null` ends as `""` (Slack's `next_cursor`).
fn no_more(body: &mut Value, pointer: &str, was: Option<&Value>, end: crate::paging::EndMark) {
    use crate::paging::EndMark;
    match (was, end) {
        (Some(Value::Null), _) | (_, EndMark::Null) => set(body, pointer, Value::Null),
        (Some(Value::String(_)), EndMark::Kept) => set(body, pointer, json!("")),
        (_, EndMark::Kept) => {}
        _ => remove(body, pointer),
    }
}

/// The strategy a request uses: the one whose parameters it carries, else the first skip-based
/// one (JSON:API's default), else the first.
fn chosen<'p>(paging: &'p Paging, query: &[(String, String)]) -> Option<&'p Strategy> {
    let carries = |s: &&Strategy| {
        s.size
            .iter()
            .chain(s.position.iter())
            .any(|name| value(query, name).is_some())
    };
    paging
        .strategies
        .iter()
        .find(carries)
        .or_else(|| {
            paging
                .strategies
                .iter()
                .find(|s| matches!(s.style, Style::Page | Style::Offset))
        })
        .or_else(|| paging.strategies.first())
}

fn value<'q>(query: &'q [(String, String)], name: &str) -> Option<&'q str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn position<'q>(strategy: Option<&Strategy>, query: &'q [(String, String)]) -> Option<&'q str> {
    value(query, strategy?.position.as_deref()?)
}

/// Items `start..end` of the whole collection: the documented items in turn, every `id`
/// distinct. An item's `id` depends only on those before it, so the ids before `start` are
/// worked out but those items are not made.
fn collection(
    documented: &[Value],
    start: usize,
    end: usize,
    total: usize,
    top: u64,
) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    let mut items = Vec::with_capacity(end.saturating_sub(start));
    for i in 0..end.min(total) {
        let mut id = item_id(documented, i, top);
        // An example that repeats an id (`1` twice) would make the mock page duplicates.
        if let Some(text) = id.as_ref().map(Value::to_string) {
            if !seen.insert(text) {
                let grown = match &id {
                    Some(Value::Number(_)) => json!(top.saturating_add((total + i) as u64)),
                    Some(other) => distinct_id(other, total + i),
                    None => Value::Null,
                };
                seen.insert(grown.to_string());
                id = Some(grown);
            }
        }
        if i >= start {
            let mut v = documented[i % documented.len()].clone();
            let key = id_key(&v);
            if let (Some(slot), Some(id)) = (key.and_then(|k| v.get_mut(k)), id) {
                *slot = id;
            }
            items.push(v);
        }
    }
    items
}

/// Leave about a third of the optional `keys` present out of the `i`-th item, by `seed`: those
/// whose absence cannot break the item, or with `risky`, those whose absence may. The choice of
/// each key is the same in both passes. Whether any key was left out.
fn leave_out(item: &mut Value, keys: &ItemKeys, seed: u64, i: usize, risky: bool) -> bool {
    let Value::Object(o) = item else {
        return false;
    };
    let mut left = false;
    for (name, key) in &keys.0 {
        let Some(inner) = o.get_mut(name) else {
            continue;
        };
        let mut h = seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for b in name.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
        if key.optional && key.risky == risky && (h >> 32) % 10 < 3 {
            o.remove(name);
            left = true;
        } else {
            match inner {
                Value::Object(_) => left |= leave_out(inner, &key.inner, h, i, risky),
                Value::Array(list) => {
                    for (j, v) in list.iter_mut().enumerate() {
                        left |= leave_out(v, &key.inner, h ^ j as u64, i, risky);
                    }
                }
                _ => {}
            }
        }
    }
    left
}

/// Put into `item` the optional keys of `whole` it lacks, at every depth `keys` reaches, but not
/// those whose presence may break it (`risky`: under a `oneOf`, beside `maxProperties`). Elements
/// of a list take those of `whole`'s first element. A required key the item lacks (a documented
/// example that breaks its schema) stays lacking: copies are as the item is, not valid where it
/// is not, or the key would come and go with the copies a page holds.
fn fill_in(item: &mut Value, whole: &Value, keys: &ItemKeys) {
    let (Value::Object(o), Value::Object(w)) = (item, whole) else {
        return;
    };
    for (name, key) in keys.0.iter().filter(|(_, k)| !k.risky) {
        let Some(theirs) = w.get(name) else {
            continue;
        };
        match o.get_mut(name) {
            None if key.optional => {
                o.insert(name.clone(), theirs.clone());
            }
            None => {}
            Some(mine @ Value::Object(_)) => fill_in(mine, theirs, &key.inner),
            Some(Value::Array(list)) => {
                if let Some(first) = theirs.as_array().and_then(|t| t.first()) {
                    for v in list {
                        fill_in(v, first, &key.inner);
                    }
                }
            }
            Some(_) => {}
        }
    }
}

/// `whole` without the optional `keys` the page's schema rejects in it (a `pattern` the mock
/// cannot meet), found by serving it alone in `body`'s list at `at` (`faults`: where a page
/// breaks the schema, as pointers into it); `None` where what is rejected is not such a key.
pub fn accepted(
    mut whole: Value,
    keys: &ItemKeys,
    faults: &dyn Fn(&Value) -> Vec<String>,
    body: &Value,
    at: &str,
) -> Option<Value> {
    let mut probe = body.clone();
    let item = format!("{at}/0");
    for _ in 0..MAX_PRUNING {
        set(&mut probe, at, Value::Array(vec![whole]));
        let faults = faults(&probe);
        whole = probe.pointer_mut(&item).map(Value::take)?;
        let mut rejected = faults
            .iter()
            .filter_map(|f| f.strip_prefix(item.as_str()))
            .peekable();
        if rejected.peek().is_none() {
            return Some(whole);
        }
        for fault in rejected {
            let key = deepest_optional(keys, fault)?;
            remove(&mut whole, &key);
        }
    }
    None
}

/// Rounds of [`accepted`]: each takes out the keys the last one found rejected.
const MAX_PRUNING: usize = 8;

/// The pointer of the deepest key on the way to `fault` (a pointer into an item) that `keys`
/// says the item may go without.
fn deepest_optional(keys: &ItemKeys, fault: &str) -> Option<String> {
    let mut at = keys;
    let mut pointer = String::new();
    let mut deepest = None;
    for token in fault.split('/').skip(1) {
        pointer.push('/');
        pointer.push_str(token);
        if token.bytes().all(|b| b.is_ascii_digit()) && !at.0.contains_key(token) {
            continue; // an element of a list: its keys are the list's
        }
        let Some(key) = at.0.get(&crate::text::unescape_pointer_token(token)) else {
            break;
        };
        if key.optional {
            deepest = Some(pointer.clone());
        }
        at = &key.inner;
    }
    deepest
}

/// How a seeded collection's copies of an item vary.
pub struct Variation<'a> {
    /// The keys a copy may go without.
    pub keys: &'a ItemKeys,
    /// Whether a page is valid against the response's schema.
    pub valid: &'a dyn Fn(&Value) -> bool,
    /// Item `i` made afresh, for a copy that cannot go without a key it holds (`None`: none).
    pub fresh: &'a dyn Fn(usize) -> Option<Value>,
    /// An item with every optional key it may hold (`synth::synthesize_whole`) that the page's
    /// schema accepts in the page given (its list aside, see [`accepted`]), asked for once a
    /// page has a copy (`None`: none).
    pub whole: &'a dyn Fn(&Value) -> Option<Arc<Value>>,
}

/// The copies of a page's items also go without keys whose absence may break them, checked
/// with the page. Where the page's schema rejects a copy so varied (a `oneOf` that two branches
/// would then match), the copy is made afresh instead, else served without that variation: a
/// key that stayed in every copy would come and go with the item it was copied from.
/// `at` is where the page's items are; `(start, copies)` the number of its first item and of the
/// first one that is a copy.
fn vary_risky(
    body: &mut Value,
    at: &str,
    (start, copies): (usize, usize),
    seed: u64,
    vary: &Variation<'_>,
) {
    let Some(Value::Array(items)) = body.pointer_mut(at) else {
        return;
    };
    let mut changed = Vec::new();
    for (i, (j, item)) in (start..).zip(items.iter_mut().enumerate()) {
        if i < copies {
            continue;
        }
        let mut v = item.clone();
        if leave_out(&mut v, vary.keys, seed, i, true) {
            std::mem::swap(item, &mut v);
            changed.push((i, j, v));
        }
    }
    if changed.is_empty() || (vary.valid)(body) {
        return;
    }
    // Rejected: the changes go back, then each is made again where the page stays valid.
    let Some(Value::Array(items)) = body.pointer_mut(at) else {
        return;
    };
    for (_, j, v) in &mut changed {
        if let Some(item) = items.get_mut(*j) {
            std::mem::swap(item, v);
        }
    }
    // A page its schema rejects anyway (a `oneOf` of two open objects, which every object
    // matches both of: the body is served marked as one the mock could not build) keeps them.
    if !(vary.valid)(body) {
        if let Some(Value::Array(items)) = body.pointer_mut(at) {
            for (_, j, v) in &mut changed {
                if let Some(item) = items.get_mut(*j) {
                    std::mem::swap(item, v);
                }
            }
        }
        return;
    }
    for (i, j, mut varied) in changed {
        let put = |body: &mut Value, v: &mut Value| {
            if let Some(item) = body.pointer_mut(at).and_then(|items| items.get_mut(j)) {
                std::mem::swap(item, v);
            }
        };
        put(body, &mut varied);
        if (vary.valid)(body) {
            continue;
        }
        put(body, &mut varied);
        // Made afresh, with the id of the copy it stands for (or none, as that copy).
        let held = body.pointer(at).and_then(|items| items.get(j));
        let Some((mut fresh, held)) = (vary.fresh)(i).zip(held) else {
            continue;
        };
        if let Value::Object(o) = &mut fresh {
            match id_key(held).and_then(|key| Some((key, held.get(key)?.clone()))) {
                Some((key, id)) => {
                    o.insert(key.to_string(), id);
                }
                None => {
                    o.remove("id");
                }
            }
        }
        put(body, &mut fresh);
        if !(vary.valid)(body) {
            put(body, &mut fresh);
        }
    }
}

/// The `id` of item `i` of the collection, before repeats are resolved: the documented items'
/// in turn, each past the first round distinct (numbers count on from `top`, the largest
/// documented one).
fn item_id(documented: &[Value], i: usize, top: u64) -> Option<Value> {
    let item = &documented[i % documented.len()];
    let id = item.get(id_key(item)?)?;
    Some(match id {
        _ if i < documented.len() => id.clone(),
        Value::Number(_) => json!(top.saturating_add(i as u64)),
        other => distinct_id(other, i),
    })
}

/// The key that tells an item apart: `id`, else a text `uuid` (Bitbucket's repositories, under
/// `uniqueItems`, have a `uuid` and no `id`). Not `name` or `key`: their patterns are often
/// letters only (`^([A-Za-z]_?)+$`), which a grown value would break.
fn id_key(item: &Value) -> Option<&'static str> {
    if item.get("id").is_some() {
        return Some("id");
    }
    item.get("uuid")
        .is_some_and(Value::is_string)
        .then_some("uuid")
}

/// An id unlike the documented ones, in their alphabet: the last four hex (or decimal) digits
/// replaced by the item's number, so ids with a format or pattern keep it.
fn distinct_id(id: &Value, i: usize) -> Value {
    match id {
        Value::String(s) => {
            let tail: String = s.chars().rev().take(4).collect();
            let n = s.chars().count();
            let hex = tail.len() == 4 && tail.chars().all(|c| c.is_ascii_hexdigit());
            let decimal = tail.len() == 4 && tail.chars().all(|c| c.is_ascii_digit());
            let head: String = s.chars().take(n.saturating_sub(4)).collect();
            let upper = tail.chars().any(|c| c.is_ascii_uppercase());
            if !s.is_empty() && s.len() < 19 && s.bytes().all(|b| b.is_ascii_digit()) {
                // `"42"` with `pattern: ^\d+$`: still digits.
                json!(format!(
                    "{}",
                    s.parse::<u64>().unwrap_or(0) + 1_000_000 + i as u64
                ))
            } else if decimal {
                json!(format!("{head}{:04}", (9_000 + i) % 10_000))
            } else if hex && upper {
                json!(format!("{head}{:04X}", 0xd000 + i % 0x1000))
            } else if hex {
                json!(format!("{head}{:04x}", 0xd000 + i % 0x1000))
            } else if n >= 8 {
                // A long id keeps its length (a `maxLength` it is at stays met): its tail is
                // the item's number, digits only in an alphanumeric id.
                let mark = if s.chars().all(|c| c.is_ascii_alphanumeric()) {
                    i.to_string()
                } else {
                    format!("-{i}")
                };
                let keep: String = s.chars().take(n.saturating_sub(mark.len())).collect();
                json!(format!("{keep}{mark}"))
            } else if s.chars().all(|c| c.is_ascii_alphanumeric()) {
                // Letters and digits only (`pattern: ^[0-9a-z]*$`): digits appended.
                json!(format!("{s}{i}"))
            } else {
                json!(format!("{s}-{i}"))
            }
        }
        // A composite id (YouTube's `{"kind": …, "videoId": …}`): its first text field varied.
        Value::Object(fields) => {
            let mut fields = fields.clone();
            if let Some(text) = fields.values_mut().find(|v| v.is_string()) {
                *text = distinct_id(text, i);
            }
            Value::Object(fields)
        }
        other => other.clone(),
    }
}

/// A page a link leads to: its first item and its URL.
#[derive(Clone)]
struct Target {
    at: usize,
    url: String,
}

/// The opaque cursor of the page starting at item `at`: `c25`, or where the cursor field
/// declares a pattern `c25` does not match, a string made from the pattern whose length says
/// `at` (see `pattern::sample`).
fn cursor(paging: &Paging, at: usize) -> String {
    let sampled = paging
        .forms
        .cursor_pattern
        .as_deref()
        .and_then(|p| super::pattern::sample(p, u32::try_from(at).ok()?));
    // Padded to the field's `minLength` (`c04` for 3): it reads back as the same position.
    let width = paging.forms.cursor_min_len.saturating_sub(1);
    sampled.unwrap_or_else(|| format!("c{at:0width$}"))
}

/// The item a cursor made by [`cursor`] starts at.
fn cursor_position(paging: &Paging, text: &str) -> Option<usize> {
    if let Some(at) = text.strip_prefix('c').and_then(|n| n.parse().ok()) {
        return Some(at);
    }
    // A sample's length grows by the same step with each extra repetition (past the first,
    // where an optional group may join): solve for `at`, then make sure.
    let pattern = paging.forms.cursor_pattern.as_deref()?;
    let one = super::pattern::sample(pattern, 1)?.len();
    let step = super::pattern::sample(pattern, 2)?.len().checked_sub(one)?;
    let at = 1 + text.len().checked_sub(one)?.checked_div(step)?;
    (at <= MAX_TOTAL && cursor(paging, at) == text).then_some(at)
}

/// The URL of the page starting at item `at`.
fn href(
    path: &str,
    query: &[(String, String)],
    paging: &Paging,
    s: &Strategy,
    at: usize,
    size: usize,
) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| Some(k) != s.size.as_ref() && Some(k) != s.position.as_ref())
        .cloned()
        .collect();
    if let Some(name) = &s.size {
        pairs.push((name.clone(), size.to_string()));
    }
    if let Some(name) = &s.position {
        let pos = match s.style {
            Style::Page => (at / size.max(1) + 1).to_string(),
            Style::Cursor => cursor(paging, at),
            _ => at.to_string(),
        };
        pairs.push((name.clone(), pos));
    }
    // `[` and `]` encoded: a link the schema declares `format: uri` must be a valid URI.
    let query = crate::text::query_string(&pairs)
        .replace('[', "%5B")
        .replace(']', "%5D");
    format!("{path}?{query}")
}

/// A link in the form the documented body uses there, else the form the schema declares, else
/// (for HAL `_links`) a list of `{href}`. An object keeps the documented object's other fields
/// and sets the URL in the key it declares (`href`, else `link` or `url`) and the cursor in a key
/// named like the cursor parameter (HubSpot's `{"after": …, "link": …}`).
fn shaped(
    was: Option<&Value>,
    paging: &Paging,
    strategy: &Strategy,
    pointer: &str,
    target: Target,
    size: usize,
) -> Value {
    use crate::paging::LinkForm;
    let form = match (was, paging.forms.link) {
        (Some(Value::Array(_)), _) => LinkForm::List,
        (Some(Value::Object(_)), _) => LinkForm::Object,
        (Some(Value::Number(_)), _) => LinkForm::Number,
        (Some(_), _) => LinkForm::Text,
        (None, Some(form)) => form,
        (None, None) if pointer.starts_with("/_links/") => LinkForm::List,
        (None, None) => LinkForm::Text,
    };
    match form {
        LinkForm::Text => json!(target.url),
        LinkForm::List => json!([{ "href": target.url }]),
        LinkForm::Number => match strategy.style {
            Style::Page => json!(target.at / size.max(1) + 1),
            _ => json!(target.at),
        },
        LinkForm::Object => {
            let keys = &paging.forms.link_keys;
            let mut object = match was {
                Some(Value::Object(o)) => o.clone(),
                _ => Map::new(),
            };
            let url_key = URL_KEYS
                .into_iter()
                .find(|k| keys.iter().any(|d| d == k) || object.contains_key(*k))
                .unwrap_or("href");
            object.insert(url_key.to_string(), json!(target.url));
            if let Some(name) = strategy.position.as_ref().filter(|n| keys.contains(n)) {
                let position = match strategy.style {
                    Style::Cursor => json!(cursor(paging, target.at)),
                    Style::Page => json!(target.at / size.max(1) + 1),
                    _ => json!(target.at),
                };
                object.insert(name.clone(), position);
            }
            Value::Object(object)
        }
    }
}

/// Set the value at a pointer, making the objects on the way.
fn set(body: &mut Value, pointer: &str, v: Value) {
    if pointer.is_empty() {
        *body = v;
        return;
    }
    let keys: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|k| k.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut at = body;
    for (i, k) in keys.iter().enumerate() {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        let Value::Object(map) = at else { return };
        if i == keys.len() - 1 {
            map.insert(k.clone(), v);
            return;
        }
        at = map
            .entry(k.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

fn remove(body: &mut Value, pointer: &str) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = key.replace("~1", "/").replace("~0", "~");
    if let Some(Value::Object(map)) = body.pointer_mut(parent) {
        map.remove(&key);
    }
}

#[cfg(test)]
mod tests {
    // A cursor field with `minLength: 3` got `c4`; an id at its `maxLength` of 36 grew past it.
    #[test]
    fn cursors_and_ids_keep_their_declared_lengths() {
        let paging = Paging {
            strategies: Vec::new(),
            items: "/items".into(),
            count: None,
            next: None,
            cursor: Some("/next".into()),
            relations: Vec::new(),
            count_only: false,
            next_header: None,
            reasons: Vec::new(),
            last_page: crate::paging::LastPage::default(),
            forms: crate::paging::Forms {
                cursor_min_len: 3,
                ..Default::default()
            },
        };
        assert_eq!(cursor(&paging, 4), "c04");
        assert_eq!(cursor_position(&paging, "c04"), Some(4));
        assert_eq!(cursor(&paging, 1234), "c1234");
        let id = "project-alpha-beta-gamma-delta-epsil"; // 36 characters, not hex
        for i in [1, 17, 249] {
            let v = distinct_id(&serde_json::json!(id), i);
            assert_eq!(v.as_str().map(|s| s.chars().count()), Some(36), "{v}");
            assert_ne!(v.as_str(), Some(id));
        }
    }

    use super::*;

    #[test]
    fn grown_ids_keep_their_alphabet() {
        let uuid = json!("23001d51-669b-4948-b9fa-11dbffdf8ced");
        let grown = distinct_id(&uuid, 7);
        assert_eq!(grown, json!("23001d51-669b-4948-b9fa-11dbffdfd007"));
        assert_eq!(
            distinct_id(&json!("5f1b2c3d4e5f60718293A4B5"), 3),
            json!("5f1b2c3d4e5f60718293D003")
        );
        assert_eq!(distinct_id(&json!("order-1234"), 2), json!("order-9002"));
        assert_eq!(distinct_id(&json!("0"), 2), json!("1000002"));
        let documented = [json!({"id": 7}), json!({"id": 8})];
        let ids: Vec<Value> = collection(&documented, 0, 6, 6, 8)
            .iter()
            .map(|v| v["id"].clone())
            .collect();
        assert_eq!(
            ids,
            [
                json!(7),
                json!(8),
                json!(10),
                json!(11),
                json!(12),
                json!(13)
            ]
        );
        assert_eq!(distinct_id(&json!("abc"), 2), json!("abc2"));
        assert_eq!(distinct_id(&json!(""), 2), json!("2"));
        assert_eq!(distinct_id(&json!("a.b"), 2), json!("a.b-2"));
        // No `id`: the `uuid` tells items apart.
        let documented = [json!({"uuid": "{a}", "type": "repository"})];
        let uuids: std::collections::HashSet<String> = collection(&documented, 0, 3, 3, 0)
            .iter()
            .map(|v| v["uuid"].to_string())
            .collect();
        assert_eq!(uuids.len(), 3);
    }

    // Cursors the cursor field's pattern rejects are made from the pattern instead, and still
    // lead back to the item they start at.
    #[test]
    fn cursors_meet_the_declared_pattern_and_round_trip() {
        let base64 = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$";
        for pattern in ["[\\\\S]+", "\\(\\?s\\).*", base64] {
            let paging = Paging {
                strategies: Vec::new(),
                items: "/items".into(),
                count: None,
                next: None,
                cursor: Some("/nextToken".into()),
                relations: Vec::new(),
                count_only: false,
                next_header: None,
                reasons: Vec::new(),
                last_page: crate::paging::LastPage::default(),
                forms: crate::paging::Forms {
                    cursor_pattern: Some(pattern.into()),
                    ..Default::default()
                },
            };
            let re = regex::Regex::new(pattern).unwrap_or_else(|e| panic!("{e}"));
            for at in 1..=MAX_TOTAL {
                let c = cursor(&paging, at);
                assert!(re.is_match(&c), "{pattern}: {c}");
                assert_eq!(cursor_position(&paging, &c), Some(at), "{pattern}: {c}");
            }
        }
    }
}
