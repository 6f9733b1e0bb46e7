// The guest gallery (docs/web-api.md): grid, viewer (#/p/<post>/<index>), comments,
// reactions, uploads, live updates, and the host's hide and block.
import { createApi, galleryBase, linkKey } from './lib/api.js';
import { UploadQueue } from './lib/upload.js';
import { hashBlob } from './lib/blake3.js';

const $ = (id) => document.getElementById(id);
const base = galleryBase(location.pathname);
const NAME_KEY = 'swarmroll.name';
const EMOJI = { '❤️': 'Love', '👍': 'Like', '😂': 'Funny', '😮': 'Wow' };
// Icons are drawn, never emoji or symbol characters: a browser without an emoji font
// (Debian's headless Chromium) shows those as empty boxes. The four reactions are drawn
// too; a reaction someone chose elsewhere shows as its emoji.
const FACE = '<circle cx="12" cy="12" r="10" fill="#f5c542"/>';
const INK = 'fill="#5b3a0a"';
const ICONS = {
  play: '<path d="M8 5v14l11-7z" fill="currentColor"/>',
  comment: '<path d="M4 5h16v11h-9l-5 4v-4H4z"/>',
  // upload rows, by state
  hashing: '<path d="M12 19V6m-6 6 6-6 6 6"/>',
  done: '<path d="m5 12.5 4.5 4.5L19 7.5"/>',
  duplicate: '<circle cx="12" cy="12" r="9"/><path d="M8 12h8"/>',
  failed: '<circle cx="12" cy="12" r="9"/><path d="M12 7.5v5.5m0 3.5v.01"/>',
  '❤️': '<path fill="#e5484d" d="M12 21 10.6 19.7C5.4 15 2 11.9 2 8.2 2 5.2 4.4 3 7.3 3c1.9 0 3.6.9 4.7 2.3C13.1 3.9 14.8 3 16.7 3 19.6 3 22 5.2 22 8.2c0 3.7-3.4 6.8-8.6 11.5z"/>',
  '👍': '<path fill="#e0a028" d="M2 10h4v11H2zm6 11V10l4.3-6.8c.5-.8 1.6-1 2.3-.4.5.4.7 1.1.5 1.7L14 9h5.6c1.5 0 2.6 1.4 2.2 2.8l-1.9 7.3c-.3 1.1-1.2 1.9-2.3 1.9z"/>',
  '😂': FACE + '<path d="M6.8 9.6q1.7-2 3.4 0m3.6 0q1.7-2 3.4 0" fill="none" stroke="#5b3a0a" stroke-width="1.6" stroke-linecap="round"/><path d="M6.5 13h11a5.5 5.5 0 0 1-11 0z" ' + INK + '/>',
  '😮': FACE + '<circle cx="8.8" cy="9.5" r="1.4" ' + INK + '/><circle cx="15.2" cy="9.5" r="1.4" ' + INK + '/><ellipse cx="12" cy="15.6" rx="2.3" ry="2.9" ' + INK + '/>',
};
function icon(name, cls = 'i') {
  const s = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  s.setAttribute('viewBox', '0 0 24 24');
  s.setAttribute('class', cls);
  s.setAttribute('aria-hidden', 'true');
  s.innerHTML = ICONS[name];
  return s;
}
// Without a thumbnail the server sends a square tile naming the type: shown whole, not
// cropped to the item's shape (nor is a thumbnail of another shape than the item).
function fit(img, it) {
  img.addEventListener('load', () => {
    const a = img.naturalWidth / img.naturalHeight, b = it.width / it.height;
    img.classList.toggle('tile', a > 0 && b > 0 && Math.abs(Math.log(a / b)) > 0.2);
  });
}
const api = createApi(base, { reauth: () => startSession(), key: linkKey(base, location, localStorage) });
// The key is kept; the fragment is cleared so it is neither shown nor bookmarked.
if (/[#&]k=/.test(location.hash)) history.replaceState(null, '', location.pathname + location.search);

let session = null;
let drop = false;        // a drop box link: the guest sees only their own uploads
let closed = false;
let items = [];          // what the grid shows, newest first
let next = '';           // cursor of the next page; null at the end
let loading = false;
const cells = new Map(); // "post/index" → <li>
let cur = null;          // the viewer's {post, index, data}
let openedHere = false;  // the viewer pushed a history entry (Back closes it)
let mediaSeq = 0;
let queue = null;
let events = null;
const mine = new Set();  // posts made here: not announced as new

// ---- small helpers ----

function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k.includes('-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  e.append(...kids);
  return e;
}
const key = (it) => it.post + '/' + it.index;
const url = (u) => new URL(u, location.origin + base).href;
// Points an <img> or <video> at a thumbnail or original: its address on a public
// channel, a blob URL of the opened body on a private one (the old one let go). On a
// private channel the body arrives later: if `still()` then says no (the original got
// there first), the element is left as it is.
function show(media, path, then, still) {
  if (!api.sealed) {
    media.src = url(path);
    if (then) then();
    return;
  }
  api.media(path).then((u) => {
    if (still && !still()) {
      URL.revokeObjectURL(u);
      return;
    }
    if (media.src.startsWith('blob:')) URL.revokeObjectURL(media.src);
    media.src = u;
    if (then) then();
  }, () => media.dispatchEvent(new Event('error')));
}
const who = (x) => (x.guest ? x.guest + ' (guest)' : x.by || 'Someone');
const ratio = (it, min = 0.33) => Math.min(3, Math.max(min, it.width && it.height ? it.width / it.height : 1)).toFixed(3);
const pad = (n) => String(n).padStart(2, '0');
const duration = (ms) => {
  const s = Math.round((ms || 0) / 1000);
  return ms == null ? '' : Math.floor(s / 60) + ':' + pad(s % 60);
};
const describe = (it) => (it.kind === 'video' ? 'Video' + (it.duration_ms != null ? ', ' + duration(it.duration_ms) + ',' : '') : 'Photo') + ' by ' + who(it);
const clock = (ms) => new Date(ms).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });

