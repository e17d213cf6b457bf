#!/usr/bin/env bash
# Called by `cargo leptos end-to-end` after it started the server.
set -euo pipefail
cd "$(dirname "$0")"
node --test --test-concurrency=1 tests/
# Tells scripts/test.sh that the browser tests really ran and passed.
if [ -n "${E2E_DONE_FILE:-}" ]; then touch "$E2E_DONE_FILE"; fi
