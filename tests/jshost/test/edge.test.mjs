// The edge-function example (edge/worker.mjs) with real Request and
// Response objects, as Cloudflare Workers and Deno call it; Graph is a
// stub fetch that records what reaches it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compiledModule } from '../lib.mjs';
import { sharelinkHandler } from '../edge/worker.mjs';

const permission = {
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#permission',
  id: '123ABC',
  roles: ['write'],
  link: { type: 'edit', scope: 'organization', webUrl: 'https://contoso.sharepoint.com/:w:/g/personal/x/Eabc' },
};

function stubGraph(answer) {
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, ...init });
    return answer();
  };
  return { sent, fetch };
}

function handler(answer, config = {}) {
  const graph = stubGraph(answer);
  return { graph, h: sharelinkHandler({ module: compiledModule, config, fetch: graph.fetch }) };
}

const req = (path, body, headers = { authorization: 'Bearer eyJ0eXAi.test.token' }, method = 'POST') =>
  new Request(`https://edge.example${path}`, { method, headers, body });

test('a valid createLink goes to Graph and comes back as the canonical permission', async () => {
  const { graph, h } = handler(() => new Response(JSON.stringify(permission), { status: 201, headers: { 'content-type': 'application/json' } }));
  const res = await h.fetch(req('/v1.0/me/drive/items/01ABC/createLink', '{"type":"edit","scope":"organization"}'));
  assert.ok(res instanceof Response);
  assert.equal(res.status, 201);
  const body = await res.json();
  assert.equal(body.id, '123ABC');
  assert.equal(body.link.scope, 'organization');
  assert.equal(body['@odata.context'], undefined, 'annotations are dropped');
  assert.equal(graph.sent.length, 1);
  assert.equal(graph.sent[0].url, 'https://graph.microsoft.com/v1.0/me/drive/items/01ABC/createLink');
  assert.equal(graph.sent[0].method, 'POST');
  assert.equal(graph.sent[0].body, '{"type":"edit","scope":"organization"}');
  assert.equal(graph.sent[0].headers.authorization, 'Bearer eyJ0eXAi.test.token');
});

test('an existing link is answered 200', async () => {
  const { h } = handler(() => new Response(JSON.stringify(permission), { status: 200 }));
  const res = await h.fetch(req('/me/drive/root:/Documents/Report.docx:/createLink', '{"type":"edit","scope":"organization"}'));
  assert.equal(res.status, 200);
});

test('an invalid request is refused at the edge, nothing reaches Graph', async () => {
  const { graph, h } = handler(() => assert.fail('Graph was called'));
  for (const [path, body, status, target] of [
    ['/v1.0/me/drive/items/01ABC/createLink', '{"type":"view","scope":"everyone"}', 400, 'scope'],
    ['/v1.0/me/drive/items/01ABC/createLink', '{"type":"view",', 400, 'body'],
    ['/v1.0/me/drive/items/01ABC/createLink', '{"scope":"anonymous"}', 400, 'type'],
    ['/v1.0/me/drive/items/a%2Fb/createLink', '{"type":"view"}', 400, undefined],
  ]) {
    const res = await h.fetch(req(path, body));
    assert.equal(res.status, status, `${body}: status`);
    assert.match(res.headers.get('content-type'), /application\/json/);
    const e = await res.json();
    assert.equal(e.error.code, 'invalidRequest');
    if (target) assert.equal(e.error.target, target, `${body}: target`);
  }
  assert.equal(graph.sent.length, 0);
});

test('the policy is applied at the edge', async () => {
  const { graph, h } = handler(() => assert.fail('Graph was called'), { policy: '{"denyAnonymous":true}' });
  const res = await h.fetch(req('/v1.0/me/drive/items/01ABC/createLink', '{"type":"view","scope":"anonymous"}'));
  assert.equal(res.status, 403);
  assert.equal((await res.json()).error.code, 'accessDenied');
  assert.equal(graph.sent.length, 0);
});

test('no token, wrong method, other routes', async () => {
  const { graph, h } = handler(() => assert.fail('Graph was called'));
  let res = await h.fetch(req('/v1.0/me/drive/items/01ABC/createLink', '{"type":"view"}', {}));
  assert.equal(res.status, 401);
  res = await h.fetch(req('/v1.0/me/drive/items/01ABC/createLink', undefined, {}, 'GET'));
  assert.equal(res.status, 405);
  res = await h.fetch(req('/v1.0/me/drive/items/01ABC/children', undefined, {}, 'GET'));
  assert.equal(res.status, 404);
  assert.equal(graph.sent.length, 0);
});

test("Graph's throttling comes back with its status and Retry-After", async () => {
  const { h } = handler(() => new Response(JSON.stringify({
    error: { code: 'activityLimitReached', message: 'slow down', innerError: { code: 'throttledRequest', 'request-id': 'r-1' } },
  }), { status: 429, headers: { 'retry-after': '7' } }));
  const res = await h.fetch(req('/v1.0/me/drive/items/01ABC/createLink', '{"type":"view"}'));
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '7');
  const e = await res.json();
  assert.equal(e.error.code, 'activityLimitReached');
  assert.equal(e.error.innerError.code, 'throttledRequest');
});
