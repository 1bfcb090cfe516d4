#!/usr/bin/env bash
# End-to-end checks of `webcare-lint serve` (see docs/serve.md): the release binary on a
# loopback port, then
#   (a) a real LanguageTool client: language_tool_python 3.4.0 from PyPI, remote_server=;
#   (b) the page in headless Chromium (Debian's chromium, driven by playwright-core from npm);
#   (c) a bounded load test (std-only Rust client): requests/s and p99;
#   (d) SIGTERM: the server finishes and exits 0.
# Also the error cases (413, 400, 404) with curl. Run from anywhere: bash .ci/serve-checks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

OUT=target/serve-checks
SHOT=target/serve-screenshot.png
LOAD_SECONDS=${LOAD_SECONDS:-20}
LOAD_MAX=${LOAD_MAX:-200000}
mkdir -p "$OUT"
SERVER_PID=""
PASSED=0
FAILED=0

cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

step() { echo; echo "== $*"; }
pass() { echo "ok   $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $*"; FAILED=$((FAILED + 1)); }

step "build the release binary"
cargo build --release --quiet
BIN=target/release/webcare-lint

step "start the server on a free loopback port"
"$BIN" serve --addr 127.0.0.1:0 >"$OUT/server.out" 2>"$OUT/server.err" </dev/null &
SERVER_PID=$!
ADDR=""
for _ in $(seq 100); do
  ADDR=$(sed -n 's#^listening on http://##p' "$OUT/server.out")
  [[ -n "$ADDR" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/server.err"; echo "server died"; exit 1; }
  sleep 0.1
done
[[ -n "$ADDR" ]] || { echo "server did not print its address"; exit 1; }
URL="http://$ADDR"
echo "server pid $SERVER_PID at $URL"
cat "$OUT/server.err"
curl -fsS "$URL/healthz"; echo

step "error cases"
code() { curl -s -o "$OUT/body" -w '%{http_code}' "$@"; }
expect_code() {
  local want=$1 what=$2; shift 2
  local got
  got=$(code "$@")
  if [[ "$got" == "$want" ]]; then
    pass "$what -> $got $(head -c 160 "$OUT/body")"
  else
    fail "$what -> $got (want $want) $(head -c 160 "$OUT/body")"
  fi
}
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'a' | sed 's/^/text=/' >"$OUT/big.form"
expect_code 413 "POST /v2/check with a 2 MiB body" \
  -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$OUT/big.form" "$URL/v2/check"
expect_code 400 "POST /v2/check without text" --data 'language=nl-NL' "$URL/v2/check"
expect_code 400 "POST /v2/check with a broken escape" --data 'text=100%zz' "$URL/v2/check"
expect_code 400 "POST /v2/check with language=xx" --data 'text=hoi&language=xx' "$URL/v2/check"
expect_code 400 "POST /v1/check with broken JSON" -H 'Content-Type: application/json' \
  --data '{"text":' "$URL/v1/check"
expect_code 400 "POST /v1/check with channel fax" -H 'Content-Type: application/json' \
  --data '{"text":"hoi","channel":"fax"}' "$URL/v1/check"
expect_code 404 "GET /v3/check" "$URL/v3/check"
expect_code 405 "GET /v1/check" "$URL/v1/check"
expect_code 204 "OPTIONS /v2/check (CORS preflight)" -X OPTIONS \
  -H 'Origin: https://mail.example' -H 'Access-Control-Request-Method: POST' "$URL/v2/check"
if curl -s -D - -o /dev/null --data 'text=hoi&language=nl' "$URL/v2/check" | grep -qi '^access-control-allow-origin: \*'; then
  pass "CORS: Access-Control-Allow-Origin: * on /v2/check"
else
  fail "CORS header missing on /v2/check"
fi

step "(a) language_tool_python 3.4.0 against the server"
VENV=target/serve-venv
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check language-tool-python==3.4.0
if "$VENV/bin/python" tests/clients/lt_client.py "$URL"; then
  pass "language_tool_python client"
else
  fail "language_tool_python client"
fi

step "(b) the page in headless Chromium"
if [[ ! -x /usr/bin/chromium ]]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null
NODE_DIR=target/serve-node
if [[ ! -d "$NODE_DIR/node_modules/playwright-core" ]]; then
  mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --silent playwright-core@1.65.1
fi
if NODE_PATH="$NODE_DIR/node_modules" timeout 180 node tests/clients/page_test.cjs "$URL/" "$SHOT"; then
  pass "page: finding shown while typing, cleared after the fix; screenshot $SHOT"
else
  fail "page test"
fi

step "(c) load test on loopback (${LOAD_SECONDS}s or ${LOAD_MAX} requests per endpoint)"
rustc -O --edition 2021 tests/clients/load.rs -o target/serve-load
half=$((LOAD_SECONDS / 2))
for path in /v2/check /v1/check; do
  if ./target/serve-load "$ADDR" "$half" "$LOAD_MAX" 4 "$path" | tee -a "$OUT/load.txt"; then
    pass "load $path"
  else
    fail "load $path"
  fi
done

step "(d) SIGTERM: graceful shutdown"
kill -TERM "$SERVER_PID"
set +e
wait "$SERVER_PID"
rc=$?
set -e
SERVER_PID=""
echo "server exit status: $rc; its stderr:"
cat "$OUT/server.err"
if [[ $rc -eq 0 ]]; then pass "server exited 0 after SIGTERM"; else fail "server exit status $rc after SIGTERM"; fi
if curl -s -o /dev/null "$URL/healthz"; then fail "server still answers after exit"; else pass "port closed after exit"; fi

echo
echo "== figures"
cat "$OUT/load.txt"
echo "screenshots: $SHOT ${SHOT%.png}-clean.png"
echo "serve-checks: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
