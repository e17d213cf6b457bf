// A resident books a room, sees it booked, and cancels it: as a hydrated SPA,
// with JavaScript disabled, and for the gym's shared floor. axe-core checks
// every page of the flow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, waitForServer, launch, expectAccessible, hydrated, newContext, tokyoToday, api, addDays } from './helpers.mjs';

let browser;

before(async () => {
  await waitForServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/**
 * The first day from today+5 on where every named unit's `label` period is
 * free: far enough ahead that the cancellation deadline (3 days before,
 * 17:00) has not passed, so the test can cancel online.
 */
async function freeDay(facility, units, label, skip = 0) {
  const from = addDays(tokyoToday(), 5);
  const body = await api(`/api/v1/facilities/${facility}/availability?from=${from}&to=${addDays(from, 40)}`);
  const free = (name) => new Set(body.units.find((u) => u.name === name).slots
    .filter((s) => s.label === label && s.status === 'free').map((s) => s.start.slice(0, 10)));
  const sets = units.map(free);
  const days = [...sets[0]].filter((d) => sets.every((s) => s.has(d))).sort();
  assert.ok(days.length > skip, `a free ${label} for ${units.join(', ')}`);
  return days[skip];
}

async function slotStatus(facility, unit, date, label) {
  const body = await api(`/api/v1/facilities/${facility}/availability?from=${date}&to=${date}`);
  return body.units.find((u) => u.name === unit).slots.find((s) => s.label === label).status;
}

async function fillForm(page, { phone = '090-1234-5678', email }) {
  await page.getByLabel('氏名').fill('山田 花子');
  await page.getByLabel('ふりがな').fill('やまだ はなこ');
  await page.getByLabel('電話番号').fill(phone);
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('利用目的').fill('町内会の会議');
  await page.getByLabel('利用人数').fill('12');
  await page.getByRole('radio', { name: /^町内/ }).check();
}

/** From the day view to the confirmation; returns the reference. */
async function book(page, { spa, facility, date, unit, period, email }) {
  await page.goto(`${BASE}/facilities/${facility}/days/${date}`);
  if (spa) {
    await hydrated(page);
    await page.evaluate(() => { window.__sameDocument = true; });
  }
  await expectAccessible(page);
  await page.getByRole('link', { name: `${unit} ${period} を予約する` }).click();
  await page.getByRole('heading', { level: 1, name: '予約の申込み' }).waitFor();
  await expectAccessible(page);

  // A mistake first: the form comes back saying what to fix, answers kept.
  await fillForm(page, { phone: '090-12', email });
  await page.getByRole('button', { name: '入力内容を確認する' }).click();
  await page.getByRole('alert').filter({ hasText: '入力内容に1件の問題があります' }).waitFor();
  assert.equal(await page.getByLabel('氏名').inputValue(), '山田 花子');
  assert.equal(await page.getByLabel('電話番号').getAttribute('aria-invalid'), 'true');
  await expectAccessible(page);

  await page.getByLabel('電話番号').fill('090-1234-5678');
  await page.getByRole('button', { name: '入力内容を確認する' }).click();
  await page.getByRole('heading', { level: 1, name: '内容の確認' }).waitFor();
  const fee = await page.getByRole('table', { name: '使用料の内訳' }).innerText();
  assert.match(fee, /町内料金/);
  assert.match(fee, /合計\s+[\d,]+円/);
  await expectAccessible(page);

  await page.getByRole('button', { name: '予約を確定する' }).click();
  await page.getByRole('heading', { level: 1, name: /受け付けました/ }).waitFor();
  const reference = (await page.getByTestId('reference').innerText()).trim();
  assert.match(reference, /^[2-9A-HJKMNP-Z]{8}$/);
  await expectAccessible(page);
  if (spa) {
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the flow ran without page loads');
  }
  return reference;
}

async function cancelFromBookingPage(page, reference) {
  await page.goto(`${BASE}/bookings/${reference}`);
  await page.getByRole('heading', { level: 1, name: '予約内容' }).waitFor();
  await expectAccessible(page);
  // Its own calendar URL, shown once, which calendar apps can read.
  await page.getByRole('button', { name: 'カレンダー用の URL を作る' }).click();
  await page.getByTestId('feed-url').waitFor();
  const url = await page.getByTestId('feed-url').inputValue();
  assert.match(url, /\/feeds\/[0-9a-f]{64}\.ics$/);
  const feed = await fetch(url);
  assert.equal(feed.status, 200);
  assert.match(await feed.text(), new RegExp(`X-WR-CALNAME:施設予約 ${reference}`));
  await page.getByRole('button', { name: 'URL を停止する' }).waitFor();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'この予約を取り消す' }).click();
  await page.getByRole('heading', { level: 1, name: '予約の取消' }).waitFor();
  await expectAccessible(page);
  await page.getByRole('button', { name: '取り消す', exact: true }).click();
  await page.getByText('予約を取り消しました。').waitFor();
  assert.match(await page.locator('dd[data-status]').innerText(), /取消済/);
  await expectAccessible(page);
}

