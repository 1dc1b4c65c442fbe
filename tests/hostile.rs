//! Hostile input against what drift keeps and publishes: secrets in every encoding and in the
//! history, contract URLs that redirect or never end, live ids that are dot segments, linked
//! history folders, workflow-command injection, unbounded reads, foreign shards, SARIF URIs,
//! refused `$ref`s and dead origins behind dependency waves. Each test names the defect it pins.
// Tests report to the console what they measured.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use common::server::{Reply, TestServer};
use common::{drift_env, json, many_operations_spec};
use std::path::Path;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_drift");

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path.to_string_lossy().into_owned()
}

/// Every file under `dir`, as text.
fn all_files_text(dir: &Path) -> String {
    let mut text = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "gz") {
                let bytes = std::fs::read(&p).unwrap_or_default();
                let mut out = String::new();
                let _ = std::io::Read::read_to_string(
                    &mut flate2::read::GzDecoder::new(&bytes[..]),
                    &mut out,
                );
                text.push_str(&out);
            } else {
                text.push_str(&String::from_utf8_lossy(
                    &std::fs::read(&p).unwrap_or_default(),
                ));
            }
        }
    }
    text
}

/// The text as each of its readers would decode it: Markdown backslashes dropped, HTML entities
/// and JSON Pointer escapes decoded, percent-decoded, JSON `\/` unescaped.
fn decodings(text: &str) -> Vec<String> {
    let unmarked: String = {
        let mut out = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
                continue;
            }
            out.push(c);
        }
        out
    };
    let entities = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#124;", "|")
            .replace("&amp;", "&")
    };
    let pointer = |s: &str| s.replace("~1", "/").replace("~0", "~");
    let percent = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    vec![
        text.to_string(),
        unmarked.clone(),
        entities(text),
        entities(&unmarked),
        pointer(text),
        pointer(&entities(&unmarked)),
        percent(text),
        text.replace("\\/", "/"),
    ]
}

