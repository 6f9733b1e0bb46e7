// The invite decoder (web/assets/lib/invite.js) against the Rust core: every case
// of tests/vectors/invites.json, then edge cases built here with a test key, following
// what `Invite::parse` and the crates under it (data_encoding, postcard, serde) do.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseInvite, MESSAGES } from "../../../web/assets/lib/invite.js";
import { Hasher } from "../../../web/assets/lib/blake3.js";

const vectors = JSON.parse(readFileSync(new URL("../../vectors/invites.json", import.meta.url)));
const NOW = vectors.now_ms;

test("valid vectors decode to exactly the expected fields, in every link form", async () => {
  assert.ok(vectors.valid.length > 0);
  for (const v of vectors.valid) {
    const now = v.now_ms ?? NOW;
    const text = v.link.slice("swarmroll://join/".length);
    for (const form of [v.link, v.https_link, text, text.toLowerCase(), ` ${v.https_link}/\n`, v.link.toUpperCase()]) {
      const r = await parseInvite(form, now);
      assert.equal(r.ok, true, `${v.label}: ${r.message}`);
      assert.deepEqual(r.invite, v.expect, v.label);
      assert.equal(r.text, text);
    }
  }
});

test("invalid vectors fail with exactly the named error", async () => {
  for (const v of vectors.invalid) {
    const r = await parseInvite(v.link, v.now_ms ?? NOW);
    assert.equal(r.ok, false);
    assert.equal(r.error, v.error, v.link.slice(0, 40));
    assert.equal(typeof r.message, "string");
  }
});

test("messages are the Rust sentences, with the version filled in", async () => {
  assert.equal(MESSAGES.Expired, "the invite has expired");
  const v = vectors.invalid.find((x) => x.error === "UnsupportedVersion");
  const r = await parseInvite(v.link, NOW);
  assert.match(r.message, /^the invite was made by an unsupported app version \(\d+\)$/);
});

// --- Invites built here: a postcard writer, a test key and the same framing as the Rust.

const enc = new TextEncoder();
const key = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
const inviter = new Uint8Array(await crypto.subtle.exportKey("raw", key.publicKey));

function varint(n) {
  const out = [];
  for (n = BigInt(n); n >= 0x80n; n >>= 7n) out.push(Number(n & 0x7fn) | 0x80);
  return [...out, Number(n)];
}
const str = (s) => [...varint(enc.encode(s).length), ...enc.encode(s)];
const zigzag = (n) => (BigInt(n) << 1n) ^ (BigInt(n) >> 63n);

function body({ name = "Party", role = 0, inviterName = "Bo", addresses = [], expires = null, extra = [] } = {}) {
  return Uint8Array.from([
    ...Array(32).fill(7), // channel
    ...str(name),
    ...varint(3), // epoch
    ...varint(role),
    ...Array(role === 1 ? 64 : 32).fill(9), // secrets
    ...inviter,
    ...str(inviterName),
    ...varint(addresses.length),
    ...addresses.flatMap(([ip, port]) => [...varint(ip.length === 4 ? 0 : 1), ...ip, ...varint(port)]),
    ...(expires === null ? [0] : [1, ...varint(zigzag(expires))]),
    ...extra,
  ]);
}

async function payload(bodyBytes, { version = 1, sign = true } = {}) {
  const total = 3 + bodyBytes.length + 64 + 4;
  const head = Uint8Array.from([version, total >> 8, total & 0xff]);
  const message = Uint8Array.from([...enc.encode("swarmroll/invite/v1"), ...head, ...bodyBytes]);
  const sig = sign ? new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, key.privateKey, message)) : new Uint8Array(64);
  const signed = Uint8Array.from([...head, ...bodyBytes, ...sig]);
  return Uint8Array.from([...signed, ...new Hasher().update(signed).digest().subarray(0, 4)]);
}

function base32(bytes) {
  const A = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) out += A[(acc >> (bits -= 5)) & 31];
  }
  return bits ? out + A[(acc << (5 - bits)) & 31] : out;
}

