//! Security compared as what it is: a list of alternatives (OR), each a set of schemes that must
//! all be met (AND), each scheme with the scopes it needs. A client that met some old alternative
//! is locked out when no new alternative asks for a subset of what it has: `[s1] OR [s2] → [s1]`
//! locks out s2 clients, `[[s1, s2]] → [[s1]]` locks out no one, an added scope locks out tokens
//! without it. Schemes are compared by what a client does with them: type, where an API key goes
//! and under which name, the HTTP scheme, the OAuth2 flows and their URLs.

use crate::spec::source::get;
use crate::spec::{Contract, Operation};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One alternative: scheme → the scopes it needs.
pub type Requirement = BTreeMap<String, BTreeSet<String>>;

/// The operation's security alternatives as written (its own `security`, else the contract's);
/// none declared is one empty alternative (anyone).
pub fn requirements(c: &Contract, op: &Operation) -> Vec<Requirement> {
    let root = &c.documents.root().value;
    let own = c
        .documents
        .docs
        .get(op.doc)
        .and_then(|d| get(&d.value, &op.pointer))
        .and_then(|o| o.get("security"));
    let list = own
        .or_else(|| root.get("security"))
        .and_then(Value::as_array);
    let Some(list) = list.filter(|l| !l.is_empty()) else {
        return vec![Requirement::new()];
    };
    list.iter()
        .filter_map(Value::as_object)
        .map(|alt| {
            alt.iter()
                .map(|(scheme, scopes)| {
                    let scopes = scopes
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect();
                    (scheme.clone(), scopes)
                })
                .collect()
        })
        .collect()
}

/// Whether a client holding `have` meets `need`.
fn meets(have: &Requirement, need: &Requirement) -> bool {
    need.iter()
        .all(|(scheme, scopes)| have.get(scheme).is_some_and(|h| scopes.is_subset(h)))
}

/// The old alternatives no new alternative accepts: the clients locked out.
pub fn locked_out<'a>(old: &'a [Requirement], new: &[Requirement]) -> Vec<&'a Requirement> {
    old.iter()
        .filter(|have| !new.iter().any(|need| meets(have, need)))
        .collect()
}

/// `[petstore_auth(write:pets) + api_key] or [none]`.
pub fn show(reqs: &[Requirement]) -> String {
    let alt = |r: &Requirement| {
        if r.is_empty() {
            return "none".to_string();
        }
        r.iter()
            .map(|(s, scopes)| {
                if scopes.is_empty() {
                    s.clone()
                } else {
                    let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
                    format!("{s}({})", scopes.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join(" + ")
    };
    reqs.iter()
        .map(|r| format!("[{}]", alt(r)))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The security schemes a contract defines, by name, with the pointer of each.
pub fn schemes(c: &Contract) -> BTreeMap<String, (String, &Value)> {
    let root = &c.documents.root().value;
    let (base, map) = match root.pointer("/components/securitySchemes") {
        Some(m) => ("#/components/securitySchemes", m),
        None => match root.get("securityDefinitions") {
            Some(m) => ("#/securityDefinitions", m),
            None => return BTreeMap::new(),
        },
    };
    map.as_object()
        .into_iter()
        .flatten()
        .map(|(name, v)| {
            let v = match v.get("$ref").and_then(Value::as_str) {
                Some(r) => r
                    .strip_prefix('#')
                    .and_then(|p| root.pointer(p))
                    .unwrap_or(v),
                None => v,
            };
            (
                name.clone(),
                (
                    format!("{base}/{}", crate::text::escape_pointer_token(name)),
                    v,
                ),
            )
        })
        .collect()
}

/// What a client does with a scheme, as comparable text: `apiKey in header X-Key`,
/// `oauth2 clientCredentials token https://…`, `http bearer`.
pub fn describe(scheme: &Value) -> Vec<String> {
    let s = |k: &str| scheme.get(k).and_then(Value::as_str).unwrap_or("");
    let ty = s("type");
    let mut out = vec![format!("type {ty}")];
    match ty {
        "apiKey" => out.push(format!("API key in {} `{}`", s("in"), s("name"))),
        "http" => out.push(format!("HTTP {}", s("scheme").to_ascii_lowercase())),
        "basic" => {}
        "openIdConnect" => out.push(format!("OpenID Connect {}", s("openIdConnectUrl"))),
        "oauth2" => {
            // 2.0: one `flow`; 3.x: `flows` by name. Same names for the same grants.
            let named = |f: &str| {
                match f {
                    "application" => "clientCredentials",
                    "accessCode" => "authorizationCode",
                    other => other,
                }
                .to_string()
            };
            let mut flows: Vec<String> = Vec::new();
            if let Some(flow) = scheme.get("flow").and_then(Value::as_str) {
                flows.push(format!(
                    "{} {} {}",
                    named(flow),
                    s("authorizationUrl"),
                    s("tokenUrl")
                ));
            }
            for (name, f) in scheme
                .get("flows")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let u = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("");
                flows.push(format!(
                    "{} {} {}",
                    named(name),
                    u("authorizationUrl"),
                    u("tokenUrl")
                ));
            }
            flows.sort();
            for f in flows {
                out.push(format!("OAuth2 flow {}", f.trim()));
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(alts: &[&[(&str, &[&str])]]) -> Vec<Requirement> {
        alts.iter()
            .map(|alt| {
                alt.iter()
                    .map(|(s, scopes)| {
                        (
                            s.to_string(),
                            scopes.iter().map(|x| x.to_string()).collect(),
                        )
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn alternatives_are_sets() {
        let s1_or_s2 = req(&[&[("s1", &[])], &[("s2", &[])]]);
        let s1 = req(&[&[("s1", &[])]]);
        let s1_and_s2 = req(&[&[("s1", &[]), ("s2", &[])]]);
        // [s1] OR [s2] → [s1]: s2 clients locked out.
        assert_eq!(locked_out(&s1_or_s2, &s1).len(), 1);
        // [[s1, s2]] → [[s1]]: relaxed, no one locked out.
        assert!(locked_out(&s1_and_s2, &s1).is_empty());
        // [[s1]] → [[s1, s2]]: every s1 client locked out.
        assert_eq!(locked_out(&s1, &s1_and_s2).len(), 1);
        // An added scope.
        let read = req(&[&[("o", &["read"])]]);
        let read_write = req(&[&[("o", &["read", "write"])]]);
        assert_eq!(locked_out(&read, &read_write).len(), 1);
        assert!(locked_out(&read_write, &read).is_empty());
        // None required before: anyone is locked out now.
        assert_eq!(locked_out(&[Requirement::new()], &s1).len(), 1);
        assert!(locked_out(&s1, &[Requirement::new()]).is_empty());
        assert_eq!(show(&s1_or_s2), "[s1] or [s2]");
    }
}
