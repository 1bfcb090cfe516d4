#!/usr/bin/env bash
# Shows webcare-lint as a pre-commit hook: installs pre-commit from PyPI, builds a temporary
# git repo of templates that uses the built binary as a local hook (language: system, to keep
# CI fast; users reference .pre-commit-hooks.yaml with language: rust), and checks that the
# hook fails on a bad template and passes once it is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
python3 -m pip install --quiet --disable-pip-version-check 'pre-commit>=3,<5'
bin="$root/target/debug/webcare-lint"
[ -x "$bin" ] || cargo build --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "--- pre-commit validate-manifest .pre-commit-hooks.yaml"
pre-commit validate-manifest "$root/.pre-commit-hooks.yaml" && echo "manifest ok"
git init -q templates && cd templates
git config user.email ci@example.invalid && git config user.name CI
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: local
    hooks:
      - id: webcare-lint
        name: webcare-lint
        entry: $bin check --format short
        language: system
        files: \.(txt|md|markdown|ya?ml|jsonl?|csv)$
YAML
git add .pre-commit-config.yaml && git commit -qm "pre-commit config"
pre-commit install >/dev/null

printf '## Pakket te laat\nVervelend! Bel even met onze klantenservice, die helpen je verder.\n' > retouren.md
git add retouren.md
echo "--- commit with a bad template (must be refused):"
if git commit -qm "bad template" 2>&1; then
  echo "FAIL: the hook let a bad template through"; exit 1
fi
echo "--- refused, as it should be."

printf '## Pakket te laat\nBalen dat je pakket er nog niet is! Ik heb het nagekeken: het komt morgen vóór 12:00. ^Sanne\n' > retouren.md
git add retouren.md
echo "--- commit with the fixed template (must pass):"
git commit -qm "good template" 2>&1
echo "--- passed: $(git log --oneline | wc -l) commits in the template repo."
