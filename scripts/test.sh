#!/usr/bin/env bash
# Set up, build, then run every test suite. All suites run even if one fails; the script
# reports each and exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh || { echo "[test] setup failed"; exit 1; }
bash scripts/build.sh native wasm asan || { echo "[test] build failed"; exit 1; }
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

SUITES=(core_native core_wasm wasm_api cli core_asan fuzz browser)

# ---- runner ---------------------------------------------------------------------------------
declare -A RESULT
failed=0
for s in "${SUITES[@]}"; do
  echo "[test] ===== $s ====="
  start=$SECONDS
  if "suite_$s"; then RESULT[$s]="ok"; else RESULT[$s]="FAILED"; failed=1; fi
  RESULT[$s]+=" ($((SECONDS - start)) s)"
done

echo "[test] ===== summary ====="
for s in "${SUITES[@]}"; do printf '[test] %-14s %s\n' "$s" "${RESULT[$s]}"; done
exit $failed
