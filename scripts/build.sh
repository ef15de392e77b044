#!/usr/bin/env bash
# Build natively (build/native) and to wasm (build/wasm); on request also the sanitized native
# build (clang): build/asan, the Catch2 tests under AddressSanitizer and UndefinedBehaviorSanitizer
# and the libFuzzer targets of tests/fuzz. Configures a build directory only when
# it has no CMake cache yet, so rebuilds are quick. Run scripts/setup.sh first on a new machine.
# Usage: scripts/build.sh [native|wasm|asan]...   (default: native wasm)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Emscripten's JS optimizer (used at -O2 and above) needs Debian's acorn.
export NODE_PATH=/usr/share/nodejs

JOBS=${JOBS:-2}
targets=("$@")
((${#targets[@]})) || targets=(native wasm)

say() { echo "[build] $*"; }

for t in "${targets[@]}"; do
  dir=build/$t
  case $t in
    native)
      if [[ ! -f $dir/CMakeCache.txt ]]; then
        say "configure $dir"
        cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release
      fi ;;
    wasm)
      if [[ ! -f $dir/CMakeCache.txt ]]; then
        say "configure $dir"
        # The emulator override is required: emcmake's default passes a flag Node 20 rejects.
        emcmake cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release \
          -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node
      fi ;;
    asan)
      if [[ ! -f $dir/CMakeCache.txt ]]; then
        say "configure $dir"
        # -O1 with line tables, without NDEBUG: reports with file:line, Eigen's own asserts on, and the tests but
        # [slow] in under a minute.
        cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Sanitize \
          -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -gline-tables-only" -DATTN_SANITIZE=ON
      fi ;;
    *) echo "usage: $0 [native|wasm|asan]..." >&2; exit 2 ;;
  esac
  say "build $dir"
  cmake --build "$dir" -j"$JOBS"
done
