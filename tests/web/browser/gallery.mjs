// Browser test of the venue web gallery (docs/web-api.md), run by a Rust integration
// test after it has started real Swarmroll nodes. Environment:
//   SR_GALLERY_URL  uploader link      SR_VIEWER_URL  viewer link    SR_HOST_URL  host link
//   SR_PHOTOS       two photo paths, ':'-separated                   SR_VIDEO     an .mp4
//   SR_SCREENSHOTS  folder for gallery.png, viewer.png, upload.png, slideshow.png (the phone's),
//                   and gallery-, viewer-, upload-{phone,tablet,laptop}.png
//   SR_CHROMIUM     the browser (default /usr/bin/chromium)
// On success prints one line to stdout:
//   RESULT {"posts": [...], "hidden": "<post>", "guest": "Maya", "comment": "What a day!"}
// where `posts` are the posts Maya's upload made (still visible) and `hidden` the extra
// post the host hid. On failure prints the reason and exits 1. Progress goes to stderr.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Failure, LAPTOP, PHONE, WAIT, harness } from './harness.mjs';

const COMMENT = 'What a day!';
const SIZES = {
  phone: PHONE,
  tablet: { viewport: { width: 820, height: 1180 }, deviceScaleFactor: 1, isMobile: false, hasTouch: true, locale: 'en-US' },
  laptop: LAPTOP,
};
const { log, check, need, step, until, main } = harness('gallery test');

const errors = [];
async function open(browser, url, name, options = {}) {
  const ctx = await browser.newContext({ ...PHONE, ...options });
  ctx.setDefaultTimeout(WAIT);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(name + ': ' + e.message));
  page.on('console', (m) => m.type() === 'error' && log(name, 'console:', m.text()));
  if (url) {
    const res = await page.goto(url, { waitUntil: 'domcontentloaded' });
    check(res && res.status() === 200, name + ': ' + url + ' answered ' + (res && res.status()));
  }
  return page;
}

// Waits for the page's session and first page of items. The page asks for api/events
// before its first page, and the server subscribes as it takes the request; whether the
// browser has seen the answer's headers yet (`data-live`) depends on the server
// flushing them before the first event, so it is only reported.
async function ready(page, role) {
  await until(page, 'the page did not start as ' + role + ' (no session?)', (r) => document.body.dataset.role === r, role);
  await until(page, 'the gallery did not load its first page', () => document.body.dataset.ready === 'yes');
  await page.waitForTimeout(500);
  log(role, 'page ready; live updates:', await page.evaluate(() => document.body.dataset.live));
}

async function setName(page, name) {
  await page.click('#me');
  await until(page, 'the name dialog did not open', () => document.getElementById('name-dialog').open);
  await page.fill('#name-input', name);
  await page.click('#name-save');
  await until(page, 'the name dialog did not close after saving', () => !document.getElementById('name-dialog').open);
  await until(page, 'the header does not show the name ' + name, (n) => document.getElementById('me').textContent.includes(n), name);
}

// Waits until every row for `names` (the newest row of each name) is in `state`; fails at once if one fails.
async function rows(page, names, state) {
  const now = () => page.evaluate(() => [...document.querySelectorAll('[data-upload-name]')]
    .map((r) => r.dataset.uploadName + ' ' + r.dataset.state + ' (' + r.querySelector('.st').textContent + ')').join('; '));
  const seen = await until(page, 'upload rows did not reach ' + state + ' for ' + names.join(', '), ([names, state]) => {
    const out = [];
    for (const n of names) {
      const all = document.querySelectorAll('[data-upload-name="' + CSS.escape(n) + '"]');
      const r = all[all.length - 1];
      if (!r) return false;
      if (r.dataset.state === 'failed' && state !== 'failed') return { failed: n, text: r.textContent };
      if (r.dataset.state !== state) return false;
      out.push({ name: n, post: r.dataset.post || null, text: r.querySelector('.st') ? r.querySelector('.st').textContent : '' });
    }
    return out;
  }, [names, state]).catch(async (e) => {
    throw new Failure(e.message + '; rows: ' + (await now().catch(() => '?')));
  });
  check(!seen.failed, 'upload of ' + seen.failed + ' failed: ' + seen.text);
  return seen;
}

