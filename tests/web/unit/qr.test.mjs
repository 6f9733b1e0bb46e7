// The QR encoder (web/assets/lib/qr.js), checked by decoding its output with an
// independent decoder (jsQR) at every level, across many versions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import jsQRModule from "jsqr";
import { qrMatrix, qrSvg } from "../../../web/assets/lib/qr.js";

const jsQR = jsQRModule.default ?? jsQRModule;
const vectors = JSON.parse(readFileSync(new URL("../../vectors/invites.json", import.meta.url)));

// Greyscale RGBA with a 4-module quiet zone, `scale` pixels a module.
function render(m, scale = 3) {
  const side = (m.size + 8) * scale;
  const px = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < m.size; y++) {
    for (let x = 0; x < m.size; x++) {
      if (!m.get(x, y)) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = ((y + 4) * scale + dy) * side;
        for (let dx = 0; dx < scale; dx++) px.fill(0, (row + (x + 4) * scale + dx) * 4, (row + (x + 4) * scale + dx) * 4 + 3);
      }
    }
  }
  return { px, side };
}

// jsQR 1.4.0 puts version 23's fourth alignment centre at 74 instead of ISO's 78
// (github.com/cozmo/jsQR/issues/251), so it reads no version 23 symbol; those are
// checked against the spec's table in the alignment test instead.
const JSQR_UNREADABLE = 23;

function assertDecodes(text, ecl) {
  const m = qrMatrix(text, { ecl });
  if (m.version === JSQR_UNREADABLE) return m;
  const { px, side } = render(m);
  const got = jsQR(px, side, side, { inversionAttempts: "dontInvert" })?.data;
  assert.equal(got, text, `level ${ecl}, version ${m.version}, ${new TextEncoder().encode(text).length} bytes`);
  return m;
}

const texts = [
  "a",
  "Hello, world!",
  "https://swarmroll.app/",
  ...vectors.valid.flatMap((v) => [v.link, v.https_link]),
  "UTF-8: ünïcødé, 日本語, emoji 🎉📸👩‍👩‍👧",
  "lorem ipsum dolor sit amet ".repeat(38).slice(0, 1024),
];

test("every text decodes back, at every level", () => {
  for (const ecl of ["L", "M", "Q", "H"]) {
    for (const text of texts) assertDecodes(text, ecl);
  }
});

test("versions 1 to 40 and all eight masks decode", () => {
  const versions = new Set();
  const masks = new Set();
  const printable = (len) => Array.from({ length: len }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 94))).join("");
  for (const [ecl, max] of [["L", 2953], ["M", 2331], ["Q", 1663], ["H", 1273]]) {
    for (let len = 1; len <= max; len = Math.min(max, Math.ceil(len * 1.12) + 1)) {
      const m = assertDecodes(printable(len), ecl);
      versions.add(m.version);
      masks.add(m.mask);
      if (len === max) break;
    }
  }
  assert.equal(masks.size, 8);
  assert.ok(versions.has(1) && versions.has(40));
  assert.ok(versions.size >= 30, [...versions].sort((a, b) => a - b).join(" "));
});

test("alignment patterns sit where ISO/IEC 18004 Annex E puts them", () => {
  const table = { 2: [6, 18], 7: [6, 22, 38], 22: [6, 26, 50, 74, 98], 23: [6, 30, 54, 78, 102], 32: [6, 34, 60, 86, 112, 138], 40: [6, 30, 58, 86, 114, 142, 170] };
  // The longest text that still fits in version `ver` at level M.
  const ofVersion = (ver) => {
    let [lo, hi] = [1, 2331];
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (qrMatrix("x".repeat(mid)).version <= ver) lo = mid;
      else hi = mid - 1;
    }
    return qrMatrix("x".repeat(lo));
  };
  for (const [ver, centres] of Object.entries(table)) {
    const m = ofVersion(Number(ver));
    assert.equal(m.version, Number(ver));
    const last = centres.length - 1;
    centres.forEach((cx, i) =>
      centres.forEach((cy, j) => {
        if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
        for (let dy = -2; dy <= 2; dy++) {
          for (let dx = -2; dx <= 2; dx++) {
            assert.equal(m.get(cx + dx, cy + dy), Math.max(Math.abs(dx), Math.abs(dy)) !== 1, `v${ver} at ${cx},${cy}`);
          }
        }
      }),
    );
  }
});

test("the smallest version that fits, and a clear error past version 40", () => {
  // Byte-mode capacities of versions 1 and 40 at each level (ISO/IEC 18004 table 7).
  for (const [ecl, v1, v40] of [["L", 17, 2953], ["M", 14, 2331], ["Q", 11, 1663], ["H", 7, 1273]]) {
    assert.equal(qrMatrix("x".repeat(v1), { ecl }).version, 1);
    assert.equal(qrMatrix("x".repeat(v1 + 1), { ecl }).version, 2);
    assert.equal(qrMatrix("x".repeat(v40), { ecl }).size, 177);
    assert.throws(() => qrMatrix("x".repeat(v40 + 1), { ecl }), RangeError);
  }
  assert.equal(qrMatrix("x").size, 21);
});

test("the SVG is accessible, escapes its label and draws the quiet zone", () => {
  const svg = qrSvg("hi", { label: 'Invite to "A & B"', border: 2 });
  assert.match(svg, /^<svg [^>]*role="img"/);
  assert.match(svg, /aria-label="Invite to &quot;A &amp; B&quot;"/);
  assert.match(svg, /viewBox="0 0 25 25"/);
  assert.match(svg, /<path d="M2 2h1v1h-1z/);
  assert.doesNotMatch(svg, /style=/); // the node's CSP forbids inline styles
});
