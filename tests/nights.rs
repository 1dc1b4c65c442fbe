//! Snapshots that learn, end to end. A coaching API (tests/fixtures/nights/openapi.yaml) is served
//! for 20 nights from a seed, its data changing the way live data does — values, ids, timestamps,
//! collection sizes (empty and single-item pages too), order, optional keys coming and going,
//! nulls where allowed, whole and fractional numbers, free-form maps keyed by data, free text that
//! looks like a URL, an e-mail, a date or a uuid, a `next` link only when there is a next page,
//! pretty or compact JSON, gzip or not — every body valid against its contract. Recorded on the
//! first night, checked with `--learn` on each of the others, with no volatile hints: not one
//! breaking or warning finding. Then, on the last night, nine real drifts, each reported.
// Tests, examples and benchmarks report to the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;
#[path = "nights/jsonapi.rs"]
mod jsonapi;
use common::server::{Reply, TestServer};
use common::{drift, json};
use serde_json::{json, Map, Value};
use std::io::Write;
use std::sync::{Arc, Mutex};

const SPEC: &str = "tests/fixtures/nights/openapi.yaml";
/// Nights checked after the recording night.
const NIGHTS: u64 = 20;

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn new(seed: u64, night: u64, path: &str) -> Rng {
        let mut h = seed ^ night.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for b in path.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
        Rng(h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn hex(&mut self, len: usize) -> String {
        format!("{:016x}{:016x}", self.next(), self.next())[..len].to_string()
    }

    /// A timestamp in one of the forms RFC 3339 allows.
    fn date_time(&mut self) -> String {
        let (d, h, m, s) = (
            1 + self.below(28),
            self.below(24),
            self.below(60),
            self.below(60),
        );
        match self.below(3) {
            0 => format!("2026-11-{d:02}T{h:02}:{m:02}:{s:02}Z"),
            1 => format!(
                "2026-11-{d:02}T{h:02}:{m:02}:{s:02}.{:03}Z",
                self.below(1000)
            ),
            _ => format!("2026-11-{d:02}T{h:02}:{m:02}:{s:02}+01:00"),
        }
    }

    /// A number that is sometimes whole.
    fn number(&mut self, around: u64) -> Value {
        if self.chance(40) {
            json!(around + self.below(10))
        } else {
            json!((around + self.below(10)) as f64 + 0.25 + self.below(50) as f64 / 100.0)
        }
    }

    /// Free text, sometimes looking like something more specific.
    fn text(&mut self) -> String {
        let looks_like = [
            "call back tomorrow".to_string(),
            "prefers mornings".to_string(),
            format!("https://notes.example.org/p/{}", self.hex(6)),
            format!("{}@example.org", self.hex(5)),
            format!("2026-11-{:02}", 1 + self.below(28)),
            format!(
                "{}-{}-4{}-8{}-{}",
                self.hex(8),
                self.hex(4),
                self.hex(3),
                self.hex(3),
                self.hex(12)
            ),
        ];
        looks_like[self.below(looks_like.len() as u64) as usize].clone()
    }
}

/// One night of the API.
#[derive(Debug, Clone, Copy)]
struct Night {
    seed: u64,
    number: u64,
    /// The last night: nine real drifts.
    drift: bool,
}

const FIRST: &[&str] = &["Ann", "Bo", "Chidi", "Dana", "Eli", "Fay", "Goran", "Hana"];
const LAST: &[&str] = &["Okafor", "Berg", "Moreau", "Tanaka", "Silva", "Novak"];
const ZONES: &[&str] = &["Europe/Oslo", "America/Chicago", "Asia/Tokyo", "UTC"];

fn patient(r: &mut Rng, id: &str, night: Night) -> Value {
    let mut p = Map::new();
    p.insert("id".into(), json!(id));
    p.insert("first_name".into(), json!(r.pick(FIRST)));
    if !night.drift {
        p.insert("last_name".into(), json!(r.pick(LAST))); // drift: a required field removed
    }
    if r.chance(50) {
        p.insert("nickname".into(), json!(r.pick(FIRST).to_lowercase()));
    }
    match r.below(3) {
        0 => drop(p.insert("middle_name".into(), Value::Null)),
        1 => drop(p.insert("middle_name".into(), json!(r.pick(FIRST)))),
        _ => {}
    }
    if !night.drift {
        // drift: an optional field that was always there, removed
        p.insert("timezone".into(), json!(r.pick(ZONES)));
    }
    p.insert("created_at".into(), json!(r.date_time()));
    let archived = if r.chance(30) {
        json!(r.date_time())
    } else {
        Value::Null
    };
    p.insert("archived_at".into(), archived);
    let tags: Vec<Value> = (0..r.below(4)).map(|_| json!(r.pick(LAST))).collect();
    let tags = if night.drift {
        json!({"primary": "vip"}) // drift: an array turned into an object
    } else {
        Value::Array(tags)
    };
    p.insert("tags".into(), tags);
    if r.chance(80) {
        p.insert("notes".into(), json!(r.text()));
    }
    p.insert("weight".into(), r.number(60));
    let mut details = Map::new();
    for _ in 0..r.below(4) {
        let mut device =
            json!({"model": r.pick(&["band", "scale", "watch"]), "battery": r.below(101)});
        // User data in an untyped value: its own keys come and go.
        if r.chance(50) {
            device[r.pick(&["firmware", "label", "slot", "paired_at"])] = json!(r.hex(6));
        }
        details.insert(format!("dev-{}", r.hex(6)), device);
    }
    if night.drift {
        // drift: a free-form map's values, every one an object, now one a string
        details.insert(format!("dev-{}", r.hex(6)), json!("offline"));
    }
    p.insert("details".into(), Value::Object(details));
    let mut prefs = Map::new();
    for _ in 0..r.below(3) {
        prefs.insert(
            r.pick(&["units", "lang", "reminder", "theme"]).into(),
            json!(r.hex(4)),
        );
    }
    p.insert("preferences".into(), Value::Object(prefs));
    if r.chance(60) {
        let extra = match r.below(3) {
            0 => Value::Null,
            _ => r.number(1),
        };
        p.insert("extra".into(), extra);
    }
    p.insert("coach_id".into(), json!(format!("c-{}", 1 + r.below(3))));
    Value::Object(p)
}

fn coach(r: &mut Rng, id: &str, night: Night) -> Value {
    let mut c = Map::new();
    c.insert("id".into(), json!(id));
    c.insert(
        "name".into(),
        json!(format!("{} {}", r.pick(FIRST), r.pick(LAST))),
    );
    let title = if night.drift {
        json!({"name": "Head coach"}) // drift: a string turned into an object
    } else {
        json!(r.pick(&["Head coach", "Dietitian", "Coach"]))
    };
    c.insert("title".into(), title);
    let phone = format!("+47 {} {}", 400 + r.below(99), 10_000 + r.below(89_999));
    // drift: an optional field renamed to one the contract does not declare
    let key = if night.drift { "phone_number" } else { "phone" };
    c.insert(key.into(), json!(phone));
    if r.chance(50) {
        c.insert("bio".into(), json!(r.text()));
    }
    if r.chance(50) {
        c.insert(
            "website".into(),
            json!(format!("https://coach.example/{}", r.hex(5))),
        );
    }
    Value::Object(c)
}

fn measurement(r: &mut Rng, i: u64, night: Night) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(format!("m-{}", r.hex(8))));
    let kind = r.pick(&["weight", "steps", "sleep"]);
    m.insert("kind".into(), json!(kind));
    let (value, unit) = match kind {
        "weight" => (r.number(60), r.pick(&["kg", "lb"])),
        "steps" => (json!(r.below(20_000)), "count"),
        _ => (r.number(300), "min"),
    };
    m.insert("value".into(), value);
    // drift: a new enum value (on the first item)
    let unit = if night.drift && i == 0 { "stone" } else { unit };
    m.insert("unit".into(), json!(unit));
    let at = if night.drift {
        json!(1_764_547_200 + r.below(86_400)) // drift: a date-time turned into epoch seconds
    } else {
        json!(r.date_time())
    };
    m.insert("taken_at".into(), at);
    let score = r.number(5);
    let score = if night.drift {
        json!(score.to_string()) // drift: an untyped number turned into a string
    } else {
        score
    };
    m.insert("score".into(), score);
    match r.below(3) {
        0 => drop(m.insert("source".into(), Value::Null)),
        1 => drop(m.insert("source".into(), json!(r.pick(&["scale", "watch"])))),
        _ => {}
    }
    let mut notes = Map::new();
    for _ in 0..r.below(3) {
        let mut note = Map::new();
        note.insert("by".into(), json!(r.pick(FIRST)));
        if r.chance(70) {
            note.insert("text".into(), json!(r.text()));
        }
        notes.insert(r.hex(6), Value::Object(note));
    }
    m.insert("annotations".into(), Value::Object(notes));
    Value::Object(m)
}

