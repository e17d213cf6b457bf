// Shared set-up for the browser tests: Debian's Chromium through
// playwright-core, the server that `cargo leptos end-to-end` started, and
// axe-core on every page a test visits.
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
  const results = await new AxeBuilder({ page: target })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(summary, [], `axe violations on ${page.url()}`);
  try {
    await expectFits(target, { noJs: jsDisabled });
  } finally {
    await shadow?.close();
  }
}

/** The widths every visited page is checked at: small and common phones, a tablet, a desk. */
export const WIDTHS = [320, 390, 768, 1280];

/** Where the screenshots go (kept by CI for people to look at; never compared). */
export const SCREENSHOTS = process.env.E2E_SCREENSHOTS
  ?? fileURLToPath(new URL('../screenshots/', import.meta.url));
const shot = new Set();

/**
 * The page at each of `WIDTHS`: not wider than the viewport (data tables
 * scroll inside their own region), no text escaping its table cell, no
 * value or cell narrower than 4 em holding more than six characters, and on
 * residents' pages every tap target at least 44 × 44 px. The first visit of
 * each kind of page (its path, with numbers, dates and references
 * generalised) is photographed at each width.
 */
export async function expectFits(page, { noJs = false } = {}) {
  const before = page.viewportSize();
  const path = new URL(page.url()).pathname;
  const resident = !/^\/(console|display)(\/|$)/.test(path);
  const size = await page.evaluate(() => document.documentElement.dataset.textSize ?? 'standard');
  const kind = (path.replace(/\/\d{4}-\d{2}-\d{2}/g, '/DATE').replace(/\/\d+/g, '/N')
    .replace(/\/[2-9A-HJKMNP-Z]{8}(?=\/|$)/g, '/REF').replace(/^\/$/, '/home').slice(1).replaceAll('/', '_'))
    + (noJs ? '-nojs' : '') + (size === 'standard' ? '' : `-${size}`);
  try {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width < 768 ? 844 : 900 });
      const problems = await page.evaluate(layoutProblems, { resident });
      const key = `${kind}-${width}${problems.length ? '-FAILED' : ''}`;
      if (!shot.has(key)) {
        shot.add(key);
        mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: `${SCREENSHOTS}/${key}.png`, fullPage: true });
      }
      assert.deepEqual(problems, [], `layout of ${page.url()} at ${width}px (text ${size})`);
    }
  } finally {
    if (before) await page.setViewportSize(before);
  }
}

/** Runs in the page: what does not fit, in words (empty when all fits). */
function layoutProblems({ resident }) {
  const problems = [];
  const name = (el) => {
    const text = (el.innerText ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.className ? ` class="${el.className}"` : ''}> "${text}"`;
  };
  // Hidden from sight (display: none, or clipped like .vh): not laid out text.
  const unseen = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden') return true;
      if (s.position === 'absolute' && s.overflow === 'hidden' && e.getBoundingClientRect().width <= 1) return true;
    }
    return false;
  };
  const texts = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const out = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.textContent.trim() && !unseen(n.parentElement)) out.push(n);
    }
    return out;
  };
  // Inside a region that scrolls sideways on its own (a wide data table).
  const scrolls = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(e).overflowX)) return true;
    }
    return false;
  };

  const viewport = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > viewport + 1) {
    // What reaches past the right edge: words that do not wrap, or boxes.
    const words = texts(document.body).filter((t) => !scrolls(t.parentElement)).filter((t) => {
      const range = document.createRange();
      range.selectNodeContents(t);
      return [...range.getClientRects()].some((r) => r.right > viewport + 1);
    }).map((t) => `"${t.textContent.trim().slice(0, 40)}" in ${name(t.parentElement)}`);
    // A box past the edge that no narrower ancestor clips (outermost first).
    const clipped = (e) => {
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= viewport + 1) return true;
      }
      return false;
    };
    const boxes = [...document.body.querySelectorAll('*')]
      .filter((e) => e.getBoundingClientRect().right > viewport + 1 && !clipped(e))
      .map(name);
    const wide = [...words, ...boxes].slice(0, 3);
    problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${viewport}px viewport: ${wide.join('; ')}`);
  }

  for (const cell of document.querySelectorAll('td, th')) {
    const box = cell.getBoundingClientRect();
    if (box.width === 0 || unseen(cell)) continue;
    for (const t of texts(cell)) {
      const range = document.createRange();
      range.selectNodeContents(t);
      const out = [...range.getClientRects()].some((r) => r.width > 0
        && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1));
      if (out) {
        problems.push(`text escapes its cell: "${t.textContent.trim().slice(0, 30)}" in ${name(cell)}`);
        break;
      }
    }
  }

  for (const el of document.querySelectorAll('dd, td')) {
    const width = el.getBoundingClientRect().width;
    if (width === 0 || unseen(el)) continue;
    const em = parseFloat(getComputedStyle(el).fontSize);
    const chars = texts(el).map((t) => t.textContent.replace(/\s/g, '')).join('');
    if (width < 4 * em && [...chars].length > 6) {
      problems.push(`${[...chars].length} characters in a ${Math.round(width)}px (${(width / em).toFixed(1)} em) ${name(el)}`);
    }
  }

  if (resident) {
    const targets = document.querySelectorAll('a[href], button, select, textarea, summary, input:not([type="hidden"])');
    for (const el of targets) {
      if (unseen(el)) continue;
      // A radio or checkbox is tapped through its label's row.
      const target = ['radio', 'checkbox'].includes(el.type) ? (el.closest('.choice, label') ?? el) : el;
      const box = target.getBoundingClientRect();
      if (box.width === 0 || box.right < 0) continue; // the skip link, until focused
      // A link inside a sentence is exempt (WCAG 2.5.8), as the browser lays it out.
      if (el.tagName === 'A' && getComputedStyle(el).display === 'inline') {
        const block = el.parentElement;
        if (block && block.textContent.trim() !== el.textContent.trim()) continue;
      }
      if (box.width < 43.5 || box.height < 43.5) {
        problems.push(`a ${Math.round(box.width)}×${Math.round(box.height)}px tap target: ${name(target)}`);
      }
    }
  }
  return problems;
}

/** Today's date and month in Tokyo, as the server sees them. */
export function tokyoToday() {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return parts; // YYYY-MM-DD
}

/** The date `n` days after `date` (both YYYY-MM-DD). */
export function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Posts JSON to the app's API from its own origin; the answer, which must be a success. */
export async function postJson(path, body) {
  const res = await fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BASE },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  assert.ok(res.ok, `${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
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

/**
 * At a desk's width (1280 × 900) nothing scrolls sideways, not even a data
 * table inside its own scroll region: for the managers' day and week
 * timelines, which must be readable at a glance.
 */
export async function expectNoSidewaysScroll(page) {
  const before = page.viewportSize();
  try {
    await page.setViewportSize({ width: 1280, height: 900 });
    const wide = await page.evaluate(() => [...document.querySelectorAll('*')]
      .filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
      .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}"> ${e.scrollWidth}px of content in ${e.clientWidth}px`));
    assert.deepEqual(wide, [], `${page.url()} scrolls sideways at 1280px`);
  } finally {
    if (before) await page.setViewportSize(before);
  }
}
