// What the browser tests share: the browser's flags and device shapes, checks that fail
// with a reason, named steps with their timing, waiting on the page, and the main that
// launches Debian's Chromium, prints `RESULT <json>` or `FAILED: <why>` and exits.
import { chromium } from 'playwright-core';
import fs from 'node:fs';

export const WAIT = 20000;
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' };
export const LAPTOP = { viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false, locale: 'en-US' };

export class Failure extends Error {}

export function harness(name) {
  const log = (...a) => console.error('[' + name + ']', ...a);
  const check = (ok, msg) => {
    if (!ok) throw new Failure(msg);
  };
  const need = (k) => {
    const v = process.env[k];
    check(v, 'environment variable ' + k + ' is not set');
    return v;
  };
  async function step(label, fn) {
    const t0 = Date.now();
    try {
      const r = await fn();
      log('ok:', label, '(' + (Date.now() - t0) + ' ms)');
      return r;
    } catch (e) {
      throw new Failure(label + ': ' + String(e && e.message ? e.message : e).split('\n')[0]);
    }
  }
  async function until(page, msg, fn, arg) {
    try {
      return await (await page.waitForFunction(fn, arg, { timeout: WAIT, polling: 100 })).jsonValue();
    } catch {
      throw new Failure(msg + ' (waited ' + WAIT / 1000 + ' s)');
    }
  }
  // Launches the browser, runs `run(browser)` (at most `minutes`) and prints `report` of
  // its result; resolves to the exit code.
  async function main(run, { minutes = 3, report = (r) => r } = {}) {
    const exe = process.env.SR_CHROMIUM || '/usr/bin/chromium';
    let browser = null;
    const watchdog = setTimeout(() => {
      console.log('FAILED: the ' + name + ' took longer than ' + minutes + ' minutes');
      process.exit(1);
    }, minutes * 60000);
    try {
      check(fs.existsSync(exe), 'no browser at ' + exe + ' (set SR_CHROMIUM)');
      browser = await chromium.launch({ executablePath: exe, args: ARGS, timeout: 60000 });
      console.log('RESULT ' + JSON.stringify(report(await run(browser))));
      return 0;
    } catch (e) {
      const why = e instanceof Failure ? e.message : (e && e.stack) || String(e);
      console.log('FAILED: ' + why);
      log('FAILED: ' + why);
      return 1;
    } finally {
      clearTimeout(watchdog);
      if (browser) await browser.close().catch(() => {});
    }
  }
  return { log, check, need, step, until, main };
}
