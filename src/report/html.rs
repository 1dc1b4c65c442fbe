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
";

/// Spec history rows shown besides the runs where the contract changed.
const SPEC_ROWS: usize = 10;

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

/// Findings by severity per run: stacked bars, gaps hatched grey.
fn timeline_chart(api: &ApiTimeline) -> String {
    let runs = &api.entries;
    let (w, h, pad) = (760.0, 140.0, 24.0);
    let max = runs
        .iter()
        .map(|e| e.counts.breaking + e.counts.warning + e.counts.info)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = (w - 2.0 * pad) / runs.len().max(1) as f64;
    let bar = (slot * 0.7).clamp(1.0, 18.0);
    let mut s = format!(
        "<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"findings by severity for each of {} runs\">",
        runs.len()
    );
    let _ = write!(
        s,
        "<line x1=\"{pad}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#c9ced8\"/>",
        h - pad,
        w - pad,
        h - pad
    );
    for (i, e) in runs.iter().enumerate() {
        let x = pad + i as f64 * slot + (slot - bar) / 2.0;
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
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"#d5d9e0\"/>",
                h - pad - 12.0,
                12.0
            );
        } else {
            let mut y = h - pad;
            for (n, color) in [
                (e.counts.breaking, "#c0392b"),
                (e.counts.warning, "#e0a100"),
                (e.counts.info, "#7fa7e8"),
            ] {
                let height = n as f64 / max * (h - 2.0 * pad);
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
                    h - pad - 2.0
                );
            }
        }
        s.push_str("</g>");
    }
    if let (Some(first), Some(last)) = (runs.first(), runs.last()) {
        let _ = write!(
            s,
            "<text x=\"{pad}\" y=\"{}\" font-size=\"11\" fill=\"#6b7385\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#6b7385\" text-anchor=\"end\">{}</text>",
            h - 6.0,
            esc(&first.time),
            w - pad,
            h - 6.0,
            esc(&last.time)
        );
    }
    s.push_str("</svg>");
    s
}

fn overview(t: &Timeline, out: &mut String) {
    out.push_str("<section><h2>APIs</h2><table><tr><th>API</th><th>status</th><th>verified</th><th>last checked</th><th>cadence</th><th>evidence</th><th>trust</th><th>last 30 runs</th></tr>");
    for api in &t.apis {
        let latest = api.latest();
        let verified = latest.map_or("—".to_string(), |e| {
            format!("{} / {}", e.operations.checked, e.operations.total)
        });
        let evidence = latest.map_or("—", |e| e.evidence.label());
        let _ = write!(
            out,
            "<tr><td><a href=\"#api-{}\">{}</a></td><td>{}</td><td>{verified}</td><td>{}</td><td>{}</td><td>{evidence}</td><td class=\"score\">{}</td><td>{}</td></tr>",
            esc(&crate::snapshot::store::file_stem(&api.name)),
            esc(&api.name),
            badge(api.status()),
            esc(latest.map_or("—", |e| e.time.as_str())),
            esc(&api.cadence().unwrap_or_else(|| "—".into())),
            api.trust().map_or("—".to_string(), |s| s.to_string()),
            sparkline(&api.sparkline())
        );
    }
    out.push_str("</table>");
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
    out.push_str(&timeline_chart(api));
    if api.events.is_empty() {
        out.push_str("<p>No drift recorded yet — the spec has held its shape.</p>");
    } else {
        out.push_str("<table><tr><th>severity</th><th>kind</th><th>operation</th><th>pointer</th><th>first seen</th><th>last seen</th><th>runs</th><th>state</th></tr>");
        // Open events still in the latest run: their reproduction, from its report.
        let reproduce: std::collections::HashMap<String, &str> = api
            .current
            .iter()
            .filter_map(|f| Some((f.fingerprint(), f.reproduce.as_deref()?)))
            .collect();
        for e in &api.events {
            let state = match &e.resolved {
                Some(t) => format!("<span class=\"resolved\">resolved {}</span>", esc(t)),
                None => "<span class=\"open\">open</span>".to_string(),
            };
            let _ = write!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{state}</td></tr>",
                e.severity,
                esc(e.kind.as_str()),
                esc(e.operation.as_deref().unwrap_or("(API)")),
                esc(&e.pointer),
                esc(&e.first_seen),
                esc(&e.last_seen),
                e.runs
            );
            if let (true, Some(r)) = (e.is_open(), reproduce.get(&e.id)) {
                let _ = write!(
                    out,
                    "<tr><td></td><td colspan=\"7\"><pre>{}</pre></td></tr>",
                    esc(r)
                );
            }
        }
        out.push_str("</table>");
    }
    out.push_str("<h3>Spec history</h3><table><tr><th>run</th><th>spec version</th><th>hash</th><th>operations clean / drifted</th><th>unverified</th></tr>");
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
            "<tr><td>{}</td><td>{}</td><td><code>{}</code>{changed}</td><td>{} / {drifted}</td><td>{}</td></tr>",
            esc(&e.time),
            esc(e.spec_version.as_deref().unwrap_or("—")),
            esc(&e.spec_hash),
            e.operations.passing,
            e.operations.total.saturating_sub(e.operations.checked)
        );
    }
    out.push_str("</table>");
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
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>drift report</title><style>{STYLE}</style></head><body><header><h1>drift report</h1><p>{} API(s) · built {}</p></header><main>",
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
