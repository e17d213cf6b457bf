#!/usr/bin/env bash
# Builds the release bundle (for the WASM size) and runs the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cargo leptos build --release --precompress --split
node end2end/weights.mjs
cargo bench -p server --bench availability
cargo bench -p server --bench appointments
cargo bench -p server --bench live
cargo bench -p server --bench feeds
cargo bench -p server --bench static_files
