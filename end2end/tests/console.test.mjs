// The managers' console, end to end in Chromium:
//   1. the first administrator is made by the real `server create-admin`
//      command and signs in with password + TOTP (codes computed here);
//   2. the admin creates a facility manager, who enrols with the mailed
//      code (choosing their own password) and sets up a second factor, and
//      imports the town's facility list (a Shift_JIS 公共施設一覧 CSV), which
//      residents then see, with the list as open data, and adds a room to
//      the new facility, which residents can then book;
//   3. residents book a request needing approval (仮予約) and a morning,
//      through the ordinary booking pages (hydrated SPA);
//   4. the manager approves the request; a seniors' club asks for a fee
//      reduction (減免) and the manager approves it without the reduction
//      (the resident sees the full fee); the manager subscribes to the centre's calendar
//      feed (fetched as a calendar app does, then stopped), imports a day's
//      closure and an afternoon's repairs from a calendar file, then blocks the
//      morning, cancelling the colliding booking with notice, and books on a
//      resident's behalf (代行予約); each resident sees the change on their
//      booking page;
//   5. the admin adds a fee reduction category (a mistake first), then
//      finds all of it in the audit log and the outbox.
// Staff use the console without JavaScript: its pages are server-rendered
// forms (POST → redirect → GET) and must work so. axe-core checks every page.
//
// Needs the server `cargo leptos end-to-end` started at BASE and the same
// DATABASE_URL in this process's environment (scripts/test.sh sets it), so
// that `create-admin` writes to the server's database. The server binary is
// SERVER_BIN, else the newest of target/{debug,release}/server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, waitForServer, launch, expectAccessible, expectNoSidewaysScroll, hydrated, newContext, tokyoToday, api, addDays } from './helpers.mjs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hotp, freshCode, runServerCommand, expectShown, signIn, printedSecret } from './staff.mjs';

// Unique per run, so the file also passes against a database used before.
const RUN = Date.now().toString(36);
const TAIL = String(Date.now() % 10_000).padStart(4, '0');
const ADMIN = { email: `e2e-admin-${RUN}@town.example`, password: 'correct horse battery staple' };
const MANAGER = { email: `e2e-manager-${RUN}@town.example`, password: 'manager initial passphrase', name: '施設 太郎' };
const HALL_RESIDENT = { name: '山田 花子', kana: 'やまだ はなこ', phone: `090-1001-${TAIL}`, email: `e2e-hall-${RUN}@example.jp` };
const ROOM_RESIDENT = { name: '佐藤 一郎', kana: 'さとう いちろう', phone: `090-1002-${TAIL}`, email: `e2e-room-${RUN}@example.jp` };
const CLUB_RESIDENT = { name: '鈴木 花', kana: 'すずき はな', phone: `090-1004-${TAIL}`, email: `e2e-club-${RUN}@example.jp` };
const PHONE_RESIDENT = { name: '田中 三郎', kana: 'たなか さぶろう', phone: `090-1003-${TAIL}`, email: `e2e-phone-${RUN}@example.jp` };
const CENTRE = 'ひだまり町民センター';
const BLOCK_REASON = '空調設備の点検';

let browser;
/** What the steps hand on to each other. */
const state = {};
const contexts = [];

before(async () => {
  await waitForServer();
  browser = await launch();
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
});

async function context(opts) {
  const c = await newContext(browser, opts);
  contexts.push(c);
  return c;
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

// ----------------------------------------------------------- page helpers

async function centreId() {
  const list = await api('/api/v1/facilities');
  const f = list.find((x) => x.name === CENTRE);
  assert.ok(f, `the demo town has ${CENTRE}`);
  return f.id;
}

/** The first day from today+5 on where the unit's `label` period is free. */
async function freeDay(facility, unitName, label) {
  const from = addDays(tokyoToday(), 5);
  const body = await api(`/api/v1/facilities/${facility}/availability?from=${from}&to=${addDays(from, 40)}`);
  const unit = body.units.find((u) => u.name === unitName);
  assert.ok(unit, `${unitName} is a unit of facility ${facility}`);
  const days = unit.slots.filter((s) => s.label === label && s.status === 'free').map((s) => s.start.slice(0, 10)).sort();
  assert.ok(days.length > 0, `a free ${label} for ${unitName} within 40 days from ${from}`);
  return days[0];
}

async function slotStatus(facility, unitName, date, label) {
  const body = await api(`/api/v1/facilities/${facility}/availability?from=${date}&to=${date}`);
  return body.units.find((u) => u.name === unitName).slots.find((s) => s.label === label).status;
}

/** The `<dd>` after the `<dt>` named `term` in the page's first summary. */
function summaryValue(page, term) {
  return page.locator('dl.summary').first().locator(`xpath=./dt[normalize-space(.)="${term}"]/following-sibling::dd[1]`);
}

/** The rows of the page's first list table, as arrays of cell texts. */
async function tableRows(page) {
  return page.locator('table.list').first().locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim())));
}

/**
 * From the day view through form, review and confirmation, as a resident
 * (or staff member) does. Returns the reference and the booking's status.
 */
