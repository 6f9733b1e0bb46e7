// The resumable upload queue (docs/web-api.md, "Uploads"). No DOM: the page passes in
// the API client, the hasher and the poster maker, and draws the rows from onChange.
//
// A task's `state` is what the page shows: hashing → uploading → done | duplicate |
// failed. `text` says more (waiting, preparing 40 %, retrying in 4 s, the server's
// message). A batch (one add() call) is committed once all its files are settled.

const BACKOFF = [1, 2, 4, 8, 15, 30];
const sleepFor = (ms) => new Promise((r) => setTimeout(r, ms));

function slots(n) {
  let free = n;
  const waiting = [];
  return {
    async take() {
      if (free > 0) free--;
      else await new Promise((r) => waiting.push(r));
    },
    give() {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

const pct = (x) => Math.floor(x * 100) + ' %';

export class UploadQueue {
  // o: {api, limits: {chunk_bytes, max_parallel, max_file_bytes}, hashFile(file, onFraction),
  //     makePoster(file) → Promise<Blob|null> (optional), onChange(task), onCommit({post, tasks}),
  //     sleep(ms), maxRetries}
  constructor(o) {
    this.o = o;
    this.api = o.api;
    this.limits = o.limits;
    this.sleep = o.sleep || sleepFor;
    this.maxRetries = o.maxRetries ?? 60;
    this.hashing = slots(1);
    this.sending = slots(Math.max(1, o.limits.max_parallel || 1));
    this.tasks = [];
    this.seq = 0;
  }

  add(files, caption = '') {
    const batch = [];
    batch.caption = caption;
    for (const file of files) {
      const t = {
        key: ++this.seq, file, name: file.name || 'file', size: file.size,
        type: file.type || guessType(file.name), state: 'hashing', text: 'Waiting…',
        progress: 0, id: null, post: null, sent: false, batch,
      };
      batch.push(t);
      this.tasks.push(t);
    }
    batch.done = Promise.all(batch.map((t) => this._run(t))).then(() => this._commit(batch));
    for (const t of batch) this._change(t);
    return batch;
  }

  // Resolves when every task added so far is settled (for tests).
  idle() {
    return Promise.all([...new Set(this.tasks.map((t) => t.batch.done))]);
  }

  _change(t, patch) {
    Object.assign(t, patch);
    if (this.o.onChange) this.o.onChange(t);
  }

  async _run(t) {
    try {
      if (!t.size) throw new Error('This file is empty.');
      const max = this.limits.max_file_bytes;
      if (max && t.size > max) throw new Error('This file is larger than the limit of ' + Math.round(max / 1048576) + ' MB.');
      await this.hashing.take();
      try {
        this._change(t, { text: 'Preparing…' });
        t.hash = await this.o.hashFile(t.file, (f) => this._change(t, { progress: f, text: 'Preparing ' + pct(f) }));
      } catch (e) {
        throw new Error('This file could not be read.');
      } finally {
        this.hashing.give();
      }
      const poster = this.o.makePoster && needsPoster(t) ? this.o.makePoster(t.file).catch(() => null) : null;
      this._change(t, { state: 'uploading', progress: 0, text: 'Waiting…' });
      await this.sending.take();
      try {
        await this._send(t);
        if (t.state === 'duplicate') return;
        if (poster) await this._poster(t, await poster);
      } finally {
        this.sending.give();
      }
      this._change(t, { sent: true, progress: 1, text: 'Sent, finishing…' });
    } catch (e) {
      this._change(t, { state: 'failed', text: e.message || 'Upload failed.', error: e });
    }
  }

  // Runs `fn` until it answers, waiting longer after each transient failure.
  async _retry(t, fn, limit = this.maxRetries) {
    for (let n = 0; ; n++) {
      try {
        return await fn();
      } catch (e) {
        if (!e.transient || n >= limit) throw e;
        const s = BACKOFF[Math.min(n, BACKOFF.length - 1)];
        this._change(t, { text: 'Connection lost, trying again in ' + s + ' s…' });
        await this.sleep(s * 1000 * (0.8 + Math.random() * 0.4));
      }
    }
  }

  _create(t) {
    return this._retry(t, () => this.api.post('api/uploads', { name: t.name, size: t.size, type: t.type, hash: t.hash }));
  }

  async _send(t) {
    const chunk = this.limits.chunk_bytes || 8 << 20;
    const timeout = 30000 + chunk / 50;  // 50 kB/s at worst
    let up = await this._create(t);
    let restarted = false, recreated = 0, busy = 0, stalls = 0;
    for (;;) {
      t.id = up.id;
      if (up.state === 'duplicate' || up.state === 'posted') {
        this._change(t, { state: 'duplicate', progress: 1, text: 'Already in the gallery' });
        return;
      }
      if (up.state === 'complete' || up.offset >= t.size) return;
      const offset = up.offset;
      this._change(t, { progress: offset / t.size, text: 'Uploading ' + pct(offset / t.size) });
      try {
        up = await this.api.request('PATCH', 'api/uploads/' + t.id, {
          body: t.file.slice(offset, offset + chunk),
          headers: { 'Upload-Offset': String(offset), 'Content-Type': 'application/octet-stream' },
          timeout,
        });
        stalls = 0;
        busy = 0;
      } catch (e) {
        if (e.status === 409 && typeof e.body.offset === 'number') {
          up = { ...up, offset: e.body.offset };
        } else if (e.status === 422 && e.code === 'hash_mismatch' && !restarted) {
          restarted = true;
          up = { ...up, offset: 0 };
        } else if (e.status === 404 && e.code !== 'not_here' && recreated < 2) {
          recreated++;  // the server lost it (restart?): ask again, it may resume
          up = await this._create(t);
        } else if (e.status === 429 && busy < 5) {
          busy++;  // requests in flight still counted on the server: wait, then go on
          await this.sleep(2000 * busy);
          up = await this._status(t);
        } else if (e.transient && stalls < this.maxRetries) {
          const s = BACKOFF[Math.min(stalls++, BACKOFF.length - 1)];
          this._change(t, { text: 'Connection lost, trying again in ' + s + ' s…' });
          await this.sleep(s * 1000 * (0.8 + Math.random() * 0.4));
          up = await this._status(t);
        } else {
          throw e;
        }
      }
    }
  }

  _status(t) {
    return this._retry(t, () => this.api.get('api/uploads/' + t.id));
  }

  async _poster(t, blob) {
    if (!blob) return;
    try {
      await this._retry(t, () => this.api.request('PUT', 'api/uploads/' + t.id + '/poster', {
        body: blob, headers: { 'Content-Type': 'image/jpeg' }, timeout: 60000,
      }), 3);
    } catch {
      // The server makes do without it.
    }
  }

  async _commit(batch) {
    const sent = batch.filter((t) => t.sent && t.state === 'uploading');
    for (let i = 0; i < sent.length; i += 12) {
      const part = sent.slice(i, i + 12);
      for (const t of part) this._change(t, { text: 'Posting…' });
      try {
        const r = await this._retry(part[0], () => this.api.post('api/uploads/commit', { ids: part.map((t) => t.id), caption: batch.caption }), 10);
        for (const t of part) {
          if (r.post) this._change(t, { state: 'done', post: r.post, text: 'Posted' });
          else this._change(t, { state: 'duplicate', text: 'Already in the gallery' });
        }
        if (this.o.onCommit) this.o.onCommit({ post: r.post, tasks: part, duplicates: r.duplicates || 0 });
      } catch (e) {
        for (const t of part) this._change(t, { state: 'failed', text: e.message || 'Upload failed.', error: e });
      }
    }
  }
}

function needsPoster(t) {
  return /^video\/|^image\/hei[cf]/.test(t.type);
}

const TYPES = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', heic: 'image/heic',
  heif: 'image/heif', gif: 'image/gif', mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', '3gp': 'video/3gpp' };

export function guessType(name = '') {
  return TYPES[name.split('.').pop().toLowerCase()] || 'application/octet-stream';
}
