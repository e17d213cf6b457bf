// Live availability: two residents look at the same day; one books, and the
// other's page shows the time as booked within a second, without a reload.
// A third has the booking form for that time open and is told it was taken
// before submitting. axe-core checks the pages after they changed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, waitForServer, launch, expectAccessible, hydrated, newContext, tokyoToday, api, addDays } from './helpers.mjs';
import { serverBinary, runServerCommand, freshCode } from './staff.mjs';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

let browser;

before(async () => {
  await waitForServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** The date of a free morning of 会議室2, three weeks ahead or later. */
async function freeMorning(base = BASE) {
  const from = addDays(tokyoToday(), 21);
  const res = await fetch(`${base}/api/v1/facilities/1/availability?from=${from}&to=${addDays(from, 30)}`);
  assert.equal(res.status, 200);
  const body = await res.json();
  const unit = body.units.find((u) => u.name === '会議室2');
  const slot = unit.slots.find((s) => s.label === '午前' && s.status === 'free');
  assert.ok(slot, 'a free morning of 会議室2');
  return slot.start.slice(0, 10);
}

/** A resident books 会議室2's morning of `date` through the form at `base`. */
async function bookMorning(page, base, date, email) {
  await page.goto(`${base}/facilities/1/days/${date}`);
  await hydrated(page);
  await page.getByRole('link', { name: /^会議室2 午前 .* を予約する$/ }).click();
  await page.getByRole('heading', { level: 1, name: '予約の申込み' }).waitFor();
  await page.getByLabel('氏名').fill('山田 花子');
  await page.getByLabel('ふりがな').fill('やまだ はなこ');
  await page.getByLabel('電話番号').fill('090-5555-0101');
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('利用目的').fill('町内会の会議');
  await page.getByLabel('利用人数').fill('8');
  await page.getByRole('radio', { name: /^町内/ }).check();
  await page.getByRole('button', { name: '入力内容を確認する' }).click();
  await page.getByRole('heading', { level: 1, name: '内容の確認' }).waitFor();
  await page.getByRole('button', { name: '予約を確定する' }).click();
  await page.getByRole('heading', { level: 1, name: /受け付けました/ }).waitFor();
}

test('a booking shows on every open page within a second, without reload', async () => {
  const date = await freeMorning();
  const dayUrl = `${BASE}/facilities/1/days/${date}`;
  const bookLink = { name: /^会議室2 午前 .* を予約する$/ };

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
  await bookMorning(a, BASE, date, 'live@example.jp');

  // Within a second of the confirmation page (the commit came before it).
  await b.getByRole('link', bookLink).waitFor({ state: 'detached', timeout: 1_000 });
  await b.getByRole('status').filter({ hasText: 'か所が変わりました' }).waitFor({ timeout: 1_000 });
  await c.getByRole('alert').filter({ hasText: 'ほかの方の予約が入りました' }).waitFor({ timeout: 1_000 });
  assert.equal(await b.evaluate(() => window.__sameDocument), true, 'no reload');
  await expectAccessible(b);
  await expectAccessible(c);

  await booker.close();
  await watcher.close();
  await other.close();
});

/**
 * A free time of マイナンバーカード受取 from `skip` days after today+5: the
 * procedure, its date and the time (the one with the fewest members free).
 */
async function freeVisitTime(skip = 0) {
  const procedures = await api('/api/v1/procedures');
  const card = procedures.find((p) => p.name === 'マイナンバーカード受取');
  for (let n = 5 + skip; n < 40; n += 1) {
    const date = addDays(tokyoToday(), n);
    const body = await api(`/api/v1/procedures/${card.id}/availability?date=${date}`);
    const time = body.times.filter((t) => t.remaining > 0).sort((a, b) => a.remaining - b.remaining)[0];
    if (time) return { card, date, time };
  }
  assert.fail('a free visit time in the coming weeks');
}

/** Books `time` over the API for visitor `n` of a test called `tag`; its reference. */
async function bookVisit(card, time, tag, n) {
  const res = await fetch(`${BASE}/api/v1/appointments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      procedure_ids: [card.id], start: time.start, mode: 'in_person',
      name: '佐藤 次郎', name_kana: 'さとう じろう',
      phone: `080-${tag.length}${String(n).padStart(3, '0')}-${String(Date.now() % 10_000).padStart(4, '0')}`,
      email: `live-${tag}-${n}-${Date.now()}@example.jp`,
    }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()).reference;
}

test('a visit booked elsewhere takes its time off an open time picker within a second', async () => {
  const { card, date, time } = await freeVisitTime();
  const local = time.start.slice(0, 16);

  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${BASE}/visits/procedures/${card.id}?date=${date}`);
  await hydrated(page);
  await page.evaluate(() => { window.__sameDocument = true; });
  const pick = page.locator(`a[href*="start=${local}"]`);
  assert.equal(await pick.count(), 1);

  // Others take every member free at that time (over the API).
  for (let i = 0; i < time.remaining; i += 1) await bookVisit(card, time, 'picker', i);
  await pick.waitFor({ state: 'detached', timeout: 1_000 });
  await page.getByRole('status').filter({ hasText: 'か所が変わりました' }).waitFor({ timeout: 1_000 });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  await expectAccessible(page);
  await context.close();
});

test('the counters\' day shows a new visit within a second, without reload', async () => {
  const { card, date, time } = await freeVisitTime(10);
  const admin = { email: `e2e-live-admin-${Date.now().toString(36)}@town.example`, password: 'correct horse battery staple' };
  const made = await runServerCommand(['create-admin', admin.email], `${admin.password}\n`);
  assert.equal(made.code, 0, `create-admin failed:\n${made.stdout}\n${made.stderr}`);
  const secret = made.stdout.match(/TOTP secret[^:\n]*:\s*([A-Z2-7]+=*)\s*$/m)?.[1];
  assert.ok(secret, made.stdout);

  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${BASE}/console/login`);
  await hydrated(page);
  await page.getByLabel('メールアドレス', { exact: true }).fill(admin.email);
  await page.getByLabel('パスワード', { exact: true }).fill(admin.password);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  await page.getByLabel('確認コード（6桁）').fill(await freshCode(secret));
  await page.getByRole('button', { name: '確認', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: '管理画面' }).waitFor();
  await page.goto(`${BASE}/console/visits?date=${date}`);
  await hydrated(page);
  await page.evaluate(() => { window.__sameDocument = true; });

  const reference = await bookVisit(card, time, 'counter', 1);
  await page.getByRole('row').filter({ hasText: reference }).waitFor({ timeout: 1_000 });
  await page.getByRole('status').filter({ hasText: 'か所が変わりました' }).waitFor({ timeout: 1_000 });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  await expectAccessible(page);
  await context.close();
});

test('when a proxy cuts the stream, the page polls and says when it last read', async () => {
  const date = await freeMorning();
  const context = await newContext(browser);
  // A proxy that refuses event streams.
  await context.route('**/live/**', (route) => route.fulfill({ status: 502, body: 'Bad Gateway' }));
  const page = await context.newPage();
  await page.goto(`${BASE}/facilities/1/days/${date}`);
  await hydrated(page);
  await page.getByText(/時点の空き状況です/).waitFor({ timeout: 5_000 });
  const link = page.getByRole('link', { name: /^会議室2 午前 .* を予約する$/ });
  assert.equal(await link.count(), 1);

  const booker = await newContext(browser);
  await bookMorning(await booker.newPage(), BASE, date, 'live-poll@example.jp');
  // The next poll (every 30 s) shows it.
  await link.waitFor({ state: 'detached', timeout: 35_000 });
  await expectAccessible(page);
  await booker.close();
  await context.close();
});

/** Two server processes on one new PostgreSQL database, or null without PostgreSQL (outside CI). */
async function twoProcessesOnPostgres() {
  const name = `e2e_live_${process.pid}_${Date.now() % 100000}`;
  try {
    execFileSync('createdb', ['-h', '127.0.0.1', '-U', 'postgres', name], { stdio: 'pipe' });
  } catch (e) {
    if (process.env.CI === 'true') throw e;
    return null;
  }
  const url = `postgres://postgres@127.0.0.1:5432/${name}`;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const ports = [3101, 3102];
  const children = [];
  // One after the other: the first migrates and seeds the demo town.
  for (const port of ports) {
    const child = spawn(serverBinary(), ['serve'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: url,
        LEPTOS_OUTPUT_NAME: 'town-booking',
        LEPTOS_SITE_ROOT: 'target/site',
        LEPTOS_SITE_PKG_DIR: 'pkg',
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        RUST_LOG: 'warn',
      },
      stdio: 'ignore',
    });
    children.push(child);
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        // not up yet
      }
      assert.ok(i < 600, `server on ${port} did not start`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    bases: ports.map((p) => `http://127.0.0.1:${p}`),
    stop() {
      for (const c of children) c.kill();
      execFileSync('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', '--force', name], { stdio: 'pipe' });
    },
  };
}

test('on PostgreSQL, a booking through one server process shows on a page served by another', async (t) => {
  const pair = await twoProcessesOnPostgres();
  if (!pair) {
    t.skip('PostgreSQL is not reachable');
    return;
  }
  const [first, second] = pair.bases;
  try {
    const date = await freeMorning(first);
    const watcher = await newContext(browser);
    const b = await watcher.newPage();
    await b.goto(`${second}/facilities/1/days/${date}`);
    await hydrated(b);
    await b.evaluate(() => { window.__sameDocument = true; });
    const link = b.getByRole('link', { name: /^会議室2 午前 .* を予約する$/ });
    assert.equal(await link.count(), 1);

    const booker = await newContext(browser);
    const a = await booker.newPage();
    await bookMorning(a, first, date, 'live-pg@example.jp');

    await link.waitFor({ state: 'detached', timeout: 1_000 });
    await b.getByRole('status').filter({ hasText: 'か所が変わりました' }).waitFor({ timeout: 1_000 });
    assert.equal(await b.evaluate(() => window.__sameDocument), true, 'no reload');
    await expectAccessible(b);
    await booker.close();
    await watcher.close();
  } finally {
    pair.stop();
  }
});
