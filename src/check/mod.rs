//! Stage 5, `check`: judge one exchange against the contract. Pure: no I/O.
//!
//! In order: did the exchange happen (`transport.*`, `auth.failed`)? Is the status declared
//! (`status.undeclared`)? Does the content type match a declared media type
//! (`content-type.mismatch`)? Is there a body, is it JSON (`body.empty`, `body.invalid-json`,
//! `body.too-large`)? Does it validate against the compiled schema (`schema.<keyword>`)?

use crate::model::Kind;
use crate::model::{Finding, OperationRef, Outcome};
use crate::replay::transport::{HttpResponse, TransportError};
use crate::replay::{Exchange, ReplayError};
use crate::spec::media::{self, is_json};
use crate::spec::schemas::violations_in_place;
use crate::spec::{Contract, MediaType, Operation};
use serde_json::Value;

/// The verdict on one exchange.
#[derive(Debug, Clone)]
pub struct Checked {
    pub outcome: Outcome,
    pub status: Option<u16>,
    pub reason: Option<String>,
    pub findings: Vec<Finding>,
    /// The parsed JSON body, when there was one (for snapshots).
    pub body: Option<Value>,
    pub content_type: Option<String>,
    /// A 401/403 the operation declares, to a request that carried no credentials of its
    /// security requirement: an ordinary answer, not a refusal of drift's credentials.
    pub declared_refusal: bool,
}

/// Whether the request of an exchange carried credentials (drift sends its configured
/// credentials with every request of the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    Sent,
    None,
}

/// Check one exchange of `op`. `reproduce` is the ready-to-run command attached to each finding.
pub fn check(
    contract: &Contract,
    api: &str,
    op: &Operation,
    exchange: &Exchange,
    reproduce: &str,
    credentials: Credentials,
) -> Checked {
    check_with(contract, api, op, exchange, reproduce, credentials, true)
}

/// [`check`] without validating the body against its schema: the status, content type and
/// parsed body of an exchange already checked (a collection's first page, whose snapshot waits
/// for the other pages).
pub fn reread(
    contract: &Contract,
    api: &str,
    op: &Operation,
    exchange: &Exchange,
    reproduce: &str,
    credentials: Credentials,
) -> Checked {
    check_with(contract, api, op, exchange, reproduce, credentials, false)
}

