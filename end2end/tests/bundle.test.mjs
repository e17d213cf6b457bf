// The WASM is split by page: a resident's first pages hydrate from the main
// file alone, and the other pages fetch their own part when first shown,
// whether opened directly or reached by a link inside the hydrated app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, waitForServer, launch, expectAccessible, hydrated, newContext } from './helpers.mjs';

let browser;

before(async () => {
  await waitForServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A page that records the WASM files it fetches. */
async function watchedPage(context) {
  const page = await context.newPage();
  const wasm = new Set();
  page.on('response', (r) => {
    const p = new URL(r.url()).pathname;
    if (p.endsWith('.wasm')) {
      assert.equal(r.status(), 200, `${p} was not served`);
      wasm.add(p);
    }
  });
  return { page, wasm };
}

test('the home page hydrates from the main WASM file alone', async () => {
  const context = await newContext(browser);
  const { page, wasm } = await watchedPage(context);
  await page.goto(`${BASE}/`);
  await hydrated(page);
  await page.waitForLoadState('networkidle');
  assert.deepEqual([...wasm], ['/pkg/town-booking.wasm']);
  await expectAccessible(page);
  await context.close();
});

test('a page opened directly fetches its own part before it hydrates', async () => {
  const context = await newContext(browser);
  const { page, wasm } = await watchedPage(context);
  await page.goto(`${BASE}/visits`);
  await hydrated(page);
  assert.ok(wasm.has('/pkg/town-booking.wasm'));
  assert.ok(wasm.size > 1, `only the main file was fetched: ${[...wasm]}`);
  await page.getByRole('heading', { level: 1, name: '来庁予約：手続きを選ぶ' }).waitFor();
  await expectAccessible(page);
  await context.close();
});

test('a link inside the app loads the next page\'s part without reloading', async () => {
  const context = await newContext(browser);
  const { page, wasm } = await watchedPage(context);
  await page.goto(`${BASE}/`);
  await hydrated(page);
  await page.evaluate(() => { window.__sameDocument = true; });
  const before = wasm.size;
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '予約の確認・取消', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: '予約の確認・取消' }).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page reloaded');
  assert.ok(wasm.size > before, 'no part was fetched for the booking search page');
  await expectAccessible(page);
  await context.close();
});
