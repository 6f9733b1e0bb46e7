// BLAKE3 against the official test vectors (tests/vectors/blake3.json): one-shot,
// streamed in odd-sized pieces, and through hashBlob.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Hasher, blake3Hex, hashBlob } from "../../../web/assets/lib/blake3.js";

const vectors = JSON.parse(readFileSync(new URL("../../vectors/blake3.json", import.meta.url)));

function input(len) {
  const u8 = new Uint8Array(len);
  for (let i = 0; i < len; i++) u8[i] = i % 251;
  return u8;
}

test("one-shot hashes match the official vectors", () => {
  assert.ok(vectors.cases.length >= 22);
  for (const { input_len, hash } of vectors.cases) {
    assert.equal(blake3Hex(input(input_len)), hash, `length ${input_len}`);
  }
});

test("streaming in odd-sized pieces gives the same hashes", () => {
  for (const piece of [1, 7, 63, 64, 65, 1000, 1023, 1024, 1025, 4099]) {
    for (const { input_len, hash } of vectors.cases) {
      const data = input(input_len);
      const h = new Hasher();
      for (let at = 0; at < data.length; at += piece) h.update(data.subarray(at, at + piece));
      assert.equal(h.hexDigest(), hash, `length ${input_len} in pieces of ${piece}`);
    }
  }
});

test("digest does not disturb the state: hashing can go on", () => {
  const data = input(102400);
  const h = new Hasher().update(data.subarray(0, 5000));
  h.digest();
  h.update(data.subarray(5000));
  assert.equal(h.hexDigest(), vectors.cases.find((c) => c.input_len === 102400).hash);
  assert.equal(h.digest().length, 32);
});

test("hashBlob reads a Blob piece by piece and reports progress", async () => {
  for (const { input_len, hash } of vectors.cases.filter((c) => c.input_len >= 1023)) {
    const seen = [];
    const hex = await hashBlob(new Blob([input(input_len)]), (done, total) => seen.push([done, total]), 1000);
    assert.equal(hex, hash, `length ${input_len}`);
    assert.equal(seen.length, Math.ceil(input_len / 1000));
    assert.deepEqual(seen.at(-1), [input_len, input_len]);
  }
  assert.equal(await hashBlob(new Blob([])), vectors.cases[0].hash);
});
