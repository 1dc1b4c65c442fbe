//! What the nightly page publishes beside itself: an SVG status badge per API (to embed in a
//! README) and an Atom feed of drift events (to subscribe to). Both are written next to the HTML
//! file `drift report --format html=DIR/index.html` writes: `DIR/badges/<api>.svg` and
//! `DIR/feed.atom`. Every string from a history is XML-escaped.

use crate::model::timeline::{ApiTimeline, Status, Timeline};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The most events the feed carries, the latest first.
const MAX_FEED_ENTRIES: usize = 100;

/// XML text: `&`, `<`, `>`, `"`, `'` escaped; control characters shown escaped.
fn esc(s: &str) -> String {
    crate::text::escape_html(s)
}

/// The badge's colour for a status.
fn colour(status: Status) -> &'static str {
    match status {
        Status::Clean => "#2e8b57",
        Status::Warning => "#c98a00",
        Status::Breaking => "#c0392b",
        Status::AuthFailed => "#8e44ad",
        Status::Unreachable | Status::Error | Status::NoRuns => "#7a8294",
    }
}

/// The width of a text in the badge's 11 px sans-serif, close enough to fit it.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | '|' | '!' | '\'' | ' ' => 3.5,
            'm' | 'w' | 'M' | 'W' => 10.0,
            c if c.is_ascii_uppercase() => 8.0,
            _ => 6.6,
        })
        .sum()
}

/// `[ drift | breaking drift · trust 62 ]`: a shields-style badge of the API's latest status.
pub fn badge(api: &ApiTimeline) -> String {
    let status = api.status();
    let value = match api.trust() {
        Some(score) => format!("{} · trust {score}", status.label()),
        None => status.label().to_string(),
    };
    let label = "drift";
    let (lw, vw) = (text_width(label) + 12.0, text_width(&value) + 12.0);
    let w = lw + vw;
    let title = format!("{}: {value}", api.name);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"20\" role=\"img\" aria-label=\"{t}\">\
<title>{t}</title>\
<linearGradient id=\"s\" x2=\"0\" y2=\"100%\"><stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"/><stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>\
<clipPath id=\"r\"><rect width=\"{w:.0}\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>\
<g clip-path=\"url(#r)\"><rect width=\"{lw:.0}\" height=\"20\" fill=\"#555\"/><rect x=\"{lw:.0}\" width=\"{vw:.0}\" height=\"20\" fill=\"{c}\"/><rect width=\"{w:.0}\" height=\"20\" fill=\"url(#s)\"/></g>\
<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" font-size=\"11\">\
<text x=\"{lx:.1}\" y=\"14\">{label}</text><text x=\"{vx:.1}\" y=\"14\">{v}</text></g></svg>\n",
        t = esc(&title),
        c = colour(status),
        lx = lw / 2.0,
        vx = lw + vw / 2.0,
        v = esc(&value),
    )
}

/// The Atom feed of drift events: one entry when an event opens and one when it resolves, the
/// latest first. `page` is the report's address relative to the feed (`index.html`).
pub fn atom(t: &Timeline, built_at: &str, page: &str) -> String {
    // Every opening and resolution as (time, API, event, resolved), cheap to gather; only the
    // latest (and those tied with the last of them) are written out and ordered exactly: a
    // corpus's thirty nights have millions.
    let mut all: Vec<(&str, usize, usize, bool)> = Vec::new();
    for (a, api) in t.apis.iter().enumerate() {
        for (i, e) in api.events.iter().enumerate() {
            all.push((&e.first_seen, a, i, false));
            if let Some(resolved) = &e.resolved {
                all.push((resolved, a, i, true));
            }
        }
    }
    all.sort_unstable_by(|a, b| b.0.cmp(a.0));
    if let Some(last) = all.get(MAX_FEED_ENTRIES.saturating_sub(1)).map(|e| e.0) {
        all.retain(|e| e.0 >= last);
    }
    // (time, api, id, title, summary)
    let mut entries: Vec<(&str, &str, String, String, String)> = Vec::new();
    let mut messages = std::collections::HashMap::new();
    for (time, a, i, resolved) in all {
        let api = &t.apis[a];
        let e = &api.events[i];
        let what = format!(
            "{} {} at {} {}",
            e.severity,
            e.finding.kind,
            e.finding.operation.as_deref().unwrap_or("(API)"),
            e.finding.pointer
        );
        let stem = crate::snapshot::store::file_stem(&api.name);
        if resolved {
            entries.push((
                time,
                &api.name,
                format!("{stem}:{}:resolved:{time}", e.finding.id),
                format!("{}: drift resolved — {what}", api.name),
                format!("seen in {} run(s) since {}", e.runs, e.first_seen),
            ));
        } else {
            let message = messages
                .entry(a)
                .or_insert_with(|| api.messages())
                .get(&e.finding.id)
                .copied()
                .unwrap_or_default();
            entries.push((
                time,
                &api.name,
                // An event can open again after it resolved: the time tells them apart.
                format!("{stem}:{}:opened:{time}", e.finding.id),
                format!("{}: drift opened — {what}", api.name),
                message.to_string(),
            ));
        }
    }
    entries.sort_by(|a, b| b.0.cmp(a.0).then_with(|| a.2.cmp(&b.2)));
    let updated = entries.first().map_or(built_at, |e| e.0);
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\
<title>drift: API drift events</title><id>urn:drift:report</id><updated>{}</updated>\
<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/><author><name>drift nightly</name></author>\
<generator>drift</generator>\n",
        esc(updated),
        esc(page)
    );
    for (time, api, id, title, summary) in entries.iter().take(MAX_FEED_ENTRIES) {
        let anchor = crate::snapshot::store::file_stem(api);
        let _ = writeln!(
            out,
            "<entry><id>urn:drift:{}</id><title>{}</title><updated>{}</updated>\
<link rel=\"alternate\" type=\"text/html\" href=\"{}#api-{}\"/><summary>{}</summary></entry>",
            esc(id),
            esc(title),
            esc(time),
            esc(page),
            esc(&anchor),
            esc(summary)
        );
    }
    out.push_str("</feed>\n");
    out
}

/// Beside every HTML page among `outputs` written to a file, its badges and feed.
pub fn write_for(outputs: &[super::Output], t: &Timeline, built_at: &str) -> std::io::Result<()> {
    for output in outputs.iter().filter(|o| o.format == super::Format::Html) {
        if let Some(html) = &output.path {
            write_beside(html, t, built_at)?;
        }
    }
    Ok(())
}

/// Write the badges and the feed beside the HTML page at `html`; returns the files written.
pub fn write_beside(html: &Path, t: &Timeline, built_at: &str) -> std::io::Result<Vec<PathBuf>> {
    let dir = html.parent().unwrap_or(Path::new("."));
    let page = html
        .file_name()
        .map_or("index.html".into(), |n| n.to_string_lossy().into_owned());
    let badges = dir.join("badges");
    std::fs::create_dir_all(&badges)?;
    // A nightly report replaces thousands of badges, most of them as they were.
    let files: Vec<(PathBuf, Vec<u8>)> = (t.apis.iter())
        .map(|api| {
            let name = crate::snapshot::store::file_stem(&api.name);
            (badges.join(format!("{name}.svg")), badge(api).into_bytes())
        })
        .collect();
    crate::fsutil::write_outputs(&files)?;
    let mut written: Vec<PathBuf> = files.into_iter().map(|(path, _)| path).collect();
    let feed = dir.join("feed.atom");
    crate::fsutil::write_output(&feed, atom(t, built_at, &page).as_bytes())?;
    written.push(feed);
    Ok(written)
}
