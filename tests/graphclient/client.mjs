// The Graph client side of graphclient.test.mjs: Microsoft's own JS Graph
// client, configured as an application would be, with its base URL pointed
// at sharelink. Run by the test with NODE_EXTRA_CA_CERTS trusting the local
// server's certificate; prints one JSON object of what it saw.
import { gzipSync } from "node:zlib";
import { BatchRequestContent, BatchResponseContent, Client, ResponseType } from "@microsoft/microsoft-graph-client";

const base = process.env.SHARELINK_URL;
const token = process.env.TOKEN;
const host = new URL(base).hostname;

const client = Client.init({
  authProvider: (done) => done(null, token),
  baseUrl: base,
  defaultVersion: "v1.0",
  // The client sends the token to Graph's hosts and these only.
  customHosts: new Set([host]),
});

const shareId = (url) => "u!" + Buffer.from(url, "utf8").toString("base64url");
const out = {};
const report = "/me/drive/root:/Documents/Report.docx:";

const item = await client.api(report).get();
out.itemId = item.id;

const link = await client.api(`${report}/createLink`).post({ type: "view", scope: "organization" });
out.link = link;

const again = await client
  .api(`/me/drive/items/${item.id}/createLink`)
  .responseType(ResponseType.RAW)
  .post({ type: "view", scope: "organization" });
out.againStatus = again.status;
out.againId = (await again.json()).id;
out.requestId = again.headers.get("request-id");

const granted = await client
  .api(`/shares/${shareId(link.link.webUrl)}/permission/grant`)
  .post({ recipients: [{ email: "bob@contoso.com" }], roles: ["read"] });
out.granted = granted;

// A JSON batch as the client builds it (BatchRequestContent): a new
// link, the permissions listed after it, a grant after that. The client
// 3.0.7 keeps the version of an absolute step URL in the step's url
// (msgraph-sdk-javascript#1178, which Graph answers "Resource not found
// for the segment 'v1.0'"), and Node's Request takes absolute URLs only:
// the steps are written as the base URL without a version, as its
// maintainers advise for 3.0.7 (#1451).
const json = { "Content-Type": "application/json" };
const batch = new BatchRequestContent([
  {
    id: "1",
    request: new Request(`${base}/me/drive/items/${item.id}/createLink`, {
      method: "POST", headers: json, body: JSON.stringify({ type: "edit", scope: "organization" }),
    }),
  },
  { id: "2", dependsOn: ["1"], request: new Request(`${base}/me/drive/items/${item.id}/permissions`, { method: "GET" }) },
  {
    id: "3",
    dependsOn: ["2"],
    request: new Request(`${base}/shares/${shareId(link.link.webUrl)}/permission/grant`, {
      method: "POST", headers: json, body: JSON.stringify({ recipients: [{ email: "carol@outlook.com" }], roles: ["read"] }),
    }),
  },
  { id: "4", dependsOn: ["3"], request: new Request(`${base}/me/drive/items/${item.id}/children`, { method: "GET" }) },
]);
const raw = await client.api("/$batch").post(await batch.getContent());
// BatchResponseContent reads the statuses; its Responses cannot give
// JSON bodies back (3.0.7 builds them from the parsed object, as
// "[object Object]"), so the bodies are read from the answer itself.
const batchAnswer = new BatchResponseContent(raw);
out.batch = {};
for (const id of ["1", "2", "3", "4"]) {
  out.batch[id] = { status: batchAnswer.getResponseById(id).status, body: raw.responses.find((r) => r.id === id).body };
}
out.batchOrder = raw.responses.map((r) => r.id);

// A gzip body, sent as Microsoft's Go SDK and Kiota's compression
// handler send every body: the client passes a Buffer through as is.
const gz = await client
  .api(`/me/drive/items/${item.id}/createLink`)
  .header("Content-Type", "application/json")
  .header("Content-Encoding", "gzip")
  .responseType(ResponseType.RAW)
  .post(gzipSync(JSON.stringify({ type: "view", scope: "organization" })));
out.gzip = { status: gz.status, link: (await gz.json()).link };

const list = await client.api(`/me/drive/items/${item.id}/permissions`).select("id,roles,link").get();
out.listed = list.value.map((p) => p.id);

const beta = await client.api(`${report}/permissions`).version("beta").get();
out.betaListed = beta.value.map((p) => p.id);

const shared = await client.api(`/shares/${shareId(link.link.webUrl)}/driveItem`).get();
out.sharedItemId = shared.id;

await client.api(`/me/drive/items/${item.id}/permissions/${link.id}`).delete();
const after = await client.api(`/me/drive/items/${item.id}/permissions`).get();
out.afterDelete = after.value.map((p) => p.id);

try {
  await client.api(`/me/drive/items/${item.id}/createLink`).post({ type: "view", scope: "everyone" });
  out.invalid = "no error";
} catch (e) {
  out.invalid = { statusCode: e.statusCode, code: e.code, requestId: e.requestId };
}

try {
  await client.api("/me/messages").get();
  out.notRoute = "no error";
} catch (e) {
  out.notRoute = { statusCode: e.statusCode, code: e.code };
}

process.stdout.write(JSON.stringify(out) + "\n");
