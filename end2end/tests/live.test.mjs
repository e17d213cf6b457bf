// Live availability: two residents look at the same day; one books, and the
// other's page shows the time as booked within a second, without a reload.
// A third has the booking form for that time open and is told it was taken
// before submitting. axe-core checks the pages after they changed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, waitForServer, launch, expectAccessible, hydrated, newContext, tokyoToday, api } from './helpers.mjs';

let browser;

before(async () => {
  await waitForServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The date of a free morning of 会議室2, three weeks ahead or later. */
async function freeMorning() {
  const from = addDays(tokyoToday(), 21);
  const body = await api(`/api/v1/facilities/1/availability?from=${from}&to=${addDays(from, 30)}`);
  const unit = body.units.find((u) => u.name === '会議室2');
  const slot = unit.slots.find((s) => s.label === '午前' && s.status === 'free');
  assert.ok(slot, 'a free morning of 会議室2');
  return slot.start.slice(0, 10);
}

test('a booking shows on every open page within a second, without reload', async () => {
  const date = await freeMorning();
  const dayUrl = `${BASE}/facilities/1/days/${date}`;
  const bookLink = { name: /^会議室2 午前/ };

  // B watches the day; C has the form for the same time open.
  const watcher = await newContext(browser);
  const b = await watcher.newPage();
  await b.goto(dayUrl);
  await hydrated(b);
  await b.evaluate(() => { window.__sameDocument = true; });
  assert.equal(await b.getByRole('link', bookLink).count(), 1);

  const other = await newContext(browser);
  const c = await other.newPage();
  await c.goto(dayUrl);
  await hydrated(c);
  await c.getByRole('link', bookLink).click();
  await c.getByRole('heading', { level: 1, name: '予約の申込み' }).waitFor();

  // A books it through the form.
  const booker = await newContext(browser);
  const a = await booker.newPage();
  await a.goto(dayUrl);
  await hydrated(a);
  await a.getByRole('link', bookLink).click();
  await a.getByRole('heading', { level: 1, name: '予約の申込み' }).waitFor();
  await a.getByLabel('氏名').fill('山田 花子');
  await a.getByLabel('ふりがな').fill('やまだ はなこ');
  await a.getByLabel('電話番号').fill('090-5555-0101');
  await a.getByLabel('メールアドレス').fill('live@example.jp');
  await a.getByLabel('利用目的').fill('町内会の会議');
  await a.getByLabel('利用人数').fill('8');
  await a.getByRole('radio', { name: /^町内/ }).check();
  await a.getByRole('button', { name: '入力内容を確認する' }).click();
  await a.getByRole('heading', { level: 1, name: '内容の確認' }).waitFor();
  await a.getByRole('button', { name: '予約を確定する' }).click();
  await a.getByRole('heading', { level: 1, name: /受け付けました/ }).waitFor();

  // Within a second of the confirmation page (the commit came before it).
  await b.getByRole('link', bookLink).waitFor({ state: 'detached', timeout: 1_000 });
  await b.getByRole('status').filter({ hasText: '空き状況が変わりました' }).waitFor({ timeout: 1_000 });
  await c.getByRole('alert').filter({ hasText: 'ほかの方の予約が入りました' }).waitFor({ timeout: 1_000 });
  assert.equal(await b.evaluate(() => window.__sameDocument), true, 'no reload');
  await expectAccessible(b);
  await expectAccessible(c);

  await booker.close();
  await watcher.close();
  await other.close();
});