function stored() {
  try { return localStorage.getItem(NAME_KEY) || ''; } catch { return ''; }
}
function store(name) {
  try { localStorage.setItem(NAME_KEY, name); } catch { /* private mode */ }
}

let sayTimer = 0;
function say(msg) {
  const s = $('status');
  s.textContent = msg;
  s.classList.add('show');
  clearTimeout(sayTimer);
  sayTimer = setTimeout(() => s.classList.remove('show'), 7000);
}

function oops(e) {
  if (!e) return;
  if (e.code === 'closed') return setClosed();
  if (e.code === 'blocked') return setClosed('You can no longer take part in this gallery.');
  // A private channel's link opened without its key (or with another): nothing to show.
  if (e.code === 'sealed' || e.code === 'no_key' || e.code === 'bad_key') return setClosed(e.message);
  say(e.message || 'Something went wrong.');
}

function setClosed(msg) {
  closed = true;
  if (events) events.close();
  document.body.dataset.live = 'closed';
  const b = $('closed');
  if (msg) b.textContent = msg;
  b.hidden = false;
  $('uploader').hidden = true;
  $('dropbox-intro').hidden = true;
  $('comment-form').hidden = true;
  say(b.textContent);
}

// The status region lives in whichever modal dialog is open, or it could not be seen.
function moveStatus(into) {
  into.append($('status'));
}

// ---- session and name ----

async function startSession() {
  session = await api.post('api/session', { name: stored() || null });
  if (session.name && !stored()) store(session.name);
  drop = session.role === 'dropbox';
  document.title = session.channel + (drop ? ' · drop box' : ' · photos');
  $('channel').textContent = session.channel;
  document.body.dataset.role = session.role;
  if (drop) dropBox();
  showName();
  const up = session.role === 'uploader' || session.role === 'host' || drop;
  $('uploader').hidden = !up || closed;
  $('guests').hidden = session.role !== 'host';
  return session;
}

// A drop box: uploads go to the host; the guest sees only their own. Nothing may suggest
// that other guests see them.
function dropBox() {
  $('dropbox-channel').textContent = session.channel;
  $('dropbox-intro').hidden = closed;
  $('add-label').textContent = 'Add photos and videos';
  $('grid-title').textContent = 'Your uploads';
  $('grid-title').className = 'grid-title';
  $('grid').setAttribute('aria-label', 'Your uploads, newest first');
  $('empty').textContent = 'Nothing here yet. Add your photos and videos: the hosts see them, other guests do not.';
  $('name-help').textContent = 'The host sees it with your photos and comments.';
  $('comment-help').hidden = false;
  $('comment-text').setAttribute('aria-describedby', 'comment-help');
  $('closed').textContent = 'This drop box is closed. Thank you for sharing!';
}

