// Town-hall visit appointments (来庁予約), end to end in Chromium:
//   1. a resident finds マイナンバーカード受取, sees what to bring, picks a day
//      and a time, and gets a reference (with its QR code);
//   2. an administrator (made by `server create-admin`, signed in with TOTP)
//      marks the serving staff member absent at that time; the screen lists
//      the appointment, and it is handed to the other qualified member;
//   3. the resident's page shows the new member, same time, still booked.
// Without JavaScript throughout (server-rendered forms); axe on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, waitForServer, launch, expectAccessible, newContext, tokyoToday, api, addDays } from './helpers.mjs';
import { freshCode, runServerCommand, expectShown } from './staff.mjs';

const RUN = Date.now().toString(36);
const TAIL = String(Date.now() % 10_000).padStart(4, '0');
const ADMIN = { email: `e2e-visits-admin-${RUN}@town.example`, password: 'correct horse battery staple' };
const RESIDENT = { name: '鈴木 花子', kana: 'すずき はなこ', phone: `080-2001-${TAIL}`, email: `e2e-visit-${RUN}@example.jp` };
const CARD = 'マイナンバーカード受取';

let browser;
const contexts = [];
const state = {};

before(async () => {
  await waitForServer();
  browser = await launch();
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
});

async function page(opts = { js: false }) {
  const c = await newContext(browser, opts);
  contexts.push(c);
  return c.newPage();
}

/** A Monday, Wednesday or Friday from today+3 on where two members can take 9:00. */
async function twoFreeAtNine(procedure) {
  for (let n = 3; n < 40; n += 1) {
    const date = addDays(tokyoToday(), n);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (![1, 3, 5].includes(weekday)) continue;
    const body = await api(`/api/v1/procedures/${procedure}/availability?date=${date}`);
    const nine = body.times.find((t) => t.start === `${date}T09:00:00+09:00`);
    if (nine && nine.remaining >= 2) return date;
  }
  assert.fail('no Monday, Wednesday or Friday with two free members at 9:00 in the coming weeks');
}

test('a resident books マイナンバーカード受取, sees what to bring and gets a reference', async () => {
  const procedures = await api('/api/v1/procedures');
  const card = procedures.find((p) => p.name === CARD);
  assert.ok(card, 'the demo town offers My Number card collection');
  const date = await twoFreeAtNine(card.id);

  const p = await page();
  await p.goto(`${BASE}/visits`);
  await p.getByRole('heading', { level: 1, name: '来庁予約：手続きを選ぶ' }).waitFor();
  await expectAccessible(p);
  // Search by reading, in katakana.
  await p.getByLabel('手続きを探す（ひらがな・カタカナ・漢字）').fill('マイナンバー');
  await p.getByRole('button', { name: '探す' }).click();
  await p.getByRole('link', { name: CARD }).click();
  await p.getByRole('heading', { level: 1, name: CARD }).waitFor();
  const bring = p.getByRole('heading', { level: 3, name: '持ち物' });
  await bring.waitFor();
  assert.ok((await p.locator('main').innerText()).includes('交付通知書（はがき）'), 'what to bring is listed');
  await expectAccessible(p);

  // The day through the date form, then the 9:00 start.
  await p.getByLabel('日付', { exact: true }).fill(date);
  await p.getByRole('button', { name: 'この日の空き時間を見る' }).click();
  await p.getByRole('link', { name: '9:00–9:30', exact: true }).click();
  await p.getByRole('heading', { level: 1, name: '来庁予約の申込み' }).waitFor();
  await expectAccessible(p);
  await p.getByLabel('氏名').fill(RESIDENT.name);
  await p.getByLabel('ふりがな').fill(RESIDENT.kana);
  await p.getByLabel('電話番号').fill(RESIDENT.phone);
  await p.getByLabel('メールアドレス').fill(RESIDENT.email);
  await p.getByRole('button', { name: '予約を確定する' }).click();
  await expectShown(p, p.getByRole('heading', { level: 1, name: '来庁予約の内容' }), 'the appointment page');
  const reference = (await p.getByTestId('visit-reference').innerText()).trim();
  assert.match(reference, /^[2-9A-HJKMNP-Z]{8}$/);
  assert.equal((await p.locator('dd[data-status]').innerText()).trim(), '予約済');
  await p.getByRole('img', { name: '受付番号のQRコード' }).waitFor();
  const staff = (await p.getByTestId('visit-staff').innerText()).trim();
  assert.ok(staff.length > 0, 'the serving member is named');
  assert.ok(!p.url().includes(RESIDENT.email) && !p.url().includes('2001'), 'no personal data in the address');
  await expectAccessible(p);
  Object.assign(state, { page: p, reference, staff, date });
});