async function bookThroughPages(page, { spa, facility, date, unit, period, person, proxy = false, reduction }) {
  await page.goto(`${BASE}/facilities/${facility}/days/${date}`);
  if (spa) await hydrated(page);
  await page.getByRole('heading', { level: 1, name: new RegExp(CENTRE) }).waitFor();
  await expectAccessible(page);
  await page.getByRole('link', { name: `${unit} ${period} を予約する` }).click();
  await page.getByRole('heading', { level: 1, name: '予約の申込み' }).waitFor();
  const proxyGroup = page.getByRole('group', { name: '代行予約（職員用）' });
  if (proxy) {
    await expectShown(page, proxyGroup, 'the booking form offers staff the proxy (代行予約) fields');
  } else {
    assert.equal(await proxyGroup.count(), 0, 'a resident does not see the staff-only proxy fields');
  }
  await expectAccessible(page);

  await page.getByLabel('氏名').fill(person.name);
  await page.getByLabel('ふりがな').fill(person.kana);
  await page.getByLabel('電話番号').fill(person.phone);
  await page.getByLabel('メールアドレス').fill(person.email);
  await page.getByLabel('利用目的').fill(proxy ? '囲碁の会（電話で申込み）' : '町内会の会議');
  await page.getByLabel('利用人数').fill('8');
  await page.getByRole('radio', { name: /^町内/ }).check();
  if (reduction) {
    // A fee reduction (減免): its note is required, said next to it.
    const group = page.getByRole('group', { name: /使用料の減免/ });
    await group.getByRole('radio', { name: reduction.choice }).check();
    await page.getByRole('button', { name: '入力内容を確認する' }).click();
    await expectShown(page, page.getByRole('alert').filter({ hasText: '減免を受ける理由・提出する書類を入力してください。' }), 'the missing note is named');
    assert.equal(await page.getByRole('group', { name: /使用料の減免/ }).getByRole('radio', { name: reduction.choice }).isChecked(), true, 'the choice is kept');
    await expectAccessible(page);
    await page.getByLabel('減免を受ける理由・提出する書類').fill(reduction.note);
    await page.getByRole('button', { name: '入力内容を確認する' }).click();
    // (The alert of the first try is on the page until the review replaces it.)
    await page.getByRole('heading', { level: 1, name: '内容の確認' }).waitFor();
  } else {
    await page.getByRole('button', { name: '入力内容を確認する' }).click();
    await expectShown(page, page.getByRole('heading', { level: 1, name: '内容の確認' }), `the review of ${unit} ${period} on ${date}`);
  }
  if (reduction) {
    const fee = await page.getByRole('table', { name: '使用料の内訳' }).innerText();
    assert.match(fee, /減免 \d+%/, `the fee shows the reduction: ${fee}`);
    await page.getByText(/減免の申請があるため仮予約になります/).waitFor();
  }
  await expectAccessible(page);

  await page.getByRole('button', { name: '予約を確定する' }).click();
  await expectShown(page, page.getByRole('heading', { level: 1, name: /受け付けました/ }), `the confirmation of ${unit} ${period} on ${date}`);
  const reference = (await page.getByTestId('reference').innerText()).trim();
  assert.match(reference, /^[2-9A-HJKMNP-Z]{8}$/, 'the confirmation shows an 8-character reference');
  const status = await page.locator('dd[data-status]').getAttribute('data-status');
  await expectAccessible(page);
  return { reference, status };
}

/**
 * The resident's own view of a booking: in `page` (a browser that booked it
 * or proved it before) the booking page itself; without `page`, a fresh
 * browser without JavaScript that proves it with the reference and e-mail.
 * Returns the booking's status word and code.
 */
async function residentView({ page, reference, email }) {
  let own = page;
  if (!own) {
    const c = await context({ js: false });
    own = await c.newPage();
    await own.goto(`${BASE}/bookings`);
    await own.getByRole('heading', { level: 1, name: '予約の確認・取消' }).waitFor();
    await expectAccessible(own);
    await own.getByLabel('受付番号').fill(reference);
    await own.getByLabel('メールアドレスまたは電話番号').fill(email);
    await own.getByRole('button', { name: '予約を表示する' }).click();
  } else {
    await own.goto(`${BASE}/bookings/${reference}`);
  }
  await expectShown(own, own.getByRole('heading', { level: 1, name: '予約内容' }), `the resident's page of ${reference}`);
  assert.equal((await own.locator('strong.reference').innerText()).trim(), reference);
  const dd = own.locator('dd[data-status]');
  const result = { code: await dd.getAttribute('data-status'), text: (await dd.innerText()).trim() };
  await expectAccessible(own);
  return result;
}

/**
 * The enrolment code of the newest mail to `email`, read from the outbox in
 * the server's SQLite file (the e2e server has no SMTP server; the real SMTP
 * path is tested in server/tests/smtp.rs).
 */