function showName() {
  const n = session && session.name;
  const b = $('me');
  b.textContent = n || 'Set your name';
  b.setAttribute('aria-label', n ? 'Your name: ' + n + '. Change it' : 'Set your name');
}

let nameDone = null, naming = null;
function askName() {
  const d = $('name-dialog');
  if (d.open && naming) return naming;
  $('name-input').value = (session && session.name) || stored();
  d.showModal();
  moveStatus(d);
  $('name-input').select();
  return (naming = new Promise((r) => (nameDone = r)));
}
function nameClosed(name) {
  const d = $('name-dialog');
  if (d.open) d.close();
  moveStatus($('viewer').open ? $('viewer') : document.body);
  if (nameDone) nameDone(name);
  nameDone = naming = null;
}
async function needName() {
  return (session && session.name) || askName();
}

$('name-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const name = $('name-input').value.trim();
  if (!name) return $('name-input').focus();
  $('name-save').disabled = true;
  try {
    session = { ...session, ...(await api.put('api/me', { name })) };
    store(name);
    showName();
    nameClosed(name);
  } catch (e) {
    oops(e);
  } finally {
    $('name-save').disabled = false;
  }
});
$('name-cancel').addEventListener('click', () => nameClosed(null));
$('name-dialog').addEventListener('close', () => nameClosed(null));
$('me').addEventListener('click', () => askName());

// ---- grid ----

function cell(it) {
  const img = el('img', { alt: describe(it), loading: 'lazy', decoding: 'async', width: it.width || 300, height: it.height || 300 });
  fit(img, it);
  show(img, it.thumb);
  const a = el('a', { className: 'item', href: '#/p/' + it.post + '/' + it.index }, img);
  a.dataset.post = it.post;
  a.dataset.index = it.index;
  a.dataset.kind = it.kind;
  if (it.kind === 'video') a.append(el('span', { className: 'badge', 'aria-hidden': 'true' }, icon('play'), duration(it.duration_ms)));
  const li = el('li', {}, a);
  // Not too narrow a cell: a video's badge must fit.
  li.style.setProperty('--r', ratio(it, 0.6));
  return li;
}

function updateCell(li, it) {
  const a = li.firstChild;
  let c = a.querySelector('.count');
  if (!it.comments) return c && c.remove();
  if (!c) a.append((c = el('span', { className: 'count' })));
  c.replaceChildren(icon('comment'), String(it.comments), el('span', { className: 'sr-only' }, it.comments === 1 ? ' comment' : ' comments'));
}

// Shows `list`, reusing the cells already there, and keeps what the guest is looking at
// in place when new items come in above it.
function render(list) {
  const grid = $('grid');
  const keys = new Set(list.map(key));
  let anchor = null, top = 0;
  if (scrollY > 40) {
    for (const it of items) {
      const li = cells.get(key(it));
      if (li && keys.has(key(it)) && (top = li.getBoundingClientRect().top) >= 0) {
        anchor = li;
        break;
      }
    }
  }
  for (const [k, li] of cells) {
    if (!keys.has(k)) {
      li.remove();
      cells.delete(k);
    }
  }
  let prev = null;
  for (const it of list) {
    let li = cells.get(key(it));
    if (!li) cells.set(key(it), (li = cell(it)));
    updateCell(li, it);
    const at = prev ? prev.nextSibling : grid.firstChild;
    if (at !== li) grid.insertBefore(li, at);
    prev = li;
  }
  items = list;
  if (anchor) scrollBy(0, anchor.getBoundingClientRect().top - top);
  $('empty').hidden = list.length > 0 || next !== null;
  navButtons();
}

const page = (cursor, limit) => api.get('api/items?limit=' + limit + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));

async function loadMore() {
  if (loading || next === null) return;
  loading = true;
  try {
    const r = await page(next, 40);
    const known = new Set(items.map(key));
    next = r.next || null;
    render(items.concat(r.items.filter((it) => !known.has(key(it)))));
  } catch (e) {
    oops(e);
  } finally {
    loading = false;
  }
  // Look again: if the end of the grid is still in sight, load on.
  more.unobserve($('more'));
  if (next !== null && !closed) more.observe($('more'));
}
const more = new IntersectionObserver((es) => es.some((e) => e.isIntersecting) && loadMore(), { rootMargin: '800px 0px' });

