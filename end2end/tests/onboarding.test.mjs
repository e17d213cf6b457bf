// A town sets itself up from an empty database, end to end in Chromium:
//   1. the real command line adds the town (`server add-town`) and its first
//      administrator (`server create-admin`) to an empty SQLite file, and a
//      server starts on it without the demo town (TOWN_SEED_DEMO=false);
//   2. the admin signs in, imports a small 公共施設一覧 CSV (UTF-8 with BOM),
//      adds a room to the new facility and sets its morning fee;
//   3. the admin adds a division, a procedure and a staff member who handles
//      it (weekdays 8:30–17:15);
//   4. a resident books the room (the fee shows) and a visit for the
//      procedure, served by that member;
//   5. the room's bookings cannot end while that booking is to come: the
//      admin is shown it, by reference;
//   6. the admin, also the installation's super-administrator, adds a second
//      town at /console/towns: the home page then lists both towns, each
//      town's pages (at /t/{slug}/, hydrated with JavaScript) show only its
//      own facilities, and so do its API and open data.
// Without JavaScript for staff (server-rendered forms), axe on every page.
// The server is this file's own (port 3105), so the demo town's server at
// BASE is not touched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE as DEMO_BASE, launch, expectAccessible, newContext, tokyoToday, addDays } from './helpers.mjs';
import { runServerCommand, serverBinary, expectShown, signIn, printedSecret } from './staff.mjs';

const PORT = 3105;
const BASE = `http://127.0.0.1:${PORT}`;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ADMIN = { email: 'admin@sakura.example', password: 'correct horse battery staple' };
const TOWN = 'さくら町';
const HALL = 'さくら町公民館';
const PROCEDURE = '住民票の写し';
const MEMBER = '窓口 花子';
const RESIDENT = { name: '山本 次郎', kana: 'やまもと じろう', phone: '090-3001-0001', email: 'jiro@example.jp' };

let browser;
let server;
let dir;
const contexts = [];
const state = {};

async function page(opts) {
  const c = await newContext(browser, opts);
  contexts.push(c);
  return c.newPage();
}

async function api(p) {
  const res = await fetch(`${BASE}${p}`);
  assert.equal(res.status, 200, p);
  return res.json();
}

