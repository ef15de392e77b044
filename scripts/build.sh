#!/usr/bin/env bash
# Build natively (build/native) and to wasm (build/wasm). Configures a build directory only when
# it has no CMake cache yet, so rebuilds are quick. Run scripts/setup.sh first on a new machine.
# Usage: scripts/build.sh [native|wasm]...   (default: both)
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
    *) echo "usage: $0 [native|wasm]..." >&2; exit 2 ;;
  esac
  say "build $dir"
  cmake --build "$dir" -j"$JOBS"
done
