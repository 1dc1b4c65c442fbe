//! The registry of finding kinds: stable ids, default severities and the docs `drift rules` prints.
//!
//! Every finding drift emits has a kind listed here (`schema.<keyword>` is one family entry).
//! Ids are stable: reports, SARIF rules and user configuration refer to them.

pub use crate::model::{Kind, Severity};

/// One finding kind.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub kind: Kind,
    /// One line: what it detects.
    pub summary: &'static str,
    /// Why it matters and an example, in Markdown.
    pub doc: &'static str,
}

/// Every registered rule, in display order.
pub static RULES: &[Rule] = &[
    Rule {
        kind: Kind::StatusUndeclared,
        summary: "the response status is not declared for the operation",
        doc: "\
The API answered with a status code the contract does not declare for this operation (neither
the exact code, nor a `4XX`-style range, nor `default`). Clients generated from the contract have
no branch for it.

Example: `GET /patient/{id}` declares 200 and 404 and the API answers 410.",
    },
    Rule {
        kind: Kind::ContentTypeMismatch,
        summary: "the response content type is not one the contract declares",
        doc: "\
The `Content-Type` of the response is not among the media types declared for its status (`*/*`
and `type/*` ranges match). Clients that dispatch on the content type break; a JSON body is still
validated against the declared JSON schema.

Example: declared `application/vnd.api+json`, received `text/html`.",
    },
    Rule {
        kind: Kind::BodyEmpty,
        summary: "the body is empty where the contract declares a JSON schema",
        doc: "\
The response has no body (or only whitespace) although the contract declares a JSON body with a
schema for its status. Clients that parse the body fail.",
    },
    Rule {
        kind: Kind::BodyInvalidJson,
        summary: "the body is not valid JSON",
        doc: "\
The body of a JSON response does not parse as strict JSON (RFC 8259: no `NaN`, no trailing
commas, no comments). The message shows the parser error and the start of the body.",
    },
    Rule {
        kind: Kind::BodyTooLarge,
        summary: "the body is larger than the response size cap, so it was not checked",
        doc: "\
drift reads at most the configured number of bytes of a response (10 MiB by default) so a runaway
endpoint cannot exhaust memory. A larger body is cut and not validated.",
    },
    Rule {
        kind: Kind::Schema,
        summary: "the body fails a JSON Schema keyword of the response schema (`schema.type`, `schema.required`, …)",
        doc: "\
The body does not validate against the response schema. The kind names the failing keyword
(`schema.required`, `schema.type`, `schema.enum`, `schema.format`, `schema.pattern`,
`schema.additionalProperties`, `schema.oneOf`, …), `pointer` the failing value in the body and
`schema_pointer` the schema that holds the keyword.

Example: `schema.type` at `/data/attributes/birth_date`: expected string, got integer.",
    },
    Rule {
        kind: Kind::TransportTimeout,
        summary: "the exchange did not complete within the timeout, after retries",
        doc: "The request was sent (or connecting was attempted) but no complete response arrived within the timeout, on every attempt.",
    },
    Rule {
        kind: Kind::TransportConnect,
        summary: "the target could not be reached (DNS, refused connection, …)",
        doc: "drift could not open a connection to the target, on every attempt. When every planned operation ends like this, `drift check` exits 3.",
    },
    Rule {
        kind: Kind::TransportTls,
        summary: "the TLS handshake failed (certificate, protocol)",
        doc: "The connection was opened but TLS failed, usually an untrusted or expired certificate.",
    },
    Rule {
        kind: Kind::TransportError,
        summary: "the exchange failed for another transport reason",
        doc: "A transport failure that is neither a timeout, a connection failure nor TLS; the message says what happened.",
    },
    Rule {
        kind: Kind::TransportHttp5xx,
        summary: "reserved: a 5xx answer is checked like any other answer",
        doc: "\
Not emitted since drift 0.1: a server error (500–599) that outlasts the retries is a real answer
and is checked like any other — `status.undeclared` (breaking, quoting an excerpt of the error
body) when the contract does not declare it, schema checks when it does. It is never recorded as a
snapshot baseline.",
    },
    Rule {
        kind: Kind::TransportRateLimited,
        summary: "the API kept answering 429 (too many requests) after every retry",
        doc: "\
The API throttled the request on the first attempt and on every retry (honouring `Retry-After` up
to 30 seconds). The operation could not be checked: this is not drift, snapshots are left
untouched, and `drift snapshot` records nothing for it. Lower `rate_limit` or `concurrency`, or
run again later.",
    },
    Rule {
        kind: Kind::AuthFailed,
        summary: "the API refused the credentials (401/403), or fetching a token failed",
        doc: "\
The API answered 401 or 403 (after one token refresh when OAuth2 is configured), or the token
request itself failed. Check the environment variables named in the configuration; their values
are never printed.

With credentials configured, a refused token request (sent once: the failure is remembered) or
the API refusing the first three authenticated requests stops that API: one `auth.failed` finding
quotes the server's answer (bounded, redacted) and says what drift sent, the requests not yet sent
are not sent, and `drift check` exits 4. Without credentials, each refused operation is its own
finding and the run goes on.",
    },
    Rule {
        kind: Kind::ApiError,
        summary: "the API could not be checked: its contract, docs pages or credentials could not be loaded",
        doc: "\
One API of a run could not start: its contract does not load (the message has file:line:column),
a documentation page cannot be read, or a credential variable is not set. The other APIs of the
run are checked; `drift check` exits 2 only when no API could run.",
    },
    Rule {
        kind: Kind::StatusRedirected,
        summary: "the server redirected a request whose operation declares no redirect",
        doc: "\
An operation that declares a `3XX` answer is judged on the server's first answer: the redirect is
the contract. One that declares none is followed as a client would follow it (credentials are never
carried to another origin), the final answer is checked, and this finding names the redirect so a
moved endpoint does not pass unnoticed.

Example: `GET /items` answered 301 to `/items/`, then 200.",
    },
    Rule {
        kind: Kind::ConfigIgnoreExpired,
        summary: "a drift.yaml `ignore:` entry is past its `until` date",
        doc: "\
An `ignore:` entry with `until: 2027-01-31` stops suppressing on the day after: the findings it
covered count again, and this warning names the entry and its reason, so a temporary exception
cannot outlive the fix it waited for.

Example: `ignore: [{rule: snapshot.added, reason: vendor rollout, until: 2026-11-30}]`.",
    },
    Rule {
        kind: Kind::ConfigIgnoreUnused,
        summary: "a drift.yaml `ignore:` entry matched no finding in this run",
        doc: "\
An entry that suppresses nothing is probably stale (the drift it covered was fixed, or the rule,
operation or pointer is misspelled). Info only: the run may simply not have reached it.

