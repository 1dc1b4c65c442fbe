//! Regression tests from a hostile-input audit: hangs in a terminal, clobbered outputs, local file
//! disclosure, secret leaks, shell injection, bounded cost, numbers, snapshot integrity, status
//! classification, terminal safety. Each test names the defect it pins.

mod common;

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
        assert!(screen.contains("checking many"), "no progress line: {screen}");
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
    assert!(meta(&link).is_ok_and(|t| t.is_symlink()), "the symlink was replaced");
    assert!(std::fs::read_to_string(&real).unwrap_or_default().contains("\"version\": 1"));
    use std::os::unix::fs::FileTypeExt;
    assert!(meta(&fifo).is_ok_and(|t| t.is_fifo()), "the FIFO was replaced");
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
    write(dir.path(), "outside/creds.yaml", &format!("password: {canary}\n"));
    write(dir.path(), "contract/notes.txt", &format!("{canary}\n"));
    write(dir.path(), "contract/scalar.yaml", &format!("{canary}\n"));
    write(dir.path(), "contract/schemas/ok.yaml", "Thing: {type: object}\n");
    std::os::unix::fs::symlink(dir.path().join("outside/creds.yaml"), dir.path().join("contract/link.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let cases = [
        ("../outside/creds.yaml#/password", "outside the contract's folder"),
        ("/etc/passwd", "outside the contract's folder"),
        ("link.yaml#/password", "outside the contract's folder"),
        ("notes.txt", "not a .yaml, .yml or .json file"),
        ("scalar.yaml", "not a YAML or JSON document"),
    ];
    for (reference, why) in cases {
        let spec = write(dir.path(), "contract/openapi.yaml", &spec_with_ref(reference));
        for args in [vec!["lint", "--spec", &spec, "--format", "json"], vec!["check", "--spec", &spec]] {
            let run = drift(&args);
            assert_eq!(run.code, 2, "{reference}: {}", run.transcript());
            assert!(run.stderr.contains("is refused") && run.stderr.contains(why), "{reference}: {}", run.stderr);
            assert!(run.stderr.contains("openapi.yaml:12:"), "no line: {}", run.stderr);
            assert!(!run.transcript().contains(canary) && !run.transcript().contains("root:"), "{}", run.transcript());
        }
    }
    // Inside the tree, a YAML file is fine.
    let spec = write(dir.path(), "contract/openapi.yaml", &spec_with_ref("schemas/ok.yaml#/Thing"));
    let run = drift(&["lint", "--spec", &spec]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}
