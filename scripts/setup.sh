#!/usr/bin/env bash
# Sets up a fresh clone on a Debian 12 machine (as root): the SystemTap packages the tests use
# as oracle and corpus (systemtap, systemtap-common = the tapset library, systemtap-doc = the
# example scripts), clang/lld/wasi-libc to rebuild the grammar wasm, time (/usr/bin/time, for
# the benchmarks), sudo (the local run backend runs `sudo -n stap` in a test), gdb (the Stop tests
# put a real stapbpf into the state a signal race leaves it in), busybox (the remote wrapper is
# tested under its sh too), then `npm ci` and the
# build, then the stap sandbox (real BPF runs, an ssh remote host) and the VS Code e2e tools.
# Idempotent: apt is only called when a package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${STAP_LS_SHARED:-../shared}/tools

packages=(systemtap systemtap-common systemtap-doc clang lld wasi-libc time sudo gdb busybox)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
npm run -s build

# The tools beside the project (../shared/tools), both idempotent (~2 s once installed):
# Real stap runs for the run/compile backends' tests: the BPF runtime with its shim, and an
# ssh "remote host" in a network namespace (../shared/tools/stap-sandbox/README.md).
bash "$shared"/stap-sandbox/setup.sh --with-remote
# The extension's end-to-end tests (test/e2e) in a real VS Code: code-server, Debian's chromium,
# playwright-core and vsce in /tmp/vscode-e2e (../shared/tools/vscode-e2e/README.md; ~4 min the
# first time). The tests read /tmp/vscode-e2e/env.sh themselves.
bash "$shared"/vscode-e2e/setup.sh