Example: `ignore: [{rule: schema.required, operation: GET /patient, reason: …}]` after the vendor
fixed the field.",
    },
    Rule {
        kind: Kind::StatusChanged,
        summary: "the response status differs from the stored snapshot",
        doc: "The operation answered with another status than when its snapshot was recorded (for example 200 then 404): the same request no longer gets the same kind of response.",
    },
    Rule {
        kind: Kind::ContentTypeChanged,
        summary: "the response content type differs from the stored snapshot",
        doc: "The media type (parameters such as `charset` aside) differs from the one recorded in the snapshot.",
    },
    Rule {
        kind: Kind::SnapshotAdded,
        summary: "a key the snapshot never saw",
        doc: "\
The body has a key its snapshot does not, and the contract does not declare it: an undocumented
addition. No client written against the contract breaks (the contract is incomplete), so it is
info; strict deserializers and `additionalProperties: false` consumers may still notice. A learning
run (`drift check --learn`) makes it part of the shape, with its evidence; a key that then comes
and goes is occasional and silent.

A new variant of an array's elements (a JSON:API resource `type` the snapshot never saw in
`included`, a `oneOf` branch told apart by its discriminator) is reported the same way, at
`/included/*[type=coach]`.",
    },
    Rule {
        kind: Kind::SnapshotRemoved,
        summary: "a key that was always there is gone",
        doc: "\
A key that was in every object of every run the snapshot learned from (every response, every
element of an array) is missing from every object of this run. A key that came and went before is
occasional and may keep doing so without a finding.

