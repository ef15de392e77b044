#!/usr/bin/env bash
# Build the libFuzzer targets (tests/fuzz/fuzz_*.cpp; clang, with AddressSanitizer and
# UndefinedBehaviorSanitizer) in build/asan and run each for a stated time, starting from its
# seed corpus in tests/fuzz/corpus/<target>/. New inputs go to build/fuzz/corpus/<target>/ (the
# seeds in the repository stay as they are); a crash, a sanitizer report or a failed check
# leaves its input in build/fuzz/crashes/<target>/ and fails the script.
#
#   scripts/fuzz.sh                        every target for FUZZ_SECONDS (default 60) each
#   FUZZ_SECONDS=600 scripts/fuzz.sh fuzz_data
#   build/asan/fuzz_data build/fuzz/crashes/fuzz_data/crash-...   replay one input
#
# npm run fuzz runs this; scripts/test.sh runs it for 10 s per target as the suite "fuzz".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SECONDS_EACH=${FUZZ_SECONDS:-60}
say() { echo "[fuzz] $*"; }

bash scripts/build.sh asan || { say "build failed"; exit 1; }

targets=("$@")
if ((${#targets[@]} == 0)); then
  for src in tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi

failed=0
for t in "${targets[@]}"; do
  bin=build/asan/$t
  [[ -x $bin ]] || { say "no such target: $t"; failed=1; continue; }
  work=build/fuzz/corpus/$t crashes=build/fuzz/crashes/$t
  mkdir -p "$work" "$crashes"
  say "$t: ${SECONDS_EACH} s from tests/fuzz/corpus/$t/"
  # -rss_limit_mb: the core may use 1 GB per trainer; ASan's shadow memory comes on top.
  # -timeout: no single input may take 10 s (the targets build only small trainers).
  if "$bin" "$work" "tests/fuzz/corpus/$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=4096 \
      -artifact_prefix="$crashes/" -print_final_stats=1 >"build/fuzz/$t.log" 2>&1; then
    say "$t: ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "build/fuzz/$t.log" | grep -o '[0-9]*$') runs," \
        "$(ls "$work" | wc -l) inputs in its corpus)"
  else
    failed=1
    say "$t: FAILED (build/fuzz/$t.log); the input:"
    ls -1 "$crashes" | sed "s|^|[fuzz]   $crashes/|"
    grep -m1 -E 'ERROR: |runtime error|fuzz check failed|deadly signal' "build/fuzz/$t.log" | sed 's/^/[fuzz]   /'
  fi
done
exit $failed
