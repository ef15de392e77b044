#!/usr/bin/env bash
# Set up, build, then run every test suite. All suites run even if one fails; the script
# reports each and exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh || { echo "[test] setup failed"; exit 1; }
bash scripts/build.sh native wasm || { echo "[test] build failed"; exit 1; }
export NODE_PATH=/usr/share/nodejs

# ---- suites: one function each; add new ones to SUITES -------------------------------------
suite_core_native() { ctest --test-dir build/native --no-tests=error --output-on-failure; }
suite_core_wasm()   { ctest --test-dir build/wasm --no-tests=error --output-on-failure; }

# The wasm module's JS API under Node's test runner (needs both builds: it compares them).
suite_wasm_api()    { node --test tests/wasm/; }

# The native command-line tool.
suite_cli()         { node --test tests/cli/; }

# The Catch2 tests but the seeds' outcomes ([slow], seconds each natively, minutes here) under
# AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer: build/asan, clang -O1.
# All of them: build/asan/core_tests (about 3 minutes).
suite_core_asan()   { build/asan/core_tests '~[slow]' --use-colour no; }

# Each libFuzzer target (tests/fuzz) for FUZZ_SECONDS (10 here; npm run fuzz: 60) from its seed
# corpus; any crash, sanitizer report or failed check fails the suite (scripts/fuzz.sh).
suite_fuzz()        { FUZZ_SECONDS=${FUZZ_SECONDS:-10} bash scripts/fuzz.sh; }

# The page in headless Chromium (Debian's /usr/bin/chromium via playwright-core), served from dist/.
suite_browser()     { node scripts/build-web.mjs && node --test tests/browser/; }

# In this order. BESIDE runs in the background after `build.sh asan` (one core), beside the
# suites before it (one core: Node and ctest run one test at a time), its suites at once and
# their output shown when they end; the browser suite runs alone, after both, since it wants
# the whole machine.
SUITES=(core_native core_wasm wasm_api cli core_asan fuzz browser)
BESIDE=(core_asan fuzz)

# ---- runner ---------------------------------------------------------------------------------
LOGS=build/test-logs
rm -rf "$LOGS" && mkdir -p "$LOGS"
run_suite() {  # run_suite NAME: its result in $LOGS/NAME.result
  local start=$SECONDS result=FAILED
  echo "[test] ===== $1 ====="
  "suite_$1" && result=ok
  echo "$result ($((SECONDS - start)) s)" >"$LOGS/$1.result"
}
beside() {  # the build on one core; then its suites at once (each runs on one core)
  if JOBS=1 bash scripts/build.sh asan; then
    for s in "${BESIDE[@]}"; do run_suite "$s" >"$LOGS/$s.log" 2>&1 & done
    wait
    for s in "${BESIDE[@]}"; do cat "$LOGS/$s.log"; done
  else
    for s in "${BESIDE[@]}"; do echo "FAILED (build/asan did not build)" >"$LOGS/$s.result"; done
  fi
}
beside >"$LOGS/beside.log" 2>&1 &
beside_pid=$!
for s in "${SUITES[@]}"; do
  [[ " ${BESIDE[*]} " == *" $s "* ]] && continue
  if [[ $s == browser ]]; then wait "$beside_pid"; cat "$LOGS/beside.log"; fi
  run_suite "$s"
done

echo "[test] ===== summary ====="
failed=0
for s in "${SUITES[@]}"; do
  result=$(cat "$LOGS/$s.result" 2>/dev/null || echo "FAILED (no result)")
  [[ $result == ok* ]] || failed=1
  printf '[test] %-14s %s\n' "$s" "$result"
done
exit $failed
