// BLAKE3 (the default hash, 32-byte output) for browsers without WebCrypto: the gallery
// hashes uploads with it (docs/web-api.md), the invite decoder checks checksums with it.
// Streaming over the full chunk tree, in 32-bit integer math.

const IV = new Uint32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
const BLOCK_LEN = 64;
const CHUNK_LEN = 1024;
const CHUNK_START = 1;
const CHUNK_END = 2;
const PARENT = 4;
const ROOT = 8;

// One compression, the first 8 output words into out[outOff..]. The state and message
// live in locals (not arrays) so that engines keep them in registers.
function compress(cv, cvOff, m, counter, blockLen, flags, out, outOff) {
  let v0 = cv[cvOff], v1 = cv[cvOff + 1], v2 = cv[cvOff + 2], v3 = cv[cvOff + 3];
  let v4 = cv[cvOff + 4], v5 = cv[cvOff + 5], v6 = cv[cvOff + 6], v7 = cv[cvOff + 7];
  let v8 = IV[0], v9 = IV[1], v10 = IV[2], v11 = IV[3];
  let v12 = counter | 0, v13 = (counter / 0x100000000) | 0, v14 = blockLen, v15 = flags;
  let m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7];
  let m8 = m[8], m9 = m[9], m10 = m[10], m11 = m[11], m12 = m[12], m13 = m[13], m14 = m[14], m15 = m[15];
  for (let r = 0; r < 7; r++) {
    // Columns.
    v0 = (v0 + v4 + m0) | 0; v12 ^= v0; v12 = (v12 >>> 16) | (v12 << 16);
    v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 12) | (v4 << 20);
    v0 = (v0 + v4 + m1) | 0; v12 ^= v0; v12 = (v12 >>> 8) | (v12 << 24);
    v8 = (v8 + v12) | 0; v4 ^= v8; v4 = (v4 >>> 7) | (v4 << 25);

    v1 = (v1 + v5 + m2) | 0; v13 ^= v1; v13 = (v13 >>> 16) | (v13 << 16);
    v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 12) | (v5 << 20);
    v1 = (v1 + v5 + m3) | 0; v13 ^= v1; v13 = (v13 >>> 8) | (v13 << 24);
    v9 = (v9 + v13) | 0; v5 ^= v9; v5 = (v5 >>> 7) | (v5 << 25);

    v2 = (v2 + v6 + m4) | 0; v14 ^= v2; v14 = (v14 >>> 16) | (v14 << 16);
    v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 12) | (v6 << 20);
    v2 = (v2 + v6 + m5) | 0; v14 ^= v2; v14 = (v14 >>> 8) | (v14 << 24);
    v10 = (v10 + v14) | 0; v6 ^= v10; v6 = (v6 >>> 7) | (v6 << 25);

    v3 = (v3 + v7 + m6) | 0; v15 ^= v3; v15 = (v15 >>> 16) | (v15 << 16);
    v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 12) | (v7 << 20);
    v3 = (v3 + v7 + m7) | 0; v15 ^= v3; v15 = (v15 >>> 8) | (v15 << 24);
    v11 = (v11 + v15) | 0; v7 ^= v11; v7 = (v7 >>> 7) | (v7 << 25);

    // Diagonals.
    v0 = (v0 + v5 + m8) | 0; v15 ^= v0; v15 = (v15 >>> 16) | (v15 << 16);
    v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 12) | (v5 << 20);
    v0 = (v0 + v5 + m9) | 0; v15 ^= v0; v15 = (v15 >>> 8) | (v15 << 24);
    v10 = (v10 + v15) | 0; v5 ^= v10; v5 = (v5 >>> 7) | (v5 << 25);

    v1 = (v1 + v6 + m10) | 0; v12 ^= v1; v12 = (v12 >>> 16) | (v12 << 16);
    v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 12) | (v6 << 20);
    v1 = (v1 + v6 + m11) | 0; v12 ^= v1; v12 = (v12 >>> 8) | (v12 << 24);
    v11 = (v11 + v12) | 0; v6 ^= v11; v6 = (v6 >>> 7) | (v6 << 25);

    v2 = (v2 + v7 + m12) | 0; v13 ^= v2; v13 = (v13 >>> 16) | (v13 << 16);
    v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 12) | (v7 << 20);
    v2 = (v2 + v7 + m13) | 0; v13 ^= v2; v13 = (v13 >>> 8) | (v13 << 24);
    v8 = (v8 + v13) | 0; v7 ^= v8; v7 = (v7 >>> 7) | (v7 << 25);

    v3 = (v3 + v4 + m14) | 0; v14 ^= v3; v14 = (v14 >>> 16) | (v14 << 16);
    v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 12) | (v4 << 20);
    v3 = (v3 + v4 + m15) | 0; v14 ^= v3; v14 = (v14 >>> 8) | (v14 << 24);
    v9 = (v9 + v14) | 0; v4 ^= v9; v4 = (v4 >>> 7) | (v4 << 25);

    // The message permutation, ready for the next round.
    const t0 = m0, t1 = m1, t3 = m3, t4 = m4, t5 = m5, t7 = m7, t8 = m8;
    m0 = m2; m1 = m6; m2 = t3; m3 = m10; m4 = t7; m5 = t0; m6 = t4; m7 = m13;
    m8 = t1; m10 = m12; m12 = m9; m9 = m11; m11 = t5; m13 = m14; m14 = m15; m15 = t8;
  }
  out[outOff] = v0 ^ v8; out[outOff + 1] = v1 ^ v9; out[outOff + 2] = v2 ^ v10; out[outOff + 3] = v3 ^ v11;
  out[outOff + 4] = v4 ^ v12; out[outOff + 5] = v5 ^ v13; out[outOff + 6] = v6 ^ v14; out[outOff + 7] = v7 ^ v15;
}