const link = async (opts, framing) => "swarmroll://join/" + base32(await payload(body(opts), framing));
const parse = (text, now = NOW) => parseInvite(text, now);
const errorOf = async (text, now) => (await parse(text, now)).error;

test("built invites decode; bytes after the body are malformed, as in the core", async () => {
  const r = await parse(await link({ role: 1, inviterName: "" }));
  assert.equal(r.ok, true, r.message);
  assert.equal(r.invite.role, "contributor");
  assert.equal(r.invite.epoch, 3);
  assert.equal(r.invite.inviter_name, "");
  assert.equal(await errorOf(await link({ role: 1, inviterName: "", extra: [1, 2, 3] })), "Malformed");
});

test("addresses print like Rust's SocketAddr Display", async () => {
  const v6 = (...groups) => groups.flatMap((g) => [g >> 8, g & 0xff]);
  const cases = [
    [[10, 0, 0, 1], 80, "10.0.0.1:80"],
    [v6(0, 0, 0, 0, 0, 0, 0, 0), 1, "[::]:1"],
    [v6(0, 0, 0, 0, 0, 0, 0, 1), 65535, "[::1]:65535"],
    [v6(0xfe80, 0, 0, 0, 0, 0, 0, 1), 41000, "[fe80::1]:41000"],
    [v6(0x2001, 0xdb8, 0, 1, 0, 0, 0, 1), 9, "[2001:db8:0:1::1]:9"],
    [v6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1), 9, "[2001:db8::1:0:0:1]:9"],
    [v6(0x2001, 0xdb8, 1, 0, 1, 1, 1, 1), 9, "[2001:db8:1:0:1:1:1:1]:9"],
    [v6(0, 0, 0, 0, 0, 0xffff, 0xc0a8, 0x0101), 9, "[::ffff:192.168.1.1]:9"],
    [v6(0, 0, 0, 0, 0, 0, 0xc0a8, 0x0101), 9, "[::c0a8:101]:9"],
    [v6(0xABCD, 0xEF, 0, 0, 0, 0, 0, 0), 9, "[abcd:ef::]:9"],
  ];
  for (const [ip, port, want] of cases) {
    const r = await parse(await link({ addresses: [[ip, port]] }));
    assert.deepEqual(r.invite.addresses, [want]);
  }
});

test("expiry: refused from the expiry instant on, negative timestamps decode", async () => {
  const text = await link({ expires: NOW + 1 });
  assert.equal((await parse(text, NOW)).invite.expires_ms, NOW + 1);
  assert.equal(await errorOf(text, NOW + 1), "Expired");
  assert.equal(await errorOf(await link({ expires: -5 }), NOW), "Expired");
});

test("prefixes: case-insensitive, other links and short words are not invites", async () => {
  const text = (await link({})).slice("swarmroll://join/".length);
  assert.equal((await parse("SwarmRoll://JOIN/" + text)).ok, true);
  assert.equal((await parse("HTTPS://SWARMROLL.APP/JOIN#" + text.toLowerCase())).ok, true);
  assert.equal((await parse("\u3000" + text + "//\u0085")).ok, true); // Rust's trim includes U+3000 and U+0085
  assert.equal(await errorOf("\ufeff" + text + "AAAAA"), "BadEncoding"); // and excludes U+FEFF (3 bytes)
  assert.equal(await errorOf("http://swarmroll.app/join#" + text), "NotAnInvite");
  assert.equal(await errorOf("#" + text), "NotAnInvite");
  assert.equal(await errorOf(text.slice(0, 163)), "NotAnInvite");
  assert.equal(await errorOf(""), "NotAnInvite");
  assert.equal(await errorOf("swarmroll://join/"), "Truncated");
  assert.equal(await errorOf("swarmroll://join/AE"), "Truncated"); // 1 byte: version only
});

