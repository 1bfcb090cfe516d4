#!/usr/bin/env bash
# Validates `--format sarif` against the official SARIF 2.1.0 JSON schema, which ships in the
# npm package @microsoft/jest-sarif (lib/schemas/sarif-2.1.0-rtm.5.json), with Python's
# jsonschema from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null && tar xzf microsoft-jest-sarif-*.tgz)
schema="$work/package/lib/schemas/sarif-2.1.0-rtm.5.json"
python3 -m pip install --quiet --disable-pip-version-check 'jsonschema>=4,<5'
bin=target/debug/webcare-lint
[ -x "$bin" ] || cargo build --quiet
"$bin" check --format sarif --fail-on never fixtures/render > "$work/render.sarif"
"$bin" check --format sarif --fail-on never fixtures/drafts > "$work/drafts.sarif"
python3 tests/clients/validate_sarif.py "$schema" "$work/render.sarif" "$work/drafts.sarif"
