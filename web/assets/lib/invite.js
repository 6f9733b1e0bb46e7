// The invite decoder for the landing page: the JavaScript twin of `Invite::parse` in
// core/src/channel/invite.rs (format described there). It must agree with the Rust on
// every case of tests/vectors/invites.json, so each step mirrors one step of the Rust,
// down to the crates it uses (data_encoding's BASE32_NOPAD, postcard, serde's std impls).

import { Hasher } from "./blake3.js";

export const SCHEME_PREFIX = "swarmroll://join/";
export const HTTPS_PREFIX = "https://swarmroll.app/join#";

const VERSION = 1;
const MAX_ADDRESSES = 4;
const MAX_NAME_BYTES = 64;
const SIG_LEN = 64;
const SUM_LEN = 4;
const HEAD_LEN = 3;
const MIN_TEXT_LEN = Math.floor(((HEAD_LEN + 32 + SIG_LEN + SUM_LEN) * 8) / 5);
const SIGNING_CONTEXT = "swarmroll/invite/v1";

// The Rust `#[error]` strings; Unverifiable is ours (a browser that cannot check signatures).
export const MESSAGES = {
  NotAnInvite: "this is not a Swarmroll invite link",
  BadEncoding: "the invite contains characters that cannot appear in an invite",
  Truncated: "the invite is incomplete: part of the link is missing",
  UnsupportedVersion: "the invite was made by an unsupported app version ({0})",
  Corrupted: "the invite is damaged (checksum mismatch)",
  Malformed: "the invite's contents are malformed",
  Tampered: "the invite was altered after it was made",
  Expired: "the invite has expired",
  Unverifiable: "the invite's signature cannot be checked here: this browser offers no Ed25519 (it needs https)",
};

class InviteError extends Error {
  constructor(code, arg) {
    super(MESSAGES[code].replace("{0}", arg));
    this.code = code;
  }
}

const fail = (code, arg) => {
  throw new InviteError(code, arg);
};

const utf8 = new TextEncoder();
// `ignoreBOM` keeps a leading U+FEFF, as Rust's `str::from_utf8` does.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// Rust's `char::is_whitespace` (Unicode White_Space), which differs from JavaScript's
// `trim` on U+0085 and U+FEFF.
const WS = "[\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const TRIM = new RegExp(`^${WS}+|${WS}+$`, "g");
const rustTrim = (s) => s.replace(TRIM, "");
// ASCII-only case mapping, like Rust's `to_ascii_*case` (JavaScript's would touch other letters).
const asciiLower = (s) => s.replace(/[A-Z]+/g, (c) => c.toLowerCase());
const asciiUpper = (s) => s.replace(/[a-z]+/g, (c) => c.toUpperCase());

/** Decodes an invite link (either form) or its bare base32 text. Never throws. */
export async function parseInvite(text, nowMs = Date.now()) {
  let payload;
  try {
    payload = payloadText(String(text));
    const invite = await decode(base32Decode(payload), nowMs);
    return { ok: true, invite, text: payload };
  } catch (e) {
    if (!(e instanceof InviteError)) throw e;
    const result = { ok: false, error: e.code, message: e.message };
    // Everything else held so far, so the app (which can check the signature) may take it.
    if (e.code === "Unverifiable") result.text = payload;
    return result;
  }
}

// The base32 text, upper case, without prefix or trailing slashes.
function payloadText(text) {
  const t = rustTrim(text);
  const lower = asciiLower(t);
  let payload;
  if (lower.startsWith(SCHEME_PREFIX)) payload = t.slice(SCHEME_PREFIX.length);
  else if (lower.startsWith(HTTPS_PREFIX)) payload = t.slice(HTTPS_PREFIX.length);
  // Bare text is accepted (pasted without the prefix), but a short word is not an invite.
  else if (lower.includes("://") || lower.includes("#") || utf8.encode(t).length < MIN_TEXT_LEN) fail("NotAnInvite");
  else payload = t;
  return asciiUpper(payload.replace(/\/+$/, ""));
}

// RFC 4648 base32 without padding, as data_encoding's BASE32_NOPAD decodes it: first the
// length (in UTF-8 bytes), then every symbol, then the unused low bits of the last symbol
// must be zero. A bad length or non-zero trailing bits read as a cut-off link.
function base32Decode(text) {
  const input = utf8.encode(text);
  const n = input.length;
  if ([1, 3, 6].includes(n % 8)) fail("Truncated");
  const values = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = input[i];
    if (c >= 65 && c <= 90) values[i] = c - 65;
    else if (c >= 50 && c <= 55) values[i] = c - 24;
    else fail("BadEncoding");
  }
  const out = new Uint8Array(Math.floor((n * 5) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const v of values) {
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = acc >> bits;
    }
  }
  if (acc & ((1 << bits) - 1)) fail("Truncated");
  return out;
}

function checksum(bytes) {
  return new Hasher().update(bytes).digest().subarray(0, SUM_LEN);
}