const items = (page, post) => page.evaluate((p) => [...document.querySelectorAll('a.item' + (p ? '[data-post="' + p + '"]' : ''))]
  .map((a) => ({ post: a.dataset.post, index: +a.dataset.index, kind: a.dataset.kind })), post);

async function openViewer(page, post, index) {
  await page.click('a.item[data-post="' + post + '"][data-index="' + index + '"]');
  await until(page, 'the viewer did not open', () => document.getElementById('viewer').open);
  await until(page, 'the viewer shows no media', () => document.querySelector('#viewer-media img, #viewer-media video'));
  await until(page, 'the viewer did not load the post', () => document.getElementById('viewer-by').textContent.trim() !== '');
}

// What a new user saw at a laptop's width: the closed viewer drawn over the page (a bar
// "✕ Photo ‹ ›" over a black panel), and icons drawn with emoji that a browser without an
// emoji font shows as empty boxes. Checked on the page as it is shown now.
async function layoutChecks(page, label) {
  const bad = await page.evaluate(() => {
    const out = [];
    const v = document.getElementById('viewer');
    if (v.open) out.push('the viewer is open');
    if (getComputedStyle(v).display !== 'none') out.push('the closed viewer is display: ' + getComputedStyle(v).display);
    for (const e of [v, v.querySelector('.vbar'), document.getElementById('viewer-media')]) {
      const b = e.getBoundingClientRect();
      if (b.width > 0 || b.height > 0) out.push('the closed viewer\'s ' + (e.id || e.className) + ' has a box of ' + Math.round(b.width) + 'x' + Math.round(b.height));
    }
    const grid = document.getElementById('grid');
    const g = grid.getBoundingClientRect();
    const top = Math.max(g.top, document.querySelector('.top').getBoundingClientRect().bottom, 0);
    const bottom = Math.min(g.bottom, innerHeight);
    if (bottom - top < 20) out.push('the grid is not in sight (' + Math.round(g.top) + '..' + Math.round(g.bottom) + ')');
    else {
      const hit = document.elementFromPoint(g.left + g.width / 2, (top + bottom) / 2);
      if (!hit || !grid.contains(hit)) out.push('at the grid\'s centre is ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing'));
    }
    if (document.documentElement.scrollWidth > innerWidth) out.push('the page is ' + document.documentElement.scrollWidth + ' px wide at ' + innerWidth);
    // Icons are drawn (svg): no emoji or symbol character outside what people typed or chose.
    const people = '#reactions, #comments, #viewer-caption, #viewer-by, #channel, #me, #dropbox-channel, #upload-list .name, #guest-list, #status, #name-dialog';
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n; (n = walk.nextNode());) {
      const e = n.parentElement;
      if (/[\p{Extended_Pictographic}\u2715\u2039\u203a]/u.test(n.data) && !e.closest(people) && !e.closest('dialog:not([open]), [hidden]')) {
        out.push('an icon drawn with a character: ' + JSON.stringify(n.data.trim()) + ' in <' + e.tagName.toLowerCase() + ' class="' + e.className + '">');
      }
    }
    for (const b of document.querySelectorAll('a.item .badge, a.item .count')) {
      if (!b.querySelector('svg')) out.push('a ' + b.className + ' without an svg icon: ' + JSON.stringify(b.textContent));
    }
    for (const b of document.querySelectorAll('#viewer-close, #viewer-prev, #viewer-next')) {
      if (!b.querySelector('svg')) out.push('#' + b.id + ' without an svg icon');
    }
    if (v.open) {
      for (const b of document.querySelectorAll('#reactions .react')) {
        if (['❤️', '👍', '😂', '😮'].includes(b.dataset.emoji) && !b.querySelector('svg')) out.push('the reaction ' + b.dataset.emoji + ' is not drawn');
      }
    }
    return out;
  });
  check(!bad.length, label + ': ' + [...new Set(bad)].slice(0, 8).join('; '));
}