function mailedCode(email) {
  const url = process.env.DATABASE_URL ?? '';
  const file = url.replace(/^sqlite:\/\//, '').split('?')[0];
  const script = [
    'import sqlite3, sys',
    'row = sqlite3.connect(sys.argv[1]).execute(',
    '    "SELECT body FROM outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1", (sys.argv[2],)).fetchone()',
    'print(row[0] if row else "")',
  ].join('\n');
  const body = execFileSync('python3', ['-c', script, file, email]).toString();
  return body.split('確認コード: ')[1]?.slice(0, 8);
}

// ------------------------------------------------------------------ steps

test('create-admin prints a TOTP secret; the admin signs in with it and creates a facility manager, who enrols with the mailed code', async () => {
  assert.equal(hotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1), '287082', 'TOTP matches the RFC 6238 test vector');
  state.facility = await centreId();

  // 1. The real command line: password on stdin, secret on stdout.
  const made = await runServerCommand(['create-admin', ADMIN.email], `${ADMIN.password}\n`);
  assert.equal(made.code, 0, `${made.bin} create-admin failed (${made.signal ?? made.code}):\n${made.stdout}\n${made.stderr}`);
  assert.match(made.stdout, new RegExp(`administrator ${ADMIN.email.replace(/[.]/g, '\\.')} created`));
  const secret = printedSecret(made.stdout);
  assert.ok(secret && secret.length >= 16, `create-admin printed a base32 TOTP secret:\n${made.stdout}`);
  assert.match(made.stdout, /otpauth:\/\/totp\//, 'and the otpauth:// address for authenticator apps');

  // 2. Password, a wrong code (refused, said in words), then the right one.
  const admin = await (await context({ js: false })).newPage();
  await signIn(admin, ADMIN, secret, { wrongFirst: true });
  const bar = admin.getByRole('navigation', { name: '管理メニュー' });
  assert.match(await bar.innerText(), /Administrator（管理者）としてログイン中/);
  for (const link of ['職員', '監査ログ', '送信メール']) {
    assert.equal(await bar.getByRole('link', { name: link, exact: true }).count(), 1, `admins have the ${link} menu`);
  }
  state.admin = admin;

  // 3. A facility manager for the community centre: the admin chooses no
  //    password and sees no secret; the member is mailed an enrolment code.
  await bar.getByRole('link', { name: '職員', exact: true }).click();
  await admin.getByRole('heading', { level: 1, name: '職員アカウント' }).waitFor();
  await expectAccessible(admin);
  await admin.getByLabel('メールアドレス', { exact: true }).fill(MANAGER.email);
  await admin.getByLabel('表示名', { exact: true }).fill(MANAGER.name);
  await admin.getByLabel('役割', { exact: true }).selectOption('facility_manager');
  assert.equal(await admin.getByLabel('初期パスワード').count(), 0, 'the admin chooses no password');
  await admin.getByRole('group', { name: '担当施設（施設管理者）' }).getByRole('checkbox', { name: CENTRE, exact: true }).check();
  await admin.getByRole('button', { name: '作成する', exact: true }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: `${MANAGER.email} のアカウントを作成し、登録用のメールを送りました。` }), 'the manager account is created');
  assert.equal(await admin.getByTestId('totp-secret').count(), 0, 'no secret is shown to the admin');
  const row = admin.getByRole('row').filter({ hasText: MANAGER.email });
  const rowText = await row.innerText();
  for (const part of [MANAGER.name, '施設管理者', CENTRE, 'なし', '有効']) {
    assert.ok(rowText.includes(part), `the staff list shows the manager with ${part}: ${rowText}`);
  }
  await expectAccessible(admin);

  // The member enrols with the code from the mail and their own password…
  const code = mailedCode(MANAGER.email);
  assert.match(code ?? '', /^[2-9A-HJKMNP-Z]{8}$/, 'the enrolment mail carries an 8-character code');
  const member = await (await context({ js: false })).newPage();
  await member.goto(`${BASE}/console/enrol`);
  await member.getByRole('heading', { level: 1, name: '職員の登録' }).waitFor();
  await expectAccessible(member);
  await member.getByLabel('メールアドレス', { exact: true }).fill(MANAGER.email);
  await member.getByLabel('確認コード（8文字）').fill(code.toLowerCase());
  await member.getByLabel('新しいパスワード', { exact: true }).fill(MANAGER.password);
  await member.getByLabel('新しいパスワード（確認）').fill(MANAGER.password);
  await member.getByRole('button', { name: '登録する', exact: true }).click();
  await expectShown(member, member.getByRole('heading', { level: 1, name: '自分のアカウント' }), 'enrolment signs the member in on their account page');
  // …and sets up the second factor there.
  await member.getByRole('button', { name: '2段階認証を設定する' }).click();
  const managerSecret = (await member.getByTestId('totp-secret').innerText()).trim();
  assert.match(managerSecret, /^[A-Z2-7]{16,}=*$/, 'the member sees their own TOTP secret');
  await expectAccessible(member);
  await member.getByLabel('確認コード（6桁）').fill(await freshCode(managerSecret));
  await member.getByRole('button', { name: '設定を完了する' }).click();
  await expectShown(member, member.getByTestId('totp-state').filter({ hasText: '設定済み' }), 'the second factor is on');
  state.managerSecret = managerSecret;

  // The change form for the new manager opens filled in (and is accessible).
  // (The name in brackets is for screen readers; Chromium puts a space before it.)
  await row.getByRole('link', { name: new RegExp(`^役割・担当を変更\\s*（${MANAGER.name}）$`) }).click();
  const edit = admin.getByRole('region', { name: new RegExp(`^役割・担当の変更: ${MANAGER.name}`) });
  await edit.waitFor();
  assert.equal(await edit.getByLabel('役割', { exact: true }).inputValue(), 'facility_manager');
  assert.ok(await edit.getByRole('checkbox', { name: CENTRE, exact: true }).isChecked(), 'the manager\'s facility is ticked');
  await expectAccessible(admin);
});

