#!/usr/bin/env bash
# Whole-process benchmarks of webcare-lint against ripgrep, with ../shared/bench (corpus
# generator, ~300 comparable patterns, compare.sh: alternating runs, medians, paired ratios).
# Not a test: figures go to stdout and into docs/performance.md by hand.
#
#   benches/run.sh            # everything (needs rg: cargo install ripgrep)
#   RUNS=5 benches/run.sh     # fewer runs
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=../shared/bench
CORPUS=${CORPUS:-/tmp/webcare-corpus}
RUNS=${RUNS:-10}
command -v rg >/dev/null || { echo "rg not found: cargo install ripgrep" >&2; exit 2; }
cargo build --release --quiet
BIN=$(pwd)/target/release/webcare-lint
[ -e "$CORPUS/replies-100k.jsonl" ] || python3 "$BENCH/gen_corpus.py" --out "$CORPUS" --patterns-dir /tmp/webcare-patterns --sizes 1k,10k,100k
if [ ! -e "$CORPUS-1m/replies-1m.jsonl" ] && [ "${SKIP_1M:-}" != 1 ]; then
  python3 "$BENCH/gen_corpus.py" --out "$CORPUS-1m" --patterns-dir /tmp/webcare-patterns --sizes 1m --no-dirs
fi

echo "## One draft, built-in packs, JSON report vs rg -i -c --no-unicode -f patterns.txt"
"$BENCH/compare.sh" -n "$((RUNS * 3))" -c "$CORPUS" -f single -b count -- "$BIN" check --format json --fail-on never {INPUT}
echo
echo "## 100k-reply JSONL library, JSON report vs rg -i --json --no-unicode"
"$BENCH/compare.sh" -n "$RUNS" -c "$CORPUS" -f jsonl -s 100k -b json -- "$BIN" check --format json --fail-on never {INPUT}
echo
echo "## 100k-reply JSONL library without library-level checks"
"$BENCH/compare.sh" -n "$RUNS" -c "$CORPUS" -f jsonl -s 100k -b json -- "$BIN" check --format json --fail-on never --ignore library {INPUT}
echo
echo "## Directory of 100k one-reply files vs rg -i -c --no-unicode"
"$BENCH/compare.sh" -n "$((RUNS / 2 + 1))" -c "$CORPUS" -f dir -s 100k -b count -- "$BIN" check --format json --fail-on never {INPUT}
echo
echo "## Directory of 100k one-reply files without library-level checks"
"$BENCH/compare.sh" -n "$((RUNS / 2 + 1))" -c "$CORPUS" -f dir -s 100k -b count -- "$BIN" check --format json --fail-on never --ignore library {INPUT}
echo
echo "## Peak RSS by library size (JSONL, JSON report to a file)"
for size in 10k 100k 1m; do
  f="$CORPUS/replies-$size.jsonl"; [ "$size" = 1m ] && f="$CORPUS-1m/replies-1m.jsonl"
  [ -e "$f" ] || continue
  for lib in "--ignore library" ""; do
    /usr/bin/time -f "$size ${lib:-with library checks}: %e s, %M KiB peak RSS" "$BIN" check --format json --fail-on never $lib "$f" > /tmp/webcare-bench-out.json
  done
done
echo
echo "## Rule scaling: built-in rules, x4 and x16 (copies of the built-in packs under other ids)"
scale=$(mktemp -d); trap 'rm -rf "$scale"' EXIT
for k in 1 3 15; do
  dir="$scale/x$((k + 1))"; mkdir -p "$dir"
  for i in $(seq 1 "$k"); do
    for p in rules/*.toml; do
      id=$(basename "$p" .toml)
      # Native rules are tied to their pack ids; copy the pattern packs only.
      grep -q 'kind = "native"' "$p" && continue
      sed "s/^id = \"$id\"/id = \"$id-copy$i\"/" "$p" > "$dir/$id-copy$i.toml"
    done
  done
  rules=$("$BIN" rules --pack "$dir" | tail -1)
  /usr/bin/time -f "x$((k + 1)) ($rules): 100k JSONL %e s, %M KiB" "$BIN" check --format json --fail-on never --ignore library --pack "$dir" "$CORPUS/replies-100k.jsonl" > /dev/null
done
/usr/bin/time -f "x1 (built-in): 100k JSONL %e s, %M KiB" "$BIN" check --format json --fail-on never --ignore library "$CORPUS/replies-100k.jsonl" > /dev/null
echo
echo "## Reply-length scaling: the same text in replies 1x, 10x, 100x as long (10k replies' worth)"
python3 - "$CORPUS/replies-10k.jsonl" "$scale" <<'PY'
import json, sys
src, out = sys.argv[1], sys.argv[2]
texts = [json.loads(l)["text"] for l in open(src)]
for k in (1, 10, 100):
    with open(f"{out}/len{k}.jsonl", "w") as f:
        for i in range(0, len(texts), k):
            f.write(json.dumps({"id": str(i), "text": "\n".join(texts[i:i + k])}) + "\n")
PY
for k in 1 10 100; do
  /usr/bin/time -f "replies ${k}x as long: %e s, %M KiB" "$BIN" check --format json --fail-on never --ignore library "$scale/len$k.jsonl" > /dev/null
done