fn check_with(
    contract: &Contract,
    api: &str,
    op: &Operation,
    exchange: &Exchange,
    reproduce: &str,
    credentials: Credentials,
    validate: bool,
) -> Checked {
    let op_ref = OperationRef {
        id: op.id.clone(),
        method: op.method.clone(),
        path: op.path.clone(),
    };
    let mut c = Checker {
        api,
        op_ref,
        reproduce,
        findings: Vec::new(),
        declared_refusal: false,
    };
    let response = match &exchange.result {
        Ok(r) => r,
        Err(e) => {
            let (kind, reason) = match e {
                ReplayError::Transport(TransportError::Timeout(_)) => {
                    (Kind::TransportTimeout, e.to_string())
                }
                ReplayError::Transport(TransportError::Connect(_)) => {
                    (Kind::TransportConnect, e.to_string())
                }
                ReplayError::Transport(TransportError::Tls(_)) => {
                    (Kind::TransportTls, e.to_string())
                }
                ReplayError::Transport(_) => (Kind::TransportError, e.to_string()),
                ReplayError::Auth(_) => (Kind::AuthFailed, e.to_string()),
            };
            c.push(kind, "", &reason, None, None);
            return c.done(None, Some(reason), None, None);
        }
    };
    let status = response.status;
    // A declared 401/403 to a request without credentials the operation requires (none were
    // configured, or it requires none: an API's own `/basic-auth` demo) is an answer like any
    // other; anything else is a refusal of drift's credentials.
    let declared_refusal = matches!(status, 401 | 403)
        && op.declares(status)
        && (credentials == Credentials::None || op.security_optional());
    c.declared_refusal = declared_refusal;
    if (status == 401 || status == 403) && !declared_refusal {
        let msg = format!("{status}: the API refused the credentials (or none are configured)");
        c.push(Kind::AuthFailed, "", &msg, None, Some(status.to_string()));
        return c.done(Some(status), Some(msg), None, None);
    }
    if status == 429 {
        // Throttled after every retry: nothing was learned about the contract.
        let msg = format!(
            "throttled: 429 Too Many Requests after {} attempt(s); not checked",
            exchange.attempts
        );
        c.push(
            Kind::TransportRateLimited,
            "",
            &msg,
            None,
            Some(status.to_string()),
        );
        return c.done(Some(status), Some(msg), None, None);
    }
    // A 5xx that outlasted the retries is an answer like any other, checked below.
    let Some(declared) = op.response_for(status) else {
        let statuses: Vec<String> = op.responses.iter().map(|r| r.status.to_string()).collect();
        let mut msg = format!(
            "status {status} is not declared (declared: {})",
            statuses.join(", ")
        );
        if status >= 500 {
            msg.push_str(&format!(" after {} attempt(s)", exchange.attempts));
        }
        let body = String::from_utf8_lossy(&response.body);
        let body = body.trim();
        if !body.is_empty() {
            msg.push_str(&format!(
                "; the body starts: {}",
                crate::text::excerpt(body, 200)
            ));
        }
        c.push(
            Kind::StatusUndeclared,
            "",
            &msg,
            Some(statuses.join(" | ")),
            Some(status.to_string()),
        );
        return c.done(Some(status), None, None, content_type(response));
    };
    let actual_type = content_type(response);
    let media = c.content_type(&declared.content, actual_type.as_deref(), response);
    if op.method == "HEAD" || status == 204 || status == 304 {
        return c.done(Some(status), None, None, actual_type);
    }
    // A JSON body without a declared schema is still parsed: snapshots and documented examples
    // compare its shape.
    let lenient_body = || -> Option<Value> {
        let json_type = actual_type.as_deref().is_some_and(is_json);
        json_type
            .then(|| {
                response
                    .parsed
                    .take()
                    .or_else(|| serde_json::from_slice(&response.body).ok())
            })
            .flatten()
    };
    let Some(media) = media else {
        return c.done(Some(status), None, lenient_body(), actual_type.clone());
    };
    let Some(schema) = &media.schema else {
        return c.done(Some(status), None, lenient_body(), actual_type.clone());
    };
    if !is_json(&media.name) && media.name != "*/*" {
        return c.done(Some(status), None, None, actual_type);
    }
    if response.truncated {
        c.push(
            Kind::BodyTooLarge,
            "",
            &format!(
                "the body is larger than the size cap ({} bytes read)",
                response.body.len()
            ),
            None,
            None,
        );
        return c.done(Some(status), None, None, actual_type);
    }
    if response.body.iter().all(u8::is_ascii_whitespace) {
        c.push(
            Kind::BodyEmpty,
            "",
            "the body is empty but the contract declares a JSON schema for it",
            Some("JSON".into()),
            Some("empty".into()),
        );
        return c.done(Some(status), None, None, actual_type);
    }
    let parsed = response.parsed.take().map(Ok);
    let mut body: Value = match parsed.unwrap_or_else(|| serde_json::from_slice(&response.body)) {
        Ok(v) => v,
        Err(e) => {
            let snippet: String = String::from_utf8_lossy(&response.body)
                .chars()
                .take(60)
                .collect();
            c.push(
                Kind::BodyInvalidJson,
                "",
                &format!("the body is not valid JSON ({e}): {snippet:?}"),
                Some("JSON".into()),
                None,
            );
            return c.done(Some(status), None, None, actual_type);
        }
    };
    match contract.schemas().validator(schema) {
        Ok(_) if !validate => {}
        Ok(validator) => {
            let (found, more) = violations_in_place(&validator, &mut body);
            for mut v in found {
                if v.count > 1 {
                    v.message = grouped_message(&v);
                    v.instance_pointer = crate::model::generalize_pointer(&v.instance_pointer);
                }
                let schema_pointer = v
                    .schema
                    .as_ref()
                    .map(|(d, p)| contract.schema_pointer(*d, p));
                let location = v.schema.as_ref().map(|(d, p)| contract.location(*d, p));
                let mut f = c.dress(
                    Finding::schema(c.api, &v.keyword, &v.message),
                    &v.instance_pointer,
                    v.expected,
                    v.actual,
                );
                f.schema_pointer = schema_pointer;
                f.spec_location = location;
                c.findings.push(f);
            }
            if let (true, Some(last)) = (more > 0, c.findings.last_mut()) {
                last.message
                    .push_str(&format!(" ({more} more schema violations not listed)"));
            }
        }
        Err(reason) => {
            let msg = format!(
                "the response schema cannot be compiled, the body is not validated: {reason}"
            );
            c.push(Kind::LintSchemaInvalid, "", &msg, None, None);
        }
    }
    c.done(Some(status), None, Some(body), actual_type)
}