test('the admin imports the town\'s facility list (公共施設一覧, Shift_JIS): a mistake shown with its line, then written; residents see the facility and the open data', async (t) => {
  if (!need(t, 'admin')) return;
  const { admin } = state;
  const name = `ひだまり町立図書館分室 ${RUN}`;
  const header = '全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,名称_英字,住所,緯度,経度,電話番号,利用可能曜日,開始時間,終了時間,説明,バリアフリー情報,URL';
  const good = `,E2E-${RUN},ひだまり町,${name},ヒダマリチョウリツトショカンブンシツ,,ひだまり町北2-5,36.11,138.21,0000-22-3333,月火水木金,9:00,17:00,読書室があります。,スロープあり,`;
  const bad = `,E2E-${RUN}-X,ひだまり町,,,,,北緯36,138.2,,,,,,,`;
  // Excel on Japanese Windows saves CSV as Shift_JIS (cp932).
  const sjis = (text) => execFileSync('python3', ['-c', 'import sys; sys.stdout.buffer.write(sys.stdin.read().encode("cp932"))'], { input: text });

  await admin.goto(`${BASE}/console`);
  await admin.getByRole('navigation', { name: '管理メニュー' }).getByRole('link', { name: '施設一覧を取り込む' }).click();
  await admin.getByRole('heading', { level: 1, name: '施設一覧を取り込む' }).waitFor();
  await expectAccessible(admin);
  const file = admin.getByLabel('公共施設一覧の CSV ファイル');

  // A row without a name: said with its line and column; nothing to write.
  await file.setInputFiles({ name: 'shisetsu.csv', mimeType: 'text/csv', buffer: sjis(`${header}\r\n${good}\r\n${bad}\r\n`) });
  await admin.getByRole('button', { name: '内容を確認する' }).click();
  const problems = admin.getByRole('alert').filter({ hasText: '直すところ（2 件）' });
  await problems.waitFor();
  const said = await problems.innerText();
  assert.ok(said.includes('3 行目「名称」') && said.includes('3 行目「緯度」'), said);
  assert.equal(await admin.getByRole('button', { name: '取り込む', exact: true }).count(), 0, 'nothing to write while a problem remains');
  await expectAccessible(admin);

  // Fixed: the preview, then the write.
  await file.setInputFiles({ name: 'shisetsu.csv', mimeType: 'text/csv', buffer: sjis(`${header}\r\n${good}\r\n`) });
  await admin.getByRole('button', { name: '内容を確認する' }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: 'shisetsu.csv（Shift_JIS）: 新規 1 件、更新 0 件' }), 'the preview');
  assert.deepEqual((await tableRows(admin)).map((r) => [r[1], r[2], r[3]]), [[`E2E-${RUN}`, name, '新規']]);
  await expectAccessible(admin);
  await admin.getByRole('button', { name: '取り込む', exact: true }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: '1 施設を作成し、0 施設を更新しました。' }), 'the list is written');
  await expectAccessible(admin);

  // Residents: the new facility, not yet bookable online, and the list as
  // open data.
  const resident = await (await context()).newPage();
  await resident.goto(`${BASE}/facilities`);
  const card = resident.getByRole('article', { name });
  await card.waitFor();
  assert.ok((await card.innerText()).includes('この施設はまだオンラインで予約できません'));
  await expectAccessible(resident);
  await resident.getByRole('link', { name: '施設一覧のオープンデータ（CSV・JSON）' }).click();
  await resident.getByRole('heading', { level: 1, name: 'オープンデータ' }).waitFor();
  assert.ok((await resident.getByRole('main').innerText()).includes('ライセンス: CC BY 4.0'));
  await expectAccessible(resident);
  const csv = await (await resident.request.get(`${BASE}/opendata/facilities.csv`)).text();
  assert.ok(csv.includes(`E2E-${RUN},ひだまり町（架空のデモ町）,${name}`), csv);

  // One facility the list does not have, added by hand (a taken ID first).
  await admin.goto(`${BASE}/console/facility-list`);
  await admin.getByRole('link', { name: '一覧にない施設を 1 つ追加する' }).click();
  await admin.getByRole('heading', { level: 1, name: '施設を追加する' }).waitFor();
  await expectAccessible(admin);
  await admin.getByLabel('ID（公共施設一覧の ID）').fill(`E2E-${RUN}`);
  await admin.getByLabel('名前', { exact: true }).fill(`ひだまり町文化ホール ${RUN}`);
  await admin.getByRole('button', { name: '追加する', exact: true }).click();
  await admin.getByRole('alert').filter({ hasText: 'この ID の施設はもうあります。' }).waitFor();
  assert.equal(await admin.getByLabel('ID（公共施設一覧の ID）').getAttribute('aria-invalid'), 'true');
  await expectAccessible(admin);
  await admin.getByLabel('ID（公共施設一覧の ID）').fill(`E2E-${RUN}-HALL`);
  await admin.getByRole('button', { name: '追加する', exact: true }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: `ひだまり町文化ホール ${RUN} を追加しました。` }), 'the facility is added');
  await expectAccessible(admin);

  // The admin adds a reading room to it (a mistake first), and residents
  // can then book it.
  const id = (await api('/api/v1/facilities')).find((f) => f.name === name)?.id;
  assert.ok(id, `the new facility is in the API's list`);
  await admin.goto(`${BASE}/console/facilities/${id}`);
  // Its English name, which the list did not give.
  await admin.getByRole('link', { name: /^施設の情報/ }).click();
  await admin.getByRole('heading', { level: 1, name: `施設の情報（${name}）` }).waitFor();
  await expectAccessible(admin);
  await admin.getByLabel('英語の名前').fill(`Hidamari Library Annex ${RUN}`);
  await admin.getByRole('button', { name: '保存する', exact: true }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: '施設の情報を保存しました。' }), 'the details are saved');
  await expectAccessible(admin);
  // A photo: without a description it is not kept; with one, residents see it.
  const photo = fileURLToPath(new URL('../../server/tests/fixtures/photo.png', import.meta.url));
  await admin.getByLabel('写真のファイル').setInputFiles(photo);
  await admin.getByRole('button', { name: '写真を保存する' }).click();
  await admin.getByRole('alert').filter({ hasText: '写真に何が写っているかを書いてください' }).waitFor();
  assert.equal(await admin.getByLabel('写真の説明（日本語）').getAttribute('aria-invalid'), 'true');
  await expectAccessible(admin);
  await admin.getByLabel('写真のファイル').setInputFiles(photo);
  await admin.getByLabel('写真の説明（日本語）').fill('閲覧室の入口とスロープ');
  await admin.getByRole('button', { name: '写真を保存する' }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: '写真を保存しました。' }), 'the photo is kept');
  await admin.getByRole('img', { name: '閲覧室の入口とスロープ' }).waitFor();
  await expectAccessible(admin);
  await admin.goto(`${BASE}/console/facilities/${id}`);
  await admin.getByRole('link', { name: '部屋・区画を追加する' }).click();
  await admin.getByRole('heading', { level: 1, name: `部屋・区画の追加（${name}）` }).waitFor();
  await expectAccessible(admin);
  await admin.getByLabel('名前', { exact: true }).fill('閲覧室');
  await admin.getByLabel('定員（人）').fill('二十');
  await admin.getByRole('button', { name: '追加する', exact: true }).click();
  await admin.getByRole('alert').filter({ hasText: '入力を確認してください。' }).waitFor();
  assert.equal(await admin.getByLabel('定員（人）').getAttribute('aria-invalid'), 'true', 'the capacity is marked');
  assert.equal(await admin.getByLabel('名前', { exact: true }).inputValue(), '閲覧室', 'what was typed is kept');
  await expectAccessible(admin);
  await admin.getByLabel('定員（人）').fill('20');
  await admin.getByRole('button', { name: '追加する', exact: true }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: '閲覧室 を追加しました。' }), 'the unit is added');
  await admin.getByRole('heading', { level: 1, name: `${name} 閲覧室 の予約ルールと料金` }).waitFor();
  await expectAccessible(admin);
  await resident.goto(`${BASE}/facilities`);
  await resident.getByRole('link', { name: `${name}の空き状況を見る` }).click();
  await resident.getByRole('heading', { level: 1, name }).waitFor();
  await resident.getByRole('img', { name: '閲覧室の入口とスロープ' }).waitFor();
  await expectAccessible(resident);
});

test('residents book a request (仮予約) for the main hall and a morning of meeting room 1', async (t) => {
  if (!state.facility) state.facility = await centreId();
  const facility = state.facility;

  // The main hall needs the centre's approval: a pending request.
  const hallDay = await freeDay(facility, '大ホール', '午後');
  const hallPage = await (await context()).newPage();
  const hall = await bookThroughPages(hallPage, {
    spa: true, facility, date: hallDay, unit: '大ホール', period: '午後 13:00–17:00', person: HALL_RESIDENT,
  });
  assert.equal(hall.status, 'pending', 'a main-hall booking is a request awaiting approval');
  assert.equal(await hallPage.getByRole('heading', { level: 1 }).innerText(), '仮予約を受け付けました（承認待ち）');
  assert.equal(await slotStatus(facility, '大ホール', hallDay, '午後'), 'booked', 'a request holds the time');
  state.hallPage = hallPage;
  state.hall = { ...hall, date: hallDay };

  // Meeting room 1 is booked at once; its morning will meet the block.
  const roomDay = await freeDay(facility, '会議室1', '午前');
  const roomPage = await (await context()).newPage();
  const room = await bookThroughPages(roomPage, {
    spa: true, facility, date: roomDay, unit: '会議室1', period: '午前 9:00–12:00', person: ROOM_RESIDENT,
  });
  assert.equal(room.status, 'confirmed', 'a meeting-room booking is confirmed at once');
  state.roomPage = roomPage;
  state.room = { ...room, date: roomDay };
  t.diagnostic(`request ${hall.reference} on ${hallDay}, morning ${room.reference} on ${roomDay}`);
});