// The viewer as shown: open, over the whole window, the media in sight and not overlapped.
async function viewerChecks(page, label) {
  const bad = await page.evaluate(() => {
    const out = [];
    const v = document.getElementById('viewer');
    const r = v.getBoundingClientRect();
    if (!v.open || r.width < innerWidth - 1 || r.height < innerHeight - 1) out.push('the viewer is ' + Math.round(r.width) + 'x' + Math.round(r.height) + ' in ' + innerWidth + 'x' + innerHeight);
    const m = document.querySelector('#viewer-media > img, #viewer-media > video');
    const b = m && m.getBoundingClientRect();
    if (!b || b.width < 100 || b.height < 100) out.push('the media is ' + (b ? Math.round(b.width) + 'x' + Math.round(b.height) : 'missing'));
    else {
      const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
      if (hit !== m) out.push('over the media is ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing'));
    }
    const bar = document.querySelector('.vbar').getBoundingClientRect();
    if (bar.height < 44 || bar.top < 0) out.push('the viewer\'s bar is at ' + Math.round(bar.top) + ', ' + Math.round(bar.height) + ' px high');
    for (const e of v.querySelectorAll('button:not([hidden]), a[href], textarea')) {
      const x = e.getBoundingClientRect();
      if (x.width && (x.width < 44 || x.height < 44)) out.push((e.id || e.className || e.tagName) + ' is ' + Math.round(x.width) + 'x' + Math.round(x.height) + ' (under 44 px)');
    }
    return out;
  });
  check(!bad.length, label + ': ' + [...new Set(bad)].slice(0, 8).join('; '));
}

// Every thumbnail loaded (lazy ones too: the page is scrolled through, then back).
async function thumbsLoaded(page, who) {
  await page.evaluate(async () => {
    for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
      scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 50));
    }
    scrollTo(0, 0);
  });
  await until(page, who + '\'s thumbnails did not load', () => [...document.querySelectorAll('a.item img')].every((i) => i.complete && i.naturalWidth > 0));
}

const commentsHave = (page, who, text) => until(page, who + ' does not see the comment "' + text + '"',
  (t) => [...document.querySelectorAll('#comments li')].some((li) => li.textContent.includes(t)), text);