fn assert_no_secret(secret: &str, what: &str, text: &str) {
    use base64::Engine;
    for decoded in decodings(text) {
        if let Some(at) = decoded.find(secret) {
            let from = at.saturating_sub(80);
            panic!(
                "{what}: the secret leaks (as it reads once decoded): …{}…",
                &decoded[from..(at + secret.len() + 40).min(decoded.len())]
            );
        }
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
    assert!(!text.contains(&b64), "{what}: the secret leaks in base64");
}

// 1. A token with `_` reached the job summary as `sk\_live\_…` (redaction ran after Markdown
// escaping); a token the server echoes as a JSON key was stored in the history's runs.jsonl and
// copied into every report; a token with `/` leaked as `~1` in JSON Pointers.
#[test]
fn an_echoed_secret_never_reaches_an_output_in_any_encoding() {
    let token = "sk_live_c4n4ry/Tok~en_9";
    let echo = token.to_string();
    let server = TestServer::start(move |req, n| {
        let sent = req
            .headers
            .get("authorization")
            .cloned()
            .unwrap_or_default();
        let sent = sent.trim_start_matches("Bearer ").to_string();
        if req.path.starts_with("/items0") {
            // The token as a wrongly typed value; on the second night also as a key (twice
            // nested), which the snapshot reports as added.
            let mut body = serde_json::json!({"id": sent});
            if n > 0 {
                body[sent.clone()] = serde_json::json!({(sent.clone()): 1});
            }
            Reply::json(200, &body.to_string())
        } else {
            Reply::json(
                403,
                &serde_json::json!({"error": format!("token {echo} is not allowed here")})
                    .to_string(),
            )
        }
    });
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(2));
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
    let at = |name: &str| out.join(name).to_string_lossy().into_owned();
    let (snaps, hist) = (at("snapshots"), at("history"));
    let formats = [
        format!("json={}", at("r.json")),
        format!("markdown={}", at("r.md")),
        format!("sarif={}", at("r.sarif")),
        format!("junit={}", at("r.xml")),
        "github".to_string(),
        "terminal".to_string(),
    ];
    let mut transcripts = String::new();
    let base = server.url();
    for command in ["snapshot", "check"] {
        let mut args = vec![
            command,
            "--spec",
            &spec,
            "--base-url",
            &base,
            "--auth",
            "bearer",
            "--token-env",
            "DRIFT_CANARY",
            "--snapshots",
            &snaps,
        ];
        if command == "check" {
            args.extend(["--history", &hist]);
            for f in &formats {
                args.extend(["--format", f.as_str()]);
            }
        }
        let run = drift_env(
            &args,
            &[("DRIFT_CANARY", token), ("GITHUB_ACTIONS", "true")],
        );
        assert!(run.code <= 1, "{}", run.transcript());
        transcripts.push_str(&run.transcript());
    }
    let report = drift_env(
        &[
            "report",
            "--history",
            &hist,
            "--format",
            &format!("html={}", at("nightly.html")),
            "--format",
            &format!("json={}", at("timeline.json")),
            "--format",
            "markdown",
        ],
        &[],
    );
    assert_eq!(report.code, 0, "{}", report.transcript());
    transcripts.push_str(&report.transcript());
    // The findings are there (so the test can fail), with the secret redacted.
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(at("r.json")).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        r["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["pointer"].as_str() == Some("/***"))),
        "{r:#}"
    );
    assert_no_secret(token, "stdout and stderr", &transcripts);
    for entry in std::fs::read_dir(&out).into_iter().flatten().flatten() {
        let p = entry.path();
        let text = if p.is_dir() {
            all_files_text(&p)
        } else {
            String::from_utf8_lossy(&std::fs::read(&p).unwrap_or_default()).into_owned()
        };
        assert_no_secret(token, &p.display().to_string(), &text);
    }
}

/// A contract served on loopback whose answer is a redirect to `location`.
fn redirecting(location: &str) -> TestServer {
    let location = location.to_string();
    TestServer::start(move |_, _| Reply::json(302, "{}").with("Location", &location))
}

// 2. `drift diff URL` followed a 302 anywhere: to cloud metadata at 169.254.169.254, to private
// addresses, to another origin; the answer's title was printed.
#[test]
fn a_contract_url_is_followed_only_within_its_origin() {
    let other = TestServer::start(|_, _| {
        Reply::json(
            200,
            r#"{"swagger": "2.0", "info": {"title": "LEAKED", "version": "1"}, "paths": {}}"#,
        )
    });
    let other_url = format!("{}/swagger.json", other.url());
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(1));
    let mut locations: Vec<String> = [
        "http://169.254.169.254/latest/meta-data/swagger.json",
        "http://10.0.0.1/swagger.json",
        "http://[::ffff:169.254.169.254]/swagger.json",
        "http://[fd00:ec2::254]/swagger.json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    locations.push(other_url);
    for location in locations {
        let server = redirecting(&location);
        let started = Instant::now();
        let run = drift_env(
            &["diff", &format!("{}/swagger.json", server.url()), &spec],
            &[],
        );
        assert_eq!(run.code, 2, "{location}: {}", run.transcript());
        assert!(
            run.stderr.contains("was not followed")
                && run.stderr.contains("only within its origin"),
            "{location}: {}",
            run.stderr
        );
        assert!(!run.stdout.contains("LEAKED") && !run.stderr.contains("LEAKED"));
        // Refused before connecting: no connect timeout was waited for.
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{location}: {:?}",
            started.elapsed()
        );
    }
    assert!(other.recorded().is_empty(), "another origin was fetched");
    // Within the origin, a redirect is followed.
    let home = TestServer::start(|req, _| {
        if req.path == "/old.json" {
            Reply::json(301, "{}").with("Location", "/new.json")
        } else {
            Reply::json(200, &many_operations_spec(1))
        }
    });
    let run = drift_env(&["diff", &format!("{}/old.json", home.url()), &spec], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

// 2b. An API's redirect to another origin is followed as a client would (credentials dropped),
// but never from loopback to a link-local or private address.
#[test]
fn an_answer_redirecting_to_cloud_metadata_is_not_followed() {
    let server = redirecting("http://169.254.169.254/latest/meta-data/iam");
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(1));
    let started = Instant::now();
    let run = drift_env(
        &[
            "check",
            "--spec",
            &spec,
            "--base-url",
            &server.url(),
            "--format",
            "json",
            "--retries",
            "0",
        ],
        &[],
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(
        run.stdout.contains("was not followed") && run.stdout.contains("link-local"),
        "{}",
        run.transcript()
    );
}

// 3. A contract URL whose body was over 10 MiB was silently cut and diffed (19,239 operations
// "removed"); a body announced as 5 GB gave exit 0 with no word.
#[test]
fn a_contract_over_the_cap_is_an_error_naming_the_cap_and_its_flag() {
    let big = format!(
        "{{\"swagger\": \"2.0\", \"info\": {{\"title\": \"big\", \"version\": \"1\"}}, \"x-pad\": \"{}\", \"paths\": {{}}}}",
        "a".repeat(2 * 1024 * 1024)
    );
    let server = TestServer::start(move |_, _| Reply::json(200, &big));
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(1));
    let url = format!("{}/swagger.json", server.url());
    let run = drift_env(&["diff", &url, &spec, "--max-spec-bytes", "1048576"], &[]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("1048576") && run.stderr.contains("--max-spec-bytes"),
        "{}",
        run.stderr
    );
    // Announced as 5 GB, streamed without end: refused at the cap.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let mut stream = stream;
                let mut head = [0u8; 4096];
                let _ = stream.read(&mut head);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000000000\r\n\r\n{\"x\": \"",
                );
                let chunk = vec![b'a'; 64 * 1024];
                while stream.write_all(&chunk).is_ok() {}
            });
        }
    });
    let started = Instant::now();
    let run = drift_env(
        &[
            "diff",
            &format!("http://127.0.0.1:{port}/swagger.json"),
            &spec,
            "--max-spec-bytes",
            "1048576",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("5000000000 bytes"), "{}", run.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

/// A list and its items: `GET /items` lists ids, `GET /items/{id}` takes one.
fn list_and_item_spec() -> String {
    serde_json::json!({"swagger": "2.0", "info": {"title": "dots", "version": "1"}, "paths": {
        "/items": {"get": {"operationId": "listItems", "produces": ["application/json"],
            "responses": {"200": {"description": "ok", "schema": {"type": "object", "properties": {
                "data": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}}}}}}}},
        "/items/{id}": {"get": {"operationId": "getItem", "produces": ["application/json"],
            "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
            "responses": {"200": {"description": "ok", "schema": {"type": "object"}}}}}
    }})
    .to_string()
}

// 4. Live ids `..` and `.` were put in paths as dot segments: requests went to `GET /` and
// `GET /items/`, credentials attached, and the operation was reported `pass`.
#[test]
fn live_ids_that_are_dot_segments_are_skipped_with_the_reason() {
    let dir = tempdir();
    let spec = write(dir.path(), "dots.json", &list_and_item_spec());
    for dots in ["..", ".", "%2e%2E"] {
        let body = serde_json::json!({"data": [{"id": dots}]}).to_string();
        let server = TestServer::start(move |req, _| {
            if req.path == "/items" {
                Reply::json(200, &body)
            } else {
                Reply::json(200, "{}")
            }
        });
        let run = drift_env(
            &[
                "check",
                "--spec",
                &spec,
                "--base-url",
                &server.url(),
                "--format",
                "json",
            ],
            &[],
        );
        let paths: Vec<String> = server.recorded().iter().map(|r| r.path.clone()).collect();
        assert_eq!(paths, vec!["/items".to_string()], "{dots}: {paths:?}");
        let report = json(&run);
        let item = report["operations"]
            .as_array()
            .and_then(|ops| ops.iter().find(|o| o["operation_id"] == "getItem"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(item["outcome"], "skipped", "{dots}: {item:#}");
        assert!(
            item["reason"]
                .as_str()
                .is_some_and(|r| r.contains("dot segment")),
            "{dots}: {item:#}"
        );
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap_or_else(|e| panic!("{e}"));
}

// 5. The history folder followed symbolic links for writes: a link inside it (git stores links,
// and the nightly clones the history from a branch) made `drift check --history` append to or
// create files outside it.
#[cfg(unix)]
#[test]
fn the_history_folder_is_never_written_through_a_link() {
    let dir = tempdir();
    let outside = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(1));
    let victim = write(outside.path(), "victim.txt", "untouched\n");
    let cases: [(&str, &Path); 3] = [
        ("many", outside.path()),
        ("reports", outside.path()),
        ("many/runs.jsonl", Path::new(&victim)),
    ];
    for (inside, target) in cases {
        let hist = dir
            .path()
            .join(format!("hist-{}", inside.replace('/', "-")));
        let link = hist.join(inside);
        std::fs::create_dir_all(link.parent().unwrap_or(&hist)).unwrap_or_else(|e| panic!("{e}"));
        symlink(target, &link);
        let run = drift_env(
            &[
                "check",
                "--spec",
                &spec,
                "--history",
                &hist.to_string_lossy(),
            ],
            &[],
        );
        assert_eq!(run.code, 2, "{inside}: {}", run.transcript());
        assert!(
            run.stderr.contains("symbolic link"),
            "{inside}: {}",
            run.stderr
        );
        let names: Vec<_> = std::fs::read_dir(outside.path())
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from("victim.txt")],
            "{inside}"
        );
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap_or_default(),
            "untouched\n",
            "{inside}"
        );
    }
}

/// A line of a log a runner would take for a command drift did not mean to write.
fn injected_commands(log: &str) -> Vec<&str> {
    let ours = [
        "::error ",
        "::warning ",
        "::notice ",
        "::group::",
        "::endgroup::",
    ];
    log.lines()
        .filter(|l| {
            let l = l.trim_start();
            (l.starts_with("::") && !ours.iter().any(|o| l.starts_with(o))) || l.contains("##[")
        })
        .collect()
}

// 6. An error quoting a contract value with newlines put `::add-mask::` / `::stop-commands::` at
// the start of lines of the Actions log; raw ESC, U+202E and U+2066 reached `::group::` and
// annotation lines; `@everyone` survived into Markdown.
#[test]
fn nothing_github_reads_can_start_a_workflow_command() {
    let dir = tempdir();
    // An error message quoting a hostile reference.
    let broken = write(
        dir.path(),
        "broken.json",
        &serde_json::json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"get": {
            "responses": {"200": {"description": "ok", "schema": {
                "$ref": "#/definitions/a\n::stop-commands::pwned\n  ::add-mask::x\n##[add-mask]y"}}}}}}})
        .to_string(),
    );
    let run = drift_env(&["check", "--spec", &broken], &[("GITHUB_ACTIONS", "true")]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("stop-commands"), "{}", run.stderr);
    let bad = injected_commands(&run.stderr);
    assert!(bad.is_empty(), "stderr: {bad:?}");
    // Findings quoting hostile keys, in every CI format.
    // The first night records the shape; the second adds the hostile keys.
    let server = TestServer::start(|_, n| {
        let body = if n == 0 {
            serde_json::json!({"id": 1})
        } else {
            serde_json::json!({"id": 1, "\u{1b}[31mred\u{202e}\u{2066}\n::add-mask::z\n@everyone": "v", "@everyone": 1})
        };
        Reply::json(200, &body.to_string())
    });
    let spec = write(dir.path(), "many.json", &many_operations_spec(1));
    let md = dir.path().join("r.md").to_string_lossy().into_owned();
    let snaps = dir.path().join("snaps").to_string_lossy().into_owned();
    let recorded = drift_env(
        &[
            "snapshot",
            "--spec",
            &spec,
            "--base-url",
            &server.url(),
            "--snapshots",
            &snaps,
        ],
        &[],
    );
    assert_eq!(recorded.code, 0, "{}", recorded.transcript());
    {
        let run = drift_env(
            &[
                "check",
                "--spec",
                &spec,
                "--base-url",
                &server.url(),
                "--snapshots",
                &snaps,
                "--format",
                "github",
                "--format",
                "terminal",
                "--format",
                &format!("markdown={md}"),
            ],
            &[("GITHUB_ACTIONS", "true")],
        );
        assert!(run.code <= 1, "{}", run.transcript());
        let log = run.stdout.clone() + &run.stderr;
        assert!(
            log.contains("::warning") || log.contains("::notice"),
            "{log}"
        );
        let bad = injected_commands(&log);
        assert!(bad.is_empty(), "log: {bad:?}");
        for c in ['\u{1b}', '\u{202e}', '\u{2066}'] {
            assert!(!log.contains(c), "{c:?} in the log:\n{log}");
        }
    }
    let summary = std::fs::read_to_string(&md).unwrap_or_default();
    assert!(summary.contains("everyone"), "{summary}");
    assert!(!summary.contains("@everyone"), "{summary}");
}

// 7. The action's report-dir input with a line break rewrote the `exit-code` step output.
#[test]
fn the_action_writes_step_outputs_no_input_can_forge() {
    let dir = tempdir();
    let outputs = dir.path().join("github_output");
    let run = std::process::Command::new("sh")
        .arg("scripts/action-run.sh")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DRIFT_BIN", BIN)
        .env(
            "DRIFT_REPORT_DIR",
            format!("{}/r\nexit-code=0", dir.path().display()),
        )
        .env("GITHUB_OUTPUT", &outputs)
        .env("DRIFT_ARGS", "--spec specs/coaching/openapi.json")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        run.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!std::fs::read_to_string(&outputs)
        .unwrap_or_default()
        .contains("exit-code=0"));
    // A clean run: every output in the delimited form.
    let run = std::process::Command::new("sh")
        .arg("scripts/action-run.sh")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DRIFT_BIN", BIN)
        .env("DRIFT_REPORT_DIR", dir.path().join("r"))
        .env("GITHUB_OUTPUT", &outputs)
        .env("DRIFT_ARGS", "--spec specs/coaching/openapi.json")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&outputs).unwrap_or_default();
    let first = text.lines().next().unwrap_or("");
    let delimiter = first
        .strip_prefix("exit-code<<")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(delimiter.len() >= 32, "{text}");
    assert!(
        text.contains(&format!("exit-code<<{delimiter}\n0\n{delimiter}\n")),
        "{text}"
    );
}

/// Run drift in `cwd`: (exit code, peak resident memory in MiB, stderr).
fn peak_mib(args: &[&str], cwd: &Path) -> Option<(i32, u64, String)> {
    common::peak_memory(args, cwd).map(|p| (p.code, p.kib / 1024, p.stderr))
}

fn sh(script: &str, dir: &Path) {
    let ok = std::process::Command::new("sh")
        .args(["-c", script])
        .current_dir(dir)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "{script}");
}

// 8. Unbounded reads: a 1 MB gzip report in the history expanding to 1 GiB peaked at 2.1 GB;
// sparse 1 GiB `runs.jsonl` and shard files were read whole.
#[test]
fn history_and_shard_reads_are_bounded() {
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(1));
    let hist = dir.path().join("hist");
    let run = drift_env(
        &[
            "check",
            "--spec",
            &spec,
            "--history",
            &hist.to_string_lossy(),
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    // Every stored report replaced by a gzip bomb of 1 GiB of zeros.
    let reports = hist.join("reports");
    let names: Vec<String> = std::fs::read_dir(&reports)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let runs = hist.join("many/runs.jsonl");
    let text = std::fs::read_to_string(&runs).unwrap_or_default();
    let bomb = "bomb.json.gz";
    sh(
        &format!("head -c 1073741824 /dev/zero | gzip -1 > {bomb}"),
        &reports,
    );
    let text = names.iter().fold(text, |t, n| t.replace(n.as_str(), bomb));
    std::fs::write(&runs, text).unwrap_or_else(|e| panic!("{e}"));
    let hist_arg = hist.to_string_lossy().into_owned();
    if let Some((code, mib, err)) = peak_mib(
        &["report", "--history", &hist_arg, "--format", "json"],
        dir.path(),
    ) {
        println!("drift report over a 1 GiB gzip bomb: exit {code}, peak {mib} MiB");
        assert_eq!(code, 0, "{err}");
        assert!(mib < 700, "peak {mib} MiB");
    }
    // A sparse runs.jsonl of 1 GiB (one endless line of NULs).
    let sparse = hist.join("sparse/runs.jsonl");
    std::fs::create_dir_all(hist.join("sparse")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::File::create(&sparse)
        .and_then(|f| f.set_len(1 << 30))
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some((code, mib, err)) = peak_mib(
        &["report", "--history", &hist_arg, "--format", "json"],
        dir.path(),
    ) {
        println!("drift report beside a sparse 1 GiB runs.jsonl: exit {code}, peak {mib} MiB");
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("skipped a line longer than"), "{err}");
        assert!(mib < 700, "peak {mib} MiB");
    }
    // A sparse shard of 1 GiB to merge.
    let shard = dir.path().join("shard.json");
    std::fs::File::create(&shard)
        .and_then(|f| f.set_len(1 << 30))
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some((code, mib, err)) =
        peak_mib(&["report", "--merge", &shard.to_string_lossy()], dir.path())
    {
        println!("drift report --merge of a sparse 1 GiB shard: exit {code}, peak {mib} MiB");
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("larger than"), "{err}");
        assert!(mib < 400, "peak {mib} MiB");
    }
}

// 8b. A 4 MB `links.next` made an 8 MB report: every `reproduce` quoted it in full.
#[test]
fn a_huge_next_link_is_not_followed_nor_quoted_whole() {
    let spec = serde_json::json!({"openapi": "3.0.3", "info": {"title": "things", "version": "1"},
        "paths": {"/things": {"get": {"operationId": "listThings",
            "parameters": [{"name": "page[number]", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "data": {"type": "array", "items": {"type": "object"}},
                    "links": {"type": "object", "properties": {"next": {"type": "string", "nullable": true}}}}}}}}}}}}});
    let pad = "a".repeat(4 * 1024 * 1024);
    let server = TestServer::start(move |_, _| {
        let body = serde_json::json!({"data": [{"id": 1}], "links": {"next": format!("/things?page[number]=2&pad={pad}")}});
        Reply::json(200, &body.to_string())
    });
    let dir = tempdir();
    let spec = write(dir.path(), "things.json", &spec.to_string());
    let run = drift_env(
        &[
            "check",
            "--spec",
            &spec,
            "--base-url",
            &server.url(),
            "--format",
            "json",
        ],
        &[],
    );
    assert!(run.code <= 1, "{}", run.transcript());
    assert!(
        run.stdout.len() < 256 * 1024,
        "a {} byte report",
        run.stdout.len()
    );
    assert!(
        run.stdout.contains("pagination.broken-link"),
        "{}",
        run.stdout
    );
    assert!(
        server.recorded().iter().all(|r| !r.path.contains("pad=")),
        "the huge link was followed"
    );
}

// 8c. `git archive` output for a `REV:PATH` was held whole (681 MB for a 400 MB blob beside the
// spec).
#[test]
fn a_git_revision_side_is_streamed_not_held() {
    let dir = tempdir();
    let repo = dir.path();
    sh(
        "git init -q . && git config user.email t@t && git config user.name t",
        repo,
    );
    write(repo, "specs/many.json", &many_operations_spec(2));
    sh(
        "head -c 209715200 /dev/zero > specs/big.json && head -c 209715200 /dev/zero > specs/big.bin && git add -A && git commit -qm one",
        repo,
    );
    let spec = repo.join("specs/many.json");
    let rev_side = "HEAD:specs/many.json";
    let measured = peak_mib(&["diff", rev_side, &spec.to_string_lossy()], repo);
    if let Some((code, mib, err)) = measured {
        println!("drift diff REV:PATH beside two 200 MB blobs: exit {code}, peak {mib} MiB");
        assert_eq!(code, 0, "{err}");
        assert!(mib < 100, "peak {mib} MiB");
    }
    // The contract itself over the cap is an error naming it.
    let run = std::process::Command::new(BIN)
        .args([
            "diff",
            "HEAD:specs/big.json",
            "specs/many.json",
            "--max-spec-bytes",
            "1048576",
        ])
        .current_dir(repo)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("--max-spec-bytes"), "{err}");
}

// 9. Merge accepted anything: a shard with `"version": 99` from another tool, operation totals
// that wrap around.
#[test]
fn merge_takes_only_drift_reports_of_its_version() {
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(1));
    let run = drift_env(&["check", "--spec", &spec, "--format", "json"], &[]);
    let good = json(&run);
    let mut shards = Vec::new();
    for (i, edit) in ["version", "tool", "huge"].iter().enumerate() {
        let mut r = good.clone();
        r["apis"][0]["name"] = serde_json::json!(format!("api{i}"));
        match *edit {
            "version" => r["version"] = serde_json::json!(99),
            "tool" => r["tool"]["name"] = serde_json::json!("other-tool"),
            _ => {
                r["apis"][0]["operations_checked"] = serde_json::json!(u64::MAX);
                r["apis"][0]["operations_skipped"] = serde_json::json!(u64::MAX);
            }
        }
        shards.push(write(dir.path(), &format!("{edit}.json"), &r.to_string()));
    }
    let run = drift_env(&["report", "--merge", &shards[0]], &[]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("version 99"), "{}", run.stderr);
    let run = drift_env(&["report", "--merge", &shards[1]], &[]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("other-tool"), "{}", run.stderr);
    // Two shards whose counts would wrap: merged without a panic, the sum saturated.
    let mut other = serde_json::from_str::<serde_json::Value>(
        &std::fs::read_to_string(&shards[2]).unwrap_or_default(),
    )
    .unwrap_or_default();
    other["apis"][0]["name"] = serde_json::json!("api9");
    let second = write(dir.path(), "huge2.json", &other.to_string());
    for format in ["terminal", "markdown", "junit", "sarif", "github", "json"] {
        let run = drift_env(
            &["report", "--merge", &shards[2], &second, "--format", format],
            &[],
        );
        assert_eq!(run.code, 0, "{format}: {}", run.transcript());
    }
}

// 10. SARIF URIs: an absolute path outside the repository became `file:////etc/passwd`.
#[test]
fn sarif_uris_outside_the_repository_are_proper_file_uris() {
    let outside = tempdir();
    let spec = write(
        outside.path(),
        "bad.json",
        &serde_json::json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"get": {
            "responses": {"200": {"description": "ok", "schema": {"type": "object", "properties": {"n": {"type": "integer"}}},
                "examples": {"application/json": {"n": "not a number"}}}}}}}})
        .to_string(),
    );
    let run = drift_env(&["check", "--spec", &spec, "--format", "sarif"], &[]);
    let sarif = json(&run);
    let uris: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .map(String::from)
        .collect();
    assert!(!uris.is_empty(), "{sarif:#}");
    for uri in uris {
        assert!(
            uri.starts_with("file:///") && !uri.starts_with("file:////"),
            "{uri}"
        );
        let parsed = url::Url::parse(&uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
        assert!(parsed.path().ends_with("/bad.json"), "{uri}");
    }
}

// 11. `$ref: file:///…` or `http://…` in a contract: lint exited 0 with no finding and check
// passed any body without a word.
#[test]
fn refused_external_refs_are_reported() {
    let dir = tempdir();
    let spec = write(
        dir.path(),
        "ext.json",
        &serde_json::json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"get": {
            "produces": ["application/json"],
            "responses": {"200": {"description": "ok", "schema": {"$ref": "file:///etc/passwd#/a"}}}}},
            "/y": {"get": {"produces": ["application/json"],
            "responses": {"200": {"description": "ok", "schema": {"$ref": "http://169.254.169.254/s.json#/b"}}}}}}})
        .to_string(),
    );
    let lint = drift_env(&["lint", "--spec", &spec, "--format", "json"], &[]);
    assert_eq!(lint.code, 1, "{}", lint.transcript());
    let found = json(&lint);
    let refused: Vec<&serde_json::Value> = found["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"] == "lint.ref-refused")
        .collect();
    assert_eq!(refused.len(), 2, "{found:#}");
    assert!(
        refused
            .iter()
            .all(|f| f["spec_location"]["line"].as_u64().is_some()),
        "{found:#}"
    );
    let check = drift_env(&["check", "--spec", &spec], &[]);
    assert!(
        check
            .stdout
            .contains("2 `$ref`(s) to other hosts or `file:` URLs were refused"),
        "{}",
        check.transcript()
    );
}

// 12. A dead or throttling origin cost its bound once per dependency wave: with `--timeout 2` a
// server that never answers took 13.3 s where one wave's 6.6 s was the bound.
#[test]
fn waves_behind_an_unreachable_or_throttling_origin_are_not_sent() {
    let dir = tempdir();
    let spec = write(dir.path(), "dots.json", &list_and_item_spec());
    let dead = TestServer::start(|_, _| Reply::hang());
    let started = Instant::now();
    let run = drift_env(
        &[
            "check",
            "--spec",
            &spec,
            "--base-url",
            &dead.url(),
            "--timeout",
            "1",
            "--format",
            "json",
        ],
        &[],
    );
    let took = started.elapsed();
    println!("a server that never answers, two waves: {took:?}");
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(
        dead.recorded().iter().all(|r| r.path == "/items"),
        "the second wave was sent"
    );
    // One wave: three attempts of 1 s and their backoff.
    assert!(took < Duration::from_millis(5500), "{took:?}");
    let report = json(&run);
    let item = report["operations"]
        .as_array()
        .and_then(|ops| ops.iter().find(|o| o["operation_id"] == "getItem"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(item["outcome"], "skipped", "{item:#}");
    assert!(
        item["reason"]
            .as_str()
            .is_some_and(|r| r.contains("did not answer")),
        "{item:#}"
    );
    // Throttled past the retries: the same.
    let throttling = TestServer::start(|_, _| Reply::json(429, "{}").with("Retry-After", "1"));
    let started = Instant::now();
    let run = drift_env(
        &[
            "check",
            "--spec",
            &spec,
            "--base-url",
            &throttling.url(),
            "--format",
            "json",
        ],
        &[],
    );
    let took = started.elapsed();
    println!("a server that throttles forever (Retry-After: 1), two waves: {took:?}");
    assert!(
        throttling.recorded().iter().all(|r| r.path == "/items"),
        "the second wave was sent"
    );
    assert!(took < Duration::from_millis(3500), "{took:?}");
    assert!(run.stdout.contains("throttled (429)"), "{}", run.stdout);
}
