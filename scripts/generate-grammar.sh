#!/usr/bin/env bash
# Regenerates grammar/src/ from grammar/grammar.js with the tree-sitter CLI 0.22.6, then removes
# the language-binding scaffolding `generate` creates when it is missing (this repository uses
# the grammar through the wasm only). Its .gitattributes would otherwise mark every file,
# the wasm included, as text with LF line endings, and git would corrupt the wasm.
set -euo pipefail
cd "$(dirname "$0")/../grammar"
# grammar/package.json is ours (CLI 0.22.6 reads the `tree-sitter` section for highlight tests);
# generate would add node-binding fields to it, so it is restored afterwards.
saved=$(mktemp)
cp package.json "$saved"
trap 'cp "$saved" package.json; rm -f "$saved"' EXIT
bash ../../shared/tools/tree-sitter generate
rm -rf bindings Cargo.toml Makefile Package.swift binding.gyp pyproject.toml setup.py \
  .editorconfig .gitattributes