// A new post: put the first page's new items on top. A post that sorts further down
// (taken earlier than what is on top) needs what is shown loaded again.
const arrived = new Set();
async function loadNew() {
  const r = await page('', 40);
  const fresh = new Set(r.items.map(key));
  const known = new Set(items.map(key));
  const added = r.items.filter((it) => !known.has(key(it)) && !mine.has(it.post));
  if (r.items.some((it) => !known.has(key(it)))) {
    if (r.items.some((it) => known.has(key(it)))) render(r.items.concat(items.filter((it) => !fresh.has(key(it)))));
    else {
      next = r.next || null;
      render(r.items);
    }
    const n = (kind, word) => {
      const k = added.filter((it) => it.kind === kind).length;
      return k ? k + ' new ' + word + (k > 1 ? 's' : '') : '';
    };
    const what = [n('image', 'photo'), n('video', 'video')].filter(Boolean).join(' and ');
    if (what) say(what + '.');
  }
  const missing = [...arrived].some((p) => !items.some((it) => it.post === p));
  arrived.clear();
  if (missing) await reloadShown();
}

// Something changed (a comment, a reaction, a hidden post): load again what is shown.
async function reloadShown() {
  const want = Math.max(items.length, 40);
  let list = [], cursor = '';
  do {
    const r = await page(cursor, Math.min(100, want - list.length));
    list = list.concat(r.items);
    cursor = r.next || null;
  } while (cursor && list.length < want);
  next = cursor;
  render(list);
  if (cur) await reloadPost();
}

let refreshWanted = 0, refreshTimer = 0, refreshing = Promise.resolve();
function refresh(level) {
  refreshWanted = Math.max(refreshWanted, level);
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    const l = refreshWanted;
    refreshWanted = 0;
    refreshing = refreshing.then(() => (l > 1 ? reloadShown() : loadNew())).catch(oops);
  }, 150);
}

$('grid').addEventListener('click', (e) => {
  if (e.target.closest('a.item')) openedHere = true;
});

// ---- live updates ----

function listen() {
  if (closed) return;
  const es = (events = new EventSource(base + 'api/events'));
  let lost = false;
  es.onopen = () => {
    document.body.dataset.live = 'on';
    if (lost) refresh(2);
    lost = false;
  };
  es.onerror = () => {
    lost = true;
    if (closed) return;
    document.body.dataset.live = 'off';
    // Closed for good (an error answer): find out why before trying again.
    if (es.readyState === EventSource.CLOSED) setTimeout(recheck, 3000);
  };
  es.addEventListener('item', (ev) => {
    const d = api.eventData(ev.data);
    if (d.post) arrived.add(d.post);
    refresh(1);
  });
  es.addEventListener('comment', (ev) => {
    const d = api.eventData(ev.data);
    if (cur && d.post === cur.post) reloadPost();
    refresh(2);
  });
  es.addEventListener('changed', () => refresh(2));
  es.addEventListener('closed', () => setClosed());
}

async function recheck() {
  try {
    await api.get('api/me');
    listen();
    refresh(2);
  } catch (e) {
    if (e.status === 404 || e.code === 'closed' || e.code === 'blocked') oops(e.status === 404 ? { code: 'closed' } : e);
    else setTimeout(recheck, 10000);
  }
}

// ---- viewer ----

function route() {
  const m = /^#\/p\/([0-9a-z]+)\/(\d+)$/i.exec(location.hash);
  if (m) openViewer(m[1], +m[2]);
  else closeViewerDom();
}
addEventListener('hashchange', route);

function closeViewer() {
  if (openedHere) history.back();
  else {
    history.replaceState(null, '', location.pathname + location.search);
    route();
  }
}

function closeViewerDom() {
  const v = $('viewer');
  openedHere = false;
  if (!v.open) return;
  const was = cur;
  cur = null;
  mediaSeq++;
  const vid = $('viewer-media').querySelector('video');
  if (vid) vid.pause();
  $('viewer-media').replaceChildren();
  v.close();
  moveStatus(document.body);
  const a = was && document.querySelector('a.item[data-post="' + was.post + '"][data-index="' + was.index + '"]');
  if (a) a.focus();
  else $('grid').focus({ preventScroll: true });
}

