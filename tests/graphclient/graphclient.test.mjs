// Drop-in compatibility: @microsoft/microsoft-graph-client, a Graph client
// nobody here wrote, pointed at lambda/cmd/local (graphsim upstream), creates
// a link, grants, lists and deletes permissions and reads the results,
// sends a JSON batch built with its BatchRequestContent and a gzip body.
//
// The local server runs with LOCAL_TLS: the client attaches its token to
// https hosts only. Its certificate exists once the server is up, so the
// client runs in a child process started with NODE_EXTRA_CA_CERTS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const tmp = mkdtempSync(join(tmpdir(), "sharelink-graphclient-"));
let server;
let banner = {};

function localBinary() {
  if (process.env.SHARELINK_LOCAL_BIN) return process.env.SHARELINK_LOCAL_BIN;
  const bin = join(tmp, "sharelink-local");
  const r = spawnSync("go", ["build", "-o", bin, "./lambda/cmd/local"], { cwd: repo, stdio: "inherit" });
  assert.equal(r.status, 0, "go build ./lambda/cmd/local");
  return bin;
}

before(async () => {
  server = spawn(localBinary(), [], {
    env: { ...process.env, PORT: "0", LOCAL_TLS: tmp, GRAPH_BASE_URL: "" },
    stdio: ["ignore", "pipe", "ignore"],
  });
  const lines = createInterface({ input: server.stdout });
  banner = await new Promise((resolve, reject) => {
    const seen = {};
    const timer = setTimeout(() => reject(new Error("the local server printed no curl line in 20 s")), 20000);
    server.on("exit", (code) => reject(new Error(`the local server exited with ${code}`)));
    lines.on("line", (line) => {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m) seen[m[1]] = m[2];
      if (line.startsWith("curl ")) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
});

after(() => {
  if (server) server.kill("SIGINT");
  rmSync(tmp, { recursive: true, force: true });
});

test("the Microsoft Graph JS client works against sharelink unchanged", () => {
  assert.match(banner.SHARELINK_URL, /^https:\/\/127\.0\.0\.1:\d+$/);
  const r = spawnSync(process.execPath, [join(here, "client.mjs")], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: banner.TLS_CERT_FILE, SHARELINK_URL: banner.SHARELINK_URL, TOKEN: banner.TOKEN },
    encoding: "utf8",
    timeout: 30000,
  });
  assert.equal(r.status, 0, `client failed:\n${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split("\n").pop());

  assert.ok(out.itemId, "the item is read through the root:/path: form");
  assert.equal(out.link.link.type, "view");
  assert.equal(out.link.link.scope, "organization");
  assert.match(out.link.link.webUrl, /^https:\/\//);
  assert.equal(out.againStatus, 200, "the same link again is a 200");
  assert.equal(out.againId, out.link.id);
  assert.ok(out.requestId, "request-id is returned");

  assert.ok(Array.isArray(out.granted.value) && out.granted.value.length > 0, "grant answers {value:[...]}");
  assert.ok(out.listed.includes(out.link.id), "the link is listed (with $select)");
  assert.ok(out.betaListed.includes(out.link.id), "the link is listed under beta");
  assert.ok(!out.afterDelete.includes(out.link.id), "the deleted link is gone");
  assert.equal(out.sharedItemId, out.itemId, "/shares resolves the link's webUrl");

  const b = out.batch;
  assert.deepEqual(out.batchOrder, ["1", "2", "3", "4"], "answers in request order");
  assert.equal(b["1"].status, 201, "the batch's createLink makes a new edit link");
  assert.equal(b["1"].body.link.type, "edit");
  assert.equal(b["2"].status, 200, "the batch's list runs after it");
  assert.ok(b["2"].body.value.some((p) => p.id === b["1"].body.id), "and lists the new link");
  assert.equal(b["3"].status, 200, "the batch's grant runs after the list");
  assert.ok(Array.isArray(b["3"].body.value) && b["3"].body.value.length > 0);
  assert.equal(b["4"].status, 404, "an unserved route is a 404 inside the batch");
  assert.equal(b["4"].body.error.code, "itemNotFound");
  assert.equal(out.gzip.status, 200, "a gzip body is decoded (the view link exists: 200)");
  assert.equal(out.gzip.link.type, "view");

  assert.equal(out.invalid.statusCode, 400);
  assert.equal(out.invalid.code, "invalidRequest");
  assert.equal(out.notRoute.statusCode, 404);
});