The severity grows with the evidence (each snapshot counts, per key, the runs and items that saw
it — see `evidence.jsonl` in the API's snapshot folder):

- the contract declares the key `required`: breaking;
- the contract does not declare it (only the runs say it exists): info after fewer than 3 runs,
  warning from 3, breaking from 8;
- the contract declares it optional (it is allowed to go): nothing when it appeared after the
  snapshot's first run and fewer than 3 runs saw it, breaking only when at least 8 runs saw it
  and the odds against luck are 1000 to 1, warning from odds of 50, else info. With `W`
  objects seen that all had the key and `m` objects now without it, the odds are `(W+2)^m`
  (Laplace's rule of succession): a list of many items gets there in days, a single resource
  needs many runs. Where another optional key of the same object came and went, the odds must be
  1000 times stronger (a million to 1 for breaking, 50,000 for warning): that API's optional keys
  vary in practice, and among the many it has, one is bound to have been in every object for a
  while by luck — a key in 70% of objects is in all of 18 about once in 600.

An array missing while a sibling array is empty (`included` on an empty page) is info and does not
count against the key's evidence. A paging field that follows the data (`links.next`,
`links.prev`, `_links.next`, `@odata.nextLink`, a next cursor) is never a removal: it is there only
while there is such a page. In an array whose elements are told apart by variant (JSON:API `type`,
a discriminator), each variant keeps its own keys and evidence: a variant absent tonight is not a
removal, and a key every element of one variant had is reported at
`/included/*[type=task]/attributes/due_at`. The names of an object the contract says nothing of
(`type: object` alone) are graded as declared optional keys: the contract allows them to go. The message says why: \"present in 14 of 14 runs since
2026-11-18 (380 of 380 items), absent now\".",
    },
    Rule {
        kind: Kind::SnapshotTypeChanged,
        summary: "a value changed type, or string format class, since the snapshot",
        doc: "\
The type at a place changed: a nested object became a string, a date-time string became an epoch
number or a plain word. `null` appearing where the snapshot never saw one is a warning (live data is
sometimes empty) unless the contract admits it; an integer where a number was seen (or the contract
says `number`, or nothing) is fine; string format classes count only where the contract declares a
`format`. Pointers use `*` for every element of an array and every value of a free-form map, and
`*[type=task]` for the elements of one variant. A value the contract leaves untyped inside a
free-form map is user data: only a change of kind of the map's values is reported, as a warning once
the map held for 3 runs and its values had been of one kind (info when they were already of
several kinds).

Example: `/data/*/attributes/created_at` was string:date-time, now integer.",
    },
    Rule {
        kind: Kind::SnapshotValueChanged,
        summary: "a pinned value changed",
        doc: "A value at a pointer listed under `pin` (for example an API version string or an enum-like constant) differs from the snapshot. Only pinned values are compared; data is expected to change.",
    },
    Rule {
        kind: Kind::SnapshotMissing,
        summary: "no snapshot recorded yet for this operation",
        doc: "There is no baseline to compare with. `drift check` writes a pending `.json.new` file (outside CI); accept it with `drift review` or record all with `drift snapshot`. Never a failure.",
    },
    Rule {
        kind: Kind::SnapshotNotRecorded,
        summary: "`drift snapshot` did not record a throttled, failed or refused answer as a baseline",
        doc: "\
A baseline must be a normal answer. When the API answers 429, 5xx, 401 or 403 (after retries),
`drift snapshot` records nothing for the operation, says so, and exits 1, so a later `drift check`
does not compare every healthy answer with an error. Run it again when the API answers normally.",
    },
    Rule {
        kind: Kind::SnapshotUnreadable,
        summary: "the stored snapshot file cannot be read",
        doc: "The snapshot file exists but is not a drift snapshot (edited by hand, merge conflict markers, …). The message names the file; re-record it with `drift snapshot --accept`.",
    },
    Rule {
        kind: Kind::DocsAdded,
        summary: "the response has a key its documentation page's example does not show",
        doc: "\
The live body has a key the documented example (from a docs page listed under `docs:`) never
shows. Readers of the page do not know it exists. `spec_location` names the page and the line of
the example.",
    },
    Rule {
        kind: Kind::DocsRemoved,
        summary: "a key the documentation page's example shows is missing from the response",
        doc: "\
A key of the documented example is missing from the live body: code written from the page breaks.

Example: the Friendship page documents `_links.from_user`, the API stopped sending it.",
    },
    Rule {
        kind: Kind::DocsTypeChanged,
        summary: "a value's type differs from the documentation page's example",
        doc: "\
A value has another type (or string format class) than in the documented example. Placeholders in
the example (`\"<remote_id>\"`, `\"{user ID}\"`) stand for any value and are never compared.",
    },
    Rule {
        kind: Kind::DocsOperationMissing,
        summary: "a documentation page documents an operation the spec does not have",
        doc: "`drift lint --spec FILE --docs PAGES` found a request documented on a page (method and path template) that the contract file does not declare: one of the two is out of date.",
    },
    Rule {
        kind: Kind::DocsUnreadable,
        summary: "an example on a documentation page cannot be read, even with repairs",
        doc: "The tolerant reader repairs trailing commas, missing commas, comments, single quotes and bare placeholders; what remains broken (a truncated example, stray text) is reported with its line and left out of the contract.",
    },
    Rule {
        kind: Kind::PaginationBrokenLink,
        summary: "a paging link is not a URL, fails, leaves the API's origin, or loops",
        doc: "\
While walking a collection's pages, a `next` link (`links.next`, HAL `_links.next`) could not be
followed: it is not a URL, the page it names answers with an error status, it points at another
origin (drift never follows it: credentials must not leave the API), or it names a page the walk
has already fetched (a loop). Clients that page through the collection stop or spin.

Example: `links.next` is `/pub/patient?page[number]=2` on page 2.",
    },
    Rule {
        kind: Kind::PaginationPageOversize,
        summary: "a page holds more items than the page size asked for",
        doc: "\
drift asked for a page size (`page[size]=10`, `limit=20`) and the page holds more items. Clients
that size buffers or screens by the page size they ask for are surprised, and a collection that
ignores the size parameter cannot be paged cheaply.",
    },
    Rule {
        kind: Kind::PaginationDuplicate,
        summary: "an item id came back twice while walking the pages",
        doc: "\
The same item `id` appeared on two pages of one walk. Cursor-based paging promises no duplicates,
so there it is a warning; for skip-based paging (page numbers, offsets) documentation usually warns
that concurrent writes shift items between pages, so there it is `info`.",
    },
    Rule {
        kind: Kind::PaginationCountMismatch,
        summary: "walked to the end, the items fetched differ from the declared count",
        doc: "\
The walk reached the last page within its budget and the number of distinct items fetched is not
the total the first page declared (`meta.count`, `total_count`). Clients that compare the two to
detect missed items (as JSON:API documentation suggests) conclude that data is missing.",
    },
    Rule {
        kind: Kind::PaginationMissingNext,
        summary: "fewer items than the declared count, and no next link to go on",
        doc: "\
A page has no `next` link (absent or `null`) although the items fetched so far are fewer than the
declared count: a client that follows links stops early and silently misses the rest.",
    },
    Rule {
        kind: Kind::PaginationCountOnly,
        summary: "a page size of 0 does not return only the count, where the contract says it does",
        doc: "\
The contract says a page size of 0 (`page[size]=0`) returns only the count. drift asked for it and
the answer failed, held items, or had no count.",
    },
    Rule {
        kind: Kind::PaginationLinkSet,
        summary: "a declared paging link (`first`, `last`, `prev`) is missing from a page",
        doc: "\
The response schema declares `first`, `last` or `prev` links beside `next`, and a page of a
skip-based walk lacks one (the key is absent, `first`/`last` is `null`, or `prev` is `null` past the
first page). Clients that jump to the last page or back cannot.",
    },
    Rule {
        kind: Kind::ExampleInvalid,
        summary: "a documented example does not match its own schema",
        doc: "\
A documented example — a schema `example` at any depth, a media-type `example` or `examples`
entry, or a Swagger 2.0 response `examples` value — fails validation against the schema it
documents. Client authors copy examples into tests and fixtures; an example the schema rejects
means either the example or the schema is wrong, and one of them will mislead.

The finding's `pointer` is the failing place inside the example, `schema_pointer` the failing
schema keyword, and `spec_location` the example's own place in the contract file.

Example: `#/definitions/Patient/example` has `\"birth_date\": 19840512` while
`#/definitions/Patient/properties/birth_date` says `type: string`.",
    },
    Rule {
        kind: Kind::LintUnknownFormat,
        summary: "a schema uses a `format` drift does not know; it is kept but not enforced",
        doc: "\
JSON Schema only defines a handful of formats (`date-time`, `date`, `email`, `uri`, `uuid`, …);
OpenAPI adds `int32`, `int64`, `float`, `double`, `byte`, `binary`, `password`. Anything else —
`dateTime`, `ISODate` — is tolerated: values are not checked against it. This finding lists each
place so the author can switch to a standard name (usually `date-time`) and get the check.

Example: `format: dateTime` at `#/definitions/Patient/properties/created_at`.",
    },
    Rule {
        kind: Kind::LintUnsupportedPattern,
        summary: "a `pattern` the regular-expression engine cannot compile; it is not enforced",
        doc: "\
JSON Schema patterns are ECMA-262 regular expressions; drift's engine (Rust `regex` with
look-around support) accepts almost all of them, but not every ECMA or Java construct (for example
`\\p{XDigit}`) nor patterns past its size limit (`^.{0,262144}$`). Such a pattern is dropped, so the
rest of its schema is still enforced, and this finding lists each place.