/** Skips a step whose inputs an earlier (failed) step did not produce. */
function need(t, ...keys) {
  const missing = keys.filter((k) => state[k] === undefined);
  if (missing.length > 0) {
    t.skip(`needs ${missing.join(', ')} from an earlier step`);
    return false;
  }
  return true;
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'town-onboarding-'));
  const env = { DATABASE_URL: `sqlite://${dir}/town.db?mode=rwc`, TOWN_SEED_DEMO: 'false' };
  const town = await runServerCommand(['add-town', 'sakura', TOWN, 'Sakura Town'], '', env);
  assert.equal(town.code, 0, `add-town failed:\n${town.stdout}\n${town.stderr}`);
  const again = await runServerCommand(['add-town', 'sakura', TOWN, 'Sakura Town'], '', env);
  assert.notEqual(again.code, 0, 'a second town with the same slug is refused');
  const made = await runServerCommand(['create-admin', ADMIN.email, '--installation'], `${ADMIN.password}\n`, env);
  assert.equal(made.code, 0, `create-admin failed:\n${made.stdout}\n${made.stderr}`);
  state.secret = printedSecret(made.stdout);
  assert.ok(state.secret, `create-admin printed a TOTP secret:\n${made.stdout}`);
  server = spawn(serverBinary(), ['serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      LEPTOS_OUTPUT_NAME: 'town-booking',
      LEPTOS_SITE_ROOT: 'target/site',
      LEPTOS_SITE_PKG_DIR: 'pkg',
      LEPTOS_SITE_ADDR: `127.0.0.1:${PORT}`,
      RUST_LOG: 'warn',
    },
    stdio: 'ignore',
  });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    assert.ok(i < 600 && server.exitCode === null, `the server on ${PORT} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await launch();
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('an empty town: no demo facilities, and the admin made on the command line signs in', async () => {
  assert.deepEqual(await api('/api/v1/facilities'), [], 'no demo town was seeded');
  assert.deepEqual(await api('/api/v1/procedures'), []);
  // A real town's pages do not call it the fictional demo town; the demo's do.
  const home = await (await fetch(`${BASE}/`)).text();
  assert.ok(!home.includes('架空のデモ町'), 'no demo notice for a real town');
  const demo = await (await fetch(`${DEMO_BASE}/`)).text();
  assert.ok(demo.includes('架空のデモ町'), 'the demo town says it is fictional');
  const admin = await page({ js: false });
  await signIn(admin, ADMIN, state.secret, { base: BASE });
  state.admin = admin;
});

test('the admin imports the facility list, adds a room and sets its morning fee', async (t) => {
  if (!need(t, 'admin')) return;
  const { admin } = state;
  const header = '全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,名称_英字,住所,緯度,経度,電話番号,利用可能曜日,開始時間,終了時間,説明,バリアフリー情報,URL';
  const row = `,S001,${TOWN},${HALL},サクラチョウコウミンカン,Sakura Community Hall,${TOWN}1-1,35.5,139.5,0000-11-2222,月～金,9:00,17:00,会議室があります。,車いす用トイレあり,`;
  await admin.getByRole('navigation', { name: '管理メニュー' }).getByRole('link', { name: '施設一覧を取り込む' }).click();
  await admin.getByRole('heading', { level: 1, name: '施設一覧を取り込む' }).waitFor();
  await admin.getByLabel('公共施設一覧の CSV ファイル').setInputFiles({
    name: 'shisetsu.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`\uFEFF${header}\r\n${row}\r\n`, 'utf8'),
  });
  await admin.getByRole('button', { name: '内容を確認する' }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: '新規 1 件、更新 0 件' }), 'the preview');
  await expectAccessible(admin);
  await admin.getByRole('button', { name: '取り込む', exact: true }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: '1 施設を作成し、0 施設を更新しました。' }), 'the list is written');
  const hall = (await api('/api/v1/facilities')).find((f) => f.name === HALL);
  assert.ok(hall, 'the imported facility is public');

  await admin.goto(`${BASE}/console/facilities/${hall.id}`);
  await admin.getByRole('link', { name: '部屋・区画を追加する' }).click();
  await admin.getByRole('heading', { level: 1, name: `部屋・区画の追加（${HALL}）` }).waitFor();
  await admin.getByLabel('名前', { exact: true }).fill('会議室');
  await admin.getByLabel('定員（人）').fill('12');
  await admin.getByRole('button', { name: '追加する', exact: true }).click();
  await expectShown(admin, admin.getByRole('heading', { level: 1, name: `${HALL} 会議室 の予約ルールと料金` }), 'the new room\'s rules');
  await expectAccessible(admin);
  const morning = admin.getByRole('group', { name: '区分1', exact: true });
  await morning.getByLabel('町内', { exact: true }).fill('500');
  await morning.getByLabel('町外', { exact: true }).fill('1000');
  await admin.getByRole('button', { name: '変更内容を確認する' }).click();
  await admin.getByRole('button', { name: 'この内容で保存する' }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: '予約ルールと料金を保存しました。' }), 'the fees are saved');
  await expectAccessible(admin);
  state.hall = hall.id;
});

test('the admin adds a division, a procedure and a staff member who handles it', async (t) => {
  if (!need(t, 'admin')) return;
  const { admin } = state;
  await admin.goto(`${BASE}/console`);
  await admin.getByRole('navigation', { name: '管理メニュー' }).getByRole('link', { name: '窓口の設定' }).click();
  await admin.getByRole('heading', { level: 1, name: '窓口の設定' }).waitFor();
  await expectAccessible(admin);
  assert.match(await admin.getByRole('main').innerText(), /課がまだありません。/);
  await admin.getByLabel('名前', { exact: true }).fill('住民課');
  await admin.getByLabel('英語の名前').fill('Residents Division');
  await admin.getByRole('button', { name: '課を追加する' }).click();
  await expectShown(admin, admin.getByRole('heading', { level: 1, name: '住民課' }), 'the division\'s page');
  await expectAccessible(admin);

  await admin.getByRole('link', { name: '手続きを追加する' }).click();
  await admin.getByRole('heading', { level: 1, name: '手続きの追加（住民課）' }).waitFor();
  await expectAccessible(admin);
  await admin.getByLabel('名前', { exact: true }).fill(PROCEDURE);
  await admin.getByLabel('検索のことば').fill('じゅうみんひょう');
  await admin.getByLabel('持ち物（1 行に 1 つ）').fill('本人確認書類');
  // A mistake first: said next to its field, what was typed kept.
  await admin.getByLabel('所要時間（分）').fill('17');
  await admin.getByRole('button', { name: '手続きを追加する' }).click();
  await admin.getByRole('alert').filter({ hasText: '5 分きざみ' }).waitFor();
  assert.equal(await admin.getByLabel('所要時間（分）').getAttribute('aria-invalid'), 'true');
  assert.equal(await admin.getByLabel('名前', { exact: true }).inputValue(), PROCEDURE);
  await expectAccessible(admin);
  await admin.getByLabel('所要時間（分）').fill('15');
  await admin.getByRole('button', { name: '手続きを追加する' }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: `手続き「${PROCEDURE}」を追加しました。` }), 'the procedure is added');
  const row = admin.getByRole('row').filter({ hasText: PROCEDURE });
  assert.match(await row.innerText(), /受け付けていません/, 'nobody handles it yet, said in words');

  await admin.getByRole('link', { name: '職員を追加する' }).click();
  await admin.getByRole('heading', { level: 1, name: '職員の追加（住民課）' }).waitFor();
  await expectAccessible(admin);
  await admin.getByLabel('名前（表示名）').fill(MEMBER);
  await admin.getByRole('checkbox', { name: PROCEDURE }).check();
  assert.equal(await admin.getByLabel('月曜日 始まり').inputValue(), '8:30', 'weekdays start filled in');
  await admin.getByRole('button', { name: '保存する', exact: true }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: `${MEMBER} さんを保存しました。` }), 'the member is saved');
  assert.match(await admin.getByRole('row').filter({ hasText: PROCEDURE }).first().innerText(), /受付中（対応できる職員 1 人）/);
  await expectAccessible(admin);
  state.procedure = (await api('/api/v1/procedures')).find((p) => p.name === PROCEDURE)?.id;
  assert.ok(state.procedure, 'the procedure is public');
});

test('a resident books the new room and a visit for the new procedure', async (t) => {
  if (!need(t, 'hall', 'procedure')) return;
  const resident = await page({ js: false });

  // The first weekday morning from today+5 that is free.
  const from = addDays(tokyoToday(), 5);
  const body = await api(`/api/v1/facilities/${state.hall}/availability?from=${from}&to=${addDays(from, 20)}`);
  const free = body.units[0].slots.filter((s) => s.label === '午前' && s.status === 'free').map((s) => s.start.slice(0, 10)).sort();
  assert.ok(free.length > 0, 'a free morning within 20 days');
  await resident.goto(`${BASE}/facilities/${state.hall}/days/${free[0]}`);
  await resident.getByRole('heading', { level: 1, name: new RegExp(HALL) }).waitFor();
  await expectAccessible(resident);
  await resident.getByRole('link', { name: '会議室 午前 9:00–12:00 を予約する' }).click();
  await resident.getByLabel('氏名').fill(RESIDENT.name);
  await resident.getByLabel('ふりがな').fill(RESIDENT.kana);
  await resident.getByLabel('電話番号').fill(RESIDENT.phone);
  await resident.getByLabel('メールアドレス').fill(RESIDENT.email);
  await resident.getByLabel('利用目的').fill('自治会の会議');
  await resident.getByLabel('利用人数').fill('6');
  await resident.getByRole('radio', { name: /^町内/ }).check();
  await resident.getByRole('button', { name: '入力内容を確認する' }).click();
  await expectShown(resident, resident.getByRole('heading', { level: 1, name: '内容の確認' }), 'the review');
  assert.match(await resident.getByRole('main').innerText(), /500円/, 'the morning fee set by the admin');
  await expectAccessible(resident);
  await resident.getByRole('button', { name: '予約を確定する' }).click();
  await expectShown(resident, resident.getByRole('heading', { level: 1, name: /受け付けました/ }), 'the booking is made');
  state.reference = (await resident.getByTestId('reference').innerText()).trim();
  await expectAccessible(resident);

  // A weekday with times for the procedure, from today+3.
  let date;
  for (let n = 3; n < 20 && !date; n += 1) {
    const d = addDays(tokyoToday(), n);
    const times = (await api(`/api/v1/procedures/${state.procedure}/availability?date=${d}`)).times;
    if (times.some((x) => x.start === `${d}T09:00:00+09:00`)) date = d;
  }
  assert.ok(date, 'the member on duty makes 9:00 bookable on a weekday');
  await resident.goto(`${BASE}/visits`);
  await resident.getByRole('link', { name: PROCEDURE }).click();
  await resident.getByRole('heading', { level: 1, name: PROCEDURE }).waitFor();
  await expectAccessible(resident);
  await resident.getByLabel('日付', { exact: true }).fill(date);
  await resident.getByRole('button', { name: 'この日の空き時間を見る' }).click();
  await resident.getByRole('link', { name: '9:00–9:15', exact: true }).click();
  await resident.getByRole('heading', { level: 1, name: '来庁予約の申込み' }).waitFor();
  await resident.getByLabel('氏名').fill(RESIDENT.name);
  await resident.getByLabel('ふりがな').fill(RESIDENT.kana);
  await resident.getByLabel('電話番号').fill(RESIDENT.phone);
  await resident.getByLabel('メールアドレス').fill(RESIDENT.email);
  await resident.getByRole('button', { name: '予約を確定する' }).click();
  await expectShown(resident, resident.getByRole('heading', { level: 1, name: '来庁予約の内容' }), 'the visit is booked');
  assert.equal((await resident.getByTestId('visit-staff').innerText()).trim(), MEMBER);
  await expectAccessible(resident);
});

test('the admin cannot end the room\'s bookings while one is to come: it is listed', async (t) => {
  if (!need(t, 'admin', 'hall', 'reference')) return;
  const { admin } = state;
  await admin.goto(`${BASE}/console/facilities/${state.hall}`);
  await admin.getByRole('link', { name: '受付の終了・区画の構成' }).click();
  await admin.getByRole('heading', { level: 1, name: `受付の終了と区画の構成（${HALL}）` }).waitFor();
  await expectAccessible(admin);
  await admin.getByRole('button', { name: '会議室 の受付を終える' }).click();
  await admin.getByRole('alert').filter({ hasText: 'これからの予約があるため、受付を終えられません。' }).waitFor();
  await admin.getByRole('link', { name: state.reference }).waitFor();
  assert.match(await admin.getByRole('main').innerText(), /会議室: 受付中/, 'the room still takes bookings');
  await expectAccessible(admin);
});

test('the admin shortens the morning: the booking that no longer fits needs a decision', async (t) => {
  if (!need(t, 'admin', 'hall', 'reference')) return;
  const { admin } = state;
  await admin.goto(`${BASE}/console/facilities/${state.hall}`);
  await admin.getByRole('link', { name: '会議室 — 予約ルール・料金の設定' }).click();
  await admin.getByRole('heading', { level: 1, name: `${HALL} 会議室 の予約ルールと料金` }).waitFor();
  await admin.getByRole('group', { name: '区分1', exact: true }).getByLabel('終了', { exact: true }).fill('11:30');
  await admin.getByRole('button', { name: '変更内容を確認する' }).click();
  const decision = admin.getByRole('group', { name: new RegExp(state.reference) });
  await expectShown(admin, decision, 'the resident\'s morning is listed');
  await expectAccessible(admin);
  await decision.getByRole('radio', { name: 'この日時のまま残す' }).check();
  await admin.getByRole('button', { name: 'この内容で保存する' }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: '予約ルールと料金を保存しました。' }), 'the rules are saved');
  await expectAccessible(admin);
});

test('the admin adds a small room and makes it part of the room\'s space', async (t) => {
  if (!need(t, 'admin', 'hall')) return;
  const { admin } = state;
  await admin.goto(`${BASE}/console/facilities/${state.hall}/units/new`);
  await admin.getByLabel('名前', { exact: true }).fill('小会議室');
  await admin.getByLabel('定員（人）').fill('6');
  await admin.getByRole('button', { name: '追加する', exact: true }).click();
  await expectShown(admin, admin.getByRole('heading', { level: 1, name: `${HALL} 小会議室 の予約ルールと料金` }), 'the new room\'s rules');
  await admin.goto(`${BASE}/console/facilities/${state.hall}/archive`);
  await admin.getByRole('heading', { name: '区画の構成（全面・半面）' }).waitFor();
  await expectAccessible(admin);
  await admin.getByLabel('小会議室 はどの区画の一部か').selectOption({ label: '会議室' });
  await admin.getByRole('button', { name: '小会議室 の構成を変える' }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: '小会議室 の区画の構成を変えました。' }), 'the space is changed');
  const chosen = await admin.getByLabel('小会議室 はどの区画の一部か').evaluate((s) => s.options[s.selectedIndex].text);
  assert.equal(chosen, '会議室');
  await expectAccessible(admin);
});

test('the admin lends equipment with the room: a mistake next to its field, then listed', async (t) => {
  if (!need(t, 'admin', 'hall')) return;
  const { admin } = state;
  await admin.goto(`${BASE}/console/facilities/${state.hall}`);
  await admin.getByRole('link', { name: '備品', exact: true }).click();
  await admin.getByRole('heading', { level: 1, name: `備品（${HALL}）` }).waitFor();
  await admin.getByText('まだ備品はありません。').waitFor();
  await expectAccessible(admin);
  await admin.getByLabel('名前（日本語）').fill('延長コード');
  await admin.getByLabel('1 コマあたりの料金（円）').fill('百円');
  await admin.getByRole('button', { name: '追加する' }).click();
  await admin.getByRole('alert').filter({ hasText: '0 から 1,000,000 までの整数' }).waitFor();
  assert.equal(await admin.getByLabel('1 コマあたりの料金（円）').getAttribute('aria-invalid'), 'true');
  await expectAccessible(admin);
  await admin.getByLabel('1 コマあたりの料金（円）').fill('100');
  await admin.getByLabel('貸し出せる数').fill('2');
  await admin.getByRole('button', { name: '追加する' }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: '延長コード を追加しました。' }), 'the equipment is added');
  const row = admin.getByRole('row', { name: /延長コード/ });
  assert.match(await row.innerText(), /100円\s+2/, 'its fee and number are listed');
  await row.getByRole('link', { name: '延長コード を変える' }).click();
  await admin.getByRole('heading', { level: 2, name: '延長コード を変える' }).waitFor();
  assert.equal(await admin.getByLabel('貸し出せる数').inputValue(), '2');
  await expectAccessible(admin);
});

test('a second town joins: each town\'s pages, API and open data show only its own', async (t) => {
  if (!need(t, 'admin', 'hall')) return;
  const { admin } = state;
  await admin.goto(`${BASE}/console`);
  await admin.getByRole('navigation', { name: '管理メニュー' }).getByRole('link', { name: '町の管理（共同利用）' }).click();
  await admin.getByRole('heading', { level: 1, name: '町の管理（共同利用）' }).waitFor();
  await expectAccessible(admin);
  await admin.getByLabel('アドレス用の名前').fill('Kita Town');
  await admin.getByLabel('名前', { exact: true }).fill('北町');
  await admin.getByRole('button', { name: '町を追加する' }).click();
  await admin.getByRole('alert').filter({ hasText: '半角の小文字・数字・ハイフン' }).waitFor();
  assert.equal(await admin.getByLabel('アドレス用の名前').getAttribute('aria-invalid'), 'true');
  await expectAccessible(admin);
  await admin.getByLabel('アドレス用の名前').fill('kita');
  await admin.getByRole('button', { name: '町を追加する' }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: '北町 を追加しました。' }), 'the town is added');
  await admin.getByRole('link', { name: '/t/kita/' }).waitFor();
  await expectAccessible(admin);

  // With two towns the short addresses name none: the home page lists them.
  const resident = await page({ js: true });
  await resident.goto(`${BASE}/`);
  await resident.waitForURL(`${BASE}/towns`);
  await resident.getByRole('heading', { level: 1, name: '町を選んでください' }).waitFor();
  await expectAccessible(resident);
  await resident.getByRole('link', { name: TOWN }).click();
  await resident.waitForURL(`${BASE}/t/sakura/`);
  // The header says whose pages these are.
  await resident.getByRole('banner').getByText(TOWN, { exact: true }).waitFor();
  await resident.locator('html[data-hydrated]').waitFor();
  await resident.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '施設一覧', exact: true }).click();
  await resident.waitForURL(`${BASE}/t/sakura/facilities`);
  await resident.getByRole('heading', { level: 2, name: HALL }).waitFor();
  await expectAccessible(resident);
  // The router keeps the town's prefix as it moves between pages.
  await resident.getByRole('link', { name: new RegExp(`${HALL}.*空き`) }).click();
  await resident.waitForURL(new RegExp(`/t/sakura/facilities/${state.hall}$`));
  await resident.getByRole('heading', { level: 1, name: new RegExp(HALL) }).waitFor();
  await expectAccessible(resident);

  await resident.goto(`${BASE}/t/kita/facilities`);
  await resident.getByRole('heading', { level: 1, name: '施設一覧' }).waitFor();
  await resident.getByText('予約できる施設はまだありません。').waitFor();
  assert.ok(!(await resident.getByRole('main').innerText()).includes(HALL), 'Kita lists nothing of Sakura');
  await expectAccessible(resident);
  assert.deepEqual(await api('/t/kita/api/v1/facilities'), []);
  assert.equal((await api('/t/sakura/api/v1/facilities')).length, 1);
  assert.equal((await fetch(`${BASE}/t/kita/facilities/${state.hall}`)).status, 404);
  const csv = await (await fetch(`${BASE}/t/kita/opendata/facilities.csv`)).text();
  assert.ok(!csv.includes(HALL), 'Kita\'s open data holds nothing of Sakura');
  assert.ok((await (await fetch(`${BASE}/t/sakura/opendata/facilities.csv`)).text()).includes(HALL));
});
