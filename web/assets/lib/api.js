// The gallery's HTTP client (docs/web-api.md): JSON in and out, every failure as an
// ApiError {status, code, message} whose message can be shown to people as is.
// No DOM here: the upload queue and Node tests use it with their own fetch.

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

  async function request(method, path, o = {}) {
    const headers = { Accept: 'application/json', ...o.headers };
    let body = o.body;
    if (o.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(o.json);
    }
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    if (o.signal) o.signal.addEventListener('abort', onAbort);
    const timer = o.timeout ? setTimeout(onAbort, o.timeout) : 0;
    let res, data = null;
    try {
      res = await doFetch(base + path, { method, headers, body, credentials: 'same-origin', signal: ctl.signal });
      const type = res.headers.get('content-type') || '';
      if (type.includes('json')) data = await res.json().catch(() => null);
      else if (!res.ok) await res.text().catch(() => '');
    } catch (e) {
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

  return {
    base,
    request,
    get: (p, o) => request('GET', p, o),
    post: (p, json, o) => request('POST', p, { ...o, json }),
    put: (p, json, o) => request('PUT', p, { ...o, json }),
  };
}
