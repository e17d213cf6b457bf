// Shared set-up for the browser tests: Debian's Chromium through
// playwright-core, the server that `cargo leptos end-to-end` started, and
// axe-core on every page a test visits.
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';

export const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';

/** Waits until the server answers (cargo-leptos does not wait for it). */
export async function waitForServer(timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${BASE}/healthz`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`server at ${BASE} did not start`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

const withoutJs = new WeakSet();

/** A fresh browser context in Japanese; `{ js: false }` disables JavaScript. */
export async function newContext(browser, { js = true } = {}) {
  const context = await browser.newContext({ locale: 'ja-JP', javaScriptEnabled: js });
  context.setDefaultTimeout(15_000);
  if (!js) withoutJs.add(context);
  // Anything the Content-Security-Policy blocks is reported on the console.
  context.on('page', (page) => {
    const seen = [];
    cspReports.set(page, seen);
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
    });
  });
  return context;
}

/** Console reports of what the Content-Security-Policy blocked, per page. */
const cspReports = new WeakMap();

/**
 * Runs axe-core (WCAG 2.0 A/AA and 2.1 AA) and fails on any violation.
 * axe needs JavaScript; for a page in a JavaScript-disabled context the same
 * URL is opened, with the same cookies, in a JavaScript-enabled context whose
 * app bundle is blocked, so axe sees exactly the server-rendered page.
 */
export async function expectAccessible(page) {
  const jsDisabled = withoutJs.has(page.context());
  let target = page;
  let shadow;
  if (!jsDisabled) {
    // The page as it settles: a page still hydrating its lazy part may be
    // between two states of its <head> (axe once caught it without <title>).
    await hydrated(page);
  }
  if (jsDisabled) {
    shadow = await page.context().browser().newContext({ locale: 'ja-JP' });
    await shadow.addCookies(await page.context().cookies());
    await shadow.route('**/pkg/*.{js,wasm}', (route) => route.abort());
    target = await shadow.newPage();
    await target.goto(page.url());
  }
  const results = await new AxeBuilder({ page: target }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  await shadow?.close();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(summary, [], `axe violations on ${page.url()}`);
}

/** Today's date and month in Tokyo, as the server sees them. */
export function tokyoToday() {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return parts; // YYYY-MM-DD
}

export function addMonths(yyyyMm, n) {
  const [y, m] = yyyyMm.split('-').map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function lastDay(yyyyMm) {
  const [y, m] = yyyyMm.split('-').map(Number);
  return `${yyyyMm}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/** With JavaScript, waits until the app has hydrated (it marks <html>). */
export async function hydrated(page) {
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
  // Hydration ran under the nonce policy, and the policy blocked nothing.
  assert.deepEqual(cspReports.get(page) ?? [], [], 'the Content-Security-Policy blocked something');
}

export async function api(path) {
  const res = await fetch(`${BASE}${path}`);
  assert.equal(res.status, 200, `${path}`);
  return res.json();
}
