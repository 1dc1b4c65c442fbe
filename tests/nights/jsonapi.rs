//! A JSON:API care-plan service (tests/fixtures/nights/jsonapi.yaml) for 40 nights: `included`
//! arrays of mixed resource types whose mix changes nightly, collections paged for real in both
//! styles the contract declares (skip-based `page[number]`/`page[size]` with `first`/`last`/
//! `prev`/`next` links, cursor-based `page[limit]`/`page[after]` with a `next` link only while
//! there is more), `meta.count`, undeclared `links`, optional keys, user data in untyped fields
//! (a device report, a history entry's `target`, a notes document), free-form maps. Every body is
//! valid against the contract. Then, on the last night, eleven real drifts.

use super::{alarming, findings, Rng};
use crate::common::server::{Reply, TestServer};
use crate::common::{drift, json};
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const SPEC: &str = "tests/fixtures/nights/jsonapi.yaml";
const NIGHTS: u64 = 40;

#[derive(Debug, Clone, Copy)]
struct Night {
    seed: u64,
    number: u64,
    drift: bool,
}

const FIRST: &[&str] = &["Ann", "Bo", "Chidi", "Dana", "Eli", "Fay", "Goran", "Hana"];
const LAST: &[&str] = &["Okafor", "Berg", "Moreau", "Tanaka", "Silva", "Novak"];

fn patient(r: &mut Rng, i: u64, night: Night) -> Value {
    let mut a = Map::new();
    a.insert("first_name".into(), json!(r.pick(FIRST)));
    if !night.drift {
        a.insert("last_name".into(), json!(r.pick(LAST))); // drift: a required field removed
    }
    // An optional field every patient has: renamed on the drift night.
    let nick = if night.drift { "nick_name" } else { "nickname" };
    a.insert(nick.into(), json!(r.pick(FIRST).to_lowercase()));
    if !night.drift {
        // drift: an optional field that was always there, removed
        a.insert("timezone".into(), json!(r.pick(&["Europe/Oslo", "UTC"])));
    }
    a.insert("created_at".into(), json!(r.date_time()));
    let archived = if r.chance(30) {
        json!(r.date_time())
    } else {
        Value::Null
    };
    a.insert("archived_at".into(), archived);
    let tags = if night.drift {
        json!({"primary": "vip"}) // drift: an array turned into an object
    } else {
        Value::Array((0..r.below(3)).map(|_| json!(r.pick(LAST))).collect())
    };
    a.insert("tags".into(), tags);
    let mut prefs = Map::new();
    for _ in 0..r.below(3) {
        prefs.insert(r.pick(&["units", "lang", "theme"]).into(), json!(r.hex(4)));
    }
    a.insert("preferences".into(), Value::Object(prefs));
    // User data in an untyped field: a device report whose keys come and go.
    let mut details = Map::new();
    for _ in 0..r.below(3) {
        let mut d = Map::new();
        d.insert(
            r.pick(&["battery", "firmware", "slot"]).into(),
            json!(r.hex(3)),
        );
        if r.chance(50) {
            d.insert("paired".into(), json!(r.chance(50)));
        }
        details.insert(format!("dev-{}", r.hex(5)), Value::Object(d));
    }
    if r.chance(70) {
        a.insert("details".into(), Value::Object(details));
    }
    let mut rel = Map::new();
    rel.insert(
        "coach".into(),
        json!({"data": {"type": "coach", "id": format!("c-{}", 1 + r.below(3))}}),
    );
    if r.chance(60) {
        rel.insert(
            "health_profile".into(),
            json!({"data": {"type": "health_profile", "id": format!("hp-{i}")}}),
        );
    }
    json!({"type": "patient", "id": format!("p-{}", r.hex(6)), "attributes": a, "relationships": rel})
}

