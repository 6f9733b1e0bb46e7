// Browser test of a private channel's venue gallery (web/src/sealing.rs): the link's key
// is in its fragment; with it the page shows everything and uploads and comments as on
// any gallery, while every body that crosses the network is sealed. Run by a Rust
// integration test against a real node.
// Environment:
//   SR_GALLERY_URL   the uploader link, with its #k=… fragment
//   SR_SLIDESHOW_URL the host's slideshow, with the host link's key
//   SR_CAPTION       the caption of the post already there   SR_COMMENT  its comment
//   SR_PHOTO         a photo to upload                        SR_SCREENSHOTS  folder
//   SR_CHROMIUM      the browser (default /usr/bin/chromium)
// On success prints: RESULT {"upload_post": "...", "comment": "..."}
import fs from 'node:fs';
import path from 'node:path';
import { PHONE, WAIT, harness } from './harness.mjs';

const SAYS = 'Lovely, from a private gallery';
const { log, check, need, step, until, main } = harness('private gallery test');

// Every response body under the link that is not a page or a script: what a sniffer on
// the Wi-Fi would get.
function wiretap(page, seen) {
  page.on('response', async (r) => {
    const u = new URL(r.url());
    if (!u.pathname.startsWith('/g/') || /\/(slideshow)?$/.test(u.pathname) || u.pathname.endsWith('/api/events')) return;
    try {
      seen.push({ path: u.pathname, sealed: r.headers()['swarmroll-sealed'] === '1', body: await r.body() });
    } catch { /* a stream or a body the page let go */ }
  });
}

