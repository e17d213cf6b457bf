// Lighthouse (mobile preset) on the pages a resident opens first: home,
// a facility's month, a day and the booking form, against the release
// server started by serve.mjs. Prints the performance and accessibility
// scores and the main timings as a Markdown table for docs/BENCHMARKS.md.
// Run with `bash scripts/lighthouse.sh` (it builds and installs first).
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../serve.mjs';

const LIGHTHOUSE = new URL('./node_modules/.bin/lighthouse', import.meta.url).pathname;
const CHROME_FLAGS = '--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-dev-shm-usage '
  + '--disable-background-networking --disable-component-update --disable-sync';

const { base, stop } = await startServer({ port: 3198 });
const out = mkdtempSync(path.join(tmpdir(), 'lighthouse-'));
try {
  // The first open day from a week ahead, and its first free period's form.
  let day;
  let book;
  for (let n = 7; n < 21 && !book; n++) {
    day = new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
    const dayHtml = await (await fetch(`${base}/facilities/1/days/${day}`)).text();
    book = dayHtml.match(/href="(\/facilities\/1\/book\?[^"]+)"/)?.[1]?.replaceAll('&amp;', '&');
  }
  if (!book) throw new Error('no bookable period in the two weeks from a week ahead');
  const pages = [
    ['home', '/'],
    ['facility month', '/facilities/1'],
    ['facility day', `/facilities/1/days/${day}`],
    ['booking form', book],
  ];
  console.log('| page | performance | accessibility | FCP | LCP | TBT | CLS |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, url] of pages) {
    const file = path.join(out, `${name.replace(/\W+/g, '-')}.json`);
    execFileSync(LIGHTHOUSE, [
      `${base}${url}`, '--quiet', '--output=json', `--output-path=${file}`,
      '--only-categories=performance,accessibility', `--chrome-flags=${CHROME_FLAGS}`,
      // The pages in Japanese, as residents see them; the report in English.
      '--extra-headers={"Accept-Language":"ja"}', '--locale=en-US',
    ], { env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' }, stdio: ['ignore', 'ignore', 'inherit'] });
    const r = JSON.parse(readFileSync(file, 'utf8'));
    const score = (c) => Math.round(r.categories[c].score * 100);
    const audit = (a) => r.audits[a].displayValue;
    console.log(`| ${name} (\`${url.replace(/\d{4}-\d{2}-\d{2}/g, 'DATE').replace(/\?.*/, '?…')}\`) | ${score('performance')} | `
      + `${score('accessibility')} | ${audit('first-contentful-paint')} | ${audit('largest-contentful-paint')} | `
      + `${audit('total-blocking-time')} | ${audit('cumulative-layout-shift')} |`);
    const failed = Object.values(r.audits).filter((a) => a.score !== null && a.score < 1
      && r.categories.accessibility.auditRefs.some((ref) => ref.id === a.id && ref.weight > 0));
    for (const a of failed) console.log(`|  ↳ accessibility: ${a.id} (${a.title}) | | | | | | |`);
    if (process.env.LIGHTHOUSE_DETAIL) {
      // What the simulated paints may wait for: every request of the page,
      // when it started and ended in the (unthrottled) load.
      console.error(`${name}:`);
      for (const req of r.audits['network-requests'].details.items) {
        console.error(`  ${req.resourceType} ${req.url.replace(base, '')} ${req.transferSize} B, `
          + `${Math.round(req.networkRequestTime)}–${Math.round(req.networkEndTime)} ms`);
      }
    }
  }
} finally {
  stop();
  rmSync(out, { recursive: true, force: true });
}
