// An edge function over sharelink's plugin: the `fetch(request)` handler
// shape of Cloudflare Workers, Deno and Vercel Edge. It answers Graph's
// createLink, validating the request in the plugin before anything goes
// upstream, and proxies the valid ones to Graph with the caller's token:
//
//   POST /{any createLink path}[?driveType=business&itemKind=file]
//   Authorization: Bearer <token>
//   {"type":"view","scope":"organization"}
//
// An invalid request is answered at the edge with Graph's error body and
// status (400, or 403 for a policy rule); a valid one is sent to Graph by
// the host's own fetch (build → send → shape: the plugin does no I/O here)
// and Graph's answer comes back shaped: the canonical v1.0 permission with
// 201 or 200, or Graph's error with its status and Retry-After.
//
// Cloudflare Workers (workerd compiles no wasm from bytes: import the module):
//
//   import wasm from './sharelink.wasm';
//   import { sharelinkHandler } from './worker.mjs';
//   export default sharelinkHandler({ module: () => wasm, config: { policy: '{"denyAnonymous":true}' } });
//
// Deno:
//
//   const wasm = await WebAssembly.compile(await Deno.readFile('sharelink.wasm'));
//   Deno.serve(sharelinkHandler({ module: () => wasm }).fetch);
import createPlugin from '@extism/extism';

/**
 * @param {object} o
 * @param {() => WebAssembly.Module | Promise<WebAssembly.Module>} o.module the compiled plugin
 * @param {Record<string,string>} [o.config] plugin config: graph_base_url, api_version, policy
 * @param {typeof fetch} [o.fetch] the fetch that reaches Graph (tests pass a stub)
 */
export function sharelinkHandler({ module, config = {}, fetch: send = globalThis.fetch }) {
  // Created lazily inside fetch, once, and reused: workerd forbids async
  // work at global scope, and an instance is worth keeping (tens of ms to
  // create, microseconds per call). JS is single-threaded and the plugin
  // runs one call at a time, so requests share it.
  let plugin;
  const getPlugin = () => (plugin ??= (async () =>
    createPlugin({ wasm: [{ module: await module() }], config }, { useWasi: true }))());

  async function run(name, input) {
    const p = await getPlugin();
    try {
      return { ok: (await p.call(name, JSON.stringify(input))).text() };
    } catch (e) {
      const m = /^Plugin-originated error: (.*)$/s.exec(e?.message ?? '');
      if (!m) throw e;
      return { err: JSON.parse(m[1]) };
    }
  }

  const json = (status, body, headers = {}) =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const graphError = (e, headers) => json(e.status, { error: e.error }, headers);

  return {
    async fetch(request) {
      const url = new URL(request.url);
      if (!/\/createLink$/i.test(url.pathname)) {
        return json(404, { error: { code: 'itemNotFound', message: 'only createLink is served here' } });
      }
      if (request.method !== 'POST') {
        return json(405, { error: { code: 'notAllowed', message: 'createLink takes POST' } }, { allow: 'POST' });
      }
      const input = { path: url.pathname, body: await request.text() };
      for (const k of ['driveType', 'itemKind']) if (url.searchParams.has(k)) input[k] = url.searchParams.get(k);

      // Validate first: a bad request never leaves the edge.
      const built = await run('build_create_link', input);
      if (built.err) return graphError(built.err);
      const auth = request.headers.get('authorization');
      if (!auth || !/^Bearer \S+$/.test(auth)) {
        return json(401, { error: { code: 'unauthenticated', message: 'an Authorization: Bearer token is required' } });
      }

      // Send it with the host's fetch, then shape Graph's answer.
      const req = JSON.parse(built.ok);
      const upstream = await send(req.url, {
        method: req.method,
        headers: { ...req.headers, authorization: auth, accept: 'application/json' },
        body: req.body,
      });
      const body = await upstream.text();
      if (upstream.ok) {
        const shaped = await run('shape_permission', { status: upstream.status, body });
        if (shaped.err) return graphError(shaped.err);
        // Graph's own answer shape: the permission, 201 created or 200 existing.
        const out = JSON.parse(shaped.ok);
        return json(out.created ? 201 : 200, out.permission);
      }
      const headers = {};
      const retryAfter = upstream.headers.get('retry-after');
      if (retryAfter !== null) headers['Retry-After'] = retryAfter;
      const shaped = await run('shape_error', { status: upstream.status, headers, body });
      if (shaped.err) return graphError(shaped.err);
      const e = JSON.parse(shaped.ok);
      return graphError(e, e.retryAfterSeconds !== undefined ? { 'retry-after': String(e.retryAfterSeconds) } : {});
    },
  };
}