fn content_type(r: &HttpResponse) -> Option<String> {
    r.header("content-type").map(String::from)
}

struct Checker<'a> {
    api: &'a str,
    op_ref: OperationRef,
    reproduce: &'a str,
    findings: Vec<Finding>,
    declared_refusal: bool,
}

impl<'a> Checker<'a> {
    fn finding(
        &self,
        kind: Kind,
        pointer: &str,
        message: &str,
        expected: Option<String>,
        actual: Option<String>,
    ) -> Finding {
        self.dress(
            Finding::new(self.api, kind, message),
            pointer,
            expected,
            actual,
        )
    }

    /// Attach the exchange's operation, pointer, values and reproduction to a finding.
    fn dress(
        &self,
        mut f: Finding,
        pointer: &str,
        expected: Option<String>,
        actual: Option<String>,
    ) -> Finding {
        f.operation = Some(self.op_ref.clone());
        f.pointer = pointer.to_string();
        f.expected = expected;
        f.actual = actual;
        f.reproduce = Some(self.reproduce.to_string());
        f
    }

    fn push(
        &mut self,
        kind: Kind,
        pointer: &str,
        message: &str,
        expected: Option<String>,
        actual: Option<String>,
    ) {
        let f = self.finding(kind, pointer, message, expected, actual);
        self.findings.push(f);
    }

    /// Check the content type; return the declared media type to validate the body with.
    fn content_type<'m>(
        &mut self,
        declared: &'m [MediaType],
        actual: Option<&str>,
        r: &HttpResponse,
    ) -> Option<&'m MediaType> {
        if declared.is_empty() {
            return None;
        }
        let matched = actual.and_then(|a| media::best(declared, |m| m.name.as_str(), a));
        if matched.is_some() {
            return matched;
        }
        let names: Vec<&str> = declared.iter().map(|m| m.name.as_str()).collect();
        if !r.body.is_empty() || actual.is_some() {
            let got = actual.unwrap_or("no Content-Type");
            let msg = format!(
                "content type {got} is not declared (declared: {})",
                names.join(", ")
            );
            self.push(
                Kind::ContentTypeMismatch,
                "",
                &msg,
                Some(names.join(" | ")),
                Some(got.to_string()),
            );
        }
        // Still validate a JSON body against the declared JSON schema.
        declared.iter().find(|m| is_json(&m.name))
    }

    fn done(
        mut self,
        status: Option<u16>,
        reason: Option<String>,
        body: Option<Value>,
        content_type: Option<String>,
    ) -> Checked {
        crate::model::sort(&mut self.findings);
        let outcome = Outcome::of(&self.findings);
        Checked {
            outcome,
            status,
            reason,
            findings: self.findings,
            body,
            content_type,
            declared_refusal: self.declared_refusal,
        }
    }
}

