// The waiting list (キャンセル待ち): a resident joins the line for a taken
// room from its day view, is offered the time when its booking is
// cancelled, and confirms it from the booking's page. As a hydrated SPA and
// with JavaScript disabled; axe-core checks every page of the flow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, waitForServer, launch, expectAccessible, hydrated, newContext, tokyoToday, api, addDays, postJson } from './helpers.mjs';

let browser;

before(async () => {
  await waitForServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** The `skip`th free morning of 会議室2 from today+10 on, with its slot. */
async function freeMorning(skip) {
  const from = addDays(tokyoToday(), 10);
  const body = await api(`/api/v1/facilities/1/availability?from=${from}&to=${addDays(from, 40)}`);
  const unit = body.units.find((u) => u.name === '会議室2');
  const free = unit.slots.filter((s) => s.label === '午前' && s.status === 'free');
  assert.ok(free.length > skip, 'a free morning of 会議室2');
  return { unitId: unit.id, slot: free[skip] };
}

for (const spa of [true, false]) {
  test(`join the waiting list for a taken room, be offered it, confirm it (${spa ? 'SPA' : 'no JavaScript'})`, async () => {
    const { unitId, slot } = await freeMorning(spa ? 0 : 1);
    const date = slot.start.slice(0, 10);
    const first = await postJson('/api/v1/bookings', {
      unit_id: unitId, start: slot.start, end: slot.end,
      name: '佐藤 一郎', name_kana: 'さとう いちろう', phone: '090-5555-0001',
      email: `first-${spa}@example.jp`, purpose: '会議', attendees: 5, resident: true, equipment: [],
    });

    const context = await newContext(browser, { js: spa });
    const page = await context.newPage();
    await page.goto(`${BASE}/facilities/1/days/${date}`);
    if (spa) await hydrated(page);
    await page.getByRole('link', { name: /^会議室2 午前 .* のキャンセル待ちに登録する$/ }).click();
    await page.getByRole('heading', { level: 2, name: 'キャンセル待ちの申込み' }).waitFor();
    await expectAccessible(page);
    await page.getByLabel('氏名').fill('山田 花子');
    await page.getByLabel('ふりがな').fill('やまだ はなこ');
    await page.getByLabel('電話番号').fill('090-5555-0002');
    await page.getByLabel('メールアドレス').fill(`waiter-${spa}@example.jp`);
    await page.getByLabel('利用目的').fill('町内会の会議');
    await page.getByLabel('利用人数').fill('8');
    await page.getByRole('radio', { name: /^町内/ }).check();
    await page.getByRole('button', { name: '入力内容を確認する' }).click();

    // Taken, as expected: the review offers the line.
    await page.getByRole('heading', { level: 2, name: 'キャンセル待ちに登録できます' }).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'キャンセル待ちに登録する' }).click();
    await page.getByRole('heading', { level: 1, name: 'キャンセル待ちの確認' }).waitFor();
    await page.getByText('キャンセル待ちに登録しました。').waitFor();
    await page.getByText('キャンセル待ち 1 番目です。').waitFor();
    await expectAccessible(page);
    const waitUrl = page.url();

    // The booking is cancelled: the time is held for the waiter at once.
    await postJson(`/api/v1/bookings/${first.reference}/cancel`, { email: `first-${spa}@example.jp` });
    await page.goto(waitUrl);
    await page.getByText('この枠をお取り置きしています').waitFor();
    await page.getByRole('link', { name: 'お取り置きした予約を開く' }).click();
    await page.getByRole('heading', { level: 1, name: '予約内容' }).waitFor();
    await page.getByText(/キャンセル待ちの枠が空いたため/).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'この予約を確定する' }).click();
    await page.locator('dd[data-status]').filter({ hasText: '予約確定' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'この予約を確定する' }).count(), 0);
    await expectAccessible(page);
    await context.close();
  });
}