async function openViewer(post, index) {
  const v = $('viewer');
  if (!v.open) {
    v.showModal();
    moveStatus(v);
    $('viewer-close').focus();
  }
  const samePost = cur && cur.post === post;
  cur = { post, index, data: samePost ? cur.data : null };
  if (!samePost) {
    for (const id of ['viewer-by', 'viewer-caption']) $(id).textContent = '';
    $('reactions').replaceChildren();
    $('comments').replaceChildren();
    $('hide-post').hidden = true;
    disarm();
  }
  const it = items.find((x) => x.post === post && x.index === index) || (cur.data && cur.data.post.items.find((x) => x.index === index));
  if (it) showMedia(it);
  else $('viewer-media').replaceChildren();
  navButtons();
  await reloadPost(!it);
}

async function reloadPost(showFirst) {
  const c = cur;
  if (!c) return;
  let data;
  try {
    data = await api.get('api/post/' + c.post);
  } catch (e) {
    if (cur !== c) return;
    if (e.status === 404 && e.code !== 'closed') {
      say('This post is no longer in the gallery.');
      return closeViewer();
    }
    return oops(e);
  }
  if (cur !== c) return;
  c.data = data;
  const it = data.post.items.find((x) => x.index === c.index);
  if (!it) return closeViewer();
  if (showFirst) showMedia(it);
  fillInfo(data);
  navButtons();
}

function showMedia(it) {
  const seq = ++mediaSeq;
  const box = $('viewer-media');
  const i = items.findIndex((x) => x.post === it.post && x.index === it.index);
  $('viewer-title').textContent = (it.kind === 'video' ? 'Video' : 'Photo') + (i >= 0 ? ' ' + (i + 1) + ' of ' + items.length + (next ? '+' : '') : '');
  $('viewer-note').textContent = '';
  box.style.setProperty('--r', ratio(it));
  const thumb = el('img', { alt: describe(it), className: 'thumb' });
  fit(thumb, it);
  if (it.kind === 'video') {
    const vid = el('video', { controls: true, playsInline: true, preload: 'metadata' });
    show(thumb, it.thumb, () => { vid.poster = thumb.src; });
    vid.setAttribute('aria-label', describe(it));
    // A tile for a poster: the video as small as the tile until it plays.
    thumb.addEventListener('load', () => vid.classList.toggle('tile', thumb.classList.contains('tile') && vid.paused && !vid.currentTime));
    vid.addEventListener('play', () => vid.classList.remove('tile'));
    vid.addEventListener('error', () => {
      if (seq !== mediaSeq) return;
      vid.replaceWith(thumb);
      explain(it, seq);
    }, { once: true });
    show(vid, it.original);
    box.replaceChildren(vid);
  } else {
    // The thumbnail shows until the original has loaded; on a private channel both are
    // opened in the page and may arrive in either order, and a thumbnail arriving last
    // must not cover the original.
    let original = false;
    show(thumb, it.thumb, null, () => !original);
    box.replaceChildren(thumb);
    const full = new Image();
    full.onload = () => {
      if (seq !== mediaSeq) return;
      original = true;
      thumb.src = full.src;
    };
    full.onerror = () => explain(it, seq);
    show(full, it.original);
  }
}

// The original did not load: say why (not on this device yet, or not playable here).
async function explain(it, seq) {
  let msg = 'The original could not be loaded. You are seeing a preview.';
  let link = false;
  try {
    const r = await fetch(url(it.original), { headers: { Range: 'bytes=0-0' } });
    if (r.status === 404) msg = 'The original is not on this device yet. You are seeing a preview.';
    else if (r.ok) {
      msg = 'This ' + (it.kind === 'video' ? 'video' : 'photo') + ' cannot be shown in this browser.';
      link = true;
    }
    if (r.body) r.body.cancel().catch(() => {});
  } catch { /* keep the general message */ }
  if (seq !== mediaSeq) return;
  const note = $('viewer-note');
  note.textContent = msg + ' ';
  if (link) {
    const a = el('a', { href: url(it.original), download: '', className: 'button' }, 'Download it');
    // On a private channel the download is the opened original.
    if (api.sealed) api.media(it.original).then((u) => { a.href = u; }, () => {});
    note.append(a);
  }
}

