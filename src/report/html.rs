//! The nightly report as one self-contained HTML file: inline CSS and SVG, no script, no external
//! asset — it opens from `file://` and reads the same without JavaScript. Every string from a
//! contract, a response or a history is HTML-escaped.

use crate::model::events::is_gap;
use crate::model::timeline::{ApiTimeline, Status, Timeline, TRUST_FORMULA};
use crate::model::Severity;
use std::fmt::Write as _;

pub struct HtmlReporter;

impl super::Reporter for HtmlReporter {
    fn format(&self) -> super::Format {
        super::Format::Html
    }

    fn timeline(
        &self,
        w: &mut dyn std::io::Write,
        t: &Timeline,
        built_at: &str,
    ) -> Result<(), super::ReportError> {
        Ok(w.write_all(render(t, built_at).as_bytes())?)
    }
}

/// HTML text: `&`, `<`, `>`, `"`, `'` escaped; control characters shown escaped.
pub fn esc(s: &str) -> String {
    crate::text::escape_html(s)
}

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#c4cad6;font-size:13px}
main{padding:20px 28px;max-width:1200px}
section{background:#fff;border:1px solid #dfe3ea;border-radius:8px;padding:16px 20px;margin:0 0 18px}
h2{font-size:17px;margin:0 0 10px}h3{font-size:14px;margin:16px 0 6px;color:#3c4556}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eceff4;vertical-align:top}
th{color:#5b6475;font-weight:600}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
.clean{background:#2e8b57}.warnings{background:#c98a00}.breaking{background:#c0392b}
.unreachable,.error,.none{background:#7a8294}.auth{background:#8e44ad}
.score{font-weight:700;font-size:15px}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
pre{background:#f3f5f8;padding:6px 8px;border-radius:4px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
.muted{color:#6b7385}.open{color:#c0392b;font-weight:600}.resolved{color:#2e8b57}
.legend span{display:inline-block;margin-right:12px}.sw{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.scroll{overflow-x:auto}.t{white-space:nowrap}.why{font-weight:400;font-size:11px;color:#6b7385;max-width:16em}
.chart{width:100%;height:auto;max-width:900px;min-width:520px;display:block}
@media (max-width:640px){header{padding:12px 14px}main{padding:10px}section{padding:12px;border-radius:6px}
.wide{display:none}th,td{padding:5px 4px}}
";

/// Spec history rows shown besides the runs where the contract changed.
const SPEC_ROWS: usize = 10;
/// Drift events shown per API.
const EVENT_ROWS: usize = 50;

fn badge(status: Status) -> String {
    let class = match status {
        Status::Clean => "clean",
        Status::Warning => "warnings",
        Status::Breaking => "breaking",
        Status::Unreachable => "unreachable",
        Status::AuthFailed => "auth",
        Status::Error => "error",
        Status::NoRuns => "none",
    };
    format!("<span class=\"badge {class}\">{}</span>", status.label())
}

/// An RFC 3339 time as a reader scans it: `2026-11-21 06:00` (the page says times are UTC).
fn day_and_time(t: &str) -> String {
    match (t.get(..10), t.get(11..16)) {
        (Some(day), Some(hm)) if t.as_bytes().get(10) == Some(&b'T') => format!("{day} {hm}"),
        _ => t.to_string(),
    }
}

/// A small line of the trust score over the last runs.
fn sparkline(points: &[Option<u32>]) -> String {
    let (w, h) = (120.0, 24.0);
    let n = points.len().max(2) as f64;
    let coords: Vec<String> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.map(|v| {
                let x = i as f64 * (w - 4.0) / (n - 1.0) + 2.0;
                let y = h - 2.0 - f64::from(v) / 100.0 * (h - 4.0);
                format!("{x:.1},{y:.1}")
            })
        })
        .collect();
    format!(
        "<svg class=\"spark\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"trust over the last {} runs\"><polyline fill=\"none\" stroke=\"#3b6fd6\" stroke-width=\"1.5\" points=\"{}\"/></svg>",
        points.len(),
        coords.join(" ")
    )
}

/// Findings by severity per run: stacked bars, gaps grey, a scale of findings on the left and
/// up to five dates below. The drawing scales to its card's width.
fn timeline_chart(api: &ApiTimeline) -> String {
    let runs = &api.entries;
    let (w, h, left, right, top, bottom) = (760.0, 150.0, 34.0, 10.0, 10.0, 28.0);
    let max = runs
        .iter()
        .map(|e| e.counts.breaking + e.counts.warning + e.counts.info)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let (plot_w, plot_h) = (w - left - right, h - top - bottom);
    let base = h - bottom;
    let slot = plot_w / runs.len().max(1) as f64;
    let bar = (slot * 0.7).clamp(1.0, 18.0);
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" preserveAspectRatio=\"xMinYMin meet\" role=\"img\" aria-label=\"findings by severity for each of {} runs\">",
        runs.len()
    );
    // The scale: 0, half and the most findings of one run.
    for v in [0.0, (max / 2.0).round(), max] {
        let y = base - v / max * plot_h;
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"{}\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"11\" fill=\"#6b7385\" text-anchor=\"end\">{v}</text>",
            w - right,
            if v == 0.0 { "#c9ced8" } else { "#eef0f4" },
            left - 5.0,
            y + 4.0
        );
    }
    for (i, e) in runs.iter().enumerate() {
        let x = left + i as f64 * slot + (slot - bar) / 2.0;
        let title = format!(
            "{}: {} breaking, {} warning, {} info{}",
            e.time,
            e.counts.breaking,
            e.counts.warning,
            e.counts.info,
            if e.auth_failed {
                " (credentials refused: a gap)"
            } else if is_gap(e) {
                " (not reached: a gap)"
            } else {
                ""
            }
        );
        let _ = write!(s, "<g class=\"run\"><title>{}</title>", esc(&title));
        if is_gap(e) {
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"12\" fill=\"#d5d9e0\"/>",
                base - 12.0
            );
        } else {
            let mut y = base;
            for (n, color) in [
                (e.counts.breaking, "#c0392b"),
                (e.counts.warning, "#e0a100"),
                (e.counts.info, "#7fa7e8"),
            ] {
                let height = n as f64 / max * plot_h;
                if n > 0 {
                    y -= height;
                    let _ = write!(
                        s,
                        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{height:.1}\" fill=\"{color}\"/>"
                    );
                }
            }
            if e.counts.breaking + e.counts.warning + e.counts.info == 0 {
                let _ = write!(
                    s,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"2\" fill=\"#2e8b57\"/>",
                    base - 2.0
                );
            }
        }
        s.push_str("</g>");
    }
    // Dates spread along the axis, the first and the last among them, none crowding another.
    let n = runs.len();
    let at = |i: usize| left + i as f64 * slot + slot / 2.0;
    let mut shown: Vec<usize> = Vec::new();
    for k in 0..n.min(6) {
        let i = if n < 2 {
            0
        } else {
            k * (n - 1) / (n.min(6) - 1).max(1)
        };
        if shown.last().is_none_or(|&j| at(i) - at(j) >= 120.0) {
            shown.push(i);
        } else if i + 1 == n {
            shown.pop();
            shown.push(i);
        }
    }
    for i in shown {
        let anchor = if i == 0 && n > 1 {
            "start"
        } else if i + 1 == n && n > 1 {
            "end"
        } else {
            "middle"
        };
        let x = match anchor {
            "start" => left,
            "end" => w - right,
            _ => at(i),
        };
        let day = runs[i].time.get(..10).unwrap_or(&runs[i].time);
        let _ = write!(
            s,
            "<text x=\"{x:.1}\" y=\"{}\" font-size=\"12\" fill=\"#6b7385\" text-anchor=\"{anchor}\">{}</text>",
            h - 8.0,
            esc(day)
        );
    }
    s.push_str("</svg>");
    s
}

fn overview(t: &Timeline, out: &mut String) {
    out.push_str("<section><h2>APIs</h2><div class=\"scroll\"><table><tr><th>API</th><th>status</th><th>trust</th><th>verified</th><th>last checked</th><th class=\"wide\">cadence</th><th class=\"wide\">evidence</th><th class=\"wide\">last 30 runs</th></tr>");
    for api in &t.apis {
        let latest = api.latest();
        let verified = latest.map_or("—".to_string(), |e| {
            format!("{} / {}", e.operations.checked, e.operations.total)
        });
        let evidence = latest.map_or("—", |e| e.evidence.label());
        // The score with what it is made of: a clean API checked only against its mock reads
        // as such, not as an alarm.
        let trust = api.trust_parts().map_or("—".to_string(), |t| {
            format!("{}<div class=\"why\">{}</div>", t.score, esc(&t.explain()))
        });
        let _ = write!(
            out,
            "<tr><td><a href=\"#api-{}\">{}</a></td><td>{}</td><td class=\"score\">{trust}</td><td class=\"t\">{verified}</td><td class=\"t\">{}</td><td class=\"wide\">{}</td><td class=\"wide\">{evidence}</td><td class=\"wide\">{}</td></tr>",
            esc(&crate::snapshot::store::file_stem(&api.name)),
            esc(&api.name),
            badge(api.status()),
            esc(&day_and_time(latest.map_or("—", |e| e.time.as_str()))),
            esc(&api.cadence().unwrap_or_else(|| "—".into())),
            sparkline(&api.sparkline())
        );
    }
    out.push_str("</table></div>");
    let _ = write!(
        out,
        "<p class=\"muted\">Trust score: {}.</p></section>",
        esc(TRUST_FORMULA)
    );
}

fn api_section(api: &ApiTimeline, out: &mut String) {
    let _ = write!(
        out,
        "<section id=\"api-{}\"><h2>{} {}</h2>",
        esc(&crate::snapshot::store::file_stem(&api.name)),
        esc(&api.name),
        badge(api.status())
    );
    if let Some(e) = api.latest() {
        let title = e
            .spec_title
            .as_deref()
            .map(|t| format!("“{}” ", esc(t)))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<p class=\"muted\">{title}{} → {} · {} runs</p>",
            esc(&e.spec),
            esc(&e.target),
            api.entries.len()
        );
    }
    out.push_str("<h3>Drift timeline</h3><div class=\"legend muted\"><span><i class=\"sw\" style=\"background:#c0392b\"></i>breaking</span><span><i class=\"sw\" style=\"background:#e0a100\"></i>warning</span><span><i class=\"sw\" style=\"background:#7fa7e8\"></i>info</span><span><i class=\"sw\" style=\"background:#d5d9e0\"></i>not reached</span></div>");
    out.push_str("<div class=\"scroll\">");
    out.push_str(&timeline_chart(api));
    out.push_str("</div>");
    if api.events.is_empty() {
        out.push_str("<p>No drift recorded yet — the spec has held its shape.</p>");
    } else {
        out.push_str("<div class=\"scroll\"><table><tr><th>severity</th><th>kind</th><th>operation</th><th class=\"wide\">pointer</th><th class=\"wide\">first seen</th><th>last seen</th><th class=\"wide\">runs</th><th>state</th></tr>");
        // Open events still in the latest run: their reproduction, from its report.
        let reproduce: std::collections::HashMap<String, &str> = api
            .current
            .iter()
            .filter_map(|f| Some((f.fingerprint(), f.reproduce.as_deref()?)))
            .collect();
        // The open breaking and warning events first, then the latest: a page of thousands of
        // APIs stays one a browser opens (every event is in `--format json`).
        let mut shown: Vec<&crate::model::events::Event> = api.events.iter().collect();
        shown.sort_by_key(|e| {
            let alarm = e.is_open() && e.severity <= Severity::Warning;
            (
                std::cmp::Reverse(alarm),
                std::cmp::Reverse(e.last_seen.clone()),
            )
        });
        let hidden = shown.len().saturating_sub(EVENT_ROWS);
        shown.truncate(EVENT_ROWS);
        for e in shown {
            let state = match &e.resolved {
                Some(t) => format!(
                    "<span class=\"resolved\">resolved {}</span>",
                    esc(&day_and_time(t))
                ),
                None => "<span class=\"open\">open</span>".to_string(),
            };
            let _ = write!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"wide\"><code>{}</code></td><td class=\"wide t\">{}</td><td class=\"t\">{}</td><td class=\"wide\">{}</td><td>{state}</td></tr>",
                e.severity,
                esc(e.finding.kind.as_str()),
                esc(e.finding.operation.as_deref().unwrap_or("(API)")),
                esc(&e.finding.pointer),
                esc(&day_and_time(&e.first_seen)),
                esc(&day_and_time(&e.last_seen)),
                e.runs
            );
            if let (true, Some(r)) = (e.is_open(), reproduce.get(&e.finding.id)) {
                let _ = write!(
                    out,
                    "<tr><td></td><td colspan=\"7\"><pre>{}</pre></td></tr>",
                    esc(r)
                );
            }
        }
        out.push_str("</table></div>");
        if hidden > 0 {
            let _ = write!(
                out,
                "<p class=\"muted\">{hidden} more event(s), older or resolved: all are in <code>drift report --format json</code>.</p>"
            );
        }
    }
    out.push_str("<h3>Spec history</h3><div class=\"scroll\"><table><tr><th>run</th><th>spec version</th><th class=\"wide\">hash</th><th>operations clean / drifted</th><th class=\"wide\">unverified</th></tr>");
    // The latest runs, and every run where the contract changed.
    let latest = api.entries.len().saturating_sub(SPEC_ROWS);
    let shown: Vec<usize> = (0..api.entries.len())
        .filter(|&i| i >= latest || api.spec_changed(i))
        .collect();
    for &i in shown.iter().rev() {
        let e = &api.entries[i];
        let changed = match (&e.spec_change, api.spec_changed(i)) {
            (Some(c), _) => format!(
                " <strong>(spec changed: {} breaking, {} compatible change(s))</strong>",
                c.breaking, c.compatible
            ),
            (None, true) => " <strong>(spec changed)</strong>".to_string(),
            (None, false) => String::new(),
        };
        let drifted = e.operations.checked.saturating_sub(e.operations.passing);
        let _ = write!(
            out,
            "<tr><td class=\"t\">{}</td><td>{}{changed}</td><td class=\"wide\"><code>{}</code></td><td>{} / {drifted}</td><td class=\"wide\">{}</td></tr>",
            esc(&day_and_time(&e.time)),
            esc(e.spec_version.as_deref().unwrap_or("—")),
            esc(&e.spec_hash),
            e.operations.passing,
            e.operations.total.saturating_sub(e.operations.checked)
        );
    }
    out.push_str("</table></div>");
    let hidden = api.entries.len() - shown.len();
    if hidden > 0 {
        let _ = write!(
            out,
            "<p class=\"muted\">{hidden} earlier run(s) with the same contract are in the history.</p>"
        );
    }
    out.push_str("<h3>Current findings</h3>");
    if api.current.is_empty() {
        out.push_str("<p class=\"muted\">None in the latest run.</p>");
    }
    for f in api
        .current
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .take(50)
    {
        let op = f
            .operation
            .as_ref()
            .map(|o| format!("{} {} ({})", o.method, o.path, o.id))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<p><strong>{}</strong> <code>{}</code> {} <code>{}</code><br>{}</p>",
            f.severity,
            esc(f.kind.as_str()),
            esc(&op),
            esc(&f.pointer),
            esc(&f.message)
        );
        if let Some(r) = &f.reproduce {
            let _ = write!(out, "<pre>{}</pre>", esc(r));
        }
    }
    out.push_str("</section>");
}

/// The whole page.
pub fn render(t: &Timeline, built_at: &str) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>drift report</title><link rel=\"alternate\" type=\"application/atom+xml\" title=\"drift events\" href=\"feed.atom\"><style>{STYLE}</style></head><body><header><h1>drift report</h1><p>{} API(s) · built {} · times in UTC · <a href=\"feed.atom\" style=\"color:#c4cad6\">Atom feed</a></p></header><main>",
        t.apis.len(),
        esc(built_at)
    );
    if !t.warnings.is_empty() || t.apis.iter().any(|a| !a.warnings.is_empty()) {
        out.push_str("<section><h2>Warnings</h2>");
        for w in t
            .warnings
            .iter()
            .chain(t.apis.iter().flat_map(|a| a.warnings.iter()))
        {
            let _ = write!(out, "<p class=\"muted\">{}</p>", esc(w));
        }
        out.push_str("</section>");
    }
    overview(t, &mut out);
    for api in &t.apis {
        api_section(api, &mut out);
    }
    out.push_str("</main></body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::esc("\"><img src=x onerror=alert(1)><script>"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;"
        );
    }
}
