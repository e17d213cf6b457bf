import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch } from './tests/helpers.mjs';
const ROOT = path.resolve('..');
const dir = mkdtempSync(path.join(tmpdir(), 'probe-'));
const server = spawn(path.join(ROOT, 'target/debug/server'), ['serve'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: `sqlite://${dir}/p.db`, LEPTOS_OUTPUT_NAME: 'town-booking', LEPTOS_SITE_ROOT: 'target/site', LEPTOS_SITE_PKG_DIR: 'pkg', LEPTOS_SITE_ADDR: '127.0.0.1:3198', RUST_LOG: 'warn' }, stdio: 'ignore' });
const B = 'http://127.0.0.1:3198';
for (let i = 0; ; i++) { try { if ((await fetch(`${B}/healthz`)).ok) break; } catch {} await new Promise(r => setTimeout(r, 200)); }
const browser = await launch();
const page = await browser.newPage();
page.on('console', async m => { const args = await Promise.all(m.args().map(a => a.evaluate(x => x instanceof Node ? (x.outerHTML ?? ('#' + x.nodeName + ':' + x.textContent)).slice(0, 300) : String(x)).catch(() => '?'))); console.log('console:', args.join(' | ').slice(0, 1500)); });
for (const url of process.argv.slice(2)) {
  await page.goto(B + url);
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 20000 }).catch(() => console.log('no hydrated'));
  await page.waitForTimeout(1500);
  console.log(url, await page.evaluate(() => document.title));
}
await browser.close(); server.kill();
