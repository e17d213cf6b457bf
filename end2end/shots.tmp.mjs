// Throwaway: screenshots of the import page (not committed).
import { chromium } from 'playwright-core';
import { hotp } from './tests/staff.mjs';
import { readFileSync } from 'node:fs';
const BASE = 'http://127.0.0.1:3000';
const [email, password, secret] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
for (const width of [390, 1280]) {
  const ctx = await browser.newContext({ locale: 'ja-JP', viewport: { width, height: 900 }, javaScriptEnabled: width === 1280 });
  const page = await ctx.newPage();
  await page.goto(`${BASE}/console/login`);
  await page.getByLabel('メールアドレス', { exact: true }).fill(email);
  await page.getByLabel('パスワード', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  await page.getByLabel('確認コード（6桁）').waitFor();
  const step = Math.floor(Date.now() / 30000) + (width === 1280 ? 1 : 0);
  if (width === 1280) await new Promise((r) => setTimeout(r, (step * 30000) - Date.now() + 500));
  await page.getByLabel('確認コード（6桁）').fill(hotp(secret, step));
  await page.getByRole('button', { name: '確認', exact: true }).click();
  await page.waitForURL(/\/console$/);
  await page.goto(`${BASE}/console/import`);
  await page.screenshot({ path: `/tmp/shots/import-form-${width}.png`, fullPage: true });
  await page.getByLabel('取り込み先', { exact: true }).selectOption({ index: 0 });
  await page.getByLabel('カレンダーのファイル（.ics）').setInputFiles({ name: 'holidays-ja.ics', mimeType: 'text/calendar', buffer: readFileSync('../server/tests/fixtures/holidays-ja.ics') });
  await page.getByRole('button', { name: '内容を確認する' }).click();
  await page.getByRole('heading', { level: 2, name: '取り込む内容の確認' }).waitFor();
  await page.screenshot({ path: `/tmp/shots/import-preview-${width}.png`, fullPage: true });
  await ctx.close();
}
await browser.close();
