#!/usr/bin/env bash
# Builds grammar/tree-sitter-systemtap.wasm from the committed generated parser (and the
# external scanner) with clang + wasm-ld from Debian (apt: clang lld wasi-libc), as
# ../shared/reference/toolchain.md describes, and records its provenance in grammar/parser.info.
# Usage: bash scripts/build-wasm.sh
set -euo pipefail
cd "$(dirname "$0")/../grammar"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for src in parser scanner; do
  clang --target=wasm32-unknown-emscripten -isystem /usr/include/wasm32-wasi \
    -fPIC -Os -fno-exceptions -fvisibility=hidden -I src -c "src/$src.c" -o "$tmp/$src.o"
done
wasm-ld --shared --experimental-pic --export=tree_sitter_systemtap \
  --allow-undefined --no-entry -o tree-sitter-systemtap.wasm "$tmp/parser.o" "$tmp/scanner.o"
node ../scripts/check-wasm.mjs --write