test('the manager signs in, sees the request and approves it; the resident sees it confirmed', async (t) => {
  if (!need(t, 'managerSecret', 'hall')) return;
  const manager = await (await context({ js: false })).newPage();
  await signIn(manager, MANAGER, state.managerSecret);
  state.manager = manager;
  const bar = manager.getByRole('navigation', { name: '管理メニュー' });
  // Their account page says the second factor is on.
  await bar.getByRole('link', { name: 'アカウント', exact: true }).click();
  await manager.getByRole('heading', { level: 1, name: '自分のアカウント' }).waitFor();
  assert.match(await manager.getByTestId('totp-state').innerText(), /^設定済み/);
  await expectAccessible(manager);
  await manager.goto(`${BASE}/console`);
  assert.match(await bar.innerText(), new RegExp(`${MANAGER.name}（施設管理者）としてログイン中`));
  assert.equal(await bar.getByRole('link', { name: '監査ログ' }).count(), 0, 'managers have no audit-log menu');
  // Only their own facility, and the request waiting for it.
  await manager.getByRole('link', { name: CENTRE, exact: true }).waitFor();
  assert.equal(await manager.getByRole('link', { name: 'ひだまり町民体育館' }).count(), 0, 'other facilities are not listed');
  await manager.getByRole('heading', { level: 2, name: '承認待ちの仮予約' }).waitFor();
  const request = manager.getByRole('row').filter({ has: manager.getByRole('link', { name: state.hall.reference, exact: true }) });
  assert.match(await request.innerText(), /大ホール[\s\S]*仮予約/, 'the request is listed with its unit and status in words');

  await manager.getByRole('link', { name: state.hall.reference, exact: true }).click();
  await manager.getByRole('heading', { level: 1, name: `予約 ${state.hall.reference}` }).waitFor();
  assert.equal((await summaryValue(manager, '状態').innerText()).trim(), '仮予約');
  await expectAccessible(manager);
  // Approval needs no reason (only refusals and cancellations do).
  await manager.getByRole('button', { name: '承認する（本予約）' }).click();
  await expectShown(manager, manager.getByRole('status').filter({ hasText: '保存しました。' }), 'the approval is saved');
  assert.equal((await summaryValue(manager, '状態').innerText()).trim(), '予約', 'the console shows it confirmed');
  assert.equal(await manager.getByRole('button', { name: '承認する（本予約）' }).count(), 0, 'nothing left to approve');
  await expectAccessible(manager);

  const seen = await residentView({ page: state.hallPage, reference: state.hall.reference });
  assert.deepEqual(seen, { code: 'confirmed', text: '予約確定' }, 'the resident sees the request confirmed');
  state.approved = true;
});

test('a seniors\' club asks for a fee reduction (減免): held as a request at half the fee; the manager approves it without the reduction, and the resident sees the full fee', async (t) => {
  if (!need(t, 'manager', 'approved')) return;
  const { manager } = state;
  const facility = state.facility ?? await centreId();
  const date = await freeDay(facility, '会議室2', '午後');
  const page = await (await context()).newPage();
  const club = await bookThroughPages(page, {
    spa: true, facility, date, unit: '会議室2', period: '午後 13:00–17:00', person: CLUB_RESIDENT,
    reduction: { choice: /^高齢者団体・老人クラブ/, note: 'ひだまり老人クラブ（会員名簿を持参します）' },
  });
  assert.equal(club.status, 'pending', 'a reduction asked for makes a request');
  const half = await page.getByRole('table', { name: '使用料の内訳' }).locator('tfoot').innerText();
  assert.match(half, /[\d,]+円/);
  assert.equal((await page.getByTestId('reduction-state').innerText()).trim(), '確認中');

  // The manager sees what was asked and chooses: without the reduction.
  await manager.goto(`${BASE}/console`);
  const listed = manager.getByRole('row').filter({ has: manager.getByRole('link', { name: club.reference, exact: true }) });
  assert.match(await listed.innerText(), /仮予約（減免申請あり）/, 'the waiting list says a reduction is asked for');
  await manager.getByRole('link', { name: club.reference, exact: true }).click();
  await manager.getByRole('heading', { level: 1, name: `予約 ${club.reference}` }).waitFor();
  assert.match(await summaryValue(manager, '使用料の減免').innerText(), /高齢者団体・老人クラブ（50%）/);
  assert.equal((await summaryValue(manager, '減免を受ける理由・提出する書類').innerText()).trim(), 'ひだまり老人クラブ（会員名簿を持参します）');
  await expectAccessible(manager);
  await manager.getByRole('button', { name: /^減免を認めずに承認する/ }).click();
  await expectShown(manager, manager.getByRole('status').filter({ hasText: '保存しました。' }), 'the approval is saved');
  assert.equal((await summaryValue(manager, '状態').innerText()).trim(), '予約');
  assert.equal((await manager.getByTestId('reduction-state').innerText()).trim(), '認められませんでした（通常の使用料）');
  await expectAccessible(manager);

  // The resident sees it confirmed at the full fee, the reduction refused.
  const seen = await residentView({ page, reference: club.reference });
  assert.equal(seen.code, 'confirmed');
  assert.equal((await page.getByTestId('reduction-state').innerText()).trim(), '認められませんでした（通常の使用料）');
  const full = await page.getByRole('table', { name: '使用料の内訳' }).locator('tfoot').innerText();
  const yen = (text) => Number(text.match(/([\d,]+)円/)[1].replaceAll(',', ''));
  assert.ok(yen(full) > yen(half), `the full fee (${full}) is more than the reduced one (${half})`);
  state.club = club;
});

