#!/usr/bin/env bash
# Installs what is missing, then runs every test: unit, integration on SQLite
# and PostgreSQL, and the browser tests in headless Chromium.
# With CI=true, PostgreSQL is required (never skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if [ "${CI:-}" = "true" ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "PostgreSQL at 127.0.0.1:5432 is required in CI and is not reachable" >&2
  exit 1
fi

echo "==> Unit and integration tests (SQLite and PostgreSQL)"
cargo test -p domain -p store -p server -p app --features app/ssr

echo "==> Browser tests (Chromium, axe-core)"
if (exec 3<>/dev/tcp/127.0.0.1/3000) 2>/dev/null; then
  echo "Port 3000 is in use; stop whatever listens there and run again." >&2
  exit 1
fi
e2e_dir=$(mktemp -d)
e2e_db="$e2e_dir/town-e2e.db"
# cargo-leptos exits 0 when its build fails; end2end/run.sh leaves this file
# only once the browser tests have run and passed.
export E2E_DONE_FILE="$e2e_dir/passed"
# Tests that start more server processes use the binary this build makes,
# not a release binary left by run.sh or bench.sh.
export SERVER_BIN="$PWD/${CARGO_TARGET_DIR:-target}/debug/server"
DATABASE_URL="sqlite://$e2e_db" cargo leptos end-to-end --split
if [ ! -f "$E2E_DONE_FILE" ]; then
  echo "The browser tests did not run to the end (see the build output above)." >&2
  exit 1
fi
rm -rf "$e2e_dir"
echo "Screenshots of every page the browser tests visited, at each width: end2end/screenshots/"

echo "==> WASM size budget (the release front end; the budget is in end2end/budget.json)"
cargo leptos build --release --precompress --split --frontend-only
# The debug server binary only serves the release files here.
node end2end/weights.mjs --budget