/// The related resources of some patients: a mix of types that changes with the data.
fn included(r: &mut Rng, patients: usize, night: Night) -> Vec<Value> {
    let mut out = Vec::new();
    for i in 0..patients {
        // On the drift night every patient has a profile with answers, or there would be
        // nothing to see.
        if r.chance(40) && !night.drift {
            continue;
        }
        out.push(json!({"type": "health_profile", "id": format!("hp-{i}"), "attributes": {
            "completed": r.chance(50), "answers_count": r.below(20), "updated_at": r.date_time(),
        }}));
        let answers = if night.drift { 1 } else { r.below(3) };
        for j in 0..answers {
            let mut a = Map::new();
            a.insert("question".into(), json!(r.text()));
            if !night.drift {
                // drift: a key every answer had, in a generic resource's attributes, removed
                a.insert("answered".into(), json!(r.chance(80)));
            }
            if r.chance(50) {
                a.insert("answered_at".into(), json!(r.date_time()));
            }
            out.push(json!({"type": "health_profile_answer", "id": format!("hpa-{i}-{j}"),
                "attributes": a, "relationships": {"health_profile": {"data": {"type": "health_profile", "id": format!("hp-{i}")}}}}));
        }
    }
    if patients > 0 && r.chance(60) {
        for c in 1..=1 + r.below(3) {
            out.push(json!({"type": "coach", "id": format!("c-{c}"), "attributes": {
                "name": format!("{} {}", r.pick(FIRST), r.pick(LAST)), "title": r.pick(&["Coach", "Dietitian"]),
            }}));
        }
    }
    out
}

fn event(r: &mut Rng, i: usize, night: Night) -> Value {
    let mut a = Map::new();
    let title = if night.drift {
        json!({"text": "Check-in"}) // drift: a string turned into an object
    } else {
        json!(r.pick(&["Check-in", "Weigh-in", "Call"]))
    };
    a.insert("title".into(), title);
    let start = if night.drift {
        json!(1_764_547_200 + r.below(86_400)) // drift: a date-time turned into epoch seconds
    } else {
        json!(r.date_time())
    };
    a.insert("start_at".into(), start);
    let status = if night.drift && i == 0 {
        "postponed" // drift: a new enum value
    } else {
        r.pick(&["scheduled", "done", "cancelled"])
    };
    a.insert("status".into(), json!(status));
    if r.chance(70) {
        let location = if r.chance(50) {
            json!(r.pick(&["Clinic", "Video"]))
        } else {
            Value::Null
        };
        a.insert("location".into(), location);
    }
    let score = r.number(3);
    // drift: an untyped number turned into a string
    let score = if night.drift {
        json!(score.to_string())
    } else {
        score
    };
    a.insert("score".into(), score);
    // A history entry's target: its keys depend on what it points at.
    let target = match r.below(3) {
        0 => json!({"kind": "patient", "patient_id": r.hex(6)}),
        1 => json!({"kind": "note", "note_id": r.hex(6), "excerpt": r.text()}),
        _ => json!({"kind": "device", "serial": r.hex(8), "battery": r.below(100)}),
    };
    a.insert("target".into(), target);
    // The notes document as the editor saved it: its own JSON.
    let cells: Vec<Value> = (0..r.below(3))
        .map(|_| {
            let mut meta = Map::new();
            if r.chance(50) {
                meta.insert("tags".into(), json!([r.pick(&["todo", "done"])]));
            }
            if r.chance(30) {
                meta.insert("collapsed".into(), json!(r.chance(50)));
            }
            json!({"cell_type": r.pick(&["markdown", "raw"]), "source": r.text(), "metadata": meta})
        })
        .collect();
    let mut doc_meta = Map::new();
    if r.chance(50) {
        doc_meta.insert("author".into(), json!(r.pick(FIRST)));
    }
    a.insert(
        "content".into(),
        json!({"cells": cells, "metadata": doc_meta, "nbformat": 4}),
    );
    let mut labels = Map::new();
    for _ in 0..r.below(3) {
        labels.insert(
            r.pick(&["urgent", "followup", "billing"]).into(),
            json!({"set_by": r.pick(FIRST)}),
        );
    }
    if night.drift {
        // drift: a free-form map's values, every one an object, now one a string
        labels.insert("legacy".into(), json!("yes"));
    }
    a.insert("labels".into(), Value::Object(labels));
    json!({"type": "calendar_event", "id": format!("ev-{}", r.hex(8)), "attributes": a})
}

