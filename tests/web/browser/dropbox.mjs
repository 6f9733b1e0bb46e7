// Browser test of a drop box link of the venue web gallery (docs/web-api.md, role
// `dropbox`): upload-only links where each guest sees only their own uploads and comments,
// and the host sees everything. Run by a Rust integration test against real nodes.
// Environment:
//   SR_DROPBOX_URL  a drop box link     SR_HOST_URL  the host's link
//   SR_PHOTOS       two photo paths, ':'-separated (Maya uploads the first, Jon the second)
//   SR_SCREENSHOTS  folder for dropbox-phone.png (Maya's phone) and dropbox-laptop.png (Jon's laptop)
//   SR_CHROMIUM     the browser (default /usr/bin/chromium)
// On success prints one line to stdout:
//   RESULT {"maya_posts": [...], "jon_posts": [...], "maya_comment": "...", "jon_comment": "..."}
// On failure prints the reason and exits 1. Progress goes to stderr.
import fs from 'node:fs';
import path from 'node:path';
import { LAPTOP, PHONE, WAIT, harness } from './harness.mjs';

const MAYA_SAYS = 'For the couple, from Maya';
const JON_SAYS = 'Jon was here';
const HOST_SAYS = 'Thank you, the host';
const { log, check, need, step, until, main } = harness('dropbox test');

const errors = [];
async function open(browser, url, name, options = PHONE) {
  const ctx = await browser.newContext(options);
  ctx.setDefaultTimeout(WAIT);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(name + ': ' + e.message));
  page.on('console', (m) => m.type() === 'error' && log(name, 'console:', m.text()));
  const res = await page.goto(url, { waitUntil: 'domcontentloaded' });
  check(res && res.status() === 200, name + ': ' + url + ' answered ' + (res && res.status()));
  return page;
}

async function ready(page, role) {
  await until(page, 'the page did not start as ' + role + ' (no session, or api/me has another role?)', (r) => document.body.dataset.role === r, role);
  await until(page, 'the gallery did not load its first page', () => document.body.dataset.ready === 'yes');
}

async function setName(page, name) {
  await page.click('#me');
  await until(page, 'the name dialog did not open', () => document.getElementById('name-dialog').open);
  await page.fill('#name-input', name);
  await page.click('#name-save');
  await until(page, 'the name dialog did not close after saving', () => !document.getElementById('name-dialog').open);
  await until(page, 'the header does not show the name ' + name, (n) => document.getElementById('me').textContent.includes(n), name);
}

// The newest upload row of `name` once it is `state` ("failed" fails at once).
async function row(page, name, state) {
  const r = await until(page, 'the upload of ' + name + ' did not reach ' + state, ([n, s]) => {
    const all = document.querySelectorAll('[data-upload-name="' + CSS.escape(n) + '"]');
    const r = all[all.length - 1];
    if (!r || (r.dataset.state !== s && r.dataset.state !== 'failed')) return false;
    return { state: r.dataset.state, post: r.dataset.post || null, text: r.textContent };
  }, [name, state]);
  check(r.state === state, 'the upload of ' + name + ' failed: ' + r.text);
  return r;
}

const posts = (page) => page.evaluate(() => [...new Set([...document.querySelectorAll('a.item')].map((a) => a.dataset.post))]);

async function openViewer(page, post) {
  await page.click('a.item[data-post="' + post + '"]');
  await until(page, 'the viewer did not open', () => document.getElementById('viewer').open);
  await until(page, 'the viewer did not load the post', () => document.getElementById('viewer-by').textContent.trim() !== '');
}

async function closeViewer(page) {
  await page.keyboard.press('Escape');
  await until(page, 'the viewer did not close', () => !document.getElementById('viewer').open);
}

const commentsHave = (page, who, text) => until(page, who + ' does not see the comment "' + text + '"',
  (t) => [...document.querySelectorAll('#comments li')].some((li) => li.textContent.includes(t)), text);

async function comment(page, text) {
  await page.fill('#comment-text', text);
  await page.click('#comment-send');
  await commentsHave(page, 'the author', text);
}

