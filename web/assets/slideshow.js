// The venue slideshow (docs/web-api.md): the newest photos, one every few seconds, new
// arrivals first. Videos show their thumbnail. For a TV or projector: no controls. Opened
// with the host's link, it also shows the QR code of the guests' upload link.
import { createApi, galleryBase, linkKey } from './lib/api.js';
import { qrSvg } from './lib/qr.js';

const $ = (id) => document.getElementById(id);
const base = galleryBase(location.pathname);
const still = matchMedia('(prefers-reduced-motion: reduce)');
const api = createApi(base, {
  reauth: () => api.post('api/session', { name: null }),
  key: linkKey(base, location, localStorage),
});
if (/[#&]k=/.test(location.hash)) history.replaceState(null, '', location.pathname + location.search);
const layers = [$('slide-a'), $('slide-b')];
const key = (it) => it.post + '/' + it.index;
const url = (u) => new URL(u, location.origin + base).href;
const who = (it) => (it.guest ? it.guest + ' (guest)' : it.by || '');

let pool = [];     // the newest items, newest first
let fresh = [];    // arrived since: shown next
let pos = 0;
let front = 0;
let current = null;
let timer = 0;
let closed = false;
let events = null;

function message(text) {
  $('show-msg').textContent = text;
}

// Shows `path` (a thumbnail or original) in `img`; on a private channel through a blob
// URL, the previous one let go.
async function load(img, path) {
  const src = await api.media(path);
  if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
  img.src = api.sealed ? src : url(path);
  return img.decode();
}

let busy = false;
async function show() {
  if (busy || closed) return;
  busy = true;
  clearTimeout(timer);
  try {
    await step();
  } finally {
    busy = false;
  }
  if (!closed) timer = setTimeout(show, still.matches ? 10000 : 6000);
}

async function step() {
  let tries = Math.min(pool.length + fresh.length, 5);
  while (tries-- > 0) {
    const it = fresh.length ? fresh.shift() : pool[pos++ % pool.length];
    if (!it) break;
    const back = layers[1 - front];
    try {
      try {
        await load(back, it.kind === 'image' ? it.original : it.thumb);
      } catch {
        await load(back, it.thumb);
      }
    } catch {
      continue;
    }
    if (closed) return;
    // No thumbnail: the server's square tile naming the type, shown at a modest size.
    const a = back.naturalWidth / back.naturalHeight, b = it.width / it.height;
    back.classList.toggle('tile', a > 0 && b > 0 && Math.abs(Math.log(a / b)) > 0.2);
    back.alt = (it.kind === 'video' ? 'Video' : 'Photo') + (who(it) ? ' by ' + who(it) : '');
    back.classList.add('on');
    layers[front].classList.remove('on');
    front = 1 - front;
    current = it;
    $('show-by').textContent = who(it);
    message('');
    break;
  }
  if (!pool.length && !fresh.length) {
    layers.forEach((l) => l.classList.remove('on'));
    $('show-by').textContent = '';
    current = null;
    message('Waiting for the first photos…');
  }
}

async function reload() {
  const r = await api.get('api/items?limit=100');
  const keys = new Set(r.items.map(key));
  const wasEmpty = !pool.length;
  pool = r.items;
  fresh = fresh.filter((it) => keys.has(key(it)));
  if (wasEmpty || (current && !keys.has(key(current)))) show();
}

// A new post: its items go next, wherever they sort (a photo taken earlier today
// arrives late too).
async function loadNew(post) {
  const r = post ? { items: (await api.get('api/post/' + post)).post.items } : await api.get('api/items?limit=40');
  const known = new Set(pool.map(key));
  const added = r.items.filter((it) => !known.has(key(it)));
  if (!added.length) return;
  const wasEmpty = !pool.length;
  pool = added.concat(pool).slice(0, 200);
  fresh = fresh.concat(added);
  if (wasEmpty) show();
}

function fail(e) {
  if (e.code === 'closed' || e.status === 404) return stop();
  if (!e.transient) message(e.message);
}

function stop() {
  closed = true;
  clearTimeout(timer);
  if (events) events.close();
  layers.forEach((l) => l.classList.remove('on'));
  $('show-by').textContent = '';
  message('This gallery is closed. Thank you!');
}

function listen() {
  if (closed) return;
  const es = (events = new EventSource(base + 'api/events'));
  let lost = false;
  es.onopen = () => {
    if (lost) reload().catch(fail);
    lost = false;
  };
  es.onerror = () => {
    lost = true;
    if (es.readyState === EventSource.CLOSED && !closed) {
      setTimeout(() => api.get('api/me').then(listen, (e) => (e.transient ? setTimeout(listen, 10000) : fail(e))), 3000);
    }
  };
  es.addEventListener('item', (ev) => {
    const post = api.eventData(ev.data).post || null;
    loadNew(post).catch((e) => (e.status === 404 ? null : fail(e)));
  });
  es.addEventListener('changed', () => reload().catch(fail));
  es.addEventListener('closed', stop);
}

// Full screen on a click or a key; the pointer hides when still.
let idle = 0;
addEventListener('pointermove', () => {
  document.body.classList.remove('idle');
  clearTimeout(idle);
  idle = setTimeout(() => document.body.classList.add('idle'), 3000);
});
function fullscreen() {
  if (!document.fullscreenElement && document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(() => {});
}
addEventListener('click', fullscreen);
addEventListener('keydown', (e) => e.key === 'f' && fullscreen());

async function start() {
  try {
    const s = await api.post('api/session', { name: null });
    $('show-title').textContent = s.channel;
    document.title = s.channel + ' · slideshow';
    if (s.guest_url) {
      $('show-qr').innerHTML = qrSvg(s.guest_url, { label: 'QR code of the gallery for guests' });
      $('show-join').hidden = false;
    }
  } catch (e) {
    if (e.transient) {
      message(e.message);
      return setTimeout(start, 5000);
    }
    return e.status === 404 ? stop() : message(e.message);
  }
  listen();
  try {
    await reload();
  } catch (e) {
    fail(e);
    show();
  }
}
start();
