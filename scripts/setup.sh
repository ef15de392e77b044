#!/usr/bin/env bash
# Install what the build and the tests need, only if it is missing (see ../shared/TOOLCHAIN.md).
# Idempotent and non-interactive: CI runs it as root with no stdin. Quick when all is present.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "[setup] $*"; }

# ---- system packages -------------------------------------------------------------------------
# "check|package": check is a command name or an absolute file path (which may hold a * for a
# version in the path).
REQUIREMENTS=(
  "em++|emscripten"                                    # pulls clang-14, lld, binaryen, node-acorn
  "emcmake|emscripten"
  "/usr/include/eigen3/Eigen/Core|libeigen3-dev"
  "/usr/include/catch2/catch.hpp|catch2"
  "/usr/lib/cmake/Catch2/Catch.cmake|catch2"
  "cmake|cmake"
  "make|make"
  "g++|g++"
  "chromium|chromium"
  "/usr/include/csv.h|libcsv-dev"                      # the CLI's --data FILE (CSV)
  "/usr/share/nodejs/acorn|node-acorn"                 # Emscripten's JS optimizer needs it
  "clang++-14|clang-14"                                # the sanitized build (build/asan: tests, fuzz targets)
  "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a|libclang-rt-14-dev"  # libFuzzer, ASan, UBSan
)

missing=()
for req in "${REQUIREMENTS[@]}"; do
  check=${req%%|*} pkg=${req##*|}
  if [[ $check == /* ]]; then
    compgen -G "$check" >/dev/null && continue
  else
    command -v "$check" >/dev/null 2>&1 && continue
  fi
  say "missing: $check (package $pkg)"
  [[ " ${missing[*]-} " == *" $pkg "* ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
      say "not root and no sudo: install ${missing[*]} yourself"; exit 1
    fi
  fi
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q </dev/null
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" </dev/null
  for req in "${REQUIREMENTS[@]}"; do
    check=${req%%|*}
    if [[ $check == /* ]]; then compgen -G "$check" >/dev/null; else command -v "$check" >/dev/null 2>&1; fi ||
      { say "still missing after install: $check"; exit 1; }
  done
else
  say "system packages: all present"
fi

for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { say "$tool not found: install Node 20"; exit 1; }
done

# ---- npm packages ----------------------------------------------------------------------------
has_deps=$(node -e '
  const p = JSON.parse(require("fs").readFileSync("package.json", "utf8"));
  const n = Object.keys(p.dependencies || {}).length + Object.keys(p.devDependencies || {}).length;
  process.stdout.write(n > 0 ? "yes" : "no");')
if [[ $has_deps == no ]]; then
  say "npm: no dependencies"
elif [[ ! -f node_modules/.package-lock.json ]] ||
     [[ package.json -nt node_modules/.package-lock.json ]] ||
     { [[ -f package-lock.json ]] && [[ package-lock.json -nt node_modules/.package-lock.json ]]; }; then
  say "npm install"
  npm install --no-audit --no-fund </dev/null
else
  say "npm: node_modules up to date"
fi