for (const spa of [true, false]) {
  test(`book 会議室1 for an afternoon, see it booked, cancel it (${spa ? 'SPA' : 'no JavaScript'})`, async () => {
    const context = await newContext(browser, { js: spa });
    const page = await context.newPage();
    const date = await freeDay(1, ['会議室1'], '午後', spa ? 0 : 1);
    const email = `e2e-${spa ? 'spa' : 'nojs'}@example.jp`;
    const reference = await book(page, { spa, facility: 1, date, unit: '会議室1', period: '午後 13:00–17:00', email });

    // The day view now shows the afternoon booked, in words.
    assert.equal(await slotStatus(1, '会議室1', date, '午後'), 'booked');
    await page.goto(`${BASE}/facilities/1/days/${date}`);
    await page.getByRole('table').waitFor();
    assert.equal(await page.getByRole('link', { name: '会議室1 午後 13:00–17:00 を予約する' }).count(), 0);
    assert.match(await page.locator('tr[data-unit]').filter({ hasText: '会議室1' }).innerText(), /予約済/);

    if (!spa) {
      // Someone else (no session) sees only the find form until they prove it.
      const other = await newContext(browser, { js: false });
      const p2 = await other.newPage();
      await p2.goto(`${BASE}/bookings/${reference}`);
      assert.equal(await p2.getByText(email).count(), 0);
      await p2.getByLabel('メールアドレスまたは電話番号').fill('wrong@example.jp');
      await p2.getByRole('button', { name: '予約を表示する' }).click();
      await p2.getByRole('alert').filter({ hasText: '一致する予約が見つかりません' }).waitFor();
      await expectAccessible(p2);
      await p2.getByLabel('メールアドレスまたは電話番号').fill(email);
      await p2.getByRole('button', { name: '予約を表示する' }).click();
      await p2.getByRole('heading', { level: 1, name: '予約内容' }).waitFor();
      await expectAccessible(p2);
      await cancelFromBookingPage(p2, reference);
      await other.close();
    } else {
      await cancelFromBookingPage(page, reference);
    }

    assert.equal(await slotStatus(1, '会議室1', date, '午後'), 'free');
    await page.goto(`${BASE}/facilities/1/days/${date}`);
    await page.getByRole('link', { name: '会議室1 午後 13:00–17:00 を予約する' }).waitFor();
    await context.close();
  });
}

test('the gym: booking half A blocks the whole floor but not half B', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const date = await freeDay(2, ['体育館 全面', '体育館 半面A', '体育館 半面B'], '夜間');
  const reference = await book(page, {
    spa: true, facility: 2, date, unit: '体育館 半面A', period: '夜間 18:00–21:30', email: 'gym@example.jp',
  });
  await page.goto(`${BASE}/facilities/2/days/${date}`);
  await page.getByRole('table').waitFor();
  await expectAccessible(page);
  assert.equal(await page.getByRole('link', { name: '体育館 全面 夜間 18:00–21:30 を予約する' }).count(), 0);
  assert.equal(await page.getByRole('link', { name: '体育館 半面A 夜間 18:00–21:30 を予約する' }).count(), 0);
  await page.getByRole('link', { name: '体育館 半面B 夜間 18:00–21:30 を予約する' }).waitFor();
  assert.equal(await slotStatus(2, '体育館 全面', date, '夜間'), 'booked');
  // The whole floor cannot be had through the API either.
  const gym = await api('/api/v1/facilities/2');
  const whole = gym.units.find((u) => u.name === '体育館 全面');
  const body = await api(`/api/v1/facilities/2/availability?from=${date}&to=${date}`);
  const slot = body.units.find((u) => u.id === whole.id).slots.find((s) => s.label === '夜間');
  const res = await fetch(`${BASE}/api/v1/bookings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      unit_id: whole.id, start: slot.start, end: slot.end, name: '山田 太郎', name_kana: 'やまだ たろう',
      phone: '090-2222-3333', email: 'whole@example.jp', purpose: 'バレーボール', attendees: 20, resident: true, equipment: [],
    }),
  });
  assert.equal(res.status, 409);
  assert.equal((await res.json()).code, 'slot_taken');
  await cancelFromBookingPage(page, reference);
  assert.equal(await slotStatus(2, '体育館 全面', date, '夜間'), 'free');
  await context.close();
});

test('at 特大 (twice the standard text) on a phone: choose the size, then the whole booking walk', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${BASE}/facilities/1`);
  await hydrated(page);
  // The header's text-size links: a plain link, remembered in a cookie.
  const sizes = page.getByRole('navigation', { name: '文字の大きさ' });
  assert.equal(await sizes.getByRole('link', { name: '標準' }).getAttribute('aria-current'), 'true');
  await sizes.getByRole('link', { name: '特大' }).click();
  await page.locator('html[data-text-size="largest"]').waitFor({ state: 'attached' });
  assert.equal(new URL(page.url()).pathname, '/facilities/1', 'back on the same page');
  assert.equal(await sizes.getByRole('link', { name: '特大' }).getAttribute('aria-current'), 'true');
  // Twice the standard root size (112.5 % of the browser's 16 px).
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), '36px');
  await expectAccessible(page);

  const date = await freeDay(1, ['会議室1'], '午後', 2);
  const reference = await book(page, {
    spa: true, facility: 1, date, unit: '会議室1', period: '午後 13:00–17:00', email: 'e2e-large@example.jp',
  });
  await cancelFromBookingPage(page, reference);
  await sizes.getByRole('link', { name: '標準' }).click();
  await page.locator('html[data-text-size="standard"]').waitFor({ state: 'attached' });
  await context.close();
});
