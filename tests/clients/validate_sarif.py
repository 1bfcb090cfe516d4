"""Validate webcare-lint's SARIF output against the official SARIF 2.1.0 schema.

usage: validate_sarif.py SCHEMA.json SARIF.json [SARIF.json ...]
The schema is sarif-2.1.0-rtm.5.json as shipped in the npm package @microsoft/jest-sarif.
"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
validator_class = jsonschema.validators.validator_for(schema)
validator_class.check_schema(schema)
validator = validator_class(schema)
failed = 0
for path in sys.argv[2:]:
    log = json.load(open(path))
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    results = sum(len(run["results"]) for run in log["runs"])
    assert log["runs"][0]["columnKind"] == "unicodeCodePoints", "columnKind"
    for e in errors:
        print(f"{path}: {'/'.join(map(str, e.path))}: {e.message}")
    print(f"{path}: {results} results, {len(log['runs'][0]['tool']['driver']['rules'])} rules, "
          f"{'valid' if not errors else f'{len(errors)} schema errors'} ({schema['$id'] if '$id' in schema else schema.get('id', 'schema')})")
    failed += bool(errors) or results == 0
sys.exit(1 if failed else 0)