test("base32 edge cases follow data_encoding: length, then symbols, then trailing bits", async () => {
  const l = "swarmroll://join/";
  assert.equal(await errorOf(l + "AEA"), "Truncated"); // 3 symbols cannot be a whole number of bytes
  assert.equal(await errorOf(l + "AE$"), "Truncated"); // the length is checked before the symbols
  assert.equal(await errorOf(l + "AE$A"), "BadEncoding");
  assert.equal(await errorOf(l + "AEAA=AA"), "BadEncoding"); // no padding in this alphabet
  assert.equal(await errorOf(l + "AÉ"), "Truncated"); // length counts UTF-8 bytes: 3
  assert.equal(await errorOf(l + "AEÉ"), "BadEncoding"); // 4 bytes
  assert.equal(await errorOf(l + "AF"), "Truncated"); // non-zero trailing bits
  assert.equal(await errorOf(l + "CE"), "UnsupportedVersion");
  const text = (await link({})).slice(l.length);
  assert.equal(await errorOf(l + text.slice(0, -8)), "Truncated"); // shorter than declared
  assert.equal(await errorOf(l + text + "AAAAAAAA"), "Malformed"); // longer than declared
});

test("framing and body defects map to the Rust errors", async () => {
  const l = "swarmroll://join/";
  assert.equal(await errorOf(await link({}, { sign: false })), "Tampered");
  assert.equal(await errorOf(await link({}, { version: 2 })), "UnsupportedVersion");
  assert.equal(await errorOf(l + base32(await payload(Uint8Array.of(1, 2, 3)))), "Malformed");
  assert.equal(await errorOf(l + base32(await payload(new Uint8Array(0)))), "Malformed");
  assert.equal(await errorOf(await link({ role: 2 })), "Malformed");
  assert.equal(await errorOf(await link({ name: " \t" })), "Malformed");
  assert.equal(await errorOf(await link({ name: "a\u0085b" })), "Malformed");
  assert.equal(await errorOf(await link({ name: "é".repeat(33) })), "Malformed");
  assert.equal((await parse(await link({ name: "é".repeat(32) }))).ok, true);
  const five = Array(5).fill([[127, 0, 0, 1], 1]);
  assert.equal(await errorOf(await link({ addresses: five })), "Malformed");
  // An Option tag other than 0 or 1, invalid UTF-8, a u16 port overflowing its varint.
  const b = body({ expires: 5 });
  b[b.length - 2] = 2;
  assert.equal(await errorOf(l + base32(await payload(b))), "Malformed");
  const badUtf8 = body({ name: "ab" });
  badUtf8[33] = 0xff;
  assert.equal(await errorOf(l + base32(await payload(badUtf8))), "Malformed");
  const port = body({ addresses: [[[1, 2, 3, 4], 0]] });
  const at = port.length - 2; // the port, then the None tag
  const overflowing = Uint8Array.from([...port.subarray(0, at), 0xff, 0xff, 0x04, 0]);
  assert.equal(await errorOf(l + base32(await payload(overflowing))), "Malformed");
  const widest = Uint8Array.from([...port.subarray(0, at), 0xff, 0xff, 0x03, 0]);
  assert.deepEqual((await parse(l + base32(await payload(widest)))).invite.addresses, ["1.2.3.4:65535"]);
  const overlong = Uint8Array.from([...port.subarray(0, at), 0x85, 0x00, 0]); // postcard accepts these
  assert.deepEqual((await parse(l + base32(await payload(overlong)))).invite.addresses, ["1.2.3.4:5"]);
});

test("without WebCrypto the invite is Unverifiable, with its text for the app", async () => {
  const text = await link({});
  const saved = Object.getOwnPropertyDescriptor(globalThis, "crypto");
  Object.defineProperty(globalThis, "crypto", { value: {}, configurable: true });
  try {
    const r = await parse(text);
    assert.equal(r.error, "Unverifiable");
    assert.equal(r.text, text.slice("swarmroll://join/".length));
    assert.equal(await errorOf(text.slice(0, -8)), "Truncated"); // earlier checks still apply
  } finally {
    Object.defineProperty(globalThis, "crypto", saved);
  }
});
