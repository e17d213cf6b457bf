// What the browser downloads to make each entry page interactive: the WASM
// and JavaScript files it fetched until the page hydrated, as the brotli
// files the server sends (`.br`, from `cargo leptos build --release
// --precompress`). Run by `bash scripts/bench.sh`; see
// docs/BENCHMARKS.md. Starts the release server binary itself on a free
// port over a throw-away SQLite file, so nothing else needs to run.
//
//   node end2end/weights.mjs            # prints a Markdown table
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './tests/helpers.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PKG = path.join(ROOT, 'target/site/pkg');
const PORT = 3199;
const BASE = `http://127.0.0.1:${PORT}`;

const PAGES = [
  ['home', '/'],
  ['facility list', '/facilities'],
  ['facility month', '/facilities/1'],
  ['facility day', `/facilities/1/days/${new Date(Date.now() + 9 * 3600e3 + 7 * 86400e3).toISOString().slice(0, 10)}`],
  ['booking search', '/bookings'],
  ['visit procedures', '/visits'],
  ['staff sign-in', '/console/login'],
];

function brotliBytes(urlPath) {
  const file = path.join(PKG, path.basename(urlPath));
  const br = `${file}.br`;
  if (existsSync(br)) return statSync(br).size;
  throw new Error(`${br} is missing: build with cargo leptos build --release --precompress`);
}

const dir = mkdtempSync(path.join(tmpdir(), 'weights-'));
const server = spawn(path.join(ROOT, 'target/release/server'), ['serve'], {
  cwd: ROOT,
  env: {
    ...process.env,
    DATABASE_URL: `sqlite://${dir}/weights.db`,
    LEPTOS_OUTPUT_NAME: 'town-booking',
    LEPTOS_SITE_ROOT: 'target/site',
    LEPTOS_SITE_PKG_DIR: 'pkg',
    LEPTOS_SITE_ADDR: `127.0.0.1:${PORT}`,
    RUST_LOG: 'warn',
  },
  stdio: 'ignore',
});

try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    if (i > 600) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  const browser = await launch();
  console.log('| entry page | WASM files | WASM, brotli | JavaScript, brotli |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, url] of PAGES) {
    const context = await browser.newContext({ locale: 'ja-JP' });
    const page = await context.newPage();
    const fetched = new Set();
    page.on('request', (r) => {
      const p = new URL(r.url()).pathname;
      if (p.startsWith('/pkg/') && /\.(wasm|js)$/.test(p)) fetched.add(p);
    });
    await page.goto(`${BASE}${url}`);
    await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    const wasm = [...fetched].filter((p) => p.endsWith('.wasm'));
    const js = [...fetched].filter((p) => p.endsWith('.js'));
    const sum = (list) => list.reduce((n, p) => n + brotliBytes(p), 0);
    const kb = (n) => `${n.toLocaleString('en')} B (${(n / 1024).toFixed(1)} KiB)`;
    console.log(`| ${name} (\`${url.replace(/\d{4}-\d{2}-\d{2}/, 'DATE')}\`) | ${wasm.length} | ${kb(sum(wasm))} | ${kb(sum(js))} |`);
    await context.close();
  }
  await browser.close();
} finally {
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
