// The web seal in JavaScript against what the Rust server makes (tests/vectors/web_seal.json,
// written by web/src/seal.rs): XChaCha20-Poly1305 byte for byte, whole messages byte for
// byte, and every change to a sealed message refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { blake3Hex } from "../../../web/assets/lib/blake3.js";
import { CHUNK, keyFromFragment, open, seal, sealedLength, xopen, xseal } from "../../../web/assets/lib/seal.js";

const v = JSON.parse(readFileSync(new URL("../../vectors/web_seal.json", import.meta.url)));
const bytes = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
const input = (n) => Uint8Array.from({ length: n }, (_, i) => i % 251);
const key = bytes(v.key);
const prefix = bytes(v.prefix);

test("XChaCha20-Poly1305 seals and opens as the Rust crate does", () => {
  assert.ok(v.xchacha20poly1305.length >= 5);
  for (const c of v.xchacha20poly1305) {
    const sealed = xseal(key, bytes(c.nonce), input(c.aad_len), input(c.plain_len));
    assert.equal(hex(sealed), c.sealed_hex, `${c.plain_len} bytes, ${c.aad_len} of aad`);
    assert.deepEqual(xopen(key, bytes(c.nonce), input(c.aad_len), bytes(c.sealed_hex)), input(c.plain_len));
  }
});

test("whole messages seal byte for byte as the server's and open again", () => {
  assert.equal(v.chunk, CHUNK);
  for (const c of v.cases) {
    const sealed = seal(key, input(c.plain_len), prefix);
    assert.equal(sealed.length, c.sealed_len);
    assert.equal(sealedLength(c.plain_len), c.sealed_len);
    assert.equal(blake3Hex(sealed), c.sealed_blake3, `${c.plain_len} bytes`);
    if (c.sealed_hex) assert.equal(hex(sealed), c.sealed_hex);
    assert.deepEqual(open(key, sealed), input(c.plain_len));
  }
});

test("another key, a changed byte, a reordered or missing chunk are refused", () => {
  const plain = input(3 * CHUNK + 77);
  const sealed = seal(key, plain, prefix);
  assert.throws(() => open(new Uint8Array(32), sealed), /does not open/);
  const flipped = sealed.slice();
  flipped[40000] ^= 1;
  assert.throws(() => open(key, flipped), /does not open/);
  assert.throws(() => open(key, sealed.subarray(0, 17 + CHUNK + 16)), /does not open/, "cut after a chunk");
  const swapped = sealed.slice();
  swapped.set(sealed.subarray(17 + CHUNK + 16, 17 + 2 * (CHUNK + 16)), 17);
  swapped.set(sealed.subarray(17, 17 + CHUNK + 16), 17 + CHUNK + 16);
  assert.throws(() => open(key, swapped), /does not open/);
  assert.throws(() => open(key, Uint8Array.of(2, ...new Uint8Array(40))), /not a sealed message/);
  // A random prefix each time: the same plaintext seals differently.
  assert.notEqual(hex(seal(key, plain.subarray(0, 10))), hex(seal(key, plain.subarray(0, 10))));
});

test("the key comes from the link's fragment, next to the gallery's own routes", () => {
  const k = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
  const b64 = Buffer.from(k).toString("base64url");
  assert.equal(b64.length, 43);
  assert.deepEqual(keyFromFragment(`#k=${b64}`), k);
  assert.deepEqual(keyFromFragment(`#/p/ab/0&k=${b64}`), k);
  assert.equal(keyFromFragment("#/p/ab/0"), null);
  assert.equal(keyFromFragment(`#k=${b64.slice(1)}`), null);
});
