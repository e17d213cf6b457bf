// A booking as a series (定期利用): a club books the same morning every
// week; the review shows the one date already taken and why, the club books
// only the free dates, sees every date on the booking's page, and cancels
// them all from the first. As a hydrated SPA and with JavaScript disabled;
// axe-core checks every page of the flow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, waitForServer, launch, expectAccessible, expectFits, hydrated, newContext, tokyoToday, api, addDays, postJson,
} from './helpers.mjs';

let browser;

before(async () => {
  await waitForServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/**
 * The first morning of 会議室2 from today+10 on that is free, as is the
 * same morning two weeks later, while the week between is free or booked.
 */
async function freeFortnight() {
  const from = addDays(tokyoToday(), 10);
  const body = await api(`/api/v1/facilities/1/availability?from=${from}&to=${addDays(from, 70)}`);
  const unit = body.units.find((u) => u.name === '会議室2');
  const mornings = new Map(unit.slots.filter((s) => s.label === '午前').map((s) => [s.start, s]));
  const later = (start, n) => `${addDays(start.slice(0, 10), n)}${start.slice(10)}`;
  const slot = [...mornings.values()].find((s) => s.status === 'free'
    && mornings.get(later(s.start, 14))?.status === 'free'
    && ['free', 'booked'].includes(mornings.get(later(s.start, 7))?.status));
  assert.ok(slot, 'a free morning of 会議室2 with the same morning free two weeks later');
  const middle = mornings.get(later(slot.start, 7));
  return { unitId: unit.id, slot, middle };
}

for (const spa of [true, false]) {
  test(`book a weekly series, only the free dates, then cancel the rest (${spa ? 'SPA' : 'no JavaScript'})`, async () => {
    const { unitId, slot, middle } = await freeFortnight();
    const date = slot.start.slice(0, 10);
    // The week between is someone else's.
    if (middle.status === 'free') {
      await postJson('/api/v1/bookings', {
        unit_id: unitId, start: middle.start, end: middle.end,
        name: '佐藤 一郎', name_kana: 'さとう いちろう', phone: '090-5555-0101',
        email: `other-${spa}@example.jp`, purpose: '会議', attendees: 5, resident: true, equipment: [],
      });
    }

    const context = await newContext(browser, { js: spa });
    const page = await context.newPage();
    await page.goto(`${BASE}/facilities/1/days/${date}`);
    if (spa) await hydrated(page);
    await page.getByRole('link', { name: /^会議室2 午前 .* を予約する$/ }).click();
    await page.getByRole('group', { name: /^くり返し予約（定期利用）/ }).waitFor();
    await page.getByLabel('氏名').fill('山田 花子');
    await page.getByLabel('ふりがな').fill('やまだ はなこ');
    await page.getByLabel('電話番号').fill('090-5555-0102');
    await page.getByLabel('メールアドレス').fill(`club-${spa}@example.jp`);
    await page.getByLabel('利用目的').fill('体操クラブの練習');
    await page.getByLabel('利用人数').fill('8');
    await page.getByRole('radio', { name: /^町内/ }).check();
    await page.getByLabel('くり返し', { exact: true }).selectOption('1');
    await page.getByLabel('最終日').fill(addDays(date, 14));
    await expectAccessible(page);
    await expectFits(page, { noJs: !spa });
    await page.getByRole('button', { name: '入力内容を確認する' }).click();

    // The review lists the three dates; the second cannot be booked.
    await page.getByRole('heading', { level: 2, name: 'くり返し予約（定期利用）' }).waitFor();
    await page.getByText(/全3回のうち2回を予約できます/).waitFor();
    const rows = page.locator('table.series-table tbody tr');
    assert.equal(await rows.count(), 3);
    assert.match(await rows.nth(1).innerText(), /予約できません：/);
    assert.match(await rows.nth(0).innerText(), /予約できます/);
    await expectAccessible(page);
    await expectFits(page, { noJs: !spa });
    await page.getByRole('button', { name: '予約できる2回だけ予約する' }).click();

    // Done: the first date, with the series' two dates listed.
    await page.locator('[data-testid=reference]').waitFor();
    const reference = (await page.locator('[data-testid=reference]').innerText()).trim();
    const dates = page.locator('.series-list li');
    assert.equal(await dates.count(), 2);
    await expectAccessible(page);
    await expectFits(page, { noJs: !spa });

    // The second date's own page, from the list.
    await dates.nth(1).getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: '予約内容' }).waitFor();
    await page.locator('.series-list [aria-current=true]').waitFor();
    await expectAccessible(page);

    // Cancel from the first date: this one and the later one, at once.
    await page.goto(`${BASE}/bookings/${reference}/cancel`);
    if (spa) await hydrated(page);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'この回以降の2回をまとめて取り消す' }).click();
    await page.locator('dd[data-status]').filter({ hasText: '取消済' }).waitFor();
    assert.equal(await page.locator('.series-list li', { hasText: '取消済' }).count(), 2);
    await expectAccessible(page);
    await context.close();
  });
}