// fetch() from the page, with its cookie, relative to its link.
const call = (page, method, url, body) => page.evaluate(async ([method, url, body]) => {
  const r = await fetch(url, { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  let json = null;
  try { json = await r.json(); } catch { /* not JSON */ }
  return { status: r.status, json };
}, [method, url, body]);

// A second event stream in the page that keeps everything it is sent, to see what the
// server tells this guest (the page's own stream shows only through what it draws).
async function record(page, who) {
  const ok = await page.evaluate(() => new Promise((done) => {
    window.__sse = [];
    const es = new EventSource(location.pathname.replace(/[^/]*$/, '') + 'api/events');
    for (const t of ['ready', 'item', 'comment', 'changed', 'closed']) es.addEventListener(t, (e) => window.__sse.push({ type: t, data: e.data }));
    es.addEventListener('ready', () => done(true), { once: true });
    setTimeout(() => done(false), 15000);
  }));
  check(ok, who + '\'s event stream sent no "ready"');
}
const heard = (page) => page.evaluate(() => window.__sse);
const heardOf = async (page, id) => (await heard(page)).filter((e) => e.data.includes(id));

// What a guest's page shows or holds that mentions `id` (a post): cells, images, links.
const shows = (page, id) => page.evaluate((p) => [...document.querySelectorAll('[data-post], img[src], a[href], video[src]')]
  .filter((e) => (e.dataset.post || '') === p || (e.getAttribute('src') || '').includes(p) || (e.getAttribute('href') || '').includes(p))
  .map((e) => e.outerHTML.slice(0, 100)), id);

// The closed viewer is not drawn and nothing covers the grid; icons are svg.
async function layoutChecks(page, label) {
  const bad = await page.evaluate(() => {
    const out = [];
    const v = document.getElementById('viewer');
    for (const e of [v, v.querySelector('.vbar'), document.getElementById('viewer-media')]) {
      const b = e.getBoundingClientRect();
      if (b.width > 0 || b.height > 0) out.push('the closed viewer\'s ' + (e.id || e.className) + ' has a box of ' + Math.round(b.width) + 'x' + Math.round(b.height));
    }
    const grid = document.getElementById('grid');
    const g = grid.getBoundingClientRect();
    const top = Math.max(g.top, document.querySelector('.top').getBoundingClientRect().bottom, 0);
    const bottom = Math.min(g.bottom, innerHeight);
    if (bottom - top >= 20) {
      const hit = document.elementFromPoint(g.left + g.width / 2, (top + bottom) / 2);
      if (!hit || !grid.contains(hit)) out.push('at the grid\'s centre is ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing'));
    }
    if (document.documentElement.scrollWidth > innerWidth) out.push('the page is ' + document.documentElement.scrollWidth + ' px wide at ' + innerWidth);
    const people = '#reactions, #comments, #viewer-caption, #viewer-by, #channel, #me, #dropbox-channel, #upload-list .name, #status, #name-dialog';
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n; (n = walk.nextNode());) {
      const e = n.parentElement;
      if (/[\p{Extended_Pictographic}\u2715\u2039\u203a]/u.test(n.data) && !e.closest(people) && !e.closest('dialog:not([open]), [hidden]')) {
        out.push('an icon drawn with a character: ' + JSON.stringify(n.data.trim()));
      }
    }
    return out;
  });
  check(!bad.length, label + ': ' + [...new Set(bad)].slice(0, 8).join('; '));
}

// Nothing on a drop box page may suggest that other guests see what is sent.
async function wording(page, who) {
  const text = await page.evaluate(() => document.body.innerText);
  const m = /\b(everyone|every guest|all guests|be the first|in the gallery|new photos? (is|are) here)\b/i.exec(text);
  check(!m, who + '\'s drop box page says "' + (m && m[0]) + '"');
}