/// The route of a path: `/patients/p-3f2a/measurements` → `/patients/{id}/measurements`. The
/// server answers for any id (its ids change every night; drift takes them from the lists).
fn route(path: &str) -> (String, Option<String>) {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["", "patients", id] => ("/patients/{id}".into(), Some(id.to_string())),
        ["", "patients", id, "measurements"] => {
            ("/patients/{id}/measurements".into(), Some(id.to_string()))
        }
        ["", "coaches", id] => ("/coaches/{id}".into(), Some(id.to_string())),
        _ => (path.to_string(), None),
    }
}

/// The body of `path` (page `page_number` of a list) on `night`, or `None` (404).
fn body(path: &str, page_number: u64, night: Night) -> Option<Value> {
    let (route, id) = route(path);
    let id = id.unwrap_or_default();
    let mut r = Rng::new(night.seed, night.number, &route);
    Some(match route.as_str() {
        "/patients" => {
            // On the drift night the page has items, or there would be nothing to see.
            let sizes: &[u64] = if night.drift {
                &[5, 14]
            } else {
                &[0, 1, 2, 5, 9, 14, 23]
            };
            let count = sizes[r.below(sizes.len() as u64) as usize];
            // Pages of 10, walked through their `next` links.
            let all: Vec<Value> = (0..count)
                .map(|_| {
                    let id = format!("p-{}", r.hex(6));
                    patient(&mut r, &id, night)
                })
                .collect();
            let last = count.max(1).div_ceil(10);
            let number = page_number.clamp(1, last);
            let page: Vec<Value> = all
                .into_iter()
                .skip(((number - 1) * 10) as usize)
                .take(10)
                .collect();
            let at = |n: u64| json!(format!("/patients?page[number]={n}"));
            let mut links = Map::new();
            links.insert("self".into(), at(number));
            links.insert("first".into(), at(1));
            links.insert("last".into(), at(last));
            if number > 1 {
                links.insert("prev".into(), at(number - 1));
            }
            if number < last {
                links.insert("next".into(), at(number + 1));
            }
            let mut out = Map::new();
            if !page.is_empty() {
                let coaches: Vec<Value> = (1..=1 + r.below(3))
                    .map(|i| coach(&mut r, &format!("c-{i}"), night))
                    .collect();
                out.insert("included".into(), Value::Array(coaches));
            }
            out.insert("data".into(), Value::Array(page));
            out.insert("links".into(), Value::Object(links));
            out.insert("meta".into(), json!({"count": count}));
            Value::Object(out)
        }
        "/patients/{id}" => json!({"data": patient(&mut r, &id, night)}),
        "/patients/{id}/measurements" => {
            let sizes: &[u64] = if night.drift {
                &[3, 8]
            } else {
                &[0, 1, 3, 8, 15]
            };
            let n = sizes[r.below(sizes.len() as u64) as usize];
            let data: Vec<Value> = (0..n).map(|i| measurement(&mut r, i, night)).collect();
            json!({"data": data, "meta": {"count": n}})
        }
        "/coaches/{id}" => coach(&mut r, &id, night),
        "/status" => {
            let incidents: Vec<Value> = if r.chance(25) {
                (0..1 + r.below(2))
                    .map(|_| {
                        let mut i = Map::new();
                        i.insert("id".into(), json!(r.hex(6)));
                        i.insert("title".into(), json!(r.text()));
                        if r.chance(50) {
                            i.insert("started_at".into(), json!(r.date_time()));
                        }
                        Value::Object(i)
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let maintenance = if r.chance(50) {
                json!(format!("2026-12-{:02}", 1 + r.below(28)))
            } else {
                Value::Null
            };
            json!({
                "status": r.pick(&["ok", "degraded"]), "version": format!("1.4.{}", night.number),
                "uptime": r.below(1_000_000), "checked_at": r.date_time(),
                "incidents": incidents, "next_maintenance": maintenance,
            })
        }
        _ => return None,
    })
}

/// Every object's keys in a new order.
fn shuffle(v: Value, r: &mut Rng) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            for i in (1..entries.len()).rev() {
                entries.swap(i, r.below(i as u64 + 1) as usize);
            }
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, shuffle(v, r)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(|x| shuffle(x, r)).collect()),
        other => other,
    }
}

