//! Regression tests from a hostile-input audit: hangs in a terminal, clobbered outputs, local file
//! disclosure, secret leaks, shell injection, bounded cost, numbers, snapshot integrity, status
//! classification, terminal safety. Each test names the defect it pins.
// Tests, examples and benchmarks report to the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;
use common::files_under;

use common::server::{Reply, TestServer};
use common::{drift, drift_env, in_pty, json, many_operations_spec};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_drift");

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path.to_string_lossy().into_owned()
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

// 1. `main` held the stderr lock for the whole run; the progress line, drawn from a tokio
// worker, blocked on it forever whenever stderr was a terminal and the run took a moment.
#[test]
fn check_in_a_terminal_with_progress_does_not_hang() {
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(45));
    let server = TestServer::start(|_, _| {
        std::thread::sleep(Duration::from_millis(25));
        Reply::json(200, r#"{"id": 1}"#)
    });
    for command in ["check", "snapshot"] {
        let line = format!(
            "{BIN} {command} --spec {spec} --base-url {} --snapshots {} --concurrency 2",
            server.url(),
            dir.path().join("snaps").display()
        );
        let outcome = in_pty(&line, Duration::from_secs(30));
        let Some((code, screen)) = outcome else {
            panic!("`drift {command}` hung in a terminal");
        };
        assert!(code == 0 || code == 1, "{command}: exit {code}\n{screen}");
        assert!(
            screen.contains("checking many"),
            "no progress line: {screen}"
        );
    }
}

// 1. `drift mock -v` logged each request to a locked stderr: every request hung.
#[test]
fn verbose_mock_in_a_terminal_answers_requests() {
    use std::io::{Read, Write};
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(3));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let line = format!("{BIN} mock --spec {spec} --port {port} -v");
    let handle = std::thread::spawn(move || in_pty(&line, Duration::from_secs(4)));
    let mut answered = false;
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(50));
        let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
            continue;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(3)));
        let _ = stream.write_all(b"GET /items1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let mut text = String::new();
        let _ = stream.read_to_string(&mut text);
        answered = text.starts_with("HTTP/1.1 200");
        break;
    }
    // The mock serves until killed: the pty helper ends it at its limit.
    let _ = handle.join();
    assert!(answered, "the verbose mock did not answer within 3 s");
}

fn kinds_ok_server() -> TestServer {
    TestServer::start(|_, _| Reply::json(200, r#"{"id": 1}"#))
}

// 2. `--output` / `--format F=PATH` renamed a temp file over the path: a symlink or a FIFO
// (process substitution) was replaced by a regular file.
#[cfg(unix)]
#[test]
fn outputs_write_through_symlinks_and_pipes() {
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(2));
    let server = kinds_ok_server();
    let real = dir.path().join("real.json");
    std::fs::write(&real, "").unwrap_or_else(|e| panic!("{e}"));
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap_or_else(|e| panic!("{e}"));
    let fifo = dir.path().join("pipe.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap_or_default())
    };
    let run = drift(&[
        "check",
        "--spec",
        &spec,
        "--base-url",
        &server.url(),
        "--format",
        &format!("json={}", link.display()),
        "--format",
        &format!("terminal={}", fifo.display()),
        "--format",
        "json=/dev/null",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let piped = reader.join().unwrap_or_default();
    assert!(piped.contains("2 operations checked"), "{piped}");
    let meta = |p: &std::path::Path| std::fs::symlink_metadata(p).map(|m| m.file_type());
    assert!(
        meta(&link).is_ok_and(|t| t.is_symlink()),
        "the symlink was replaced"
    );
    assert!(std::fs::read_to_string(&real)
        .unwrap_or_default()
        .contains("\"version\": 1"));
    use std::os::unix::fs::FileTypeExt;
    assert!(
        meta(&fifo).is_ok_and(|t| t.is_fifo()),
        "the FIFO was replaced"
    );
    assert!(meta(std::path::Path::new("/dev/null")).is_ok_and(|t| t.is_char_device()));
}

fn spec_with_ref(reference: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{title: refs, version: "1"}}
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: "{reference}"}}
"#
    )
}

