#!/bin/sh
# icount.sh DIR [preset]: x86 instructions per training batch of the wasm module in DIR, counted
# by valgrind (callgrind) running Node with TurboFan only: the difference between 60 and 10
# batches, over 50. Deterministic to about 1%, unlike timings on a shared VM. ~1 minute.
set -e
here=$(dirname "$0")
dir=$1
preset=${2:-gru_after}
count() {
  valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file=/dev/null \
    node --no-liftoff --single-threaded "$here/run-steps.mjs" "$dir" "$preset" "$1" 2>&1 |
    sed -n 's/.*Collected : //p'
}
a=$(count 10)
b=$(count 60)
echo "$dir $preset $(( (b - a) / 50 )) instructions per batch"
