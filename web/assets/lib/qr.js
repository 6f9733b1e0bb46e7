// A QR Code encoder (ISO/IEC 18004) for invite links: byte mode (UTF-8), any error
// correction level, the smallest version that fits, the mask with the lowest penalty.
// The landing page draws the result as an SVG string.

const LEVELS = { L: 0, M: 1, Q: 2, H: 3 };
const FORMAT_BITS = [1, 0, 3, 2]; // the level's two bits in the format information

// Per level (L, M, Q, H), per version 1..40: error correction codewords per block, and
// number of blocks.
const ECC_PER_BLOCK = [
  [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
];
const BLOCKS = [
  [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
  [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
  [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
];

// Modules left for data and error correction once the function patterns are drawn.
function rawModules(ver) {
  let n = (16 * ver + 128) * ver + 64;
  if (ver >= 2) {
    const align = Math.floor(ver / 7) + 2;
    n -= (25 * align - 10) * align - 55;
    if (ver >= 7) n -= 36; // the two version information blocks
  }
  return n;
}

const dataCodewords = (ver, lvl) =>
  (rawModules(ver) >> 3) - ECC_PER_BLOCK[lvl][ver - 1] * BLOCKS[lvl][ver - 1];

// Centres of the alignment patterns along one axis.
function alignmentCentres(ver) {
  if (ver === 1) return [];
  const count = Math.floor(ver / 7) + 2;
  const step = Math.floor((ver * 8 + count * 3 + 5) / (count * 4 - 4)) * 2;
  const out = [6];
  for (let pos = ver * 4 + 10; out.length < count; pos -= step) out.splice(1, 0, pos);
  return out;
}

// GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++, x = (x << 1) ^ (x & 0x80 ? 0x11d : 0)) {
  EXP[i] = EXP[i + 255] = x;
  LOG[x] = i;
}
const mul = (a, b) => (a && b ? EXP[LOG[a] + LOG[b]] : 0);

// Reed-Solomon: the remainder of data * x^n divided by the generator (x - a^0)...(x - a^(n-1)).
function reedSolomon(data, n) {
  const gen = new Uint8Array(n); // its coefficients below the leading 1, highest first
  gen[n - 1] = 1;
  for (let i = 0, root = 1; i < n; i++, root = mul(root, 2)) {
    for (let j = 0; j < n; j++) gen[j] = mul(gen[j], root) ^ (j + 1 < n ? gen[j + 1] : 0);
  }
  const rem = new Uint8Array(n);
  for (const b of data) {
    const factor = b ^ rem[0];
    rem.copyWithin(0, 1);
    rem[n - 1] = 0;
    for (let j = 0; j < n; j++) rem[j] ^= mul(gen[j], factor);
  }
  return rem;
}

// The data codewords: mode, length, bytes, terminator and padding.
function dataBits(bytes, ver, lvl) {
  const capacity = dataCodewords(ver, lvl);
  const bits = [];
  const put = (value, len) => {
    for (let i = len - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  put(0b0100, 4);
  put(bytes.length, ver < 10 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  put(0, Math.min(4, capacity * 8 - bits.length));
  put(0, (8 - (bits.length % 8)) % 8);
  const out = new Uint8Array(capacity);
  for (let i = 0; i < bits.length; i++) out[i >> 3] |= bits[i] << (7 - (i & 7));
  for (let i = bits.length >> 3, pad = 0xec; i < capacity; i++, pad ^= 0xec ^ 0x11) out[i] = pad;
  return out;
}

// Splits the data into blocks, adds each block's error correction and interleaves.
function codewords(data, ver, lvl) {
  const blocks = BLOCKS[lvl][ver - 1];
  const ecc = ECC_PER_BLOCK[lvl][ver - 1];
  const raw = rawModules(ver) >> 3;
  const shortLen = Math.floor(raw / blocks) - ecc; // data bytes in a short block
  const shortBlocks = blocks - (raw % blocks);
  const parts = [];
  for (let b = 0, at = 0; b < blocks; b++) {
    const len = shortLen + (b < shortBlocks ? 0 : 1);
    const d = data.subarray(at, at + len);
    parts.push([d, reedSolomon(d, ecc)]);
    at += len;
  }
  const out = [];
  for (let i = 0; i <= shortLen; i++) for (const [d] of parts) if (i < d.length) out.push(d[i]);
  for (let i = 0; i < ecc; i++) for (const [, e] of parts) out.push(e[i]);
  return out;
}

const MASKS = [
  (x, y) => (x + y) % 2 === 0,
  (x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

// The symbol: `dark` and `fixed` (function patterns) as size*size arrays, row by row.
class Grid {
  constructor(ver) {
    this.ver = ver;
    this.size = ver * 4 + 17;
    this.dark = new Uint8Array(this.size * this.size);
    this.fixed = new Uint8Array(this.size * this.size);
  }

  set(x, y, dark) {
    const i = y * this.size + x;
    this.dark[i] = dark ? 1 : 0;
    this.fixed[i] = 1;
  }

  drawPatterns() {
    const { size, ver } = this;
    for (let i = 0; i < size; i++) {
      this.set(6, i, i % 2 === 0);
      this.set(i, 6, i % 2 === 0);
    }
    // Finders with their separators.
    for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) {
          const x = cx + dx, y = cy + dy;
          const d = Math.max(Math.abs(dx), Math.abs(dy));
          if (x >= 0 && x < size && y >= 0 && y < size) this.set(x, y, d !== 2 && d !== 4);
        }
      }
    }
    const centres = alignmentCentres(ver);
    const last = centres.length - 1;
    centres.forEach((cx, i) =>
      centres.forEach((cy, j) => {
        if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return; // finders
        for (let dy = -2; dy <= 2; dy++) {
          for (let dx = -2; dx <= 2; dx++) this.set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
        }
      }),
    );
    // Reserve the format areas (written per mask) and draw the version information.
    this.drawFormat(0);
    if (ver >= 7) {
      let rem = ver;
      for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
      const bits = (ver << 12) | rem;
      for (let i = 0; i < 18; i++) {
        const bit = (bits >>> i) & 1, a = size - 11 + (i % 3), b = Math.floor(i / 3);
        this.set(a, b, bit);
        this.set(b, a, bit);
      }
    }
  }

  // Format information (level and mask, BCH-protected), in both copies.
  drawFormat(formatData) {
    const { size } = this;
    let rem = formatData;
    for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    const bits = ((formatData << 10) | rem) ^ 0x5412;
    const bit = (i) => (bits >>> i) & 1;
    for (let i = 0; i <= 5; i++) this.set(8, i, bit(i));
    this.set(8, 7, bit(6));
    this.set(8, 8, bit(7));
    this.set(7, 8, bit(8));
    for (let i = 9; i < 15; i++) this.set(14 - i, 8, bit(i));
    for (let i = 0; i < 8; i++) this.set(size - 1 - i, 8, bit(i));
    for (let i = 8; i < 15; i++) this.set(8, size - 15 + i, bit(i));
    this.set(8, size - 8, true); // the dark module
  }

  // Codewords in the zigzag order: two-module columns from the right, alternately up and
  // down, skipping the vertical timing line.
  drawData(words) {
    const { size } = this;
    let i = 0;
    for (let right = size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      const up = ((right + 1) & 2) === 0;
      for (let k = 0; k < size; k++) {
        const y = up ? size - 1 - k : k;
        for (const x of [right, right - 1]) {
          const at = y * size + x;
          if (this.fixed[at] || i >= words.length * 8) continue;
          this.dark[at] = (words[i >> 3] >>> (7 - (i & 7))) & 1;
          i++;
        }
      }
    }
  }

  applyMask(mask) {
    const { size } = this;
    const test = MASKS[mask];
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) if (!this.fixed[y * size + x] && test(x, y)) this.dark[y * size + x] ^= 1;
    }
  }

  // The standard penalty: runs of five or more, 2x2 blocks, finder-like patterns, and
  // the distance of the dark share from 50%.
  penalty() {
    const { size, dark } = this;
    const at = (x, y, transposed) => (transposed ? dark[x * size + y] : dark[y * size + x]);
    let score = 0;
    for (const t of [false, true]) {
      for (let y = 0; y < size; y++) {
        let run = 0;
        let pattern = 0; // the last 11 modules as bits
        for (let x = 0; x < size; x++) {
          const c = at(x, y, t);
          run = x > 0 && c === at(x - 1, y, t) ? run + 1 : 1;
          if (run === 5) score += 3;
          else if (run > 5) score += 1;
          pattern = ((pattern << 1) | c) & 0x7ff;
          if (x >= 10 && (pattern === 0b10111010000 || pattern === 0b00001011101)) score += 40;
        }
      }
    }
    let darkCount = 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const c = dark[y * size + x];
        darkCount += c;
        if (x > 0 && y > 0 && c === dark[y * size + x - 1] && c === dark[(y - 1) * size + x] && c === dark[(y - 1) * size + x - 1]) {
          score += 3;
        }
      }
    }
    const total = size * size;
    return score + (Math.ceil(Math.abs(darkCount * 20 - total * 10) / total) - 1) * 10;
  }
}

/** The QR Code of `text`: `size` modules a side, `get(x, y)` true for dark. */
export function qrMatrix(text, { ecl = "M" } = {}) {
  const lvl = LEVELS[ecl];
  if (lvl === undefined) throw new RangeError(`unknown error correction level ${ecl}`);
  const bytes = new TextEncoder().encode(text);
  let ver = 1;
  while (4 + (ver < 10 ? 8 : 16) + bytes.length * 8 > dataCodewords(ver, lvl) * 8) {
    if (++ver > 40) throw new RangeError("the text is too long for a QR code");
  }
  const grid = new Grid(ver);
  grid.drawPatterns();
  grid.drawData(codewords(dataBits(bytes, ver, lvl), ver, lvl));
  let best = 0;
  let bestScore = Infinity;
  for (let mask = 0; mask < 8; mask++) {
    grid.applyMask(mask);
    grid.drawFormat((FORMAT_BITS[lvl] << 3) | mask);
    const score = grid.penalty();
    if (score < bestScore) [best, bestScore] = [mask, score];
    grid.applyMask(mask); // undo: the mask is its own inverse
  }
  grid.applyMask(best);
  grid.drawFormat((FORMAT_BITS[lvl] << 3) | best);
  const { size, dark } = grid;
  return { size, version: ver, mask: best, get: (x, y) => dark[y * size + x] === 1 };
}

const escapeXml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/** An accessible SVG of the QR Code of `text`, with a light quiet zone of `border` modules. */
export function qrSvg(text, { ecl = "M", border = 4, label = "QR code" } = {}) {
  const { size, get } = qrMatrix(text, { ecl });
  const full = size + border * 2;
  let path = "";
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if (get(x, y)) path += `M${x + border} ${y + border}h1v1h-1z`;
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" role="img" aria-label="${escapeXml(label)}" shape-rendering="crispEdges">` +
    `<rect width="${full}" height="${full}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`
  );
}