/// Serve the night in the slot: key order shuffled, pretty or compact, gzip or not.
fn server(slot: Arc<Mutex<Night>>) -> TestServer {
    TestServer::start(move |req, _| {
        let night = slot.lock().map(|n| *n).unwrap_or(Night {
            seed: 0,
            number: 0,
            drift: false,
        });
        let (path, query) = req.path.split_once('?').unwrap_or((&req.path, ""));
        let page_number = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("page[number]="))
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        let Some(value) = body(path, page_number, night) else {
            return Reply::json(404, "{}");
        };
        let mut r = Rng::new(night.seed, night.number, "serialization");
        let value = shuffle(value, &mut r);
        let text = if r.chance(50) {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        }
        .unwrap_or_default();
        let content_type = if r.chance(50) {
            "application/json; charset=utf-8"
        } else {
            "application/json"
        };
        if r.chance(40) {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let _ = enc.write_all(text.as_bytes());
            let bytes = enc.finish().unwrap_or_default();
            Reply::raw(200, content_type, &bytes).with("Content-Encoding", "gzip")
        } else {
            Reply::raw(200, content_type, text.as_bytes())
        }
    })
}

/// `(operation, kind, pointer, severity, message)` of every finding in a report.
fn findings(report: &Value) -> Vec<[String; 5]> {
    let field = |f: &Value, k: &str| f[k].as_str().unwrap_or("").to_string();
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            [
                field(f, "operation_id"),
                field(f, "kind"),
                field(f, "pointer"),
                field(f, "severity"),
                field(f, "message"),
            ]
        })
        .collect()
}

