#!/usr/bin/env bash
# Called by `cargo leptos end-to-end` after it started the server.
set -euo pipefail
cd "$(dirname "$0")"
node --test --test-concurrency=1 tests/
