#!/usr/bin/env python3
"""Independent check of `drift lint`'s example.invalid findings.

Validates every `example` written in a schema under `#/definitions` (at any depth) of a Swagger 2.0
file with Python's jsonschema Draft4Validator, `$ref`s resolved against the same file, and compares
the set of rejected examples with the one `drift lint --format json` reports.

Usage: crosscheck_examples.py SPEC DRIFT_LINT_JSON [--formats]
  --formats  also enforce known formats (Python's FormatChecker), as drift does.
Exits 1 and prints both sets when they differ.
"""
import json
import sys

import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)

import yaml  # noqa: E402
from jsonschema import Draft4Validator, FormatChecker, RefResolver  # noqa: E402

# The `referencing` library mistakes a property named `id` for a draft-4 `id` keyword while
# walking a pointer; the legacy resolver only follows fragments, which is all a Swagger file needs.

ONE = ["items", "additionalProperties", "not"]
LIST = ["allOf", "anyOf", "oneOf"]
MAP = ["properties", "patternProperties", "definitions"]


def esc(token):
    return token.replace("~", "~0").replace("/", "~1")


def schema_examples(schema, pointer, out):
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    if "example" in schema:
        out.append((pointer + "/example", pointer, schema["example"]))
    for key, value in schema.items():
        if key in MAP and isinstance(value, dict):
            for name, sub in value.items():
                schema_examples(sub, f"{pointer}/{key}/{esc(name)}", out)
        elif key in LIST and isinstance(value, list):
            for i, sub in enumerate(value):
                schema_examples(sub, f"{pointer}/{key}/{i}", out)
        elif key in ONE and isinstance(value, dict):
            schema_examples(value, f"{pointer}/{key}", out)


def main():
    spec_path, lint_path = sys.argv[1], sys.argv[2]
    formats = "--formats" in sys.argv
    with open(spec_path) as f:
        doc = yaml.safe_load(f)
    resolver = RefResolver(base_uri="", referrer=doc)
    examples = []
    for name, schema in (doc.get("definitions") or {}).items():
        schema_examples(schema, f"#/definitions/{esc(name)}", examples)
    rejected = set()
    for example_pointer, schema_pointer, value in examples:
        validator = Draft4Validator(
            {"$ref": schema_pointer},
            resolver=resolver,
            format_checker=FormatChecker() if formats else None,
        )
        if any(True for _ in validator.iter_errors(value)):
            rejected.add(example_pointer)
    with open(lint_path) as f:
        report = json.load(f)
    flagged = {
        x["spec_location"]["pointer"]
        for x in report["findings"]
        if x["kind"] == "example.invalid" and x["spec_location"]["pointer"].startswith("#/definitions/")
    }
    print(f"examples under #/definitions: {len(examples)}; Draft4Validator rejects {len(rejected)}; drift flags {len(flagged)}")
    for p in sorted(rejected | flagged):
        mark = "both" if p in rejected and p in flagged else ("python only" if p in rejected else "drift only")
        print(f"  {mark:<12} {p}")
    if rejected != flagged:
        print("MISMATCH between drift and Draft4Validator", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
