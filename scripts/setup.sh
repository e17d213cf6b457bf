#!/usr/bin/env bash
# Installs whatever is missing to build and run the app (and, with --test, to
# run every test). Safe to run again: each step is skipped when already done.
# Needs only the package registries (crates.io, npm, Debian) and rustup.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=false
[ "${1:-}" = "--test" ] && want_tests=true

say() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

LEPTOS_VERSION=0.3.10
if ! cargo leptos --version 2>/dev/null | grep -q "$LEPTOS_VERSION"; then
  say "Installing cargo-leptos $LEPTOS_VERSION (about 13 minutes on 2 cores)"
  cargo install cargo-leptos --version "$LEPTOS_VERSION" --locked
fi

# The wasm-bindgen CLI must match the library version in Cargo.lock exactly.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WB_VERSION"; then
  say "Installing wasm-bindgen-cli $WB_VERSION"
  if ! cargo install wasm-bindgen-cli --version "$WB_VERSION" --locked; then
    # Its lock file pins a webpki-roots release that is no longer installable;
    # rebuild from the downloaded source with that one dependency moved.
    src=$(ls -d "$HOME"/.cargo/registry/src/*/wasm-bindgen-cli-"$WB_VERSION" | head -n 1)
    work=$(mktemp -d)
    cp -r "$src" "$work/cli"
    (cd "$work/cli" && cargo update -p webpki-roots --precise 1.0.10 && cargo install --path . --locked)
    rm -rf "$work"
  fi
fi

# wasm-opt comes from npm's binaryen (Debian's is too old and breaks the WASM).
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || { $want_tests && [ ! -d end2end/node_modules/ical.js ]; }; then
  say "Installing Node packages (binaryen, Playwright, axe-core, ical.js)"
  (cd end2end && npm ci --no-audit --no-fund)
fi

if $want_tests; then
  if ! command -v chromium >/dev/null 2>&1; then
    say "Installing Debian's Chromium for the browser tests"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  fi
  # Japanese fonts, so the layout tests and screenshots see the pages as
  # residents' phones draw them (without them CJK text falls back to boxes).
  if ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
    say "Installing Japanese fonts (fonts-noto-cjk) for the browser tests"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-noto-cjk
  fi
  # A real SMTP server on loopback for the mail tests.
  if ! python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
    say "Installing aiosmtpd (SMTP server for the mail tests)"
    python3 -m pip install --quiet aiosmtpd
  fi
  # A second, independent calendar parser for the feed tests.
  if ! python3 -c 'import icalendar' >/dev/null 2>&1; then
    say "Installing icalendar (Python calendar parser for the feed tests)"
    python3 -m pip install --quiet icalendar
  fi
  if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "Starting the local PostgreSQL server"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
fi