test('the manager subscribes to the centre: a calendar feed made without JavaScript, its URL shown once, then stopped', async (t) => {
  if (!need(t, 'manager', 'approved')) return;
  const { manager } = state;
  await manager.goto(`${BASE}/console`);
  await manager.getByRole('navigation', { name: '管理メニュー' }).getByRole('link', { name: 'カレンダー配信' }).click();
  await manager.getByRole('heading', { level: 1, name: 'カレンダー配信（iCal）' }).waitFor();
  await expectAccessible(manager);
  await manager.getByLabel('名前', { exact: true }).fill('センターの予約');
  await manager.getByLabel('表示する範囲', { exact: true }).selectOption({ label: `${CENTRE}（全室）` });
  await manager.getByRole('radio', { name: /^予約の有無と時間だけ/ }).check();
  await manager.getByRole('button', { name: '作成する' }).click();
  await expectShown(manager, manager.getByRole('heading', { level: 2, name: /配信の URL/ }), 'the new feed\'s URL');
  await expectAccessible(manager);
  const url = await manager.getByTestId('feed-url').inputValue();
  assert.match(url, /\/feeds\/[0-9a-f]{64}\.ics$/, 'a secret URL of 256 bits');
  const webcal = await manager.getByRole('link', { name: 'カレンダーのアプリで開く' }).getAttribute('href');
  assert.equal(webcal, url.replace(/^https?:/, 'webcal:'));

  // A calendar app fetches it without signing in: the approved request is
  // there, with no name or contact (a busy feed), and asks again with 304.
  const res = await fetch(url, { headers: { 'accept-encoding': 'gzip, br' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/calendar; charset=utf-8');
  assert.equal(res.headers.get('content-encoding'), null, 'never compressed');
  const body = await res.text();
  assert.match(body, /BEGIN:VEVENT[\s\S]*STATUS:CONFIRMED/);
  for (const secret of [HALL_RESIDENT.name, HALL_RESIDENT.email, state.hall.reference]) {
    assert.ok(!body.includes(secret), `${secret} is not in a busy feed`);
  }
  const again = await fetch(url, { headers: { 'if-none-match': res.headers.get('etag') } });
  assert.equal(again.status, 304);

  // Shown once: after a reload only the list names it.
  await manager.reload();
  await manager.getByRole('heading', { level: 1, name: 'カレンダー配信（iCal）' }).waitFor();
  assert.equal(await manager.getByTestId('feed-url').count(), 0, 'the URL is not shown again');
  assert.ok((await tableRows(manager)).some((cells) => cells[0] === 'センターの予約' && cells[1] === `${CENTRE}（全室）`));
  await manager.getByRole('button', { name: '「センターの予約」を停止する' }).click();
  await expectShown(manager, manager.getByRole('status').filter({ hasText: '停止しました' }), 'the feed is stopped');
  await expectAccessible(manager);
  assert.equal((await fetch(url)).status, 404, 'a stopped feed answers 404');
});

test('the manager imports closures for the Japanese-style room from a calendar file: previewed, then written', async (t) => {
  if (!need(t, 'manager')) return;
  const { manager } = state;
  // A day off and an afternoon of repairs, six and seven weeks ahead.
  const day = addDays(tokyoToday(), 42).replaceAll('-', '');
  const next = addDays(tokyoToday(), 43).replaceAll('-', '');
  const after = addDays(tokyoToday(), 44).replaceAll('-', '');
  const ics = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//e2e//JA', 'X-WR-TIMEZONE:Asia/Tokyo',
    'BEGIN:VEVENT', `UID:e2e-${RUN}-1`, `DTSTART;VALUE=DATE:${day}`, `DTEND;VALUE=DATE:${next}`, 'SUMMARY:畳の張り替え', 'END:VEVENT',
    'BEGIN:VEVENT', `UID:e2e-${RUN}-2`, `DTSTART;TZID=Asia/Tokyo:${after}T130000`, `DTEND;TZID=Asia/Tokyo:${after}T170000`, 'SUMMARY:空調工事', 'END:VEVENT',
    'END:VCALENDAR', '',
  ].join('\r\n');
  await manager.goto(`${BASE}/console`);
  await manager.getByRole('navigation', { name: '管理メニュー' }).getByRole('link', { name: 'カレンダー取り込み' }).click();
  await manager.getByRole('heading', { level: 1, name: 'カレンダーから取り込む' }).waitFor();
  await expectAccessible(manager);
  await manager.getByLabel('取り込み先', { exact: true }).selectOption({ label: `${CENTRE} 和室` });
  await manager.getByLabel('カレンダーのファイル（.ics）').setInputFiles({ name: 'repairs.ics', mimeType: 'text/calendar', buffer: Buffer.from(ics) });
  await manager.getByRole('button', { name: '内容を確認する' }).click();
  await expectShown(manager, manager.getByRole('heading', { level: 2, name: '取り込む内容の確認' }), 'the preview');
  await expectAccessible(manager);
  const rows = await tableRows(manager);
  assert.deepEqual(rows.map((r) => [r[1], r[2]]), [['畳の張り替え', '休館日'], ['空調工事', '使用停止']]);
  // The demo town's bookings of the room those days are kept: each needs
  // its decision before the import is written.
  for (const keep of await manager.getByRole('radio', { name: /^予約を残す/ }).all()) await keep.check();
  await manager.getByRole('button', { name: '取り込む', exact: true }).click();
  await expectShown(manager, manager.getByRole('status').filter({ hasText: '2 件を取り込みました。' }), 'the import is written');
  await expectAccessible(manager);
});

test('the manager blocks the morning, cancels the colliding booking with notice; the resident sees it cancelled', async (t) => {
  if (!need(t, 'manager', 'room')) return;
  const { manager, facility } = state;
  const { date, reference } = state.room;

  // Console home → the centre's timeline → the block page.
  await manager.goto(`${BASE}/console`);
  await manager.getByRole('link', { name: CENTRE, exact: true }).click();
  await manager.getByRole('table', { name: /部屋・区画ごとの予約状況/ }).waitFor();
  assert.equal(new URL(manager.url()).pathname, `/console/facilities/${facility}`);
  await expectAccessible(manager);
  await manager.getByRole('link', { name: '使用停止・行政利用を登録' }).click();
  await manager.getByRole('heading', { level: 1, name: '使用停止・行政利用・休館の登録' }).waitFor();
  assert.equal(new URL(manager.url()).pathname, `/console/facilities/${facility}/block`);
  await expectAccessible(manager);

  await manager.getByRole('radio', { name: /^時間帯のブロック/ }).check();
  await manager.getByLabel('部屋・区画', { exact: true }).selectOption({ label: '会議室1' });
  await manager.getByLabel('日付', { exact: true }).fill(date);
  await manager.getByLabel('開始時刻', { exact: true }).fill('09:00');
  await manager.getByLabel('終了時刻', { exact: true }).fill('12:00');
  await manager.getByLabel('理由', { exact: true }).fill(BLOCK_REASON);
  await manager.getByRole('button', { name: '重なる予約を確認' }).click();
  await expectShown(manager, manager.getByRole('heading', { level: 2, name: '重なる予約が1件あります' }), 'the block lists the colliding booking');
  const decision = manager.getByRole('group', { name: new RegExp(reference) });
  assert.match(await decision.innerText(), /会議室1/);
  await expectAccessible(manager);
  await decision.getByRole('radio', { name: '取り消して利用者に知らせる' }).check();
  await manager.getByRole('button', { name: '登録する', exact: true }).click();

  // Back on the timeline of that day, the block shown in words.
  const saved = manager.getByRole('status').filter({ hasText: /^登録しました（受付番号 / });
  await expectShown(manager, saved, 'the block is saved');
  const blockReference = (await saved.innerText()).match(/受付番号 ([2-9A-HJKMNP-Z]{8})/)?.[1];
  assert.ok(blockReference, 'the saved block has a reference');
  assert.equal(new URL(manager.url()).searchParams.get('date'), date, 'the timeline of the blocked day');
  const row = manager.getByRole('row').filter({ has: manager.getByRole('rowheader', { name: '会議室1', exact: true }) });
  assert.ok(await row.getByRole('link', { name: new RegExp(`^使用停止 .*${blockReference}$`) }).count() > 0,
    `the timeline shows the block ${blockReference} on 会議室1: ${await row.innerText()}`);
  assert.equal(await row.getByRole('link', { name: new RegExp(reference) }).count(), 0, 'the cancelled booking is gone from the timeline');
  await expectAccessible(manager);
  await expectNoSidewaysScroll(manager);
  // The week from that day: seven days side by side, the block on its day.
  await manager.getByRole('link', { name: '週表示' }).click();
  await manager.waitForURL((u) => u.searchParams.get('view') === 'week');
  const weekRow = manager.getByRole('row').filter({ has: manager.getByRole('rowheader', { name: '会議室1', exact: true }) });
  await weekRow.getByRole('link', { name: new RegExp(blockReference) }).first().waitFor();
  await expectAccessible(manager);
  await expectNoSidewaysScroll(manager);
  await manager.getByRole('link', { name: '日表示' }).click();
  await manager.waitForURL((u) => u.searchParams.get('view') === null);
  assert.notEqual(await slotStatus(facility, '会議室1', date, '午前'), 'free', 'the blocked morning cannot be booked');

  // The resident, in their own browser and on another device.
  const own = await residentView({ page: state.roomPage, reference });
  assert.deepEqual(own, { code: 'cancelled', text: '取消済' }, 'the resident sees the booking cancelled');
  const elsewhere = await residentView({ reference, email: ROOM_RESIDENT.email });
  assert.equal(elsewhere.code, 'cancelled', 'found by reference and e-mail, it is cancelled too');
  state.block = { reference: blockReference };
});

test('the manager books on a resident\'s behalf (代行予約); the console names who did', async (t) => {
  if (!need(t, 'manager')) return;
  const { manager, facility } = state;
  const date = await freeDay(facility, '和室', '午後');

  // From the timeline's proxy link to the residents' own booking pages.
  await manager.goto(`${BASE}/console/facilities/${facility}`);
  await manager.getByRole('link', { name: '代行予約（電話・窓口）' }).click();
  // (The timeline's own heading names the centre too: wait for the new page.)
  await manager.waitForURL((url) => url.pathname === `/facilities/${facility}`);
  await manager.getByRole('heading', { level: 1, name: new RegExp(CENTRE) }).waitFor();
  await expectAccessible(manager);
  const proxy = await bookThroughPages(manager, {
    spa: false, facility, date, unit: '和室', period: '午後 13:00–17:00', person: PHONE_RESIDENT, proxy: true,
  });
  assert.equal(proxy.status, 'confirmed');

  // The booking in the console, via the timeline of that day.
  await manager.goto(`${BASE}/console/facilities/${facility}?date=${date}`);
  await manager.getByRole('table', { name: /部屋・区画ごとの予約状況/ }).waitFor();
  await expectAccessible(manager);
  await manager.getByRole('link', { name: new RegExp(`^予約 .*${proxy.reference}$`) }).first().click();
  await manager.getByRole('heading', { level: 1, name: `予約 ${proxy.reference}` }).waitFor();
  const id = new URL(manager.url()).pathname.match(/^\/console\/bookings\/(\d+)$/)?.[1];
  assert.ok(id, `the console booking page has a numeric id: ${manager.url()}`);
  assert.equal((await summaryValue(manager, '代行予約した職員').innerText()).trim(), MANAGER.name, 'the console shows who booked it');
  await expectAccessible(manager);

  const seen = await residentView({ reference: proxy.reference, email: PHONE_RESIDENT.email });
  assert.equal(seen.code, 'confirmed', 'the resident finds the proxy booking confirmed');
  state.proxy = { ...proxy, id, date };

  // Signing out ends the session on the server.
  await manager.getByRole('button', { name: 'ログアウト' }).click();
  await expectShown(manager, manager.getByRole('status').filter({ hasText: 'ログアウトしました。' }), 'the manager signs out');
  await expectAccessible(manager);
  await manager.goto(`${BASE}/console`);
  await manager.getByRole('link', { name: 'ログイン画面へ' }).waitFor();
  assert.equal(await manager.getByRole('heading', { level: 1, name: '管理画面' }).count(), 0, 'the console is closed after signing out');
  await expectAccessible(manager);
});

test('the admin keeps the town\'s fee reductions: a mistake said next to its field, then a category added and offered on the booking form', async (t) => {
  if (!need(t, 'admin')) return;
  const { admin } = state;
  await admin.goto(`${BASE}/console`);
  await admin.getByRole('navigation', { name: '管理メニュー' }).getByRole('link', { name: '使用料の減免' }).click();
  await admin.getByRole('heading', { level: 1, name: '使用料の減免' }).waitFor();
  await expectAccessible(admin);
  const name = `子ども会 ${RUN}`;
  await admin.getByLabel('区分の名前（日本語）').fill(name);
  await admin.getByLabel('減免率（%）').fill('120');
  await admin.getByRole('button', { name: '追加する', exact: true }).click();
  await expectShown(admin, admin.getByText('減免率を 1 から 100 までの整数で入力してください（全額免除は 100）。').first(), 'the bad share is named');
  assert.equal(await admin.getByLabel('区分の名前（日本語）').inputValue(), name, 'what was typed is kept');
  await expectAccessible(admin);
  await admin.getByLabel('減免率（%）').fill('30');
  await admin.getByLabel('申請に必要なもの（日本語）').fill('子ども会の名前を書いてください。');
  await admin.getByRole('button', { name: '追加する', exact: true }).click();
  await expectShown(admin, admin.getByRole('status').filter({ hasText: `${name} を追加しました。` }), 'the category is added');
  const row = admin.getByRole('row').filter({ hasText: name });
  assert.match(await row.innerText(), /30%[\s\S]*受付中/);
  await expectAccessible(admin);
  const list = await api('/api/v1/reductions');
  assert.ok(list.some((r) => r.name === name && r.percent === 30), 'offered to residents');
});

test('the admin finds the account, approval, block, cancellation and proxy booking in the audit log, and the mails in the outbox', async (t) => {
  if (!need(t, 'admin')) return;
  const { admin } = state;
  await admin.goto(`${BASE}/console`);
  await admin.getByRole('navigation', { name: '管理メニュー' }).getByRole('link', { name: '監査ログ' }).click();
  await admin.getByRole('heading', { level: 1, name: '監査ログ' }).waitFor();
  await expectAccessible(admin);
  const entries = (await tableRows(admin)).map(([at, actor, action, target, before, after]) => ({ at, actor, action, target, before, after }));
  const find = (what, pred) => {
    const e = entries.find(pred);
    assert.ok(e, `the audit log has ${what}; it has:\n${entries.slice(0, 40).map((x) => `${x.action} ${x.target} by ${x.actor}`).join('\n')}`);
    return e;
  };
  find('the CLI\'s admin account', (e) => e.action === 'account.create' && e.actor === 'cli' && e.after.includes(ADMIN.email));
  const made = find('the manager account, by the admin', (e) => e.action === 'account.create' && e.after.includes(MANAGER.email));
  assert.ok(made.actor.includes(ADMIN.email), `made by the admin: ${made.actor}`);
  assert.match(made.target, /^account:\d+$/);
  const byManager = (e) => e.actor.includes(MANAGER.email);
  if (state.approved) {
    find('the approval', (e) => e.action === 'booking.approve' && e.target === `booking:${state.hall.reference}` && byManager(e));
  }
  if (state.block) {
    const block = find('the block', (e) => e.action === 'block.create' && e.target === `booking:${state.block.reference}` && byManager(e));
    assert.ok(block.after.includes(state.room.reference), `the block names the booking it cancelled: ${block.after}`);
    const cancel = find('the cancellation', (e) => e.action === 'booking.cancel' && e.target === `booking:${state.room.reference}` && byManager(e));
    assert.ok(cancel.after.includes(BLOCK_REASON), `with the reason: ${cancel.after}`);
  }
  if (state.proxy) {
    // The proxy entry names the booking by its numeric id, the others by reference.
    find('the proxy booking', (e) => e.action === 'booking.proxy' && byManager(e)
      && (e.target === `booking:${state.proxy.id}` || e.target === `booking:${state.proxy.reference}`));
  }

  // The filter (a plain GET form): only what the manager did.
  await admin.getByLabel('操作した人', { exact: true }).fill(MANAGER.email);
  await admin.getByRole('button', { name: '絞り込む' }).click();
  await admin.waitForURL((url) => url.searchParams.get('actor') === MANAGER.email);
  await admin.getByRole('heading', { level: 1, name: '監査ログ' }).waitFor();
  const filtered = await tableRows(admin);
  assert.ok(filtered.length > 0 && filtered.every((cells) => cells[1].includes(MANAGER.email)),
    `the filtered log lists only the manager's entries: ${filtered.map((c) => c[1]).join(', ')}`);
  await expectAccessible(admin);

  // The mails to residents (sent, or waiting when no SMTP server is set).
  // They are written by a background task: reload until all are there.
  const expected = [];
  if (state.hall) expected.push({ to: HALL_RESIDENT.email, subject: `仮予約を受け付けました / Request received (${state.hall.reference})` });
  if (state.approved) expected.push({ to: HALL_RESIDENT.email, subject: `予約が承認されました / Booking approved (${state.hall.reference})` });
  if (state.block) expected.push({ to: ROOM_RESIDENT.email, subject: `予約を取り消しました（施設より） / Booking cancelled by the facility (${state.room.reference})` });
  if (state.club) expected.push({ to: CLUB_RESIDENT.email, subject: `予約が承認されました（減免なし） / Booking approved (no fee reduction) (${state.club.reference})` });
  if (state.proxy) expected.push({ to: PHONE_RESIDENT.email, subject: `予約を受け付けました / Booking confirmed (${state.proxy.reference})` });
  const deadline = Date.now() + 30_000;
  for (;;) {
    await admin.goto(`${BASE}/console/outbox`);
    await admin.getByRole('heading', { level: 1, name: '送信メール' }).waitFor();
    const mails = (await tableRows(admin)).map(([created, to, subject, sent]) => ({ created, to, subject, sent }));
    const missing = expected.filter((m) => !mails.some((x) => x.to === m.to && x.subject === m.subject));
    if (missing.length === 0) break;
    if (Date.now() > deadline) {
      assert.fail(`the outbox lacks ${JSON.stringify(missing)}; it has:\n${mails.slice(0, 20).map((m) => `${m.to}: ${m.subject}`).join('\n')}`);
    }
    await admin.waitForTimeout(1_000);
  }
  await expectAccessible(admin);
  assert.ok(expected.length >= 1, 'at least one mail was expected');
});