function fillInfo({ post: p, comments }) {
  $('viewer-by').replaceChildren(el('strong', {}, who(p)), ' · ', el('time', { dateTime: new Date(p.time_ms).toISOString() }, clock(p.time_ms)));
  $('viewer-caption').textContent = p.caption || '';
  $('viewer-caption').hidden = !p.caption;
  const rs = new Map((p.reactions || []).map((r) => [r.emoji, r]));
  const all = [...new Set(Object.keys(EMOJI).concat([...rs.keys()]))];
  // Buttons are kept (not redrawn), so focus stays on the one just pressed.
  const box = $('reactions');
  for (const emoji of all) {
    const r = rs.get(emoji) || { count: 0, mine: false };
    let b = [...box.children].find((x) => x.dataset.emoji === emoji);
    if (!b) box.append((b = el('button', { type: 'button', className: 'react', 'data-emoji': emoji })));
    b.replaceChildren(ICONS[emoji] ? icon(emoji, 'ri') : el('span', { 'aria-hidden': 'true' }, emoji), r.count ? ' ' + r.count : '');
    b.setAttribute('aria-label', (EMOJI[emoji] || emoji) + (r.count ? ', ' + r.count : ''));
    b.setAttribute('aria-pressed', String(!!r.mine));
    b.onclick = () => react(p.id, emoji, !r.mine);
  }
  $('hide-post').hidden = !(session.role === 'host' && p.hidable !== false) || closed;
  const ul = $('comments');
  ul.replaceChildren(...comments.map((c) => el('li', {},
    el('p', { className: 'meta' }, el('strong', {}, who(c)), ' ', el('time', { dateTime: new Date(c.time_ms).toISOString() }, clock(c.time_ms))),
    el('p', { className: 'text' }, c.text))));
  if (!comments.length) ul.append(el('li', { className: 'none' }, 'No comments yet.'));
}

async function react(target, emoji, on) {
  try {
    await api.post('api/react', { target, emoji, on });
    await reloadPost();
  } catch (e) {
    oops(e);
  }
}

function navButtons() {
  const i = cur ? items.findIndex((x) => x.post === cur.post && x.index === cur.index) : -1;
  const focused = document.activeElement;
  $('viewer-prev').disabled = !(neighbour(-1) || false);
  $('viewer-next').disabled = !(neighbour(1) || (i === items.length - 1 && next));
  // A button that just went off must not take the focus with it.
  if (focused && focused.disabled) {
    const other = focused === $('viewer-prev') ? $('viewer-next') : $('viewer-prev');
    (other.disabled ? $('viewer-close') : other).focus();
  }
}

function neighbour(d) {
  if (!cur) return null;
  const i = items.findIndex((x) => x.post === cur.post && x.index === cur.index);
  if (i >= 0) return items[i + d];
  return cur.data && cur.data.post.items.find((x) => x.index === cur.index + d);
}

async function step(d) {
  let t = neighbour(d);
  if (!t && d > 0 && next) {
    await loadMore();
    t = neighbour(d);
  }
  if (t) location.replace('#/p/' + t.post + '/' + t.index);
}

$('viewer-close').addEventListener('click', closeViewer);
$('viewer-prev').addEventListener('click', () => step(-1));
$('viewer-next').addEventListener('click', () => step(1));
$('viewer').addEventListener('cancel', (e) => {
  e.preventDefault();
  closeViewer();
});
$('viewer').addEventListener('keydown', (e) => {
  if (e.target.closest('textarea, input, video') || e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.key === 'ArrowRight') step(1);
  else if (e.key === 'ArrowLeft') step(-1);
});
let touch = null;
$('viewer-media').addEventListener('touchstart', (e) => {
  const t = e.changedTouches[0], r = e.target.getBoundingClientRect();
  // Leave a video's control bar to the video.
  touch = e.target.tagName === 'VIDEO' && t.clientY > r.bottom - 64 ? null : { x: t.clientX, y: t.clientY };
}, { passive: true });
$('viewer-media').addEventListener('touchend', (e) => {
  if (!touch) return;
  const t = e.changedTouches[0], dx = t.clientX - touch.x, dy = t.clientY - touch.y;
  if (Math.abs(dx) > 60 && Math.abs(dx) > 1.5 * Math.abs(dy)) step(dx < 0 ? 1 : -1);
  touch = null;
}, { passive: true });