// Little-endian words of a 64-byte block (zero-padded past `len`).
function loadBlock(m, bytes, off, len) {
  if (len === BLOCK_LEN) {
    for (let i = 0; i < 16; i++, off += 4) {
      m[i] = bytes[off] | (bytes[off + 1] << 8) | (bytes[off + 2] << 16) | (bytes[off + 3] << 24);
    }
    return;
  }
  m.fill(0);
  for (let i = 0; i < len; i++) m[i >> 2] |= bytes[off + i] << ((i & 3) * 8);
}

export class Hasher {
  constructor() {
    this.m = new Uint32Array(16);
    this.cv = new Uint32Array(IV); // the current chunk's chaining value
    this.block = new Uint8Array(BLOCK_LEN); // the chunk's last block, held back until more input arrives
    this.blockLen = 0;
    this.blocksDone = 0; // in the current chunk
    this.chunk = 0; // the current chunk's index
    this.stack = new Uint32Array(8 * 54); // chaining values of complete subtrees (2^54 chunks is plenty)
    this.depth = 0;
  }

  // Compresses one non-final block of the current chunk.
  _chunkBlock(bytes, off) {
    loadBlock(this.m, bytes, off, BLOCK_LEN);
    const flags = this.blocksDone === 0 ? CHUNK_START : 0;
    compress(this.cv, 0, this.m, this.chunk, BLOCK_LEN, flags, this.cv, 0);
    this.blocksDone++;
  }

  // Ends the full current chunk and merges completed subtrees (one per trailing 0 bit of
  // the chunk count), like a binary counter.
  _endChunk() {
    const { m, stack } = this;
    loadBlock(m, this.block, 0, BLOCK_LEN);
    compress(this.cv, 0, m, this.chunk, BLOCK_LEN, CHUNK_END, stack, this.depth * 8);
    this.depth++;
    let total = ++this.chunk;
    while (total % 2 === 0) {
      this.depth--;
      const left = (this.depth - 1) * 8;
      m.set(stack.subarray(left, left + 16));
      compress(IV, 0, m, 0, BLOCK_LEN, PARENT, stack, left);
      total /= 2;
    }
    this.cv.set(IV);
    this.blockLen = 0;
    this.blocksDone = 0;
  }

  update(u8) {
    const n = u8.length;
    let i = 0;
    while (i < n) {
      if (this.blockLen === BLOCK_LEN) {
        if (this.blocksDone === CHUNK_LEN / BLOCK_LEN - 1) {
          this._endChunk();
        } else {
          this._chunkBlock(this.block, 0);
          this.blockLen = 0;
        }
      }
      // Whole blocks straight from the input, keeping at least one byte back so that
      // the chunk's last block is always the buffered one.
      if (this.blockLen === 0) {
        while (n - i > BLOCK_LEN && this.blocksDone < CHUNK_LEN / BLOCK_LEN - 1) {
          this._chunkBlock(u8, i);
          i += BLOCK_LEN;
        }
      }
      const take = Math.min(BLOCK_LEN - this.blockLen, n - i);
      this.block.set(u8.subarray(i, i + take), this.blockLen);
      this.blockLen += take;
      i += take;
    }
    return this;
  }

  digest() {
    const { m, stack } = this;
    const out = new Uint32Array(8);
    loadBlock(m, this.block, 0, this.blockLen);
    let flags = CHUNK_END | (this.blocksDone === 0 ? CHUNK_START : 0);
    let cv = this.cv;
    let counter = this.chunk;
    let blockLen = this.blockLen;
    // Fold the stack from the right; the last compression carries ROOT.
    for (let d = this.depth - 1; d >= 0; d--) {
      compress(cv, 0, m, counter, blockLen, flags, out, 0);
      m.set(stack.subarray(d * 8, d * 8 + 8));
      m.set(out, 8);
      cv = IV;
      counter = 0;
      blockLen = BLOCK_LEN;
      flags = PARENT;
    }
    compress(cv, 0, m, counter, blockLen, flags | ROOT, out, 0);
    const bytes = new Uint8Array(32);
    for (let i = 0; i < 32; i++) bytes[i] = out[i >> 2] >>> ((i & 3) * 8);
    return bytes;
  }

  hexDigest() {
    return toHex(this.digest());
  }
}

function toHex(bytes) {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

export function blake3Hex(u8) {
  return new Hasher().update(u8).hexDigest();
}

// Hashes a File or Blob piece by piece (never the whole file in memory), reading the
// next piece while the current one is hashed.
export async function hashBlob(blob, onProgress, chunkBytes = 4 << 20) {
  const hasher = new Hasher();
  const total = blob.size;
  const read = (at) => blob.slice(at, at + chunkBytes).arrayBuffer();
  let next = total > 0 ? read(0) : null;
  for (let at = 0; at < total; ) {
    const piece = new Uint8Array(await next);
    at += piece.length;
    next = at < total ? read(at) : null;
    hasher.update(piece);
    if (onProgress) onProgress(at, total);
  }
  return hasher.hexDigest();
}