Example: `pattern: \"\\p{XDigit}{8}\"` at `#/components/schemas/Id/pattern`.",
    },
    Rule {
        kind: Kind::LintRefRefused,
        summary: "a `$ref` to another host or a `file:` URL, which drift refuses to follow",
        doc: "\
A contract is untrusted input: drift reads only the files under the contract's own folder and
never fetches a `$ref` over the network or from an absolute `file:` URL. A schema that holds such
a reference checks nothing in its place (any value passes), so this finding names each one; `drift
check` notes the count on the API. Copy the referenced schema into the contract's folder and refer
to it by a relative path.

Example: `$ref: https://schemas.example.com/pet.json` at `#/definitions/Pet`.",
    },
    Rule {
        kind: Kind::LintNonstandardType,
        summary: "a `type` JSON Schema does not define (`int`, `long`, `bool`, `double`, `str`, …)",
        doc: "\
Hand-written contracts and some generators say `type: int` or `type: Boolean`. JSON Schema knows
seven types (`integer`, `number`, `string`, `boolean`, `object`, `array`, `null`), so a strict
validator rejects the schema and a client generator guesses. drift reads the common names as the
type they plainly mean (`int`, `long`, `int64` as `integer`; `float`, `double` as `number`; `bool` as
`boolean`; `str` as `string`; a standard name in another case as itself) everywhere — validation,
placeholders, the mock, `drift diff` — and this finding names each place with the fix.

Example: `type: int` on the path parameter `id` of `GET /items/{id}`: write `type: integer`.",
    },
    Rule {
        kind: Kind::LintPathTemplate,
        summary: "a path template and its parameters disagree",
        doc: "\
Each `{name}` in a path template must be a declared path parameter, and each path parameter must be
`required: true` and appear in the template. drift reports a template parameter the operation does
not declare (drift sends it only when `params` in drift.yaml gives a value), a path parameter that
is not required, and a declared path parameter the template does not name. Several parameters in one
segment (`/snapshots/{collection}@{timestamp}`) are supported.

Example: `/terminals/{terminal_id}` declares no `terminal_id` parameter.",
    },
    Rule {
        kind: Kind::LintDefaultInvalid,
        summary: "a `default` value does not satisfy its own schema",
        doc: "\
A `default` is what a server assumes when the client sends nothing, and what drift sends for a
required parameter when nothing better is documented: a default its own schema rejects is a
contract defect that clients copy.

Example: `default: all` on a parameter declared `format: uuid`.",
    },
    Rule {
        kind: Kind::LintUnsatisfiable,
        summary: "no body drift can build satisfies a response schema, so the mock cannot serve it",
        doc: "\
For each JSON response schema without a documented example, drift builds the body its mock would
serve (every `required` key, types, patterns, bounds, formats, `oneOf` branches) and validates it.
When the schema rejects it, the schema asks for something no value can be — `minimum` above
`maximum`, a `pattern` its own `maxLength` cannot fit, an `enum` of strings on `type: array`,
`required` keys that `additionalProperties: false` forbids — or something beyond what the mock can
build; either way `drift check --base-url mock` would report drift on it. The finding quotes the
first violation. A lint-clean contract is one the mock can serve.

Example: `{type: string, pattern: '^[0-9]{8}$', maxLength: 4}`.",
    },
    Rule {
        kind: Kind::LintSchemaInvalid,
        summary:
            "a schema cannot be compiled into a validator, so responses using it are not checked",
        doc: "\
The JSON Schema validator rejected a schema after the OpenAPI dialect was translated, for example
an invalid regular expression in `pattern` or a `$ref` that leaves the loaded files. drift keeps
going: other schemas are still checked, and this finding says which one was skipped and why.",
    },
    Rule {
        kind: Kind::SpecOperationRemoved,
        summary: "an operation of the old contract is gone",
        doc: "`drift diff`: a method and path the old contract declared is not in the new one; every client calling it breaks.\n\nExample: `GET /patient/{id}/coaches` in v7.77, absent in v7.78.",
    },
    Rule {
        kind: Kind::SpecOperationAdded,
        summary: "the new contract declares a new operation",
        doc: "`drift diff`: compatible — no existing client calls it.\n\nExample: `GET /reward_program` appears in v7.60.",
    },
    Rule {
        kind: Kind::SpecSecurityNarrowed,
        summary: "an operation's security alternatives no longer accept some clients",
        doc: "`drift diff`: security requirements are alternatives (any one will do), each a set of schemes (all needed) with their scopes. A client that met an old alternative is locked out when no new alternative asks for a subset of what it has: `[s1] or [s2] → [s1]` (s2 clients), a scope added, a requirement where there was none, or a requirement naming a scheme the contract no longer defines.\n\nExample: `GET /coach` now requires the `OAuth2` scheme.",
    },
    Rule {
        kind: Kind::SpecSecurityWidened,
        summary: "an operation's security accepts every client it accepted, and more",
        doc: "`drift diff`: the alternatives changed, but every client that met an old one meets a new one: `[s1 + s2] → [s1]`, an alternative added, a scope dropped, a requirement removed. Compatible.\n\nExample: `GET /coach` also accepts an API key.",
    },
    Rule {
        kind: Kind::SpecSecuritySchemeChanged,
        summary: "a security scheme asks clients for something else",
        doc: "`drift diff`: a scheme operations use changed what a client does with it — its type, where an API key goes (header → query) or its name, the HTTP scheme (basic → bearer), the OAuth2 flows or their URLs (`implicit` → client credentials). Reported once, at the scheme, naming how many operations use it.\n\nExample: `fitbit_oauth` from the implicit flow to client credentials.",
    },
    Rule {
        kind: Kind::SpecVersionNotBumped,
        summary: "a breaking change without a new major version",
        doc: "`drift diff`: the changes include a breaking one and `info.version` is a semantic version whose major part did not change (`2.3.0 → 2.4.0`). Clients pinning a major version get the break anyway.\n\nExample: `1.4.2 → 1.5.0` removes `GET /coach`.",
    },
    Rule {
        kind: Kind::SpecRequestParameterRemoved,
        summary: "a request parameter is no longer declared",
        doc: "`drift diff`, request: clients that still send it are usually ignored by the server; reported so it is not lost.\n\nExample: query `include` removed from `GET /patient`.",
    },
    Rule {
        kind: Kind::SpecRequestParameterAdded,
        summary: "an operation takes a new optional parameter",
        doc: "`drift diff`, request: a new optional query, header or cookie parameter. Compatible: clients that do not send it are served as before (a new *required* parameter is `spec.request.required-added`).\n\nExample: `GET /patients` takes `filter[status]`.",
    },
    Rule {
        kind: Kind::SpecRequestRequiredAdded,
        summary: "a request needs something it did not need before",
        doc: "`drift diff`, request: a new required parameter or body property, an optional one made required, or a body made required — clients written against the old contract do not send it. A new required `readOnly` property is not part of the request.\n\nExample: query `filter[organization]` becomes required on `GET /group`.",
    },
    Rule {
        kind: Kind::SpecRequestRequiredRemoved,
        summary: "a request property is no longer required",
        doc: "`drift diff`, request: clients that send it are served as before. Compatible.\n\nExample: `nickname` no longer required in the body of `POST /patients`.",
    },
    Rule {
        kind: Kind::SpecRequestBodyRemoved,
        summary: "an operation no longer declares the required request body clients send",
        doc: "`drift diff`, request: clients still send a body the server no longer reads (or rejects).\n\nExample: `POST /goals` no longer declares its JSON body.",
    },
    Rule {
        kind: Kind::SpecRequestOptionalBodyRemoved,
        summary: "an operation no longer declares its optional request body",
        doc: "`drift diff`, request: clients that send the body may find it ignored. Reported so it is not lost.\n\nExample: the optional filter body of `POST /search` is gone.",
    },
    Rule {
        kind: Kind::SpecRequestMediaTypeRemoved,
        summary: "a media type clients send a body in is no longer accepted",
        doc: "`drift diff`, request: clients that send the body in that media type meet a server that no longer declares it.\n\nExample: `application/x-www-form-urlencoded` dropped from `POST /token`.",
    },
    Rule {
        kind: Kind::SpecRequestPropertyRemoved,
        summary: "a request body property is no longer declared",
        doc: "`drift diff`, request: clients that still send it are usually ignored (a closed schema rejecting it is `spec.request.constraint-tightened`). Compatible.\n\nExample: `nickname` removed from the body of `PATCH /patient`.",
    },
    Rule {
        kind: Kind::SpecRequestPropertyAdded,
        summary: "a request body takes a new optional property",
        doc: "`drift diff`, request: compatible (a new *required* property is `spec.request.required-added`).\n\nExample: `timezone` accepted by `PATCH /patient`.",
    },
    Rule {
        kind: Kind::SpecRequestTypeNarrowed,
        summary: "a value clients send may no longer be accepted: type, format or null",
        doc: "`drift diff`, request: the new type, format or nullability does not admit every value the old one did (a type replaced, `number → integer`, a `format` added or replaced, `null` no longer allowed).\n\nExample: query `limit` from `string` to `integer`.",
    },
    Rule {
        kind: Kind::SpecRequestTypeWidened,
        summary: "a request value admits more types than before",
        doc: "`drift diff`, request: every value clients sent is still accepted (`integer → number`, `null` allowed, a `format` dropped). Compatible.\n\nExample: `weight` from `integer` to `number`.",
    },
    Rule {
        kind: Kind::SpecRequestEnumValueRemoved,
        summary: "a value clients send is no longer in the enum",
        doc: "`drift diff`, request: clients that send the removed value are rejected. Also an enum added where any value was allowed, and a discriminator value no longer mapped.\n\nExample: `units` no longer accepts `imperial`.",
    },
    Rule {
        kind: Kind::SpecRequestEnumValueAdded,
        summary: "a request enum accepts a new value",
        doc: "`drift diff`, request: compatible — clients never send it.\n\nExample: `units` also accepts `metric_uk`.",
    },
    Rule {
        kind: Kind::SpecRequestConstraintTightened,
        summary: "a request value is held to a tighter constraint",
        doc: "`drift diff`, request: requests that were valid may be rejected — a length, range, item or property bound tightened (inclusive or exclusive, 3.0 and 3.1 forms read as one), a `multipleOf` that old values do not meet, a `pattern`, `const` or `uniqueItems` added, `additionalProperties: false` added.\n\nExample: `maxLength` of `nickname` drops from 100 to 40.",
    },
    Rule {
        kind: Kind::SpecRequestConstraintLoosened,
        summary: "a request value is held to a looser constraint",
        doc: "`drift diff`, request: every request that was valid still is. Compatible.\n\nExample: `maxLength` of `nickname` grows from 40 to 100.",
    },
    Rule {
        kind: Kind::SpecRequestVariantRemoved,
        summary: "a `oneOf`/`anyOf` variant clients send is gone",
        doc: "`drift diff`, request: clients that send the removed variant are rejected.\n\nExample: `Reminder` no longer accepts the `SmsReminder` variant.",
    },
    Rule {
        kind: Kind::SpecRequestVariantAdded,
        summary: "a request `oneOf`/`anyOf` accepts a new variant",
        doc: "`drift diff`, request: compatible — clients never send it.\n\nExample: `Reminder` also accepts `PushReminder`.",
    },
    Rule {
        kind: Kind::SpecRequestDiscriminatorChanged,
        summary: "the discriminator of a request body changed",
        doc: "`drift diff`, request: the discriminator's property was renamed, or a value now maps to another schema — clients send bodies the server reads as something else.\n\nExample: `propertyName` from `kind` to `type`.",
    },
    Rule {
        kind: Kind::SpecRequestUnproven,
        summary: "a request constraint changed in a way drift cannot prove safe or breaking",
        doc: "`drift diff`, request: a regex `pattern` replaced by another, or `not`, `if`/`then`/`else`, `contains`, `dependentRequired`, `propertyNames`, `patternProperties`, `unevaluatedProperties`, `prefixItems` or `content*` changed. Whether every old value still passes cannot be proven: check it.\n\nExample: `pattern` `^/group` → `^/groups`.",
    },
    Rule {
        kind: Kind::SpecResponseStatusRemoved,
        summary: "a declared success status is gone",
        doc: "`drift diff`, response: a 2xx response the old contract declared is gone; clients expecting it break.\n\nExample: `GET /patient` no longer declares `200` but `206`.",
    },
    Rule {
        kind: Kind::SpecResponseBodyRemoved,
        summary: "a success response no longer has a body",
        doc: "`drift diff`, response: the 2xx response is still declared, without the body clients read.\n\nExample: `200` of `PUT /goal` no longer returns the goal.",
    },
    Rule {
        kind: Kind::SpecResponseErrorStatusRemoved,
        summary: "a declared non-success status is gone",
        doc: "`drift diff`, response: a 1xx, 3xx, 4xx, 5xx or `default` response is no longer declared. Clients handle unexpected errors anyway: info.\n\nExample: `404` no longer declared on `GET /patients`.",
    },
    Rule {
        kind: Kind::SpecResponseStatusAdded,
        summary: "a new declared response status",
        doc: "`drift diff`, response: compatible, worth knowing: clients may not handle the new status.\n\nExample: `429` declared on every operation.",
    },
    Rule {
        kind: Kind::SpecResponseHeaderRemoved,
        summary: "a success response header clients read is gone or no longer required",
        doc: "`drift diff`, response: a header the old contract declared on a 2xx response (`Location`, `X-Rate-Limit-Remaining`, `Link`) is no longer declared, or is no longer required. Clients that read it break.\n\nExample: the 201 of `POST /patients` no longer declares `Location`.",
    },
    Rule {
        kind: Kind::SpecResponseErrorHeaderRemoved,
        summary: "a header of a non-success response is gone or no longer required",
        doc: "`drift diff`, response: as `spec.response.header-removed`, on an error response. Info.\n\nExample: `Retry-After` no longer declared on `429`.",
    },
    Rule {
        kind: Kind::SpecResponseMediaTypeRemoved,
        summary: "a media type clients read a response in is gone",
        doc: "`drift diff`, response: clients that ask for it (`Accept`) or parse it get something else.\n\nExample: `application/json` dropped, only `application/vnd.api+json` remains.",
    },
    Rule {
        kind: Kind::SpecResponsePropertyRemoved,
        summary: "a response property is gone",
        doc: "`drift diff`, response: a property the old contract declared is gone; clients read it. A change inside a shared definition is reported once, at the definition, naming the other operations it reaches.\n\nExample: `nickname` removed from `#/definitions/Patient`.",
    },
    Rule {
        kind: Kind::SpecResponsePropertyAdded,
        summary: "a response has a new property",
        doc: "`drift diff`, response: compatible — clients ignore keys they do not know.\n\nExample: `timezone` added to the `Patient` response.",
    },
    Rule {
        kind: Kind::SpecResponseRequiredRemoved,
        summary: "a response property is no longer guaranteed",
        doc: "`drift diff`, response: a property the old contract required may now be absent; clients that read it unconditionally break.\n\nExample: `data.attributes.first_name` no longer required in the `Patient` response.",
    },
    Rule {
        kind: Kind::SpecResponseRequiredAdded,
        summary: "a response property is now always present",
        doc: "`drift diff`, response: compatible — clients that handled its absence still work.\n\nExample: `created_at` now required in the `Patient` response.",
    },
    Rule {
        kind: Kind::SpecResponseTypeWidened,
        summary: "a response value may have a type, format or null clients never saw",
        doc: "`drift diff`, response: the new type, format or nullability admits values the old one did not (a type replaced, `integer → number`, `null` newly allowed, a `format` dropped or replaced).\n\nExample: `relationships` changes from array to object.",
    },
    Rule {
        kind: Kind::SpecResponseTypeNarrowed,
        summary: "a response value admits fewer types than before",
        doc: "`drift diff`, response: every value clients may now read is one they knew (`number → integer`, `null` no longer allowed, a `format` added). Compatible.\n\nExample: `weight` from `number` to `integer`.",
    },
    Rule {
        kind: Kind::SpecResponseEnumValueAdded,
        summary: "a response enum gained a value",
        doc: "`drift diff`, response: a client that switches over the values meets one it does not know. Also an enum dropped (any value now) and a discriminator value newly mapped.\n\nExample: `status` gains `paused` in the goal response.",
    },
    Rule {
        kind: Kind::SpecResponseEnumValueRemoved,
        summary: "a response enum lost a value",
        doc: "`drift diff`, response: compatible — clients never meet it again.\n\nExample: `status` no longer returns `archived`.",
    },
    Rule {
        kind: Kind::SpecResponseConstraintLoosened,
        summary: "a response value is held to a looser constraint clients relied on",
        doc: "`drift diff`, response: clients may read values the old contract ruled out — a length, range, item or property bound loosened or dropped, a `multipleOf` that new values need not meet, a `pattern`, `const` or `uniqueItems` dropped.\n\nExample: `maxLength` of `nickname` grows from 40 to 100.",
    },
    Rule {
        kind: Kind::SpecResponseConstraintTightened,
        summary: "a response value is held to a tighter constraint",
        doc: "`drift diff`, response: every value clients may now read is one they could read before. Compatible.\n\nExample: `maxItems` of `goals` drops from 100 to 50.",
    },
    Rule {
        kind: Kind::SpecResponsePropertiesOpened,
        summary: "a response object may carry keys it did not declare",
        doc: "`drift diff`, response: `additionalProperties: false` dropped. Clients ignore keys they do not know: info.\n\nExample: `Patient` no longer closed.",
    },
    Rule {
        kind: Kind::SpecResponseVariantAdded,
        summary: "a response `oneOf`/`anyOf` has a variant clients never saw",
        doc: "`drift diff`, response: clients that handle each variant meet one they do not know.\n\nExample: `Reminder` gains the `PushReminder` variant.",
    },
    Rule {
        kind: Kind::SpecResponseVariantRemoved,
        summary: "a response `oneOf`/`anyOf` variant is gone",
        doc: "`drift diff`, response: compatible — clients never meet it again (its properties go with it, not reported one by one).\n\nExample: `Reminder` no longer returns `SmsReminder`.",
    },
    Rule {
        kind: Kind::SpecResponseDiscriminatorChanged,
        summary: "the discriminator of a response changed",
        doc: "`drift diff`, response: the discriminator's property was renamed, or a value now maps to another schema — clients read bodies as the wrong variant.\n\nExample: `propertyName` from `kind` to `type`.",
    },
    Rule {
        kind: Kind::SpecResponseUnproven,
        summary: "a response constraint changed in a way drift cannot prove safe or breaking",
        doc: "`drift diff`, response: a regex `pattern` replaced by another, or `not`, `if`/`then`/`else`, `contains`, `dependentRequired`, `propertyNames`, `patternProperties`, `unevaluatedProperties`, `prefixItems` or `content*` changed. Whether every new value is one clients accept cannot be proven: check it.\n\nExample: `pattern` `^/group` → `^/groups` on a link.",
    },
];