fn care_plan(r: &mut Rng, night: Night) -> Value {
    let mut inc = Vec::new();
    if r.chance(70) {
        for g in 0..1 + r.below(2) {
            inc.push(
                json!({"type": "goal", "id": format!("g-{g}"), "attributes": {
                    "title": r.pick(&["Walk more", "Sleep 8h"]), "progress": r.number(0),
                    "target_date": format!("2027-01-{:02}", 1 + r.below(28)),
                }}),
            );
        }
    }
    // On the drift night there are tasks, or there would be nothing to see.
    let tasks = if night.drift || night.number == 0 {
        2 + r.below(2)
    } else {
        r.below(4)
    };
    for t in 0..tasks {
        let mut a = Map::new();
        a.insert("title".into(), json!(r.text()));
        a.insert("done".into(), json!(r.chance(50)));
        if !night.drift {
            a.insert("due_at".into(), json!(r.date_time())); // drift: a variant's key removed
        }
        let checklist: Vec<Value> = (0..r.below(3))
            .map(|_| json!({"text": r.text(), "done": r.chance(50)}))
            .collect();
        a.insert("checklist".into(), Value::Array(checklist));
        inc.push(json!({"type": "task", "id": format!("t-{t}"), "attributes": a}));
    }
    let plan = json!({"type": "care_plan", "id": "cp-1", "attributes": {"name": "Plan"}});
    json!({"data": plan, "included": inc})
}

/// The query parameter `name`, decoded.
fn param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        let k = k.replace("%5B", "[").replace("%5D", "]");
        (k == name).then(|| v.to_string())
    })
}

/// A page of `all` as asked: cursor-based when `page[limit]` or a cursor is given, else
/// skip-based; links as each style writes them.
fn paged(all: Vec<Value>, path: &str, query: &str, cursor_name: &str) -> (Vec<Value>, Value) {
    let number = |name: &str, default: usize| {
        param(query, name)
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(default)
    };
    let total = all.len();
    let cursor = param(query, cursor_name);
    if param(query, "page[limit]").is_some() || cursor.is_some() || path.contains("event") {
        let limit = number("page[limit]", if path.contains("event") { 20 } else { 50 }).max(1);
        let after = cursor
            .and_then(|c| c.strip_prefix('c').and_then(|n| n.parse().ok()))
            .unwrap_or(0usize);
        let page: Vec<Value> = all.into_iter().skip(after).take(limit).collect();
        let mut links = Map::new();
        links.insert("self".into(), json!(format!("{path}?{query}")));
        if after + limit < total {
            let next = format!(
                "{path}?page[limit]={limit}&{cursor_name}=c{}",
                after + limit
            );
            links.insert("next".into(), json!(next));
        }
        return (page, Value::Object(links));
    }
    let size = number("page[size]", 10).clamp(1, 50);
    let last = total.max(1).div_ceil(size);
    let n = number("page[number]", 1).clamp(1, last);
    let at = |k: usize| json!(format!("{path}?page[number]={k}&page[size]={size}"));
    let mut links = Map::new();
    links.insert("self".into(), at(n));
    links.insert("first".into(), at(1));
    links.insert("last".into(), at(last));
    if n > 1 {
        links.insert("prev".into(), at(n - 1));
    }
    if n < last {
        links.insert("next".into(), at(n + 1));
    }
    let page = all.into_iter().skip((n - 1) * size).take(size).collect();
    (page, Value::Object(links))
}

