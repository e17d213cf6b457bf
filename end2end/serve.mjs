// Starts a server binary on a free-standing port over a throw-away SQLite
// file (the demo town is seeded on first start) and waits until it answers.
// Used by the measuring scripts (weights.mjs, lighthouse/run.mjs), which
// need nothing else to run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** `{ base, stop }` for `bin` (default: the release server) on `port`. */
export async function startServer({ port, bin = process.env.SERVER_BIN ?? path.join(ROOT, 'target/release/server') }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'town-serve-'));
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(bin, ['serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dir}/town.db?mode=rwc`,
      LEPTOS_OUTPUT_NAME: 'town-booking',
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? 'target/site',
      LEPTOS_SITE_PKG_DIR: 'pkg',
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      RUST_LOG: 'warn',
    },
    stdio: 'ignore',
  });
  const stop = () => {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        // not up yet
      }
      if (i > 600 || server.exitCode !== null) throw new Error(`the server (${bin}) did not start`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    stop();
    throw e;
  }
  return { base, stop };
}