fn alarming(f: &[String; 5]) -> bool {
    f[3] == "breaking" || f[3] == "warning"
}

/// Record, then check `NIGHTS` nights with `--learn`; returns the alarms per night and the
/// findings of the drift night.
fn run_nights(seed: u64) -> (Vec<usize>, Vec<[String; 5]>) {
    let slot = Arc::new(Mutex::new(Night {
        seed,
        number: 0,
        drift: false,
    }));
    let server = server(slot.clone());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (url, d) = (server.url(), dir.path().to_string_lossy().to_string());
    let base = [
        "--spec",
        SPEC,
        "--base-url",
        &url,
        "--snapshots",
        &d,
        "--api",
        "nightly",
    ];
    let rec = drift(&[&["snapshot"], &base[..]].concat());
    assert_eq!(rec.code, 0, "{}", rec.transcript());
    let mut per_night = Vec::new();
    for number in 1..=NIGHTS {
        if let Ok(mut n) = slot.lock() {
            n.number = number;
        }
        let run = drift(&[&["check", "--learn", "--format", "json"], &base[..]].concat());
        let found = findings(&json(&run));
        let alarms: Vec<_> = found.iter().filter(|f| alarming(f)).collect();
        for f in &alarms {
            println!("seed {seed} night {number}: {}", f.join(" | "));
        }
        assert_eq!(run.code, i32::from(!alarms.is_empty()), "{}", run.stderr);
        per_night.push(alarms.len());
    }
    if let Ok(mut n) = slot.lock() {
        n.number = NIGHTS + 1;
        n.drift = true;
    }
    let run = drift(&[&["check", "--format", "json"], &base[..]].concat());
    assert_eq!(run.code, 1, "{}", run.stderr);
    (per_night, findings(&json(&run)))
}

#[test]
fn quiet_for_weeks_of_live_data_loud_on_real_drift() {
    // (operation, the field it is about, what drifted)
    let drifts = [
        ("fetchPatient", "last_name", "a required field removed"),
        (
            "listMeasurements",
            "taken_at",
            "a date-time turned into an epoch integer",
        ),
        ("fetchCoach", "title", "a string turned into an object"),
        ("listMeasurements", "stone", "a new enum value"),
        ("fetchPatient", "tags", "an array turned into an object"),
        (
            "listMeasurements",
            "score",
            "an untyped number turned into a string",
        ),
        (
            "fetchCoach",
            "phone_number",
            "an optional field renamed to an undeclared one",
        ),
        (
            "listPatients",
            "timezone",
            "an always-present optional field removed",
        ),
        (
            "fetchPatient",
            "details",
            "a free-form map's values changing kind",
        ),
    ];
    for seed in 1..=10u64 {
        let (per_night, last) = run_nights(seed);
        println!("seed {seed}: breaking or warning findings per night: {per_night:?}");
        assert!(
            per_night.iter().all(|n| *n == 0),
            "seed {seed}: false alarms per night {per_night:?}"
        );
        for f in &last {
            println!("seed {seed} drift night: {}", f.join(" | "));
        }
        for (op, field, what) in drifts {
            let caught = last.iter().any(|f| {
                f[0] == op && alarming(f) && (f[2].contains(field) || f[4].contains(field))
            });
            assert!(
                caught,
                "seed {seed}: {what} ({op} {field}) was not reported"
            );
        }
    }
}