async function run(browser) {
  const url = need('SR_GALLERY_URL'), caption = need('SR_CAPTION'), comment = need('SR_COMMENT');
  const photo = need('SR_PHOTO'), shots = need('SR_SCREENSHOTS');
  check(url.includes('#k='), 'the link carries no key: ' + url);
  fs.mkdirSync(shots, { recursive: true });
  const errors = [];
  const seen = [];

  const ctx = await browser.newContext(PHONE);
  ctx.setDefaultTimeout(WAIT);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && log('console:', m.text()));
  wiretap(page, seen);

  await step('Maya opens the whole link: the gallery shows, the key leaves the address bar', async () => {
    const res = await page.goto(url, { waitUntil: 'domcontentloaded' });
    check(res && res.status() === 200, 'the page answered ' + (res && res.status()));
    await until(page, 'the page did not start as an uploader', () => document.body.dataset.role === 'uploader');
    await until(page, 'the gallery did not load', () => document.body.dataset.ready === 'yes');
    check(!(await page.evaluate(() => location.hash.includes('k='))), 'the key is still in the address');
    await until(page, 'the thumbnail was not drawn from the opened body', () => {
      const img = document.querySelector('a.item img');
      return img && img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0;
    });
  });

  await step('she opens the photo: caption, comment and the original, opened in the page', async () => {
    // The thumbnail arrives after the original (as it can on a busy Wi-Fi): the original
    // must stay shown. (A late thumbnail used to cover it.)
    const slow = async (route) => {
      await new Promise((r) => setTimeout(r, 2500));
      await route.continue().catch(() => {});
    };
    await page.route('**/thumb/**', slow);
    await page.click('a.item');
    await until(page, 'the viewer did not open', () => document.getElementById('viewer').open);
    await until(page, 'no caption "' + caption + '"', (c) => document.getElementById('viewer-caption').textContent === c, caption);
    await until(page, 'no comment "' + comment + '"', (c) => [...document.querySelectorAll('#comments li')].some((li) => li.textContent.includes(c)), comment);
    await until(page, 'the original did not show', () => {
      const img = document.querySelector('#viewer-media img');
      return img && img.src.startsWith('blob:') && img.naturalWidth >= 1000;
    });
    await page.waitForTimeout(3000);
    check(await page.evaluate(() => document.querySelector('#viewer-media img').naturalWidth >= 1000),
      'a thumbnail that arrived late covered the original');
    await page.unroute('**/thumb/**', slow);
    await page.screenshot({ path: path.join(shots, 'private-viewer.png') });
  });

  await step('she gives her name and comments', async () => {
    await page.keyboard.press('Escape');
    await until(page, 'the viewer did not close', () => !document.getElementById('viewer').open);
    await page.click('#me');
    await until(page, 'the name dialog did not open', () => document.getElementById('name-dialog').open);
    await page.fill('#name-input', 'Maya');
    await page.click('#name-save');
    await until(page, 'the header does not show her name', () => document.getElementById('me').textContent.includes('Maya'));
    await page.click('a.item');
    await until(page, 'the viewer did not open again', () => document.getElementById('viewer').open);
    await page.fill('#comment-text', SAYS);
    await page.click('#comment-send');
    await until(page, 'her comment does not show', (t) => [...document.querySelectorAll('#comments li')].some((li) => li.textContent.includes(t)), SAYS);
    const mine = await page.evaluate((t) => [...document.querySelectorAll('#comments li')].filter((li) => li.textContent.includes(t)).length, SAYS);
    check(mine === 1, 'her comment shows ' + mine + ' times');
    await page.keyboard.press('Escape');
    await until(page, 'the viewer did not close', () => !document.getElementById('viewer').open);
  });

  const post = await step('she uploads a photo, sealed piece by piece', async () => {
    await page.setInputFiles('#file-input', photo);
    const name = path.basename(photo);
    const r = await until(page, 'the upload did not finish', (n) => {
      const row = document.querySelector('[data-upload-name="' + CSS.escape(n) + '"]');
      if (!row || (row.dataset.state !== 'done' && row.dataset.state !== 'failed')) return false;
      return { state: row.dataset.state, post: row.dataset.post || null, text: row.textContent };
    }, name);
    check(r.state === 'done' && /^[0-9a-f]{64}$/.test(r.post || ''), 'the upload: ' + JSON.stringify(r));
    await until(page, 'the upload is not in the grid', (p) => document.querySelector('a.item[data-post="' + p + '"] img')?.naturalWidth > 0, r.post);
    await page.evaluate(() => scrollTo(0, 0));
    await page.screenshot({ path: path.join(shots, 'private-gallery.png'), fullPage: true });
    return r.post;
  });

  await step('everything that crossed the network was sealed and says nothing', async () => {
    check(seen.length >= 6, 'only ' + seen.length + ' responses seen');
    const plain = seen.filter((s) => !s.sealed).map((s) => s.path);
    check(!plain.length, 'answered in the clear: ' + plain.join(', '));
    for (const s of seen) {
      const text = s.body.toString('latin1');
      for (const t of [caption, comment, SAYS, 'Maya', 'JFIF', 'Exif']) {
        check(!text.includes(t), s.path + ' carries "' + t + '" in the clear');
      }
      check(!(s.body[0] === 0xff && s.body[1] === 0xd8), s.path + ' is a JPEG in the clear');
    }
  });

  await step('the host\'s slideshow shows the photos, opened in the page, and the guests\' QR code', async () => {
    const tv = await (await browser.newContext({ viewport: { width: 960, height: 540 }, reducedMotion: 'reduce' })).newPage();
    tv.on('pageerror', (e) => errors.push('slideshow: ' + e.message));
    const res = await tv.goto(need('SR_SLIDESHOW_URL'), { waitUntil: 'domcontentloaded' });
    check(res && res.status() === 200, 'the slideshow answered ' + (res && res.status()));
    await until(tv, 'the slideshow shows no picture', () => {
      const on = document.querySelector('.slide.on');
      return on && on.src.startsWith('blob:') && on.complete && on.naturalWidth > 0;
    });
    check(await tv.isVisible('#show-join svg'), 'the slideshow shows no QR code for guests');
    await tv.screenshot({ path: path.join(shots, 'private-slideshow.png') });
  });

  await step('the same link without its key shows nothing and says why', async () => {
    const other = await (await browser.newContext(PHONE)).newPage();
    const res = await other.goto(url.split('#')[0], { waitUntil: 'domcontentloaded' });
    check(res && res.status() === 200, 'the page answered ' + (res && res.status()));
    await until(other, 'no message about the missing key', () => /missing its key/i.test(document.body.innerText));
    check(!(await other.evaluate((c) => document.body.innerText.includes(c), caption)), 'the keyless page shows the caption');
    await other.screenshot({ path: path.join(shots, 'private-no-key.png') });
  });

  check(!errors.length, 'uncaught errors in the page: ' + errors.join(' | '));
  return { upload_post: post, comment: SAYS };
}

process.exit(await main(run));
