#!/usr/bin/env bash
# Regenerates grammar/src/ from grammar/grammar.js with the tree-sitter CLI 0.22.6, then removes
# the language-binding scaffolding `generate` creates when it is missing (this repository uses
# the grammar through the wasm only). Its .gitattributes would otherwise mark every file,
# the wasm included, as text with LF line endings, and git would corrupt the wasm.
set -euo pipefail
cd "$(dirname "$0")/../grammar"
bash ../../shared/tools/tree-sitter generate
rm -rf bindings Cargo.toml Makefile Package.swift binding.gyp pyproject.toml setup.py package.json \
  .editorconfig .gitattributes