// 3. `$ref`s reached any file: `/etc/passwd`, `../outside/creds.yaml#/password`, text files; their
// content was quoted by `lint.schema-invalid` in the terminal and the report.
#[test]
fn refs_stay_inside_the_contract_folder_and_are_never_quoted() {
    let dir = tempdir();
    let canary = "CANARY-hunter2-REF";
    write(
        dir.path(),
        "outside/creds.yaml",
        &format!("password: {canary}\n"),
    );
    write(dir.path(), "contract/notes.txt", &format!("{canary}\n"));
    write(dir.path(), "contract/scalar.yaml", &format!("{canary}\n"));
    write(
        dir.path(),
        "contract/schemas/ok.yaml",
        "Thing: {type: object}\n",
    );
    std::os::unix::fs::symlink(
        dir.path().join("outside/creds.yaml"),
        dir.path().join("contract/link.yaml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let cases = [
        (
            "../outside/creds.yaml#/password",
            "outside the contract's folder",
        ),
        ("/etc/passwd", "outside the contract's folder"),
        ("link.yaml#/password", "outside the contract's folder"),
        ("notes.txt", "not a .yaml, .yml or .json file"),
        ("scalar.yaml", "not a YAML or JSON document"),
    ];
    for (reference, why) in cases {
        let spec = write(
            dir.path(),
            "contract/openapi.yaml",
            &spec_with_ref(reference),
        );
        for args in [
            vec!["lint", "--spec", &spec, "--format", "json"],
            vec!["check", "--spec", &spec],
        ] {
            let run = drift(&args);
            assert_eq!(run.code, 2, "{reference}: {}", run.transcript());
            assert!(
                run.stderr.contains("is refused") && run.stderr.contains(why),
                "{reference}: {}",
                run.stderr
            );
            assert!(
                run.stderr.contains("openapi.yaml:12:"),
                "no line: {}",
                run.stderr
            );
            assert!(
                !run.transcript().contains(canary) && !run.transcript().contains("root:"),
                "{}",
                run.transcript()
            );
        }
    }
    // Inside the tree, a YAML file is fine.
    let spec = write(
        dir.path(),
        "contract/openapi.yaml",
        &spec_with_ref("schemas/ok.yaml#/Thing"),
    );
    let run = drift(&["lint", "--spec", &spec]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

/// Every file under `dir`, as text (for "nothing written holds the secret").
fn all_files_text(dir: &std::path::Path) -> String {
    let mut text = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                text.push_str(&String::from_utf8_lossy(
                    &std::fs::read(&p).unwrap_or_default(),
                ));
            }
        }
    }
    text
}

fn assert_no_secret(secret: &str, text: &str) {
    use base64::Engine;
    let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let strict = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
    for form in [secret, &encoded, &strict, &b64] {
        assert!(
            !text.contains(form),
            "the secret leaked as {form:?}:\n{text}"
        );
    }
}

// 4. A query API key with `+ / =` leaked percent-encoded through every transport error.
#[test]
fn a_query_api_key_never_leaks_through_transport_errors() {
    let secret = "canary+Q/key=4e1d";
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9);
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(2));
    let report = dir.path().join("out/report.json");
    let run = drift_env(
        &[
            "check",
            "--spec",
            &spec,
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
            "--retries",
            "0",
            "--auth",
            "api-key",
            "--query",
            "api_key",
            "--key-env",
            "DRIFT_CANARY_KEY",
            "--format",
            "terminal",
            "--format",
            &format!("json={}", report.display()),
        ],
        &[("DRIFT_CANARY_KEY", secret)],
    );
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert_no_secret(secret, &run.transcript());
    assert_no_secret(secret, &all_files_text(dir.path()));
    let written = std::fs::read_to_string(&report).unwrap_or_default();
    assert!(written.contains("$DRIFT_CANARY_KEY"), "{written}");
}