// fetch() from the page, as its scripts would.
const call = (page, method, url, body, init = {}) => page.evaluate(async ([method, url, body, init]) => {
  const r = await fetch(url, { method, ...init, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  let json = null;
  try { json = await r.json(); } catch { /* not JSON */ }
  return { status: r.status, json };
}, [method, url, body, init]);

async function run(browser) {
  const GALLERY = need('SR_GALLERY_URL'), VIEWER = need('SR_VIEWER_URL'), HOST = need('SR_HOST_URL');
  const photos = need('SR_PHOTOS').split(':').filter(Boolean);
  check(photos.length >= 2, 'SR_PHOTOS needs two paths separated by ":"');
  const video = need('SR_VIDEO');
  for (const f of [...photos, video]) check(fs.existsSync(f), 'missing test file ' + f);
  const shots = need('SR_SCREENSHOTS');
  fs.mkdirSync(shots, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-gallery-'));
  const names = [...photos.slice(0, 2), video].map((f) => path.basename(f));
  const token = new URL(GALLERY).pathname.split('/')[2];

  // B: a guest with the viewer link, watching before anything is uploaded.
  const b = await step('B opens the viewer link', async () => {
    const page = await open(browser, VIEWER, 'B');
    await ready(page, 'viewer');
    check(!(await page.isVisible('#add-photos')), 'a viewer sees "Add photos"');
    await setName(page, 'Jon');
    await page.evaluate(() => (window.__noReload = true));
    return page;
  });
  const before = (await items(b)).length;

  const a = await step('A opens the uploader link and names herself Maya', async () => {
    const page = await open(browser, GALLERY, 'A');
    await ready(page, 'uploader');
    check(await page.isVisible('#add-photos'), 'an uploader does not see "Add photos"');
    await setName(page, 'Maya');
    return page;
  });

  const posts = await step('A uploads two photos and a video at once', async () => {
    await a.setInputFiles('#file-input', [...photos.slice(0, 2), video]);
    const done = await rows(a, names, 'done');
    const ps = [...new Set(done.map((r) => r.post))];
    check(ps.every((p) => /^[0-9a-f]{64}$/.test(p || '')), 'done rows carry no post id: ' + JSON.stringify(done));
    return ps;
  });

  await step('B sees the new items without reloading', async () => {
    await until(b, 'B does not see the 3 new items', ([ps, n]) => ps.reduce((k, p) => k + document.querySelectorAll('a.item[data-post="' + p + '"]').length, 0) >= n, [posts, 3]);
    check(await b.evaluate(() => window.__noReload === true), 'B\'s page was reloaded');
    const vids = (await items(b)).filter((i) => posts.includes(i.post) && i.kind === 'video');
    check(vids.length === 1, 'B sees ' + vids.length + ' videos among the new items');
    check(await b.isVisible('a.item[data-kind="video"] .badge'), 'the video has no play badge');
    const alts = await b.evaluate(() => [...document.querySelectorAll('a.item img')].map((i) => i.alt));
    check(alts.every((t) => /Maya \(guest\)|by /.test(t)), 'grid images lack alt text: ' + JSON.stringify(alts));
    await until(b, 'B\'s thumbnails did not load', () => [...document.querySelectorAll('a.item img')].every((i) => i.complete && i.naturalWidth > 0));
    await b.screenshot({ path: path.join(shots, 'gallery.png'), fullPage: true });
  });

  const photo = (await items(a, posts[0])).find((i) => i.kind === 'image') ||
    (await items(b, posts[0])).find((i) => i.kind === 'image');
  check(photo, 'no photo item of ' + posts[0] + ' in the grid');

  await step('A opens the photo in the viewer', async () => {
    await until(a, 'A\'s grid does not show its own upload', (p) => document.querySelector('a.item[data-post="' + p + '"]'), posts[0]);
    await openViewer(a, photo.post, photo.index);
    const by = await a.textContent('#viewer-by');
    check(by.includes('Maya (guest)'), 'the viewer says "' + by + '", not "Maya (guest)"');
    check(/#\/p\/[0-9a-f]+\/\d+$/.test(a.url()), 'the viewer is not at #/p/<post>/<index>: ' + a.url());
    await until(a, 'the original photo did not replace the thumbnail', () => {
      const img = document.querySelector('#viewer-media img');
      return img && /\/original\//.test(img.src) && img.complete && img.naturalWidth > 0;
    });
  });

  await step('B comments on the photo and reacts', async () => {
    await openViewer(b, photo.post, photo.index);
    await b.fill('#comment-text', COMMENT);
    await b.click('#comment-send');
    await commentsHave(b, 'B', COMMENT);
    await b.click('#reactions button[aria-label^="Love"]');
    await until(b, 'the ❤️ reaction did not turn on', () => {
      const r = document.querySelector('#reactions button[aria-label^="Love"]');
      return r && r.getAttribute('aria-pressed') === 'true' && /1/.test(r.textContent);
    });
  });

  await step('A sees the comment appear live in the open viewer', async () => {
    await commentsHave(a, 'A', COMMENT);
    await until(a, 'the comment is not signed "Jon (guest)"', () => [...document.querySelectorAll('#comments li')].some((li) => li.textContent.includes('Jon (guest)')));
    await until(a, 'A does not see Jon\'s ❤️ (a "changed" event)', () => {
      const r = document.querySelector('#reactions button[aria-label^="Love"]');
      return r && r.getAttribute('aria-pressed') === 'false' && /1/.test(r.textContent);
    });
    await a.screenshot({ path: path.join(shots, 'viewer.png'), fullPage: true });
  });

  await step('Escape closes the viewer and gives focus back to the photo', async () => {
    await a.keyboard.press('Escape');
    await until(a, 'the viewer is still open', () => !document.getElementById('viewer').open && !location.hash);
    await until(a, 'focus did not return to the photo', () => document.activeElement && document.activeElement.matches('a.item'));
    await b.keyboard.press('Escape');
    await until(b, 'B\'s viewer is still open', () => !document.getElementById('viewer').open);
  });

  await step('A uploads one photo again: duplicate, no new item', async () => {
    const nA = (await items(a)).length, nB = (await items(b)).length;
    await a.setInputFiles('#file-input', photos[0]);
    await rows(a, [names[0]], 'duplicate');
    await a.waitForTimeout(1500);
    check((await items(a)).length === nA, 'a new item appeared on A after a duplicate');
    check((await items(b)).length === nB, 'a new item appeared on B after a duplicate');
  });

  const notMedia = await step('A uploads a .txt file: a failed row with the server\'s message', async () => {
    const txt = path.join(tmp, 'notes.txt');
    fs.writeFileSync(txt, 'not a photo\n');
    const direct = await call(a, 'POST', 'api/uploads', { name: 'notes.txt', size: 12, type: 'text/plain', hash: '0'.repeat(64) });
    check(direct.status === 415 && direct.json && direct.json.error === 'not_media', 'POST api/uploads of a .txt answered ' + JSON.stringify(direct));
    await a.setInputFiles('#file-input', txt);
    const [row] = await rows(a, ['notes.txt'], 'failed');
    const norm = (s) => s.toLowerCase().replace(/[.!]\s*$/, '').trim();
    check(norm(row.text).includes(norm(direct.json.message)), 'the row says "' + row.text + '", the server said "' + direct.json.message + '"');
    check(!row.text.includes('{'), 'the row shows raw JSON');
    await a.screenshot({ path: path.join(shots, 'upload.png'), fullPage: true });
    return row.text;
  });

  await step('bad requests from the page answer the documented errors', async () => {
    const wrong = GALLERY.replace(token, token === 'a'.repeat(26) ? 'b'.repeat(26) : 'a'.repeat(26));
    const p = await a.context().newPage();
    const res = await p.goto(wrong);
    check(res.status() === 404, 'a wrong token page answered ' + res.status());
    check((await p.textContent('h1') || '').trim() !== '', 'the error page has no heading');
    const api404 = await call(p, 'GET', 'api/items');
    check(api404.status === 404 && api404.json && api404.json.error === 'not_found' && api404.json.message, 'API with a wrong token: ' + JSON.stringify(api404));
    await p.close();
    const noCookie = await call(a, 'GET', 'api/items', undefined, { credentials: 'omit' });
    check(noCookie.status === 401 && noCookie.json.error === 'no_session', 'no cookie: ' + JSON.stringify(noCookie));
    const badJson = await call(a, 'POST', 'api/session', '{not json');
    check(badJson.status === 400 && badJson.json.error === 'bad_request', 'bad JSON: ' + JSON.stringify(badJson));
    const viewerUpload = await call(b, 'POST', 'api/uploads', { name: 'x.jpg', size: 10, type: 'image/jpeg', hash: '1'.repeat(64) });
    check(viewerUpload.status === 403 && viewerUpload.json.error === 'forbidden', 'a viewer uploading: ' + JSON.stringify(viewerUpload));
    const viewerHide = await call(b, 'POST', 'api/post/' + posts[0] + '/hide');
    check(viewerHide.status === 403, 'a viewer hiding: ' + JSON.stringify(viewerHide));
    const badOffset = await call(a, 'GET', 'api/uploads/999999999');
    check(badOffset.status === 404, 'an unknown upload: ' + JSON.stringify(badOffset));
  });

  // A photo no one has uploaded before, drawn in the page: `name` in the temporary folder.
  async function uniquePng(page, name, label) {
    const png = await page.evaluate((text) => {
      const c = document.createElement('canvas');
      c.width = 640;
      c.height = 480;
      const g = c.getContext('2d');
      for (let i = 0; i < 40; i++) {
        g.fillStyle = 'hsl(' + Math.floor(Math.random() * 360) + ' 70% 50%)';
        g.fillRect(Math.random() * 600, Math.random() * 440, 40 + Math.random() * 200, 40 + Math.random() * 200);
      }
      g.fillStyle = '#fff';
      g.font = '32px sans-serif';
      g.fillText(text + ' ' + Date.now(), 20, 240);
      return c.toDataURL('image/png').split(',')[1];
    }, label);
    const file = path.join(tmp, name);
    fs.writeFileSync(file, Buffer.from(png, 'base64'));
    return file;
  }

  // Hiding retracts the post on every node, so the host hides a separate one: Maya's
  // first post must still reach the other node.
  const extra = await step('A posts one more photo for the host to hide', async () => {
    const file = await uniquePng(a, 'hide-me.png', 'to be hidden');
    await a.setInputFiles('#file-input', file);
    const [row] = await rows(a, ['hide-me.png'], 'done');
    await until(b, 'B does not see the extra photo', (p) => document.querySelector('a.item[data-post="' + p + '"]'), row.post);
    return row.post;
  });

  const h = await step('the host hides that post; it disappears live from B\'s grid', async () => {
    const page = await open(browser, HOST, 'host');
    await ready(page, 'host');
    await until(page, 'the host does not see the post to hide', (p) => document.querySelector('a.item[data-post="' + p + '"]'), extra);
    const [it] = await items(page, extra);
    await openViewer(page, it.post, it.index);
    await until(page, 'no "Hide" button for the host', () => !document.getElementById('hide-post').hidden);
    await page.click('#hide-post');
    await page.click('#hide-post');
    await until(page, 'the host\'s viewer did not close after hiding', () => !document.getElementById('viewer').open);
    await until(b, 'the hidden post is still in B\'s grid', (p) => !document.querySelector('a.item[data-post="' + p + '"]'), extra);
    check((await items(b, posts[0])).length === 3, 'B lost Maya\'s first post too');
    return page;
  });

  await step('the host blocks a guest', async () => {
    const d = await open(browser, VIEWER, 'D');
    await ready(d, 'viewer');
    const s = await call(d, 'POST', 'api/session', { name: 'Spammer' });
    check(s.status === 200 && s.json.name === 'Spammer', 'naming D: ' + JSON.stringify(s));
    await h.click('#guests summary');
    await until(h, 'the guest list does not show Maya, Jon and Spammer', () => ['Maya', 'Jon', 'Spammer'].every((n) => document.getElementById('guest-list').textContent.includes(n)));
    const block = h.locator('#guest-list li', { hasText: 'Spammer' }).locator('button');
    await block.click();
    await block.click();
    await until(h, 'Spammer is not shown as blocked', () => [...document.querySelectorAll('#guest-list li')].some((li) => li.textContent.includes('Spammer') && li.textContent.includes('blocked')));
    const me = await call(d, 'GET', 'api/me');
    check(me.status === 403 && me.json.error === 'blocked', 'a blocked guest: ' + JSON.stringify(me));
    await d.context().close();
  });

  await step('the page fits 320 px and every control has a name', async () => {
    await b.setViewportSize({ width: 320, height: 640 });
    const wide = await b.evaluate(() => document.documentElement.scrollWidth);
    check(wide <= 320, 'the gallery is ' + wide + ' px wide at 320 px');
    await b.evaluate(() => scrollTo(0, 0));
    await layoutChecks(b, 'at 320 px');
    const unnamed = await a.evaluate(() => [...document.querySelectorAll('button, a[href], input:not([type=hidden]), textarea')]
      .filter((e) => e.offsetParent !== null || e.id === 'file-input')
      .filter((e) => !(e.getAttribute('aria-label') || e.textContent.trim() || (e.labels && e.labels.length) || e.querySelector('img[alt]:not([alt=""])')))
      .map((e) => e.outerHTML.slice(0, 80)));
    check(!unnamed.length, 'controls without a name: ' + unnamed.join(' | '));
    check(await a.evaluate(() => document.documentElement.lang === 'en'), 'no lang attribute');
  });

  await step('the slideshow (host link, on the venue TV) shows the photos and the guests\' QR code', async () => {
    const page = await open(browser, HOST + 'slideshow', 'slideshow', { viewport: { width: 960, height: 540 }, isMobile: false, hasTouch: false, reducedMotion: 'reduce' });
    await until(page, 'the slideshow shows no picture', () => {
      const on = document.querySelector('.slide.on');
      return on && on.complete && on.naturalWidth > 0;
    });
    const title = await page.textContent('#show-title');
    const channel = await a.textContent('#channel');
    check(title === channel, 'the slideshow title "' + title + '" is not the channel "' + channel + '"');
    check(await page.isVisible('#show-join svg'), 'the slideshow shows no QR code for guests');
    // A photo uploaded now is on the screen within a cycle, without a reload.
    await a.setInputFiles('#file-input', await uniquePng(a, 'arrives.png', 'just arrived'));
    const [arrived] = await rows(a, ['arrives.png'], 'done');
    await until(page, 'the new photo never came up on the slideshow', (p) => {
      const on = document.querySelector('.slide.on');
      return on && on.src.includes(p) && on.complete && on.naturalWidth > 0;
    }, arrived.post);
    const viewerShow = await open(browser, VIEWER + 'slideshow', 'viewer slideshow');
    await until(viewerShow, 'the viewer slideshow has no title', () => document.title.includes('slideshow'));
    check(await viewerShow.isHidden('#show-join'), 'a viewer link\'s slideshow shows the upload QR code');
    await viewerShow.context().close();
    await page.screenshot({ path: path.join(shots, 'slideshow.png'), fullPage: true });
  });

  // The gallery, the viewer and the upload queue on a phone, a tablet and a laptop: Maya
  // again, in a new browser each time. Each upload: a photo already there, a text file
  // and a new photo.
  for (const [size, options] of Object.entries(SIZES)) {
    await step('the pages at ' + size + ' width (' + options.viewport.width + ' px)', async () => {
      // The viewer is a modal dialog the size of the window: shot as the window shows it.
      const shot = async (page, what) => {
        const file = path.join(shots, what + '-' + size + '.png');
        await page.screenshot({ path: file, fullPage: what !== 'viewer' });
        if (size === 'phone') fs.copyFileSync(file, path.join(shots, what + '.png'));
      };
      const page = await open(browser, GALLERY, 'Maya on a ' + size, options);
      await ready(page, 'uploader');
      await until(page, 'the ' + size + ' does not show Maya\'s photo', (p) => document.querySelector('a.item[data-post="' + p + '"]'), photo.post);
      await thumbsLoaded(page, 'the ' + size);
      await layoutChecks(page, size + ' gallery');
      await shot(page, 'gallery');
      await openViewer(page, photo.post, photo.index);
      await commentsHave(page, 'the ' + size, COMMENT);
      await until(page, 'the original photo did not load on the ' + size, () => {
        const img = document.querySelector('#viewer-media img');
        return img && /\/original\//.test(img.src) && img.complete && img.naturalWidth > 0;
      });
      await viewerChecks(page, size + ' viewer');
      await shot(page, 'viewer');
      await page.keyboard.press('Escape');
      await until(page, 'the viewer is still open on the ' + size, () => !document.getElementById('viewer').open);
      await layoutChecks(page, size + ' gallery after the viewer closed');
      await setName(page, 'Maya');
      const txt = path.join(tmp, 'notes.txt');
      const png = await uniquePng(page, 'from-' + size + '.png', 'from a ' + size);
      await page.setInputFiles('#file-input', [photos[0], txt, png]);
      await rows(page, [names[0]], 'duplicate');
      await rows(page, ['notes.txt'], 'failed');
      const [done] = await rows(page, [path.basename(png)], 'done');
      await until(page, 'the new photo is not in the ' + size + '\'s grid', (p) => document.querySelector('a.item[data-post="' + p + '"] img[src]'), done.post);
      await thumbsLoaded(page, 'the ' + size);
      await layoutChecks(page, size + ' upload queue');
      await shot(page, 'upload');
      await page.context().close();
    });
  }

  check(!errors.length, 'uncaught errors in the pages: ' + errors.join(' | '));
  return { posts, hidden: extra, guest: 'Maya', comment: COMMENT, not_media: notMedia };
}

process.exit(await main(run, { minutes: 5, report: (r) => ({ posts: r.posts, hidden: r.hidden, guest: r.guest, comment: r.comment }) }));
