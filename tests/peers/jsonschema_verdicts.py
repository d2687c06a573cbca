"""Validates records with Python's `jsonschema`, as a consumer would.

Reads [[schema file, record file], ...] as JSON on stdin; prints one verdict
(true = valid) per pair as a JSON array.
"""
import json
import sys

from jsonschema import Draft202012Validator

pairs = json.load(sys.stdin)
validators = {}
verdicts = []
for schema_file, record_file in pairs:
    if schema_file not in validators:
        with open(schema_file, encoding="utf-8") as f:
            schema = json.load(f)
        Draft202012Validator.check_schema(schema)
        validators[schema_file] = Draft202012Validator(
            schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
    with open(record_file, encoding="utf-8") as f:
        verdicts.append(validators[schema_file].is_valid(json.load(f)))
print(json.dumps(verdicts))