// 4. A password in `--base-url` (or `${ENV}`, or a spec's `servers`) was printed in the header,
// the report's `target` and `url`s, the reproductions, `drift ops` and history.jsonl.
#[test]
fn url_userinfo_is_sent_as_basic_auth_and_never_shown() {
    let password = "canary-pw-77ab1e";
    let server = TestServer::start(|_, _| Reply::json(200, r#"{"id": 1}"#));
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(2));
    let snaps = dir.path().join("snaps");
    let report = dir.path().join("report.json");
    let base = format!("http://bob:{password}@127.0.0.1:{}", server.port);
    for base_url in [base.clone(), "${DRIFT_CANARY_URL}".to_string()] {
        let run = drift_env(
            &[
                "check",
                "--spec",
                &spec,
                "--base-url",
                &base_url,
                "--snapshots",
                &snaps.to_string_lossy(),
                "--write",
                "--history",
                &dir.path().join("history").to_string_lossy(),
                "--format",
                "terminal",
                "--format",
                &format!("json={}", report.display()),
            ],
            &[("DRIFT_CANARY_URL", &base)],
        );
        assert_eq!(run.code, 0, "{}", run.transcript());
        assert_no_secret(password, &run.transcript());
        assert!(!run.transcript().contains("bob"), "{}", run.transcript());
        assert!(
            run.stdout
                .contains(&format!("→ http://127.0.0.1:{}", server.port)),
            "{}",
            run.stdout
        );
    }
    let files = all_files_text(dir.path());
    assert_no_secret(password, &files);
    assert_no_secret("bob:canary-pw-77ab1e", &files);
    assert!(dir.path().join("history/many/runs.jsonl").exists());
    let sent = server.recorded();
    assert!(sent.iter().all(|r| r
        .headers
        .get("authorization")
        .is_some_and(|a| a.starts_with("Basic "))));
    // A contract's servers URL with credentials.
    let with_servers = many_operations_spec(1).replacen(
        "\"swagger\":\"2.0\"",
        &format!("\"swagger\":\"2.0\",\"host\":\"bob:{password}@api.example.com\""),
        1,
    );
    let spec = write(dir.path(), "servers.json", &with_servers);
    for format in ["text", "json"] {
        let run = drift(&["ops", "--spec", &spec, "--format", format]);
        assert_eq!(run.code, 0, "{}", run.transcript());
        assert_no_secret(password, &run.transcript());
        assert!(run.stdout.contains("api.example.com"), "{}", run.stdout);
    }
}

// 4. A pinned value equal to a credential was written into the snapshot file in clear.
#[test]
fn a_pinned_credential_is_stored_redacted() {
    let token = "canary-bearer-31f0aa";
    let server = TestServer::start(move |_, _| {
        Reply::json(200, &format!(r#"{{"id": 1, "whoami": "token {token}"}}"#))
    });
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(1));
    let snaps = dir.path().join("snaps");
    let args = [
        "--spec",
        &spec,
        "--base-url",
        &server.url(),
        "--snapshots",
        &snaps.to_string_lossy(),
        "--pin",
        "/whoami",
        "--auth",
        "bearer",
        "--token-env",
        "DRIFT_CANARY_TOKEN",
    ]
    .map(String::from);
    let mut record = vec!["snapshot".to_string()];
    record.extend(args.iter().cloned());
    let record: Vec<&str> = record.iter().map(String::as_str).collect();
    let run = drift_env(&record, &[("DRIFT_CANARY_TOKEN", token)]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let files = all_files_text(&snaps);
    assert_no_secret(token, &files);
    assert!(files.contains("token ***"), "{files}");
    // The next check compares redacted with redacted: no drift.
    let mut check = vec!["check".to_string()];
    check.extend(args.iter().cloned());
    let check: Vec<&str> = check.iter().map(String::as_str).collect();
    let run = drift_env(&check, &[("DRIFT_CANARY_TOKEN", token)]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_no_secret(token, &run.transcript());
}

// 4. A query API key was forwarded when a cross-origin redirect kept the query in `Location`.
#[test]
fn a_query_api_key_does_not_follow_a_cross_origin_redirect() {
    let secret = "canary-qk-0b7c";
    let other = TestServer::start(|_, _| Reply::json(200, r#"{"id": 1}"#));
    let other_url = other.url();
    let first = TestServer::start(move |req, _| {
        let query = req.path.split_once('?').map(|(_, q)| q).unwrap_or("");
        Reply::json(302, "{}").with("Location", &format!("{other_url}/landing?{query}&page=2"))
    });
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(1));
    let run = drift_env(
        &[
            "check",
            "--spec",
            &spec,
            "--base-url",
            &first.url(),
            "--auth",
            "api-key",
            "--query",
            "api_key",
            "--key-env",
            "DRIFT_CANARY_KEY",
        ],
        &[("DRIFT_CANARY_KEY", secret)],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        first.recorded().iter().all(|r| r.path.contains(secret)),
        "the key was sent to its origin"
    );
    let landed = other.recorded();
    assert!(!landed.is_empty(), "the redirect was not followed");
    for r in landed {
        assert!(
            !r.path.contains(secret),
            "forwarded cross-origin: {}",
            r.path
        );
        assert!(r.path.contains("page=2"), "{}", r.path);
    }
}

// 5. `reproduce` lines put path, query and header values from the contract unquoted for a shell:
// pasting a report line ran an attacker's command.
#[test]
fn reproduction_lines_are_quoted_for_a_shell() {
    let dir = tempdir();
    let pwned = dir.path().join("pwned");
    let evil = format!("$(touch {0})`touch {0}`'; touch {0}; '", pwned.display());
    let spec = serde_json::json!({
        "openapi": "3.0.3", "info": {"title": "evil", "version": "1"},
        "paths": {"/items/{id}": {"get": {"operationId": "getItem", "parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "example": evil},
            {"name": "q", "in": "query", "required": true, "schema": {"type": "string"}, "example": evil},
            {"name": "X-Trace", "in": "header", "required": true, "schema": {"type": "string"}, "example": evil}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}}}}
    });
    let spec = write(dir.path(), "evil $(touch x).json", &spec.to_string());
    let server = TestServer::start(|_, _| Reply::json(200, r#"{"not": "a string"}"#));
    for base in [server.url(), "mock".to_string()] {
        let run = drift_env(
            &[
                "check",
                "--spec",
                &spec,
                "--base-url",
                &base,
                "--format",
                "json",
                "--auth",
                "bearer",
                "--token-env",
                "DRIFT_T",
                "--snapshots",
                &dir.path().join("snaps").to_string_lossy(),
            ],
            &[("DRIFT_T", "canary-token-abcd")],
        );
        assert!(run.code == 0 || run.code == 1, "{}", run.transcript());
        let report = json(&run);
        let lines: Vec<String> = report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["reproduce"].as_str().map(String::from))
            .collect();
        assert!(!lines.is_empty(), "{}", run.stdout);
        for line in lines {
            let syntax = std::process::Command::new("sh")
                .args(["-n", "-c", &line])
                .status();
            assert!(syntax.is_ok_and(|s| s.success()), "not valid sh: {line}");
            // curl and drift replaced by functions that print their arguments, one per line.
            let script =
                format!("curl() {{ printf '%s\\n' \"$@\"; }}; drift() {{ :; }}; {line}\nwait");
            let out = std::process::Command::new("sh")
                .args(["-c", &script])
                .current_dir(dir.path())
                .env("DRIFT_T", "T")
                .output()
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(!pwned.exists(), "the line ran a command: {line}");
            let args = String::from_utf8_lossy(&out.stdout);
            assert!(
                args.lines().any(|a| a == format!("X-Trace: {evil}")),
                "header not passed intact: {args}"
            );
        }
    }
}

/// Run drift from the crate root: (exit code, peak resident memory in KiB, stdout).
fn peak_rss(args: &[&str]) -> Option<(i32, u64, String)> {
    common::peak_memory(args, std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
        .map(|p| (p.code, p.kib, p.stdout))
}

// 6. Bodies were kept for the whole run and embedded whole in messages: 42 × 9.9 MB responses
// took 1.75 GB of memory and wrote a 441 MB report.
#[test]
fn large_bodies_are_released_and_quoted_as_excerpts() {
    let item = r#"{"id": 123456, "name": "a fairly ordinary name", "tags": ["x", "y"]},"#;
    let mut body = String::from("[");
    while body.len() < 9_900_000 {
        body.push_str(item);
    }
    body.pop();
    body.push(']');
    let body = std::sync::Arc::new(body.into_bytes());
    let server = {
        let body = body.clone();
        TestServer::start(move |_, _| Reply::raw(200, "application/json", &body))
    };
    let dir = tempdir();
    // The contract says object; every body is an array: a root violation quoting the body.
    let spec = write(dir.path(), "many.json", &many_operations_spec(42));
    let report = dir.path().join("report.json");
    let Some((code, peak_kib, stdout)) = peak_rss(&[
        "check",
        "--spec",
        &spec,
        "--base-url",
        &server.url(),
        "--format",
        "terminal",
        "--format",
        &format!("json={}", report.display()),
    ]) else {
        return;
    };
    assert_eq!(code, 1, "{stdout}");
    let report_len = std::fs::metadata(&report).map(|m| m.len()).unwrap_or(0);
    println!(
        "42 × 9.9 MB bodies: peak RSS {} MB, report {} KB",
        peak_kib / 1024,
        report_len / 1024
    );
    // 8 bodies in flight (80 MB of bytes, plus each one parsed); all 42 at once would be 416 MB
    // of bytes alone. Measured: 190 MB with glibc's allocator, 203–210 MB with mimalloc returning
    // freed pages at once, 223–241 MB now that it keeps them a tenth of a second (a freed large
    // body is still returned at once; the pages of its parsed document may wait).
    assert!(peak_kib < 300 * 1024, "peak RSS {} MB", peak_kib / 1024);
    assert!(report_len < 512 * 1024, "report of {report_len} bytes");
    assert!(stdout.contains("42 operations checked"), "{stdout}");
    assert!(
        stdout.contains("more bytes)") || stdout.contains('…'),
        "{stdout}"
    );
}

// 6. `allOf` fan-out (40 schemas, each `allOf` of the next twice) made validation exponential.
#[test]
fn exponential_all_of_fan_out_is_not_compiled() {
    let mut defs = serde_json::Map::new();
    for i in 0..40 {
        let next = serde_json::json!({"$ref": format!("#/definitions/S{}", i + 1)});
        defs.insert(
            format!("S{i}"),
            serde_json::json!({"allOf": [next.clone(), next]}),
        );
    }
    defs.insert("S40".into(), serde_json::json!({"type": "object"}));
    let spec = serde_json::json!({"swagger": "2.0", "info": {"title": "fan", "version": "1"}, "definitions": defs,
        "paths": {"/a": {"get": {"operationId": "getA", "produces": ["application/json"],
            "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/S0"}}}}}}});
    let dir = tempdir();
    let spec = write(dir.path(), "fan.json", &spec.to_string());
    let server = kinds_ok_server();
    let run = drift(&[
        "check",
        "--spec",
        &spec,
        "--base-url",
        &server.url(),
        "--format",
        "json",
    ]);
    let report = json(&run);
    let kinds: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["lint.schema-invalid"], "{}", run.stdout);
    assert!(
        run.stdout.contains("more than 10000 subschemas"),
        "{}",
        run.stdout
    );
    let lint = drift(&["lint", "--spec", &spec]);
    assert!(
        lint.stdout.contains("lint.schema-invalid") && lint.stdout.contains("#/definitions/S0"),
        "{}",
        lint.transcript()
    );
}

// 6. A dead OAuth token endpoint was tried once per operation, serially: 42 × the timeout; and
// it was called an authentication failure (exit 4) where the target was unreachable (exit 3).
#[test]
fn a_dead_token_endpoint_is_tried_once() {
    let server = TestServer::start(|req, _| {
        if req.path == "/oauth/token" {
            return Reply::hang();
        }
        Reply::json(200, r#"{"id": 1}"#)
    });
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(42));
    let started = std::time::Instant::now();
    let run = drift_env(
        &[
            "check",
            "--spec",
            &spec,
            "--base-url",
            &server.url(),
            "--timeout",
            "1",
            "--auth",
            "oauth2-client-credentials",
            "--token-url",
            "/oauth/token",
            "--client-id-env",
            "DRIFT_ID",
            "--client-secret-env",
            "DRIFT_SECRET",
            "--format",
            "json",
        ],
        &[("DRIFT_ID", "id-1"), ("DRIFT_SECRET", "canary-secret-dead")],
    );
    let token_requests = server
        .recorded()
        .iter()
        .filter(|r| r.path == "/oauth/token")
        .count();
    assert_eq!(token_requests, 1, "{}", run.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        server.recorded().iter().all(|r| r.path == "/oauth/token"),
        "requests went out without a token"
    );
    // A token endpoint out of reach is an unreachable target (exit 3), not refused credentials
    // (exit 4): each finding says which endpoint could not be reached.
    assert_eq!(run.code, 3, "{}", run.transcript());
    let report = json(&run);
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    assert!(!findings.is_empty(), "{}", run.stdout);
    assert!(
        findings
            .iter()
            .all(|f| f["kind"] == "transport.timeout" || f["kind"] == "transport.connect"),
        "{}",
        run.stdout
    );
}

// 7. `--timeout inf`, `--timeout 1e300`, `--concurrency 18446744073709551615` panicked (exit 101).
#[test]
fn numeric_flags_out_of_bounds_are_usage_errors() {
    for (flag, value) in [
        ("--timeout", "inf"),
        ("--timeout", "1e300"),
        ("--rate-limit", "1e-300"),
        ("--rate-limit", "0.001"),
        ("--concurrency", "18446744073709551615"),
        ("--retries", "99"),
    ] {
        let run = drift(&[
            "check",
            "--spec",
            "specs/coaching/openapi.json",
            flag,
            value,
        ]);
        assert_eq!(run.code, 2, "{flag} {value}: {}", run.transcript());
        assert!(
            run.stderr.contains("must be"),
            "{flag} {value}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

// 8. `drift snapshot` during a 429 storm recorded 429 baselines and exited 0; every later check
// then reported breaking drift.
#[test]
fn throttled_or_failed_answers_are_never_recorded_as_baselines() {
    for status in [429u16, 503, 401] {
        let server = TestServer::start(move |_, _| {
            Reply::json(status, r#"{"error": "busy"}"#).with("Retry-After", "0")
        });
        let dir = tempdir();
        let spec = write(dir.path(), "many.json", &many_operations_spec(3));
        let snaps = dir.path().join("snaps");
        let run = drift(&[
            "snapshot",
            "--spec",
            &spec,
            "--base-url",
            &server.url(),
            "--snapshots",
            &snaps.to_string_lossy(),
            "--retries",
            "1",
        ]);
        assert_eq!(run.code, 1, "{status}: {}", run.transcript());
        assert!(
            run.stdout.contains("snapshot.not-recorded")
                || run.stdout.contains("could not be recorded"),
            "{}",
            run.stdout
        );
        assert!(run.stdout.contains("0 recorded"), "{}", run.stdout);
        let written: Vec<String> = files_under(&snaps)
            .into_iter()
            .filter(|f| f.ends_with(".json"))
            .collect();
        assert!(
            written.is_empty(),
            "{status}: baselines written: {written:?}"
        );
    }
}

// 8. An API named `..` (a spec file `...yaml`, `--api ..`) wrote outside the snapshot folder.
#[test]
fn api_names_cannot_leave_the_snapshot_folder() {
    let server = kinds_ok_server();
    let dir = tempdir();
    let spec = write(dir.path(), "contract/many.json", &many_operations_spec(1));
    let snaps = dir.path().join("contract/snaps");
    for api in ["..", "../../escape", "a/b"] {
        let run = drift(&[
            "snapshot",
            "--spec",
            &spec,
            "--api",
            api,
            "--base-url",
            &server.url(),
            "--snapshots",
            &snaps.to_string_lossy(),
        ]);
        assert_eq!(run.code, 0, "{api}: {}", run.transcript());
    }
    let outside: Vec<String> = files_under(dir.path())
        .into_iter()
        .filter(|f| !f.starts_with("contract/snaps/") && f != "contract/many.json")
        .collect();
    assert!(
        outside.is_empty(),
        "written outside the snapshot folder: {outside:?}"
    );
    // Each API's folder: its snapshot and its evidence file.
    let inside = files_under(&snaps);
    let snapshots = inside.iter().filter(|f| f.ends_with(".json")).count();
    let evidence = inside
        .iter()
        .filter(|f| f.ends_with("/evidence.jsonl"))
        .count();
    assert_eq!((snapshots, evidence, inside.len()), (3, 3, 6), "{inside:?}");
}

// 9. A 429 that outlasted the retries was breaking `status.undeclared`; a 5xx was
// `transport.http-5xx` instead of an answer checked like any other.
#[test]
fn throttling_is_an_error_and_a_server_error_is_an_answer() {
    let server = TestServer::start(|req, _| {
        if req.path == "/items0" {
            Reply::json(429, "{}").with("Retry-After", "0")
        } else {
            Reply::json(502, r#"{"error": "upstream exploded"}"#)
        }
    });
    let dir = tempdir();
    let spec = write(dir.path(), "many.json", &many_operations_spec(2));
    let run = drift(&[
        "check",
        "--spec",
        &spec,
        "--base-url",
        &server.url(),
        "--retries",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let report = json(&run);
    let find = |op: &str| {
        report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["operation_id"] == op)
            .cloned()
            .unwrap_or_default()
    };
    let throttled = find("getItem0");
    assert_eq!(
        (throttled["kind"].as_str(), throttled["severity"].as_str()),
        (Some("transport.rate-limited"), Some("error"))
    );
    let failed = find("getItem1");
    assert_eq!(
        (failed["kind"].as_str(), failed["severity"].as_str()),
        (Some("status.undeclared"), Some("breaking"))
    );
    assert!(
        failed["message"]
            .as_str()
            .is_some_and(|m| m.contains("upstream exploded")),
        "{failed}"
    );
    let outcome = |op: &str| {
        report["operations"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|o| o["operation_id"] == op)
            .map(|o| o["outcome"].clone())
            .unwrap_or_default()
    };
    assert_eq!(
        (outcome("getItem0"), outcome("getItem1")),
        (serde_json::json!("error"), serde_json::json!("drift"))
    );
}

// 10. Spec and response strings with ANSI escape sequences reached the terminal raw.
#[test]
fn control_characters_are_shown_escaped_in_the_terminal() {
    let hostile = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31mred\r";
    let spec = serde_json::json!({
        "swagger": "2.0", "info": {"title": format!("T{hostile}"), "version": "1"},
        "paths": {"/items": {"get": {"operationId": format!("get{hostile}"), "produces": ["application/json"],
            "responses": {"200": {"description": "ok", "schema": {"type": "object"}}}}}}});
    let dir = tempdir();
    let spec = write(dir.path(), "evil.json", &spec.to_string());
    let body = format!(
        "{{\"x\": \"{}\"}}",
        hostile
            .replace('\u{1b}', "\\u001b")
            .replace('\u{7}', "\\u0007")
            .replace('\r', "\\r")
    );
    let server = TestServer::start(move |_, _| {
        let mut reply = Reply::raw(
            418,
            "text/plain",
            format!("oops {}", "\u{1b}]0;pwned\u{7}\u{1b}[2J").as_bytes(),
        );
        reply.headers.push(("X-Body".into(), body.clone()));
        reply
    });
    for args in [
        vec!["check", "--spec", &spec, "--base-url", &server.url()],
        vec!["ops", "--spec", &spec],
        vec!["lint", "--spec", &spec],
    ] {
        let run = drift(&args);
        let text = run.transcript();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\r'),
            "{:?}: {text:?}",
            args[0]
        );
    }
    let run = drift(&["check", "--spec", &spec, "--base-url", &server.url()]);
    assert!(run.stdout.contains("\\u{1b}]0;pwned"), "{}", run.stdout);
}

// 11. A missing file's OS error was printed twice.
#[test]
fn a_missing_file_error_is_printed_once() {
    for args in [
        vec!["lint", "--spec", "nope.yaml"],
        vec!["ops", "--spec", "nope.yaml"],
        vec!["check", "--config", "nope.yaml"],
    ] {
        let run = drift(&args);
        assert_eq!(run.code, 2, "{}", run.transcript());
        assert_eq!(
            run.stderr.matches("No such file or directory").count(),
            1,
            "{}",
            run.stderr
        );
    }
}

// 6. `drift lint` of a large JSON contract peaked at several times the loader's memory: locating
// finding lines ran a YAML event parser over the whole file.
#[test]
fn lint_of_a_large_json_contract_stays_near_the_loader_footprint() {
    let mut defs = serde_json::Map::new();
    for i in 0..6_000 {
        let mut props = serde_json::Map::new();
        for j in 0..12 {
            props.insert(format!("field_{j}_with_a_longer_name"), serde_json::json!({
                "type": "string", "format": if j == 0 { "dateTime" } else { "uuid" },
                "description": "a description long enough to look like the ones real contracts carry"}));
        }
        defs.insert(
            format!("Def{i}"),
            serde_json::json!({"type": "object", "properties": props}),
        );
    }
    let spec = serde_json::json!({"swagger": "2.0", "info": {"title": "big", "version": "1"},
        "paths": {"/a": {"get": {"operationId": "getA", "produces": ["application/json"],
            "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Def0"}}}}}},
        "definitions": defs});
    let dir = tempdir();
    let text = serde_json::to_string_pretty(&spec).unwrap_or_default();
    let spec = write(dir.path(), "big.json", &text);
    let Some((code, ops_kib, _)) = peak_rss(&["ops", "--spec", &spec]) else {
        return;
    };
    assert_eq!(code, 0);
    let Some((code, lint_kib, out)) = peak_rss(&["lint", "--spec", &spec]) else {
        return;
    };
    assert!(code == 0 || code == 1, "exit {code}");
    assert!(out.contains("big.json:"), "findings carry lines");
    println!(
        "{} MB contract: ops peak {} MB, lint peak {} MB",
        text.len() >> 20,
        ops_kib >> 10,
        lint_kib >> 10
    );
    assert!(
        lint_kib < ops_kib * 5 / 2,
        "lint {lint_kib} KiB vs loading {ops_kib} KiB"
    );
}