async function run(browser) {
  const DROPBOX = need('SR_DROPBOX_URL'), HOST = need('SR_HOST_URL');
  const photos = need('SR_PHOTOS').split(':').filter(Boolean);
  check(photos.length >= 2, 'SR_PHOTOS needs two paths separated by ":"');
  for (const f of photos) check(fs.existsSync(f), 'missing test file ' + f);
  const shots = need('SR_SCREENSHOTS');
  fs.mkdirSync(shots, { recursive: true });
  const [mayaFile, jonFile] = photos.map((f) => path.basename(f));

  const host = await step('the host opens the gallery', async () => {
    const page = await open(browser, HOST, 'host', LAPTOP);
    await ready(page, 'host');
    await record(page, 'the host');
    return page;
  });
  const channel = (await host.textContent('#channel')).trim();

  const maya = await step('Maya opens the drop box on her phone: it says what it is', async () => {
    const page = await open(browser, DROPBOX, 'Maya');
    await ready(page, 'dropbox');
    const me = await call(page, 'GET', 'api/me');
    check(me.status === 200 && me.json.role === 'dropbox' && me.json.guest_url == null, 'api/me on a drop box: ' + JSON.stringify(me));
    check(await page.isVisible('#dropbox-intro'), 'no drop box heading');
    const intro = await page.textContent('#dropbox-intro');
    check(intro.includes(channel), 'the heading does not name the channel "' + channel + '": ' + intro);
    check(/other guests of this drop box do not see/i.test(intro), 'the heading does not say who sees the uploads: ' + intro);
    check(await page.isVisible('#add-photos'), 'no "Add photos" on a drop box');
    check(/your uploads/i.test(await page.textContent('#grid-title')) && await page.isVisible('#grid-title'), 'the grid is not titled "Your uploads"');
    check(await page.isVisible('#empty') && /add/i.test(await page.textContent('#empty')), 'no empty state inviting to add photos');
    check(!(await page.$('a[href*="slideshow"]')), 'a drop box page links to the slideshow');
    await wording(page, 'Maya');
    await setName(page, 'Maya');
    await record(page, 'Maya');
    return page;
  });

  const jon = await step('Jon opens the same drop box on his laptop', async () => {
    const page = await open(browser, DROPBOX, 'Jon', LAPTOP);
    await ready(page, 'dropbox');
    await setName(page, 'Jon');
    await record(page, 'Jon');
    return page;
  });

  const mayaPost = await step('Maya uploads a photo and comments on it', async () => {
    await maya.setInputFiles('#file-input', photos[0]);
    const r = await row(maya, mayaFile, 'done');
    check(/^[0-9a-f]{64}$/.test(r.post || ''), 'the done row carries no post id: ' + JSON.stringify(r));
    check(!/gallery/i.test(r.text), 'the upload row says "' + r.text + '"');
    await until(maya, 'Maya does not see her photo in "Your uploads"', (p) => document.querySelector('a.item[data-post="' + p + '"]'), r.post);
    await openViewer(maya, r.post);
    check(await maya.isVisible('#comment-help'), 'the comment form does not say who sees the comment');
    await comment(maya, MAYA_SAYS);
    await closeViewer(maya);
    return r.post;
  });

  const hostComment = await step('the host sees Maya\'s photo and comment live, and comments too', async () => {
    await until(host, 'the host does not see Maya\'s photo', (p) => document.querySelector('a.item[data-post="' + p + '"]'), mayaPost);
    await until(host, 'the host heard of no comment on Maya\'s photo', (p) => window.__sse.some((e) => e.type === 'comment' && e.data.includes(p)), mayaPost);
    const named = await call(host, 'PUT', 'api/me', { name: 'Ana' });
    check(named.status === 200, 'naming the host: ' + JSON.stringify(named));
    const c = await call(host, 'POST', 'api/post/' + mayaPost + '/comments', { text: HOST_SAYS, reply_to: null });
    check(c.status === 201 && c.json && c.json.id, 'the host commenting on Maya\'s photo: ' + JSON.stringify(c));
    return c.json.id;
  });

  await step('Jon does not see Maya\'s photo or comment, in his grid or his events', async () => {
    await jon.waitForTimeout(1000);
    check(!(await posts(jon)).length, 'Jon\'s grid shows ' + JSON.stringify(await posts(jon)));
    check(!(await shows(jon, mayaPost)).length, 'Jon\'s page holds Maya\'s post: ' + (await shows(jon, mayaPost)).join(' '));
    const told = await heardOf(jon, mayaPost);
    check(!told.length, 'Jon was sent events about Maya\'s post: ' + JSON.stringify(told));
    check(!(await jon.evaluate((t) => document.body.innerText.includes(t), MAYA_SAYS)), 'Jon\'s page shows Maya\'s comment');
    check(await jon.isVisible('#empty'), 'Jon\'s empty "Your uploads" shows no invitation to add');
  });

  const jonPost = await step('Jon uploads a photo and comments on it', async () => {
    await jon.setInputFiles('#file-input', photos[1]);
    const r = await row(jon, jonFile, 'done');
    check(/^[0-9a-f]{64}$/.test(r.post || '') && r.post !== mayaPost, 'Jon\'s done row: ' + JSON.stringify(r));
    await until(jon, 'Jon does not see his photo', (p) => document.querySelector('a.item[data-post="' + p + '"]'), r.post);
    await openViewer(jon, r.post);
    await comment(jon, JON_SAYS);
    check(!(await jon.evaluate((t) => document.body.innerText.includes(t), MAYA_SAYS)), 'Jon\'s viewer shows Maya\'s comment');
    await closeViewer(jon);
    await until(host, 'the host heard of no comment on Jon\'s photo', (p) => window.__sse.some((e) => e.type === 'comment' && e.data.includes(p)), r.post);
    await jon.waitForTimeout(500);
    await layoutChecks(jon, 'Jon\'s laptop');
    await wording(jon, 'Jon');
    await jon.screenshot({ path: path.join(shots, 'dropbox-laptop.png'), fullPage: true });
    return r.post;
  });

  await step('each guest\'s grid, events and API show only their own', async () => {
    const mine = await posts(jon);
    check(mine.length === 1 && mine[0] === jonPost, 'Jon\'s grid shows ' + JSON.stringify(mine));
    check(!(await heardOf(jon, mayaPost)).length, 'Jon was sent events about Maya\'s post');
    const hers = await posts(maya);
    check(hers.length === 1 && hers[0] === mayaPost, 'Maya\'s grid shows ' + JSON.stringify(hers));
    check(!(await shows(maya, jonPost)).length, 'Maya\'s page holds Jon\'s post');
    const toMaya = await heardOf(maya, jonPost);
    check(!toMaya.length, 'Maya was sent events about Jon\'s post: ' + JSON.stringify(toMaya));
    for (const [page, who, own, other, theirs] of [[jon, 'Jon', jonPost, mayaPost, MAYA_SAYS], [maya, 'Maya', mayaPost, jonPost, JON_SAYS]]) {
      const list = await call(page, 'GET', 'api/items?limit=100');
      check(list.status === 200 && list.json.items.every((i) => i.post === own) && list.json.items.length >= 1, who + '\'s api/items: ' + JSON.stringify(list).slice(0, 300));
      const mineNow = await call(page, 'GET', 'api/post/' + own);
      check(mineNow.status === 200 && !JSON.stringify(mineNow.json).includes(theirs), who + '\'s api/post of their own post: ' + JSON.stringify(mineNow).slice(0, 300));
      const post = await call(page, 'GET', 'api/post/' + other);
      check(post.status === 404, who + '\'s api/post of the other\'s post answered ' + JSON.stringify(post));
      for (const what of ['thumb', 'original']) {
        const r = await call(page, 'GET', what + '/' + other + '/0');
        check(r.status === 404, who + '\'s ' + what + ' of the other\'s post answered ' + r.status);
      }
      const c = await call(page, 'POST', 'api/post/' + other + '/comments', { text: 'sneaky', reply_to: null });
      check(c.status === 404, who + ' commenting on the other\'s post: ' + JSON.stringify(c));
      const re = await call(page, 'POST', 'api/react', { target: other, emoji: '❤️', on: true });
      check(re.status === 404, who + ' reacting to the other\'s post: ' + JSON.stringify(re));
    }
    const show = await jon.context().request.get(DROPBOX + 'slideshow');
    check(show.status() === 403, 'the drop box\'s slideshow answered ' + show.status());
    for (const [method, route] of [['GET', 'api/guests'], ['POST', 'api/post/' + jonPost + '/hide']]) {
      const r = await call(jon, method, route);
      check(r.status === 403 && r.json && r.json.error === 'forbidden', 'a drop box guest: ' + method + ' ' + route + ' answered ' + JSON.stringify(r));
    }
  });

  await step('Maya still sees only hers, her comment and no one else\'s', async () => {
    await openViewer(maya, mayaPost);
    await commentsHave(maya, 'Maya', MAYA_SAYS);
    for (const [who, text] of [['Jon', JON_SAYS], ['the host', HOST_SAYS]]) {
      check(!(await maya.evaluate((t) => document.body.innerText.includes(t), text)), 'Maya sees ' + who + '\'s comment');
    }
    const told = (await heard(maya)).filter((e) => e.data.includes(hostComment));
    check(!told.length, 'Maya was sent the host\'s comment: ' + JSON.stringify(told));
    await closeViewer(maya);
    await maya.evaluate(() => scrollTo(0, 0));
    await layoutChecks(maya, 'Maya\'s phone');
    await wording(maya, 'Maya');
    await maya.screenshot({ path: path.join(shots, 'dropbox-phone.png'), fullPage: true });
  });

  await step('the host sees both photos and both comments', async () => {
    await until(host, 'the host does not see both photos', (ps) => ps.every((p) => document.querySelector('a.item[data-post="' + p + '"]')), [mayaPost, jonPost]);
    for (const [p, text] of [[mayaPost, MAYA_SAYS], [mayaPost, HOST_SAYS], [jonPost, JON_SAYS]]) {
      await openViewer(host, p);
      await commentsHave(host, 'the host', text);
      await closeViewer(host);
    }
  });

  check(!errors.length, 'uncaught errors in the pages: ' + errors.join(' | '));
  return { maya_posts: [mayaPost], jon_posts: [jonPost], maya_comment: MAYA_SAYS, jon_comment: JON_SAYS };
}

process.exit(await main(run));