async function decode(bytes, nowMs) {
  if (bytes.length === 0) fail("Truncated");
  if (bytes[0] !== VERSION) fail("UnsupportedVersion", bytes[0]);
  if (bytes.length < HEAD_LEN) fail("Truncated");
  const declared = (bytes[1] << 8) | bytes[2];
  if (bytes.length < declared) fail("Truncated");
  if (bytes.length > declared || declared < HEAD_LEN + SIG_LEN + SUM_LEN) fail("Malformed");
  const signedLen = declared - SUM_LEN;
  const sum = checksum(bytes.subarray(0, signedLen));
  if (sum.some((b, i) => b !== bytes[signedLen + i])) fail("Corrupted");
  const head = bytes.subarray(0, HEAD_LEN);
  const bodyBytes = bytes.subarray(HEAD_LEN, signedLen - SIG_LEN);
  const sig = bytes.subarray(signedLen - SIG_LEN, signedLen);
  const body = readBody(new Reader(bodyBytes));
  const message = concat(utf8.encode(SIGNING_CONTEXT), head, bodyBytes);
  const verified = await verify(body.inviter, message, sig);
  if (verified === null) fail("Unverifiable");
  if (!verified) fail("Tampered");
  if (!validName(body.name) || body.addresses.length > MAX_ADDRESSES) fail("Malformed");
  if (body.expires !== null && body.expires <= BigInt(Math.floor(nowMs))) fail("Expired");
  return {
    channel: hex(body.channel),
    name: body.name,
    epoch: body.epoch,
    role: body.role,
    inviter: hex(body.inviter),
    inviter_name: body.inviter_name,
    addresses: body.addresses,
    expires_ms: body.expires === null ? null : Number(body.expires),
  };
}

// Postcard, the subset `Body` needs: u8 and byte arrays raw, other integers as LEB128
// varints (as lenient as postcard: overlong encodings pass, bits past the type's width
// fail), zigzag for signed ones, a 0/1 byte before an Option, the variant index as a
// varint before an enum's fields. Any failure is Malformed.
class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }

  take(n) {
    if (n > this.bytes.length - this.at) fail("Malformed");
    this.at += n;
    return this.bytes.subarray(this.at - n, this.at);
  }

  byte() {
    return this.take(1)[0];
  }

  // An unsigned varint of `width` bits, as a BigInt.
  varint(width) {
    const max = Math.ceil(width / 7);
    let out = 0n;
    for (let i = 0; i < max; i++) {
      const b = this.byte();
      out |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (!(b & 0x80)) {
        if (i === max - 1 && b > (1 << width % 7) - 1) break;
        return out;
      }
    }
    return fail("Malformed");
  }

  string() {
    const len = this.varint(64);
    if (len > BigInt(this.bytes.length - this.at)) fail("Malformed");
    const bytes = this.take(Number(len));
    try {
      return strictUtf8.decode(bytes);
    } catch {
      return fail("Malformed");
    }
  }
}

// `Body` in field order. ChannelId, DeviceId and Secret are [u8; 32] newtypes (32 raw
// bytes); Timestamp is an i64 newtype; serde writes a SocketAddr, in a binary format, as
// enum { V4((octets [u8; 4], port u16)), V6((octets [u8; 16], port u16)) } (an IPv6
// address's flow info and scope id are not sent).
function readBody(r) {
  const channel = r.take(32);
  const name = r.string();
  const epoch = Number(r.varint(32));
  const capability = r.varint(32);
  if (capability > 1n) fail("Malformed");
  r.take(32); // read key
  if (capability === 1n) r.take(32); // contributor secret
  const inviter = r.take(32);
  const inviterName = r.string();
  const addresses = [];
  for (let count = r.varint(64); count > 0n; count--) {
    const kind = r.varint(32);
    if (kind > 1n) fail("Malformed");
    const ip = r.take(kind === 0n ? 4 : 16);
    const port = Number(r.varint(16));
    addresses.push(kind === 0n ? `${ip.join(".")}:${port}` : `[${ipv6Text(ip)}]:${port}`);
  }
  let expires = null;
  const tag = r.byte();
  if (tag === 1) {
    const z = r.varint(64);
    expires = (z >> 1n) ^ -(z & 1n);
  } else if (tag !== 0) {
    fail("Malformed");
  }
  // As the core: bytes after the body make the invite malformed.
  if (r.at !== r.bytes.length) fail("Malformed");
  return {
    channel,
    name,
    epoch,
    role: capability === 0n ? "viewer" : "contributor",
    inviter,
    inviter_name: inviterName,
    addresses,
    expires,
  };
}

// Rust's `Ipv6Addr` Display: IPv4-mapped as ::ffff:a.b.c.d, otherwise lower-case hex
// groups with the first longest run of two or more zero groups written as "::".
function ipv6Text(b) {
  const g = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i] << 8) | b[i + 1]);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `::ffff:${b.slice(12).join(".")}`;
  let start = 0;
  let len = 0;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > len) [start, len] = [i, j - i];
    i = j;
  }
  const h = (xs) => xs.map((x) => x.toString(16)).join(":");
  return len > 1 ? `${h(g.slice(0, start))}::${h(g.slice(start + len))}` : h(g);
}

// Rust's `valid_name`: not blank, at most 64 bytes of UTF-8, no control characters.
function validName(name) {
  return rustTrim(name) !== "" && utf8.encode(name).length <= MAX_NAME_BYTES && !/[\0-\x1f\x7f-\x9f]/.test(name);
}

// The Ed25519 base point: importing it tells "no Ed25519 here" apart from "a bad key".
const BASE_POINT = Uint8Array.from([0x58, ...Array(31).fill(0x66)]);
let ed25519Support;

function hasEd25519(subtle) {
  ed25519Support ??= subtle.importKey("raw", BASE_POINT, { name: "Ed25519" }, false, ["verify"]).then(
    () => true,
    () => false,
  );
  return ed25519Support;
}

// true or false, or null when this browser cannot check (no WebCrypto on insecure http, or
// no Ed25519 in it).
async function verify(publicKey, message, signature) {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle || !(await hasEd25519(subtle))) return null;
  try {
    const key = await subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
    return await subtle.verify({ name: "Ed25519" }, key, signature, message);
  } catch {
    // Not a point on the curve: the Rust refuses it the same way.
    return false;
  }
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
