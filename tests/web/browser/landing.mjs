// Browser test of the invite landing page (web/assets/join.*), run by a Rust
// integration test against a node serving /join on 127.0.0.1 (a secure context, so the
// page checks signatures with WebCrypto as on https://swarmroll.app). Every published
// invite vector (tests/vectors/invites.json) must show what the core decodes, or the
// error the core reports. Environment:
//   SR_BASE         http://127.0.0.1:<port>        SR_VECTORS   path of invites.json
//   SR_SCREENSHOTS  folder for landing.png, landing-error.png
//   SR_CHROMIUM     the browser (default /usr/bin/chromium)
// Prints `RESULT {"valid": n, "invalid": m}` and exits 0, or the reason and exits 1.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, locale: 'en-US' };

const base = process.env.SR_BASE;
const vectors = JSON.parse(fs.readFileSync(process.env.SR_VECTORS, 'utf8'));
const shots = process.env.SR_SCREENSHOTS;
fs.mkdirSync(shots, { recursive: true });

// What follows `join/` or `join#` in a link: the page's fragment.
const fragment = (link) => {
  const m = /join[/#](.*)$/.exec(link);
  return m && !link.startsWith('https://example.org') ? m[1] : '';
};

const browser = await chromium.launch({ executablePath: process.env.SR_CHROMIUM || '/usr/bin/chromium', args: ARGS });
let failed = null;
try {
  const ctx = await browser.newContext({ ...PHONE, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const visit = async (frag, nowMs) => {
    await page.clock.setFixedTime(new Date(nowMs));
    await page.goto('about:blank');
    await page.goto(`${base}/join#${frag}`);
    await page.waitForFunction(() => !document.getElementById('invite').hidden || !document.getElementById('error').hidden);
  };
  for (const [i, v] of vectors.valid.entries()) {
    await visit(fragment(v.https_link), vectors.now_ms);
    const got = await page.evaluate(() => ({
      name: document.getElementById('channel-name').textContent,
      inviter: document.getElementById('inviter-name').textContent,
      role: document.getElementById('role').textContent,
      open: document.getElementById('open-app').getAttribute('href'),
      qr: !!document.querySelector('#qr svg'),
      error: !document.getElementById('error').hidden,
    }));
    const want = v.expect;
    if (got.error || got.name !== want.name || got.inviter !== (want.inviter_name || 'A member of the channel')
        || got.open !== v.link || !got.qr || (want.role === 'contributor') !== /post your own/.test(got.role)) {
      throw new Error(`valid vector "${v.label}" shows ${JSON.stringify(got)}`);
    }
    if (i === 0) {
      await page.screenshot({ path: path.join(shots, 'landing.png'), fullPage: true });
      // Deferred join: leaving for a store copies the invite for the app's first start.
      // The test keeps the page (no request ever leaves this machine).
      await page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
      await page.evaluate(() => document.getElementById('store-google').addEventListener('click', (e) => e.preventDefault()));
      await page.click('#store-google');
      await page.waitForFunction(async () => (await navigator.clipboard.readText()) !== 'nothing yet');
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      if (copied !== v.https_link) throw new Error(`the store link copied ${copied}, not ${v.https_link}`);
    }
  }
  for (const v of vectors.invalid) {
    await visit(fragment(v.link), v.now_ms ?? vectors.now_ms);
    const code = await page.evaluate(() => {
      const e = document.getElementById('error');
      return e.hidden ? null : e.dataset.code;
    });
    if (code !== v.error) throw new Error(`invalid vector ${v.error} shows ${code}`);
    if (v.error === 'Tampered') await page.screenshot({ path: path.join(shots, 'landing-error.png'), fullPage: true });
  }
  if (errors.length) throw new Error('page errors: ' + errors.join('; '));
  console.log('RESULT ' + JSON.stringify({ valid: vectors.valid.length, invalid: vectors.invalid.length }));
} catch (e) {
  failed = e;
} finally {
  await browser.close();
}
if (failed) {
  console.log('FAILED ' + failed.message);
  process.exit(1);
}