fn body(path: &str, query: &str, night: Night) -> Option<Value> {
    let route = match path.split('/').collect::<Vec<_>>().as_slice() {
        ["", "pub", "patient", _] => "/pub/patient/{id}",
        ["", "pub", "care_plan", _] => "/pub/care_plan/{id}",
        _ => path,
    };
    let mut r = Rng::new(night.seed, night.number, route);
    let req_id = format!("{}-{}", r.hex(8), r.hex(4));
    Some(match route {
        "/pub/patient" => {
            // The recording night and the drift night have patients: a baseline of an empty
            // list knows nothing of its items, and there would be nothing to see.
            let sizes: &[u64] = if night.drift || night.number == 0 {
                &[6, 14]
            } else {
                &[0, 1, 2, 6, 9, 14, 23, 31]
            };
            let count = sizes[r.below(sizes.len() as u64) as usize];
            let all: Vec<Value> = (0..count).map(|i| patient(&mut r, i, night)).collect();
            let (page, links) = paged(all, path, query, "page[after]");
            let inc = included(&mut r, page.len(), night);
            let mut out = Map::new();
            out.insert("meta".into(), json!({"req_id": req_id, "count": count}));
            out.insert("links".into(), links);
            if !inc.is_empty() || r.chance(50) {
                out.insert("included".into(), Value::Array(inc));
            }
            out.insert("data".into(), Value::Array(page));
            Value::Object(out)
        }
        "/pub/patient/{id}" => {
            let data = patient(&mut r, 0, night);
            let inc = included(&mut r, 1, night);
            json!({"meta": {"req_id": req_id}, "data": data, "included": inc})
        }
        "/pub/calendar_event" => {
            let sizes: &[usize] = if night.drift || night.number == 0 {
                &[4, 25]
            } else {
                &[0, 1, 4, 19, 25, 47]
            };
            let count = sizes[r.below(sizes.len() as u64) as usize];
            let all: Vec<Value> = (0..count).map(|i| event(&mut r, i, night)).collect();
            let (page, links) = paged(all, path, query, "page[cursor]");
            json!({"meta": {"req_id": req_id, "count": count}, "links": links, "data": page})
        }
        "/pub/care_plan/{id}" => care_plan(&mut r, night),
        _ => return None,
    })
}