$('comment-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('comment-text').value.trim();
  const c = cur;
  if (!text || !c) return;
  if (!(await needName())) return say('Comments need your name.');
  $('comment-send').disabled = true;
  try {
    const send = () => api.post('api/post/' + c.post + '/comments', { text, reply_to: null });
    await send().catch(async (err) => {
      if (err.code !== 'name_required') throw err;
      session.name = null;
      if (!(await askName())) throw err;
      return send();
    });
    $('comment-text').value = '';
    say('Comment sent.');
    await reloadPost();
  } catch (err) {
    oops(err);
  } finally {
    $('comment-send').disabled = false;
  }
});

// A second tap within 5 s confirms what cannot be undone here.
let armed = null;
function disarm() {
  if (!armed) return;
  clearTimeout(armed.timer);
  armed.button.textContent = armed.label;
  armed = null;
}
function confirmTap(button, ask, fn) {
  if (armed && armed.button === button) {
    disarm();
    return fn();
  }
  disarm();
  armed = { button, label: button.textContent, timer: setTimeout(disarm, 5000) };
  button.textContent = ask;
  say(ask);
}

$('hide-post').addEventListener('click', (e) => confirmTap(e.currentTarget, 'Tap again to hide it for everyone', async () => {
  const post = cur && cur.post;
  if (!post) return;
  try {
    await api.request('POST', 'api/post/' + post + '/hide');
    say('The post is hidden.');
    closeViewer();
    render(items.filter((x) => x.post !== post));
  } catch (err) {
    oops(err);
  }
}));

// ---- host: guests ----

async function loadGuests() {
  try {
    const list = await api.get('api/guests');
    $('guest-list').replaceChildren(...list.map((g) => {
      const name = g.name || 'Guest ' + g.id;
      const li = el('li', {}, el('span', {}, name + ' · ' + g.uploads + (g.uploads === 1 ? ' upload' : ' uploads')));
      if (g.blocked) li.append(el('span', { className: 'tag' }, 'blocked'));
      else {
        const b = el('button', { type: 'button', className: 'danger' }, 'Block');
        b.setAttribute('aria-label', 'Block ' + name);
        b.onclick = () => confirmTap(b, 'Tap again to block', async () => {
          try {
            await api.request('POST', 'api/guests/' + g.id + '/block');
            say(name + ' is blocked.');
          } catch (err) {
            oops(err);
          }
          loadGuests();
        });
        li.append(b);
      }
      return li;
    }));
    if (!list.length) $('guest-list').append(el('li', {}, 'No guests yet.'));
  } catch (e) {
    oops(e);
  }
}
$('guests').addEventListener('toggle', () => $('guests').open && loadGuests());

// ---- uploads ----

const rows = new Map();
const DROP_WORDS = { 'Already in the gallery': 'The host already has it', Posted: 'Sent' };
function drawRow(t) {
  const text = (drop && DROP_WORDS[t.text]) || t.text;
  let r = rows.get(t);
  if (!r) {
    r = {
      li: el('li', { className: 'up' }),
      bar: el('progress', { max: 1, value: 0 }),
      st: el('span', { className: 'st' }),
    };
    r.bar.setAttribute('aria-label', t.name);
    r.li.dataset.uploadName = t.name;
    r.li.append(r.ic = el('span', { className: 'ic' }), el('span', { className: 'name' }, t.name), r.bar, r.st);
    rows.set(t, r);
    $('upload-list').append(r.li);
    $('uploads').hidden = false;
  }
  if (r.li.dataset.state !== t.state && (t.state === 'failed' || t.state === 'duplicate')) say(t.name + ': ' + text);
  if (r.li.dataset.state !== t.state) r.ic.replaceChildren(icon(ICONS[t.state] ? t.state : 'hashing'));
  r.li.dataset.state = t.state;
  if (t.post) r.li.dataset.post = t.post;
  r.bar.value = t.progress;
  r.st.textContent = text;
  wake();
}

$('clear-uploads').addEventListener('click', () => {
  for (const [t, r] of rows) {
    if (t.state === 'done' || t.state === 'duplicate' || t.state === 'failed') {
      r.li.remove();
      rows.delete(t);
    }
  }
  if (!rows.size) $('uploads').hidden = true;
});

const busy = () => [...rows.keys()].some((t) => t.state === 'hashing' || t.state === 'uploading');

