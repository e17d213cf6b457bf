// A resident looks at facilities and their availability, with JavaScript
// (hydrated SPA) and without it (server-rendered links only).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, waitForServer, launch, expectAccessible, hydrated, newContext, tokyoToday, addMonths, lastDay, api } from './helpers.mjs';

let browser;

before(async () => {
  await waitForServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** The first date next month with a booked slot at the community centre. */
async function bookedDayNextMonth() {
  const next = addMonths(tokyoToday().slice(0, 7), 1);
  const body = await api(`/api/v1/facilities/1/availability?from=${next}-01&to=${lastDay(next)}`);
  const booked = body.units.flatMap((u) => u.slots).filter((s) => s.status === 'booked');
  assert.ok(booked.length > 0, 'the demo town has bookings next month');
  return booked[0].start.slice(0, 10);
}

async function statusesFromApi(date) {
  const body = await api(`/api/v1/facilities/1/availability?from=${date}&to=${date}`);
  return body.units.flatMap((u) => u.slots.map((s) => s.status));
}

async function walkThrough(page, { spa }) {
  await page.goto(`${BASE}/`);
  await expectAccessible(page);
  if (spa) {
    await hydrated(page);
    await page.evaluate(() => { window.__sameDocument = true; });
  }

  await page.getByRole('link', { name: '施設の空き状況を見る' }).click();
  await page.getByRole('heading', { level: 1, name: '施設一覧' }).waitFor();
  await expectAccessible(page);

  await page.getByRole('link', { name: 'ひだまり町民センターの空き状況を見る' }).click();
  await page.getByRole('heading', { level: 1, name: 'ひだまり町民センター' }).waitFor();
  await expectAccessible(page);

  // Next month: a real calendar table with a closed day that says why.
  const next = addMonths(tokyoToday().slice(0, 7), 1);
  const [y, m] = next.split('-').map(Number);
  await page.getByRole('link', { name: '次の月', exact: true }).click();
  await page.getByRole('table', { name: `ひだまり町民センター ${y}年${m}月` }).waitFor();
  await expectAccessible(page);
  const closed = page.locator('td[data-status="closed"]').first();
  assert.match(await closed.innerText(), /休館/);
  assert.match(await closed.innerText(), /休館日|年末年始|祝日/);

  // January has the New Year closure on a public holiday (元日).
  const january = `${y + (m === 1 ? 0 : 1)}-01`;
  await page.goto(`${BASE}/facilities/1?month=${january}`);
  const newYear = page.locator(`td[data-date="${january}-01"]`);
  assert.match(await newYear.innerText(), /元日/);
  assert.match(await newYear.innerText(), /年末年始/);
  assert.equal(await newYear.getAttribute('data-status'), 'closed');
  await expectAccessible(page);

  // A booked slot next month, reached from the calendar.
  const date = await bookedDayNextMonth();
  await page.goto(`${BASE}/facilities/1?month=${next}`);
  if (spa) {
    await hydrated(page);
    await page.evaluate(() => { window.__sameDocument = true; });
  }
  await page.locator(`td[data-date="${date}"] a`).click();
  const table = page.getByRole('table');
  await table.waitFor();
  await page.waitForURL(`**/facilities/1/days/${date}`);
  await expectAccessible(page);
  assert.ok((await page.getByRole('cell', { name: /予約済/ }).count()) > 0, 'a booked slot is shown');
  assert.ok((await page.getByRole('rowheader', { name: /会議室1/ }).count()) === 1);

  // The page and the API agree for that day.
  const shown = [];
  for (const cell of await page.locator('td[data-status]').all()) shown.push(await cell.getAttribute('data-status'));
  assert.deepEqual(shown, await statusesFromApi(date));

  // Day navigation.
  await page.getByRole('link', { name: '次の日', exact: true }).click();
  await page.waitForURL(/\/days\/\d{4}-\d{2}-\d{2}$/);
  assert.notEqual(page.url().slice(-10), date);
  await expectAccessible(page);

  // With JavaScript, navigation after the last full load stayed in the SPA.
  if (spa) {
    assert.equal(await page.evaluate(() => window.__sameDocument === true), true, 'client-side navigation kept the document');
  }
}

test('resident browses facilities and availability with JavaScript (hydrated SPA)', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await walkThrough(page, { spa: true });
  assert.deepEqual(errors, [], 'no errors in the browser');
  await context.close();
});

test('the same walk works with JavaScript disabled', async () => {
  const context = await newContext(browser, { js: false });
  const page = await context.newPage();
  await walkThrough(page, { spa: false });
  await context.close();
});

test('English is complete and switchable without JavaScript', async () => {
  const context = await newContext(browser, { js: false });
  const page = await context.newPage();
  await page.goto(`${BASE}/facilities/2`);
  await page.getByRole('link', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Hidamari Gymnasium' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Facilities' }).click();
  await page.getByRole('heading', { level: 1, name: 'Facilities' }).waitFor();
  const text = await page.locator('main').innerText();
  assert.doesNotMatch(text, /[ぁ-んァ-ン一-鿿]/, 'no Japanese left on the English facility list');
  await expectAccessible(page);
  await page.getByRole('link', { name: '日本語' }).click();
  await page.getByRole('heading', { level: 1, name: '施設一覧' }).waitFor();
  await context.close();
});

test('unknown pages say so, in words', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const res = await page.goto(`${BASE}/facilities/999`);
  assert.equal(res.status(), 404);
  await page.getByText('その施設は見つかりません').waitFor();
  await expectAccessible(page);
  await context.close();
});
