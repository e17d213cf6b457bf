#!/usr/bin/env bash
# Lighthouse scores of the pages residents open first (docs/BENCHMARKS.md,
# issue 20): builds the release app, installs the pinned Lighthouse, runs it
# in Debian's Chromium with its mobile preset.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cargo leptos build --release --precompress --split
if [ ! -x end2end/lighthouse/node_modules/.bin/lighthouse ]; then
  (cd end2end/lighthouse && npm ci --no-audit --no-fund)
fi
node end2end/lighthouse/run.mjs
