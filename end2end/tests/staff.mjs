// Staff helpers shared by the browser tests: TOTP codes computed here
// (RFC 6238), and the real server binary's command line (`create-admin`).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BASE, expectAccessible } from './helpers.mjs';
import { createHmac } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// ---------------------------------------------------------------- TOTP

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.toUpperCase().replace(/[\s=]/g, '')) {
    const v = alphabet.indexOf(ch);
    assert.ok(v >= 0, `"${ch}" is not a base32 character (secret ${text})`);
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP with HMAC-SHA1, 6 digits; TOTP uses counter = unix time / 30 s. */
export function hotp(secret, counter) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32Decode(secret)).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

const STEP_MS = 30_000;
const lastStep = new Map();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The current TOTP code of `secret`, never one already used: if this step's
 * code was used, waits for the next step (the only fixed wait in the file).
 * Also avoids the last second of a step so the code is current on arrival.
 */
export async function freshCode(secret) {
  for (;;) {
    const now = Date.now();
    const step = Math.floor(now / STEP_MS);
    const used = lastStep.get(secret);
    if (used !== undefined && step <= used) {
      await sleep((used + 1) * STEP_MS - now + 250);
      continue;
    }
    if ((step + 1) * STEP_MS - now < 1_500) {
      await sleep((step + 1) * STEP_MS - now + 250);
      continue;
    }
    lastStep.set(secret, step);
    return hotp(secret, step);
  }
}

/** A six-digit code that is wrong now and one step either side. */
export function wrongCode(secret) {
  const step = Math.floor(Date.now() / STEP_MS);
  const near = new Set([-2, -1, 0, 1, 2].map((d) => hotp(secret, step + d)));
  let n = 0;
  while (near.has(String(n).padStart(6, '0'))) n += 1;
  return String(n).padStart(6, '0');
}

// ------------------------------------------------------- the CLI binary

export function serverBinary() {
  if (process.env.SERVER_BIN) return process.env.SERVER_BIN;
  const targets = [path.join(ROOT, 'target')];
  if (process.env.CARGO_TARGET_DIR) targets.unshift(path.resolve(ROOT, process.env.CARGO_TARGET_DIR));
  const found = targets
    .flatMap((t) => ['debug', 'release'].map((p) => path.join(t, p, 'server')))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  assert.ok(found.length > 0, `no server binary in ${targets.join(', ')} (set SERVER_BIN)`);
  return found[0];
}

/**
 * Runs the server binary with `args`, writing `input` to its stdin; `env`
 * adds to (or overrides) this process's environment.
 */
export function runServerCommand(args, input, env = {}) {
  const bin = serverBinary();
  return new Promise((resolve, reject) => {
    // The repository root as working directory: the server's default
    // DATABASE_URL (sqlite://data/town.db) is relative to it.
    const child = spawn(bin, args, {
      cwd: ROOT,
      env: { ...process.env, RUST_LOG: 'warn', NO_COLOR: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ bin, code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // EPIPE if it exits before reading; the exit code tells
    child.stdin.end(input);
  });
}


// ------------------------------------------------------------ pages

/**
 * Waits for `locator`; if the page shows an error (role=alert) instead,
 * fails with what it says.
 */
export async function expectShown(page, locator, what) {
  const alert = page.getByRole('alert');
  await locator.or(alert).first().waitFor();
  if (await locator.count() === 0 || !(await locator.first().isVisible())) {
    assert.fail(`${what}: instead the page (${page.url()}) says: ${(await alert.allInnerTexts()).join(' / ')}`);
  }
}

/**
 * Staff sign-in at `base`: password, then the TOTP code (a wrong one first
 * if asked).
 */
export async function signIn(page, { email, password }, secret, { wrongFirst = false, base = BASE } = {}) {
  await page.goto(`${base}/console/login`);
  await page.getByRole('heading', { level: 1, name: '職員ログイン' }).waitFor();
  await expectAccessible(page);
  await page.getByLabel('メールアドレス', { exact: true }).fill(email);
  await page.getByLabel('パスワード', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  await expectShown(page, page.getByRole('heading', { level: 1, name: '確認コードの入力' }),
    `${email} is asked for the code after the password (is the account in the server's database, DATABASE_URL=${process.env.DATABASE_URL ?? '(unset)'}?)`);
  assert.match(page.url(), /\/console\/login\/code/);
  await expectAccessible(page);

  const codeField = page.getByLabel('確認コード（6桁）');
  if (wrongFirst) {
    await codeField.fill(wrongCode(secret));
    await page.getByRole('button', { name: '確認', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: '確認コードが違うか、期限が切れています' }).waitFor();
    assert.equal(await codeField.getAttribute('aria-invalid'), 'true', 'the code field is marked invalid');
    await expectAccessible(page);
  }
  await codeField.fill(await freshCode(secret));
  await page.getByRole('button', { name: '確認', exact: true }).click();
  await expectShown(page, page.getByRole('heading', { level: 1, name: '管理画面' }), `${email} signs in with the TOTP code`);
  assert.equal(new URL(page.url()).pathname, '/console', 'the code leads to the console');
  await expectAccessible(page);
}

/** The base32 TOTP secret `create-admin` printed. */
export function printedSecret(stdout) {
  return stdout.match(/TOTP secret[^:\n]*:\s*([A-Z2-7]+=*)\s*$/m)?.[1]
    ?? stdout.match(/otpauth:\/\/totp\/\S*[?&]secret=([A-Z2-7]+)/)?.[1];
}
