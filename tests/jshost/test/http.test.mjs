// create_link and grant in the JS host: they need the host's HTTP, which
// @extism/extism gives only to a plugin run in a worker (runInWorker) and
// only for allowedHosts. Without it the call must fail clearly, not hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { call, newPlugin } from '../lib.mjs';

const input = JSON.stringify({
  path: '/v1.0/me/drive/items/01ABC/createLink',
  body: { type: 'view', scope: 'organization' },
  token: 'eyJ0eXAi.secret.token',
});

test('without HTTP (no worker): a clear 502 naming graph_base_url', async () => {
  const p = await newPlugin({}, { logger: { ...console, error() {} } });
  try {
    const got = await call(p, 'create_link', input);
    assert.ok(got.error, `want an error, got ${got.output}`);
    const e = JSON.parse(got.error.toString());
    assert.equal(e.status, 502);
    assert.equal(e.error.code, 'badGateway');
    assert.equal(e.error.target, 'graph_base_url');
    assert.doesNotMatch(got.error.toString(), /secret/);
  } finally {
    await p.close();
  }
});

test('in a worker, against a host not allowed: refused, nothing sent', { timeout: 30000 }, async () => {
  let hits = 0;
  const server = createServer((req, res) => { hits++; res.writeHead(500).end(); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const p = await newPlugin({ graph_base_url: base }, { runInWorker: true, allowedHosts: ['graph.microsoft.com'] });
  try {
    await assert.rejects(p.call('create_link', input), /not allowed/);
    assert.equal(hits, 0);
  } finally {
    await p.close();
    server.close();
  }
});

test('in a worker, allowed: sent with the token, Graph answer shaped', { timeout: 30000 }, async () => {
  const seen = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'p1', roles: ['read'], link: { type: 'view', scope: 'organization', webUrl: 'https://x.example/s' } }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const p = await newPlugin({ graph_base_url: base }, { runInWorker: true, allowedHosts: ['127.0.0.1'], allowHttpResponseHeaders: true });
  try {
    const out = await p.call('create_link', input);
    assert.equal(out.text(), '{"created":true,"kind":"link","permission":{"id":"p1","roles":["read"],"link":{"type":"view","scope":"organization","webUrl":"https://x.example/s"}}}');
    assert.deepEqual(seen, [{
      method: 'POST', url: '/v1.0/me/drive/items/01ABC/createLink', auth: 'Bearer eyJ0eXAi.secret.token',
      body: '{"type":"view","scope":"organization"}',
    }]);
  } finally {
    await p.close();
    server.close();
  }
});
