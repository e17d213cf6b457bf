// What the browser downloads to make each entry page interactive: the WASM
// and JavaScript files it fetched until the page hydrated, as the brotli
// files the server sends (`.br`, from `cargo leptos build --release
// --precompress`). Run by `bash scripts/bench.sh`; see
// docs/BENCHMARKS.md. Starts the server binary itself (serve.mjs) on its
// own port over a throw-away SQLite file, so nothing else needs to run.
//
//   node end2end/weights.mjs            # prints a Markdown table
//   node end2end/weights.mjs --budget   # fails when the home page's WASM
//                                       # exceeds end2end/budget.json
//
// SERVER_BIN chooses the server binary (default: the release one); it only
// serves the files, so the test run uses its debug binary with a release
// front end.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { launch } from './tests/helpers.mjs';
import { ROOT, startServer } from './serve.mjs';

const PKG = path.join(ROOT, 'target/site/pkg');

const BUDGET = process.argv.includes('--budget');
const HOME = ['home', '/'];
const PAGES = BUDGET ? [HOME] : [
  HOME,
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

const { base: BASE, stop } = await startServer({ port: 3199 });
try {
  const browser = await launch();
  if (!BUDGET) {
    console.log('| entry page | WASM files | WASM, brotli | JavaScript, brotli |');
    console.log('| --- | --- | --- | --- |');
  }
  for (const [name, url] of PAGES) {
    const context = await browser.newContext({ locale: 'ja-JP' });
    const page = await context.newPage();
    const fetched = new Set();
    page.on('request', (r) => {
      const p = new URL(r.url()).pathname;
      if (p.startsWith('/pkg/') && /\.(wasm|js)$/.test(p)) fetched.add(p);
    });
    await page.goto(`${BASE}${url}`);
    // The budget check serves the release files from the test run's debug
    // server, whose pages do not hydrate with them: what the page fetched
    // is all it counts. The bench waits until the page is live.
    if (!BUDGET) await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    const wasm = [...fetched].filter((p) => p.endsWith('.wasm'));
    const js = [...fetched].filter((p) => p.endsWith('.js'));
    const sum = (list) => list.reduce((n, p) => n + brotliBytes(p), 0);
    const kb = (n) => `${n.toLocaleString('en')} B (${(n / 1024).toFixed(1)} KiB)`;
    if (BUDGET) {
      // The one place the budget is kept; lower it as the bundle shrinks.
      const budget = JSON.parse(readFileSync(path.join(ROOT, 'end2end/budget.json'), 'utf8'));
      const sent = sum(wasm);
      console.log(`the home page's WASM: ${kb(sent)} brotli; budget ${kb(budget.home_wasm_brotli_bytes)}`);
      if (sent > budget.home_wasm_brotli_bytes) {
        process.exitCode = 1;
        console.error('Over the WASM budget: make the first page lighter (split what it does not need) '
          + 'or, for a reason worth the bytes, raise end2end/budget.json and say why in docs/BENCHMARKS.md.');
      }
      await context.close();
      continue;
    }
    console.log(`| ${name} (\`${url.replace(/\d{4}-\d{2}-\d{2}/, 'DATE')}\`) | ${wasm.length} | ${kb(sum(wasm))} | ${kb(sum(js))} |`);
    await context.close();
  }
  await browser.close();
} finally {
  stop();
}
