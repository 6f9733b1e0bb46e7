// The gallery's HTTP client (docs/web-api.md): JSON in and out, every failure as an
// ApiError {status, code, message} whose message can be shown to people as is.
// No DOM here: the upload queue and Node tests use it with their own fetch.
//
// A private channel's link carries a key in its fragment (`#k=…`, never sent): with it
// the client seals every body it sends and opens every body marked
// `Swarmroll-Sealed: 1` (web/src/sealing.rs); thumbnails and originals then come as blob
// URLs (`media`) and live events are opened with `eventData`.
import { keyFromFragment, open as openSealed, seal } from './seal.js';

const SEALED = 'swarmroll-sealed';
const KEY_STORE = 'sr_key:';

// The link's key: from the page's fragment (then kept for this gallery, and the
// fragment cleared so it is not shown or bookmarked), else kept from before. Null for a
// public channel.
export function linkKey(base, loc, storage) {
  const k = keyFromFragment(loc.hash || '');
  const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('');
  if (k) {
    try { storage.setItem(KEY_STORE + base, hex(k)); } catch { /* private mode: this visit only */ }
    return k;
  }
  let kept = null;
  try { kept = storage.getItem(KEY_STORE + base); } catch { /* none */ }
  return kept && /^[0-9a-f]{64}$/.test(kept) ? Uint8Array.from(kept.match(/../g), (h) => parseInt(h, 16)) : null;
}

const MESSAGES = {
  0: 'No connection to the gallery. Check the Wi-Fi.',
  401: 'Your session ended. Reload the page.',
  403: 'You are not allowed to do that.',
  404: 'Not found.',
  410: 'This gallery is closed.',
  413: 'This file is too large.',
  415: 'This is not a photo or a video.',
  429: 'Too many uploads at once. Try again in a moment.',
};

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body || {};
  }
  // Worth trying again later: no answer, a timeout, or the server's own trouble.
  get transient() {
    return this.status === 0 || this.status >= 500;
  }
}

// The server's messages are lower-case clauses: show them as sentences.
const sentence = (m) => m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?]$/.test(m) ? '' : '.');

// The part of a page's path every API route is relative to: `/g/<token>/`.
export function galleryBase(pathname) {
  const m = /^\/g\/[^/]+\//.exec(pathname + (pathname.endsWith('/') ? '' : '/'));
  return m ? m[0] : '/';
}

// createApi('/g/tok/', {reauth}) → {request, get, post, put, patch}. `reauth` is called
// once on 401 no_session (e.g. the server restarted) before the request is tried again.
export function createApi(base, opts = {}) {
  const doFetch = opts.fetch || ((u, i) => fetch(u, i));
  const key = opts.key || null;

  // A body as bytes, sealed.
  async function sealBody(body) {
    if (body == null) return body;
    let bytes;
    if (typeof body === 'string') bytes = new TextEncoder().encode(body);
    else if (body instanceof Uint8Array) bytes = body;
    else bytes = new Uint8Array(await body.arrayBuffer());
    return seal(key, bytes);
  }

  // The response's body, opened if sealed: {bytes, sealed}.
  async function bodyOf(res) {
    const raw = new Uint8Array(await res.arrayBuffer());
    if (res.headers.get(SEALED) !== '1') return { bytes: raw, sealed: false };
    if (!key) throw new ApiError(403, 'no_key', 'This link is missing its key. Open the whole link again, as it was sent.');
    try {
      return { bytes: openSealed(key, raw), sealed: true };
    } catch {
      throw new ApiError(403, 'bad_key', 'This link\'s key does not fit. Open the whole link again, as it was sent.');
    }
  }

  async function request(method, path, o = {}) {
    const headers = { Accept: 'application/json', ...o.headers };
    let body = o.body;
    if (o.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(o.json);
    }
    if (key && body != null) {
      body = await sealBody(body);
      headers[SEALED] = '1';
    }
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    if (o.signal) o.signal.addEventListener('abort', onAbort);
    const timer = o.timeout ? setTimeout(onAbort, o.timeout) : 0;
    let res, data = null;
    try {
      res = await doFetch(base + path, { method, headers, body, credentials: 'same-origin', signal: ctl.signal });
      const type = res.headers.get('content-type') || '';
      if (key || res.headers.get(SEALED) === '1') {
        const { bytes } = await bodyOf(res);
        if (type.includes('json')) data = parseJson(bytes);
      } else if (type.includes('json')) data = await res.json().catch(() => null);
      else if (!res.ok) await res.text().catch(() => '');
    } catch (e) {
      if (e instanceof ApiError) throw e;
      if (o.signal && o.signal.aborted) throw e;
      throw new ApiError(0, 'network', MESSAGES[0]);
    } finally {
      clearTimeout(timer);
      if (o.signal) o.signal.removeEventListener('abort', onAbort);
    }
    if (res.ok) return data;
    const code = (data && data.error) || (res.status >= 500 ? 'internal' : 'http_' + res.status);
    if (res.status === 401 && opts.reauth && !o.retried && path !== 'api/session') {
      await opts.reauth();
      return request(method, path, { ...o, retried: true });
    }
    const message = (data && data.message) || MESSAGES[res.status] ||
      (res.status >= 500 ? 'The gallery is busy. Trying again may help.' : 'Something went wrong (' + res.status + ').');
    throw new ApiError(res.status, code, sentence(message), data);
  }

  // A thumbnail's or original's URL for an <img> or <video>: the address itself on a
  // public channel; on a private one the body fetched, opened and handed over as a blob
  // URL (the caller revokes it with URL.revokeObjectURL when done).
  async function media(path) {
    if (!key) return base + path;
    const res = await doFetch(base + path, { credentials: 'same-origin' });
    if (!res.ok) throw new ApiError(res.status, 'http_' + res.status, MESSAGES[res.status] || 'Not available.');
    const { bytes } = await bodyOf(res);
    const type = (res.headers.get('content-type') || 'application/octet-stream').split(';')[0];
    return URL.createObjectURL(new Blob([bytes], { type }));
  }

  // A live event's data as JSON, opened first on a private channel (hex of a sealed
  // message).
  function eventData(text) {
    try {
      if (key && /^[0-9a-f]+$/.test(text)) {
        return parseJson(openSealed(key, Uint8Array.from(text.match(/../g), (h) => parseInt(h, 16))));
      }
      return JSON.parse(text) || {};
    } catch {
      return {};
    }
  }

  return {
    base,
    sealed: Boolean(key),
    request,
    media,
    eventData,
    get: (p, o) => request('GET', p, o),
    post: (p, json, o) => request('POST', p, { ...o, json }),
    put: (p, json, o) => request('PUT', p, { ...o, json }),
  };
}

function parseJson(bytes) {
  try { return JSON.parse(new TextDecoder().decode(bytes)); } catch { return null; }
}