test('staff mark the member absent, see the appointment listed and hand it over; the resident sees the change', async (t) => {
  if (!state.reference) {
    t.skip('needs the appointment from the first step');
    return;
  }
  const made = await runServerCommand(['create-admin', ADMIN.email], `${ADMIN.password}\n`);
  assert.equal(made.code, 0, `create-admin failed:\n${made.stdout}\n${made.stderr}`);
  const secret = made.stdout.match(/TOTP secret[^:\n]*:\s*([A-Z2-7]+=*)\s*$/m)?.[1];
  assert.ok(secret, made.stdout);

  const admin = await page();
  await admin.goto(`${BASE}/console/login`);
  await admin.getByLabel('メールアドレス', { exact: true }).fill(ADMIN.email);
  await admin.getByLabel('パスワード', { exact: true }).fill(ADMIN.password);
  await admin.getByRole('button', { name: 'ログイン', exact: true }).click();
  await admin.getByLabel('確認コード（6桁）').fill(await freshCode(secret));
  await admin.getByRole('button', { name: '確認', exact: true }).click();
  await expectShown(admin, admin.getByRole('heading', { level: 1, name: '管理画面' }), 'the admin signs in');

  // The day's list at the counters.
  await admin.getByRole('navigation', { name: '管理メニュー' }).getByRole('link', { name: '来庁予約', exact: true }).click();
  await admin.getByRole('heading', { level: 1, name: /^来庁予約（窓口）/ }).waitFor();
  await admin.goto(`${BASE}/console/visits?date=${state.date}`);
  const row = admin.getByRole('row').filter({ hasText: state.reference });
  await row.waitFor();
  assert.match(await row.innerText(), /予約済/);
  await expectAccessible(admin);

  // The absence: it meets the appointment, which goes to the other member.
  await admin.getByRole('link', { name: '職員の不在を登録' }).click();
  await admin.getByRole('heading', { level: 1, name: '職員の不在の登録' }).waitFor();
  await expectAccessible(admin);
  await admin.getByLabel('職員', { exact: true }).selectOption({ label: state.staff });
  await admin.getByLabel('日付', { exact: true }).fill(state.date);
  await admin.getByLabel('開始時刻', { exact: true }).fill('08:30');
  await admin.getByLabel('終了時刻', { exact: true }).fill('12:00');
  await admin.getByLabel('理由', { exact: true }).fill('研修');
  await admin.getByRole('button', { name: '重なる予約を確認' }).click();
  const decision = admin.getByRole('group', { name: new RegExp(state.reference) });
  await expectShown(admin, decision, 'the absence lists the appointment');
  await expectAccessible(admin);
  const options = await decision.getByRole('radio').all();
  assert.ok(options.length >= 2, 'another member can take it, or the visitor is called');
  await options[0].check();
  const newStaff = (await decision.locator(`label[for="${await options[0].getAttribute('id')}"]`).innerText()).trim();
  assert.notEqual(newStaff, state.staff);
  await admin.getByRole('button', { name: '不在を登録する' }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: '不在を登録しました。' }), 'the absence is recorded');
  assert.match(await admin.getByRole('row').filter({ hasText: state.reference }).innerText(), new RegExp(newStaff));
  await expectAccessible(admin);

  // The resident's page: same time, still booked, the new member.
  const p = state.page;
  await p.goto(`${BASE}/visits/appointments/${state.reference}`);
  await p.getByRole('heading', { level: 1, name: '来庁予約の内容' }).waitFor();
  assert.equal((await p.getByTestId('visit-staff').innerText()).trim(), newStaff, 'the resident sees who serves now');
  assert.equal((await p.locator('dd[data-status]').innerText()).trim(), '予約済');
  assert.ok((await p.locator('main').innerText()).includes('9:00–9:30'), 'at the same time');
  await expectAccessible(p);
});
