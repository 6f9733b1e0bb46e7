// The size budget of the web assets: every script under web/assets, gzipped,
// stays under 100 KB together (they load over venue Wi-Fi on phones).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ASSETS = fileURLToPath(new URL("../../../web/assets/", import.meta.url));
const BUDGET = 100 * 1024;

test("all scripts gzip to under 100 KB together", () => {
  const files = readdirSync(ASSETS, { recursive: true }).filter((f) => f.endsWith(".js"));
  assert.ok(files.length > 0);
  const total = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(ASSETS, f)), { level: 9 }).length, 0);
  assert.ok(total < BUDGET, `${total} bytes gzipped (${files.join(", ")})`);
});
