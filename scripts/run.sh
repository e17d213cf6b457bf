#!/usr/bin/env bash
# Installs what is missing, then builds (release) and starts the app with the
# demo town on SQLite at http://127.0.0.1:3000. Data lives in ./data/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
exec cargo leptos serve --release --precompress --split