/// `"x" is not of type "integer" — 10000 times, at /data/0/id, /data/1/id, /data/2/id, …`
fn grouped_message(v: &crate::spec::schemas::Violation) -> String {
    let more = if v.count > v.pointers.len() {
        ", …"
    } else {
        ""
    };
    format!(
        "{} — {} times, at {}{more}",
        v.message,
        v.count,
        v.pointers.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Documents;
    use serde_json::json;
    use std::time::Duration;

    fn contract() -> Contract {
        let doc = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/t": {"get": {"operationId": "getT", "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["id"],
                    "properties": {"id": {"type": "string"}, "kind": {"enum": ["a", "b"]}}}}}},
                "204": {"description": "none"},
                "404": {"description": "gone", "content": {"application/problem+json": {"schema": {"type": "object"}}}}}}}}
        });
        Contract::from_documents(Documents::from_values(vec![doc]))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn answer(
        status: u16,
        content_type: Option<&str>,
        body: &str,
    ) -> Result<HttpResponse, ReplayError> {
        Ok(HttpResponse {
            status,
            headers: content_type
                .map(|c| vec![("content-type".to_string(), c.to_string())])
                .unwrap_or_default(),
            body: body.as_bytes().to_vec(),
            ..Default::default()
        })
    }

    fn exchange(result: Result<HttpResponse, ReplayError>) -> Exchange {
        Exchange {
            index: 0,
            method: "GET".into(),
            url: "http://api.test/t".into(),
            result,
            attempts: 1,
            duration: Duration::ZERO,
        }
    }

    /// One exchange in, the kinds (with pointers) and the outcome out.
    #[test]
    fn each_answer_gets_its_findings_and_outcome() {
        let c = contract();
        let op = &c.operations[0];
        let json = Some("application/json");
        let cases: Vec<(Result<HttpResponse, ReplayError>, Vec<&str>, Outcome)> = vec![
            (
                answer(200, json, r#"{"id": "1", "kind": "a"}"#),
                vec![],
                Outcome::Pass,
            ),
            (
                answer(
                    200,
                    Some("application/json; charset=utf-8"),
                    r#"{"id": "1"}"#,
                ),
                vec![],
                Outcome::Pass,
            ),
            (answer(204, None, ""), vec![], Outcome::Pass),
            (
                answer(200, json, r#"{"kind": "c"}"#),
                vec!["schema.enum /kind", "schema.required "],
                Outcome::Drift,
            ),
            (
                answer(200, json, r#"{"id": 7}"#),
                vec!["schema.type /id"],
                Outcome::Drift,
            ),
            (answer(200, json, ""), vec!["body.empty "], Outcome::Drift),
            (
                answer(200, json, "{\"id\": \"1\",}"),
                vec!["body.invalid-json "],
                Outcome::Drift,
            ),
            (
                answer(200, Some("text/html"), r#"{"id": "1"}"#),
                vec!["content-type.mismatch "],
                Outcome::Drift,
            ),
            (
                answer(418, json, "{}"),
                vec!["status.undeclared "],
                Outcome::Drift,
            ),
            (
                answer(503, json, "{}"),
                vec!["status.undeclared "],
                Outcome::Drift,
            ),
            (
                answer(404, Some("application/problem+json"), "{}"),
                vec![],
                Outcome::Pass,
            ),
            (
                answer(401, json, "{}"),
                vec!["auth.failed "],
                Outcome::Error,
            ),
            (
                answer(429, json, "{}"),
                vec!["transport.rate-limited "],
                Outcome::Error,
            ),
            (
                Err(ReplayError::Transport(TransportError::Timeout(
                    Duration::from_secs(1),
                ))),
                vec!["transport.timeout "],
                Outcome::Error,
            ),
            (
                Err(ReplayError::Transport(TransportError::Connect(
                    "refused".into(),
                ))),
                vec!["transport.connect "],
                Outcome::Error,
            ),
        ];
        for (i, (result, kinds, outcome)) in cases.into_iter().enumerate() {
            // The same answer with its document handed over (the embedded mock, in process)
            // is checked alike.
            let handed = result.clone().map(|mut r| {
                r.parsed =
                    crate::replay::transport::Parsed::new(serde_json::from_slice(&r.body).ok());
                r
            });
            let checked = check(&c, "t", op, &exchange(result), "curl", Credentials::None);
            let checked_handed = check(&c, "t", op, &exchange(handed), "curl", Credentials::None);
            assert_eq!(checked_handed.findings, checked.findings, "case {i}");
            assert_eq!(checked_handed.body, checked.body, "case {i}");
            let got: Vec<String> = checked
                .findings
                .iter()
                .map(|f| format!("{} {}", f.kind, f.pointer))
                .collect();
            assert_eq!(got, kinds, "case {i}");
            assert_eq!(checked.outcome, outcome, "case {i}");
            assert!(checked
                .findings
                .iter()
                .all(|f| f.reproduce.as_deref() == Some("curl")));
        }
    }

    #[test]
    fn a_truncated_body_is_too_large_not_invalid() {
        let c = contract();
        let mut r = answer(200, Some("application/json"), "{\"id\": \"1").unwrap_or_default();
        r.truncated = true;
        let checked = check(
            &c,
            "t",
            &c.operations[0],
            &exchange(Ok(r)),
            "curl",
            Credentials::None,
        );
        let kinds: Vec<&str> = checked.findings.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(kinds, ["body.too-large"]);
    }
}
