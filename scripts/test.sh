#!/usr/bin/env bash
# Set up, build, then run every test suite. All suites run even if one fails; the script
# reports each and exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh || { echo "[test] setup failed"; exit 1; }
export NODE_PATH=/usr/share/nodejs

# ---- suites: one function each; add new ones to SUITES and to a lane below -------------------
# The Catch2 tests, natively and compiled to wasm under Node: each build's whole suite in one
# process (under ctest, one process per test case, the wasm build spent 80 s of its 90 s
# compiling the module 165 times). For one test case: ctest -R (see README, "Testing").
suite_core_native() { build/native/core_tests --use-colour no; }
suite_core_wasm()   { node build/wasm/core_tests.js --use-colour no; }

# The wasm module's JS API under Node's test runner (needs both builds: it compares them).
suite_wasm_api()    { node --test tests/wasm/; }

# The native command-line tool.
suite_cli()         { node --test tests/cli/; }

# The Catch2 tests but the seeds' outcomes ([slow], seconds each natively, minutes here) under
# AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer: build/asan, clang -O1.
# Also left out here, ASAN_SKIP: two cases that only train, half of the suite's time under the
# sanitizers; their outcomes are checked by core_native and core_wasm, and what they run is run
# under the sanitizers by other cases (every preset trains in "training allocates nothing once
# the trainer is built, for every preset", every loss and preset diverges in "trainer: learning
# rates of 10 to 1e6 diverge ...", each optimizer steps in tests/core/loss_optimizer.test.cpp).
# All of them: build/asan/core_tests (about 3 minutes).
ASAN_SKIP=(
  "trainer: the registry's presets at small sizes never trip the divergence rule"
  "trainer: the seed's runs never trip the divergence rule"
)
suite_core_asan()   { build/asan/core_tests "~[slow]$(printf ' ~"%s"' "${ASAN_SKIP[@]}")" --use-colour no --warn NoTests; }

# Each libFuzzer target (tests/fuzz) for FUZZ_SECONDS (10 here; npm run fuzz: 60) from its seed
# corpus; any crash, sanitizer report or failed check fails the suite (scripts/fuzz.sh).
suite_fuzz()        { FUZZ_SECONDS=${FUZZ_SECONDS:-10} bash scripts/fuzz.sh; }

# The page in headless Chromium (Debian's /usr/bin/chromium via playwright-core), served from
# dist/. Each test file uses about one core: two at a time (two workers taking files from one
# queue), the longest first, so that the suite ends with two short files, not one long one.
# Each file's output in build/test-logs/browser-FILE.log too.
BROWSER_FIRST=(page widget embed)  # the longest (then every other file, by name)
suite_browser() {
  node scripts/build-web.mjs || return 1
  local queue=$LOGS/browser.queue f failed=0
  for f in "${BROWSER_FIRST[@]}"; do echo "tests/browser/$f.test.mjs"; done >"$queue"
  for f in tests/browser/*.test.mjs; do grep -qxF "$f" "$queue" || echo "$f" >>"$queue"; done
  local files=() && mapfile -t files <"$queue"
  browser_worker & local w1=$!
  browser_worker & local w2=$!
  wait $w1 || failed=1
  wait $w2 || failed=1
  for f in "${files[@]}"; do cat "$LOGS/browser-$(basename "$f" .test.mjs).log"; done
  return $failed
}
browser_worker() {  # run browser test files from the queue until it is empty; false if one failed
  local f failed=0
  while f=$({ flock 8; head -n1 "$LOGS/browser.queue"; sed -i 1d "$LOGS/browser.queue"; } 8>"$LOGS/browser.queue.lock") && [[ -n $f ]]; do
    node --test "$f" >"$LOGS/browser-$(basename "$f" .test.mjs).log" 2>&1 || failed=1
  done
  return $failed
}

# What measures wall-clock time in the page (tests/browser/timing: no main-thread task over 50
# ms while training), alone on the machine after everything else: beside builds and other
# browsers its tasks are preempted and look long.
suite_browser_timing() { node --test tests/browser/timing/; }

SUITES=(core_native core_wasm wasm_api cli core_asan fuzz browser browser_timing)

# ---- schedule ---------------------------------------------------------------------------------
# Two lanes at once, so that both cores stay busy (the three builds are ~60% of the CPU time of
# a fresh clone, the browser suite most of the rest):
#   lane 1: the wasm build, then the browser suite (the longest, which needs only it), then
#           the Catch2 tests in wasm;
#   lane 2: the native build and its suites, the Node suites once wasm is built too, then the
#           sanitized build (build/asan) and its two suites at once;
# then, alone, the browser's timing suite.
# Each suite's output goes to build/test-logs/NAME.log and is printed whole when it ends.
LOGS=build/test-logs
rm -rf "$LOGS" && mkdir -p "$LOGS"

show() {  # show NAME: print a finished log, whole (one at a time: the lanes end things at once)
  { flock 9; cat "$LOGS/$1.log"; } 9>"$LOGS/.print-lock"
}
build() {  # build TARGET: its result in $LOGS/build-TARGET.result
  local start=$SECONDS result=FAILED
  bash scripts/build.sh "$1" >"$LOGS/build-$1.log" 2>&1 && result=ok
  echo "$result ($((SECONDS - start)) s)" >"$LOGS/build-$1.result"
  show "build-$1"
  echo "[test] build $1: $result ($((SECONDS - start)) s)"
  [[ $result == ok ]]
}
run_suite() {  # run_suite NAME: its result in $LOGS/NAME.result
  local start=$SECONDS result=FAILED
  { echo "[test] ===== $1 ====="; "suite_$1"; } >"$LOGS/$1.log" 2>&1 && result=ok
  echo "$result ($((SECONDS - start)) s)" >"$LOGS/$1.result"
  show "$1"
  echo "[test] $1: $result ($((SECONDS - start)) s)"
}
not_built() {  # not_built TARGET SUITE...
  local t=$1; shift
  for s in "$@"; do echo "FAILED (build/$t did not build)" >"$LOGS/$s.result"; done
}
wait_for_build() {  # wait_for_build TARGET: until the other lane has built it; false if it failed
  until [[ -f $LOGS/build-$1.result ]]; do sleep 1; done
  [[ $(cat "$LOGS/build-$1.result") == ok* ]]
}

lane1() {
  if build wasm; then run_suite browser; run_suite core_wasm; else not_built wasm browser core_wasm; fi
}
lane2() {
  if build native; then
    run_suite core_native
    run_suite cli
    if wait_for_build wasm; then run_suite wasm_api; else not_built wasm wasm_api; fi
  else
    not_built native core_native cli wasm_api
  fi
  if build asan; then
    run_suite core_asan & run_suite fuzz & wait
  else
    not_built asan core_asan fuzz
  fi
}

start=$SECONDS
lane1 & lane2 & wait
if [[ $(cat "$LOGS/build-wasm.result") == ok* ]]; then run_suite browser_timing; else not_built wasm browser_timing; fi

echo "[test] ===== summary ($((SECONDS - start)) s) ====="
failed=0
for b in wasm native asan; do
  printf '[test] %-14s %s\n' "build $b" "$(cat "$LOGS/build-$b.result" 2>/dev/null || echo "FAILED (no result)")"
done
for s in "${SUITES[@]}"; do
  result=$(cat "$LOGS/$s.result" 2>/dev/null || echo "FAILED (no result)")
  [[ $result == ok* ]] || failed=1
  printf '[test] %-14s %s\n' "$s" "$result"
done
exit $failed
