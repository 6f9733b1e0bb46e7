// The invite landing page (join.html): decodes the invite in the URL fragment, shows what
// it grants and offers the app link, the store links and a QR code for another phone.
// No server data and no network: it works from a file saved offline.

import { parseInvite, HTTPS_PREFIX, SCHEME_PREFIX } from "./lib/invite.js";
import { qrSvg } from "./lib/qr.js";

const STORES = {
  apple: "https://apps.apple.com/app/swarmroll/id0000000000",
  google: "https://play.google.com/store/apps/details?id=app.swarmroll",
};

const ROLES = {
  viewer: "See the photos and videos, comment and react",
  contributor: "See the photos and videos, comment and react, and post your own",
};

// Per error code: a heading, and what the person can do about it.
const ERRORS = {
  NotAnInvite: ["There's no invite in this link", "Ask the person who invited you to send the whole link again."],
  BadEncoding: [
    "This invite link has been changed",
    "It contains characters that an invite never has. Copy the whole link again, or ask for a new one.",
  ],
  Truncated: [
    "This invite link is incomplete",
    "Part of it was cut off, perhaps by the app it came in. Copy the whole link, or ask for it again.",
  ],
  UnsupportedVersion: [
    "This invite needs a newer Swarmroll",
    "It was made by a newer version of the app. Update Swarmroll, then open the link again.",
  ],
  Corrupted: [
    "This invite link is damaged",
    "A character was probably mistyped, or the code was not scanned cleanly. Copy or scan it again.",
  ],
  Malformed: ["This invite can't be read", "This version of Swarmroll can't make sense of it. Ask for a new invite."],
  Tampered: [
    "This invite was altered",
    "Someone changed it after it was made, so it can't be trusted. Ask the person who invited you for a new one.",
  ],
  Expired: ["This invite has expired", "Ask the person who invited you for a new one."],
  Unverifiable: [
    "Open this invite in the app",
    "This page can't check who made the invite over an insecure (http) connection. The Swarmroll app checks it when you open the link.",
  ],
};

const $ = (id) => document.getElementById(id);

function formatExpiry(ms) {
  if (ms === null) return "Never";
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return "Not for a very long time";
  return new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeStyle: "short" }).format(date);
}

// The link and QR code that hand the invite on, from its normalised text.
// The invite shown, as an https link: copied when the guest leaves for a store, so the
// app, installed, offers it on first start (deferred join) — no install referrer, no
// server: the keys go from this page to the clipboard of this phone only.
let shownLink = null;

function copyInvite() {
  if (!shownLink) return;
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(shownLink).catch(() => copyByHand(shownLink));
  } else {
    copyByHand(shownLink);
  }
}

// For pages served over plain http on a venue's network, where the Clipboard API is off.
function copyByHand(text) {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  try {
    document.execCommand("copy");
  } finally {
    area.remove();
  }
}

function showActions(text, label) {
  shownLink = HTTPS_PREFIX + text;
  $("open-app").href = SCHEME_PREFIX + text;
  // Level L: the link is shown on a clean screen, and fewer, larger modules scan easier.
  $("qr").innerHTML = qrSvg(HTTPS_PREFIX + text, { ecl: "L", label });
  $("actions").hidden = false;
}

function showError(code, message) {
  const [title, help] = ERRORS[code];
  const error = $("error");
  error.dataset.code = code;
  $("error-title").textContent = title;
  $("error-help").textContent = help;
  $("error-message").textContent = message;
  error.hidden = false;
  document.title = `${title} · Swarmroll`;
}

async function render() {
  for (const id of ["invite", "error", "actions"]) $(id).hidden = true;
  for (const id of ["channel-name", "inviter-name", "role", "expires", "qr"]) $(id).textContent = "";
  delete $("error").dataset.code;
  $("status").hidden = false;
  let fragment = location.hash.slice(1);
  try {
    fragment = decodeURIComponent(fragment);
  } catch {
    // Not percent-encoded after all: decode it as it is.
  }
  // Through the https prefix, so that a cut-off invite reads as truncated, not as a word.
  const result = fragment.trim() ? await parseInvite(HTTPS_PREFIX + fragment) : null;
  $("status").hidden = true;
  if (!result) {
    showError("NotAnInvite", "the link has no invite after the # sign");
  } else if (result.ok) {
    const { invite } = result;
    $("channel-name").textContent = invite.name;
    $("inviter-name").textContent = invite.inviter_name || "A member of the channel";
    $("role").textContent = ROLES[invite.role];
    $("expires").textContent = formatExpiry(invite.expires_ms);
    $("invite").hidden = false;
    document.title = `Join ${invite.name} on Swarmroll`;
    showActions(result.text, `QR code of the invite to ${invite.name}`);
  } else {
    showError(result.error, result.message);
    if (result.error === "Unverifiable") showActions(result.text, "QR code of the invite");
  }
}

$("store-apple").href = STORES.apple;
$("store-google").href = STORES.google;
for (const id of ["store-apple", "store-google"]) $(id).addEventListener("click", copyInvite);
addEventListener("hashchange", render);
render();
