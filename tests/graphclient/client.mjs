// The Graph client side of graphclient.test.mjs: Microsoft's own JS Graph
// client, configured as an application would be, with its base URL pointed
// at sharelink. Run by the test with NODE_EXTRA_CA_CERTS trusting the local
// server's certificate; prints one JSON object of what it saw.
import { Client, ResponseType } from "@microsoft/microsoft-graph-client";

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
