//! What the contract declares about authentication that drift can use: the OAuth2
//! client-credentials token URL (`flows.clientCredentials.tokenUrl` in OpenAPI 3,
//! `flow: application` + `tokenUrl` in Swagger 2.0), so `token_url` need not be repeated in
//! drift.yaml.

use super::Contract;
use serde_json::Value;

/// The first declared client-credentials token URL (as written: it may be relative), in the
/// order the schemes are written.
pub fn declared_token_url(contract: &Contract) -> Option<String> {
    let root = &contract.documents.docs.first()?.value;
    let schemes = root
        .pointer("/components/securitySchemes")
        .or_else(|| root.get("securityDefinitions"))?
        .as_object()?;
    schemes.values().find_map(|scheme| {
        if scheme.get("type").and_then(Value::as_str) != Some("oauth2") {
            return None;
        }
        let url = scheme
            .pointer("/flows/clientCredentials/tokenUrl")
            .or_else(|| {
                (scheme.get("flow").and_then(Value::as_str) == Some("application"))
                    .then(|| scheme.get("tokenUrl"))
                    .flatten()
            })?
            .as_str()?;
        (!url.trim().is_empty()).then(|| url.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Documents;
    use serde_json::json;

    fn contract(doc: Value) -> Contract {
        Contract::from_documents(Documents::from_values(vec![doc]))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn both_dialects() {
        let v3 = contract(
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"securitySchemes": {
                "key": {"type": "apiKey", "name": "k", "in": "header"},
                "oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}}}}}}}),
        );
        assert_eq!(declared_token_url(&v3).as_deref(), Some("/oauth/token"));
        let v2 = contract(
            json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "securityDefinitions": {"o": {"type": "oauth2", "flow": "application", "tokenUrl": "https://id.example/token"}}}),
        );
        assert_eq!(
            declared_token_url(&v2).as_deref(),
            Some("https://id.example/token")
        );
        let implicit = contract(
            json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "securityDefinitions": {"o": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://x"}}}),
        );
        assert_eq!(declared_token_url(&implicit), None);
    }
}