/// Serve the night in the slot, counting the requests for a page past the first.
fn server(slot: Arc<Mutex<Night>>, later_pages: Arc<AtomicUsize>) -> TestServer {
    TestServer::start(move |req, _| {
        let night = slot.lock().map(|n| *n).unwrap_or(Night {
            seed: 0,
            number: 0,
            drift: false,
        });
        let (path, query) = req.path.split_once('?').unwrap_or((&req.path, ""));
        let later = param(query, "page[number]").is_some_and(|n| n != "1")
            || param(query, "page[after]").is_some()
            || param(query, "page[cursor]").is_some();
        if later {
            later_pages.fetch_add(1, Ordering::Relaxed);
        }
        match body(path, query, night) {
            Some(v) => Reply::raw(
                200,
                "application/vnd.api+json",
                serde_json::to_string(&v).unwrap_or_default().as_bytes(),
            ),
            None => Reply::raw(404, "application/vnd.api+json", br#"{"errors": []}"#),
        }
    })
}

/// Alarms per night in each mode, and the drift night's findings in each mode.
struct Seen {
    plain: Vec<usize>,
    learn: Vec<usize>,
    drift_plain: Vec<[String; 5]>,
    drift_learn: Vec<[String; 5]>,
    /// Requests for a page past the first: the walks went through the pages.
    later_pages: usize,
}

fn nights(seed: u64) -> Seen {
    let slot = Arc::new(Mutex::new(Night {
        seed,
        number: 0,
        drift: false,
    }));
    let later_pages = Arc::new(AtomicUsize::new(0));
    let server = server(slot.clone(), later_pages.clone());
    let plain_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let learn_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = server.url();
    let args = |dir: &tempfile::TempDir| -> Vec<String> {
        [
            "--spec",
            SPEC,
            "--base-url",
            &url,
            "--snapshots",
            &dir.path().to_string_lossy(),
            "--api",
            "care",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let run = |verb: &[&str], dir: &tempfile::TempDir| {
        let rest = args(dir);
        let all: Vec<&str> = verb
            .iter()
            .copied()
            .chain(rest.iter().map(String::as_str))
            .collect();
        drift(&all)
    };
    for dir in [&plain_dir, &learn_dir] {
        let rec = run(&["snapshot"], dir);
        assert_eq!(rec.code, 0, "{}", rec.transcript());
    }
    let mut seen = Seen {
        plain: Vec::new(),
        learn: Vec::new(),
        drift_plain: Vec::new(),
        drift_learn: Vec::new(),
        later_pages: 0,
    };
    for number in 1..=NIGHTS + 1 {
        let drift_night = number == NIGHTS + 1;
        if let Ok(mut n) = slot.lock() {
            n.number = number;
            n.drift = drift_night;
        }
        for (learn, dir) in [(false, &plain_dir), (true, &learn_dir)] {
            let verb: &[&str] = if learn && !drift_night {
                &["check", "--learn", "--format", "json"]
            } else {
                &["check", "--format", "json"]
            };
            let out = run(verb, dir);
            let found = findings(&json(&out));
            if drift_night {
                assert_eq!(out.code, 1, "{}", out.stderr);
                let into = if learn {
                    &mut seen.drift_learn
                } else {
                    &mut seen.drift_plain
                };
                *into = found;
                continue;
            }
            let alarms: Vec<_> = found.iter().filter(|f| alarming(f)).collect();
            for f in &alarms {
                let mode = if learn { "learn" } else { "plain" };
                println!("seed {seed} night {number} {mode}: {}", f.join(" | "));
            }
            assert_eq!(out.code, i32::from(!alarms.is_empty()), "{}", out.stderr);
            let into = if learn {
                &mut seen.learn
            } else {
                &mut seen.plain
            };
            into.push(alarms.len());
        }
    }
    seen.later_pages = later_pages.load(Ordering::Relaxed);
    seen
}

#[test]
fn json_api_quiet_for_forty_nights_in_both_modes_loud_on_real_drift() {
    // (operation, what the finding names, what drifted, reported at warning or above without
    // learning — a key's removal earns its severity from the runs behind it)
    let drifts = [
        (
            "fetchPatient",
            "last_name",
            "a required field removed",
            true,
        ),
        (
            "listEvents",
            "start_at",
            "a date-time turned into epoch seconds",
            true,
        ),
        (
            "listEvents",
            "title",
            "a string turned into an object",
            true,
        ),
        ("listEvents", "postponed", "a new enum value", true),
        (
            "fetchPatient",
            "tags",
            "an array turned into an object",
            true,
        ),
        (
            "listEvents",
            "score",
            "an untyped number turned into a string",
            true,
        ),
        (
            "fetchPatient",
            "nickname",
            "an optional field renamed",
            true,
        ),
        (
            "listPatients",
            "timezone",
            "an always-present optional field removed",
            false,
        ),
        (
            "listEvents",
            "labels",
            "a free-form map's values changing kind",
            false,
        ),
        (
            "fetchCarePlan",
            "/included/*[type=task]/attributes/due_at",
            "a variant's always-present key removed",
            false,
        ),
        (
            "listPatients",
            "/included/*[type=health_profile_answer]/attributes/answered",
            "a key every element of a variant had, in untyped attributes, removed",
            false,
        ),
    ];
    let seeds: Vec<u64> = (1..=10).collect();
    let results: Vec<(u64, Seen)> = std::thread::scope(|s| {
        let halves: Vec<_> = seeds
            .chunks(5)
            .map(|chunk| s.spawn(move || chunk.iter().map(|&k| (k, nights(k))).collect::<Vec<_>>()))
            .collect();
        halves
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| panic!("a seed's nights panicked"))
            })
            .collect()
    });
    for (seed, seen) in &results {
        println!("seed {seed}: alarms per night, plain {:?}", seen.plain);
        println!("seed {seed}: alarms per night, learn {:?}", seen.learn);
        for f in seen.drift_learn.iter().filter(|f| alarming(f)) {
            println!("seed {seed} drift night (learned): {}", f.join(" | "));
        }
    }
    for (seed, seen) in &results {
        println!("seed {seed}: {} requests for later pages", seen.later_pages);
        assert!(
            seen.later_pages > 0,
            "seed {seed}: no walk went past a first page"
        );
        assert!(
            seen.plain.iter().chain(&seen.learn).all(|n| *n == 0),
            "seed {seed}: false alarms per night, plain {:?}, learn {:?}",
            seen.plain,
            seen.learn
        );
        for (op, field, what, loud_plain) in drifts {
            let hit =
                |f: &[String; 5]| f[0] == op && (f[2].contains(field) || f[4].contains(field));
            assert!(
                seen.drift_learn.iter().any(|f| hit(f) && alarming(f)),
                "seed {seed}: {what} ({op} {field}) was not reported after learning"
            );
            assert!(
                seen.drift_plain
                    .iter()
                    .any(|f| hit(f) && (alarming(f) || !loud_plain)),
                "seed {seed}: {what} ({op} {field}) was not reported without learning"
            );
        }
    }
}
