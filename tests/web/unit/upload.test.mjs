// The upload queue of the gallery page (lib/upload.js) against an in-memory fake of the
// server's upload API (docs/web-api.md): parallel limit, one commit per batch of at most
// 12, video posters, resuming on a flaky network (answers lost after the bytes arrived,
// and requests lost before), a damaged file restarted once, duplicates, refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UploadQueue } from '../../../web/assets/lib/upload.js';
import { ApiError } from '../../../web/assets/lib/api.js';

// A seeded generator, so a failing run can be repeated exactly.
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function fakeServer({ flaky = 0, mismatchOnce = false, dupHash = null, notMedia = null }) {
  const random = rng(42);
  const ups = new Map(); let n = 0, calls = [], inflight = 0, maxInflight = 0, committed = [];
  const api = {
    async request(method, path, o = {}) {
      calls.push(method + ' ' + path);
      inflight++; maxInflight = Math.max(maxInflight, inflight);
      try {
        await new Promise(r => setTimeout(r, 1));
        if (method === 'POST' && path === 'api/uploads') {
          const b = o.json;
          if (b.hash === dupHash) return { id: null, offset: b.size, size: b.size, state: 'duplicate' };
          if (b.name === notMedia) throw new ApiError(415, 'not_media', 'Only photos and videos can be added.');
          const id = String(++n); ups.set(id, { id, size: b.size, offset: 0, data: [], mism: mismatchOnce });
          return { id, offset: 0, size: b.size, state: 'partial' };
        }
        if (method === 'POST' && path === 'api/uploads/commit') { committed.push(o.json.ids); return { post: 'p' + committed.length, duplicates: 0, skipped: 0 }; }
        const m = /^api\/uploads\/(\d+)(\/poster)?$/.exec(path); const u = ups.get(m[1]);
        const st = () => ({ id: u.id, offset: u.offset, size: u.size, state: u.offset === u.size ? 'complete' : 'partial' });
        if (m[2]) { u.poster = o.body; return st(); }
        if (method === 'GET') return st();
        // PATCH
        const off = +o.headers['Upload-Offset'];
        if (off !== u.offset) throw new ApiError(409, 'offset_mismatch', 'x', { offset: u.offset });
        const buf = new Uint8Array(await o.body.arrayBuffer());
        if (flaky && random() < flaky) {
          // half the time the bytes arrive but the answer is lost
          if (random() < 0.5) { u.offset += buf.length; }
          throw new ApiError(0, 'network', 'net');
        }
        u.offset += buf.length;
        if (u.offset === u.size && u.mism) { u.mism = false; u.offset = 0; throw new ApiError(422, 'hash_mismatch', 'damaged'); }
        return st();
      } finally { inflight--; }
    },
  };
  api.get = (p, o) => api.request('GET', p, o); api.post = (p, json, o) => api.request('POST', p, { ...o, json });
  return { api, ups, calls, committed, get maxInflight() { return maxInflight; } };
}
const file = (name, size, type = 'image/jpeg') => new File([new Uint8Array(size).map((_, i) => i % 251)], name, { type });
const hashFile = async (f, p) => { p(1, 2); p(2, 2); return 'h-' + f.name; };
const mk = (srv, extra = {}) => new UploadQueue({ api: srv.api, limits: { chunk_bytes: 1000, max_parallel: 2, max_file_bytes: 1e6 }, hashFile, sleep: async () => {}, ...extra });

test('files upload at most max_parallel at once, commit once, and a video sends its poster', async () => {
  const srv = fakeServer({}); const seen = [];
  const q = mk(srv, { makePoster: async () => new Blob(['jpeg']), onChange: t => seen.push(t.state) });
  const b = q.add([file('a.jpg', 2500), file('b.jpg', 10), file('c.mp4', 3000, 'video/mp4')], 'cap');
  await q.idle();
  assert.deepEqual(b.map(t => t.state), ['done', 'done', 'done']);
  assert.deepEqual(srv.committed, [['1', '2', '3']]);
  assert.ok(srv.ups.get('3').poster, 'poster sent');
  assert.ok(!srv.ups.get('1').poster);
  assert.ok(srv.maxInflight <= 2, 'parallel ' + srv.maxInflight);
  assert.equal(b[0].post, 'p1');
});
test('on a flaky network every file arrives whole', async () => {
  const srv = fakeServer({ flaky: 0.4 });
  const q = mk(srv);
  const b = q.add([file('a.jpg', 9000), file('b.jpg', 7777)]);
  await q.idle();
  assert.deepEqual(b.map(t => t.state), ['done', 'done']);
  for (const u of srv.ups.values()) assert.equal(u.offset, u.size);
});
test('a damaged file restarts once; duplicates, non-media, oversize and empty files are told apart', async () => {
  const srv = fakeServer({ mismatchOnce: true, dupHash: 'h-d.jpg', notMedia: 'n.txt' });
  const q = mk(srv);
  const b = q.add([file('a.jpg', 2500), file('d.jpg', 10), file('n.txt', 10, 'text/plain'), file('big.jpg', 2e6), file('e.jpg', 0)]);
  await q.idle();
  assert.deepEqual(b.map(t => t.state), ['done', 'duplicate', 'failed', 'failed', 'failed']);
  assert.equal(b[2].text, 'Only photos and videos can be added.');
  assert.deepEqual(srv.committed, [['1']]);
});
test('more than 12 files become several posts', async () => {
  const srv = fakeServer({}); const q = mk(srv);
  const b = q.add(Array.from({ length: 14 }, (_, i) => file(i + '.jpg', 5)));
  await q.idle();
  assert.equal(srv.committed.length, 2); assert.equal(srv.committed[0].length, 12);
  assert.ok(b.every(t => t.state === 'done'));
});