// Keeps the phone's screen on while files are on their way.
let lock = null;
async function wake() {
  try {
    if (busy() && !lock && navigator.wakeLock && document.visibilityState === 'visible') {
      lock = await navigator.wakeLock.request('screen');
      lock.addEventListener('release', () => (lock = null));
    } else if (!busy() && lock) lock.release();
  } catch { /* not allowed: fine */ }
}
document.addEventListener('visibilitychange', wake);
addEventListener('beforeunload', (e) => {
  if (busy()) e.preventDefault();
});

function hashFile(file, onFraction) {
  return hashBlob(file, (a, b) => onFraction(b ? a / b : a > 1 ? a / file.size : a));
}

function once(node, name, ms) {
  return new Promise((ok, fail) => {
    const t = setTimeout(() => fail(new Error('timeout')), ms);
    node.addEventListener(name, () => (clearTimeout(t), ok()), { once: true });
    node.addEventListener('error', () => (clearTimeout(t), fail(new Error('cannot decode'))), { once: true });
  });
}

// A video's first frame (or a HEIC photo, where the browser can decode it) as a JPEG of
// at most 960 px, for the server's thumbnail. Null when the browser cannot decode it.
async function makePoster(file) {
  const src = URL.createObjectURL(file);
  const video = file.type.startsWith('video/');
  const m = el(video ? 'video' : 'img', { className: 'offscreen', muted: true, playsInline: true, preload: 'auto' });
  m.setAttribute('aria-hidden', 'true');
  try {
    document.body.append(m);
    const loaded = once(m, video ? 'loadeddata' : 'load', 15000);
    m.src = src;
    await loaded;
    if (video) {
      const seeked = once(m, 'seeked', 10000);
      m.currentTime = Math.min(0.1, (m.duration || 1) / 2);
      await seeked;
    }
    const w = video ? m.videoWidth : m.naturalWidth, h = video ? m.videoHeight : m.naturalHeight;
    if (!w || !h) return null;
    const s = Math.min(1, 960 / Math.max(w, h));
    const c = el('canvas', { width: Math.round(w * s), height: Math.round(h * s) });
    c.getContext('2d').drawImage(m, 0, 0, c.width, c.height);
    const jpeg = (q) => new Promise((r) => c.toBlob(r, 'image/jpeg', q));
    let blob = await jpeg(0.85);
    if (blob && blob.size > 1e6) blob = await jpeg(0.6);
    return blob && blob.size <= 1e6 ? blob : null;
  } catch {
    return null;
  } finally {
    m.remove();
    m.removeAttribute('src');
    URL.revokeObjectURL(src);
  }
}

// Waits `ms`, or less when the phone is back online.
const sleep = (ms) => new Promise((r) => {
  const t = setTimeout(r, ms);
  addEventListener('online', () => (clearTimeout(t), setTimeout(r, 500)), { once: true });
});

function setupUploads() {
  // Three at most: the browser's six connections to the server are shared with the
  // live updates and the thumbnails.
  const limits = { ...session.limits, max_parallel: Math.min(3, session.limits.max_parallel || 1) };
  queue = new UploadQueue({
    api, limits, hashFile, makePoster, sleep,
    onChange: drawRow,
    onCommit: ({ post, tasks }) => {
      if (!post) return;
      mine.add(post);
      const what = tasks.length === 1 ? 'Your ' + (tasks[0].type.startsWith('video/') ? 'video' : 'photo') : 'Your ' + tasks.length + ' files';
      say(what + (drop ? (tasks.length === 1 ? ' is' : ' are') + ' with the host.' : (tasks.length === 1 ? ' is' : ' are') + ' in the gallery.'));
      refresh(1);
    },
  });
  const input = $('file-input');
  input.addEventListener('change', async () => {
    const files = [...input.files];
    input.value = '';
    if (!files.length) return;
    if (!(await needName())) return say('Uploads need your name: add it, then pick the files again.');
    const caption = $('caption').value.trim();
    $('caption').value = '';
    queue.add(files, caption);
  });
}

// ---- start ----

async function start() {
  try {
    await startSession();
  } catch (e) {
    document.body.dataset.live = 'off';
    if (e.status === 404) return setClosed('This link does not work any more. Ask the host for a new one.');
    if (e.transient) {
      say(e.message);
      return setTimeout(start, 5000);
    }
    return oops(e);
  }
  if (!queue) setupUploads();
  listen();
  await loadMore();
  document.body.dataset.ready = 'yes';
  route();
}
start();