impl Rule {
    /// The kind id, e.g. `example.invalid`; a family ends in `.*`.
    pub fn id(&self) -> &'static str {
        self.kind.id()
    }

    /// The kind's default severity.
    pub fn severity(&self) -> Severity {
        self.kind.severity()
    }
}

/// The rule of a kind.
pub fn rule(kind: Kind) -> &'static Rule {
    // Every kind has exactly one rule (tested), so the fallback is never taken.
    RULES.iter().find(|r| r.kind == kind).unwrap_or(&RULES[0])
}

/// The rule registered for a kind id: an exact id, or the family (`schema.*`) it belongs to.
pub fn find(kind: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id() == kind).or_else(|| {
        RULES.iter().find(|r| {
            r.id().strip_suffix(".*").is_some_and(|family| {
                kind.strip_prefix(family)
                    .is_some_and(|rest| rest.starts_with('.'))
            })
        })
    })
}

/// Ids of registered rules close to `kind`, for "did you mean …?".
pub fn suggest(kind: &str) -> Vec<&'static str> {
    let mut scored: Vec<(usize, &'static str)> = RULES
        .iter()
        .map(|r| (crate::text::edit_distance(kind, r.id()), r.id()))
        .filter(|(d, id)| *d <= 3 || id.contains(kind))
        .collect();
    scored.sort();
    scored.into_iter().map(|(_, id)| id).take(3).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_documented() {
        for (i, rule) in RULES.iter().enumerate() {
            assert!(
                !rule.doc.is_empty() && !rule.summary.is_empty(),
                "{}",
                rule.id()
            );
            assert!(
                RULES[i + 1..].iter().all(|r| r.id() != rule.id()),
                "duplicate {}",
                rule.id()
            );
        }
    }

    /// Findings are made from `Kind`s only; each has exactly one rule, so every kind the code can
    /// emit is registered with a severity and docs.
    #[test]
    fn every_kind_is_registered_once() {
        for kind in Kind::ALL {
            let n = RULES.iter().filter(|r| r.kind == *kind).count();
            assert_eq!(n, 1, "{kind} has {n} rules");
            assert_eq!(rule(*kind).kind, *kind);
        }
        assert_eq!(RULES.len(), Kind::ALL.len());
    }

    #[test]
    fn lookup_exact_and_suggestions() {
        assert_eq!(
            find("example.invalid").map(|r| r.id()),
            Some("example.invalid")
        );
        assert!(find("example.nope").is_none());
        assert_eq!(suggest("example.invlid"), vec!["example.invalid"]);
    }
}
