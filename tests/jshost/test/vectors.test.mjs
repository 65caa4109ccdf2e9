// The plugin in the JS host (@extism/extism 2.0.0-rc13 on Node) gives
// native core's bytes for every test vector: the outputs and the error
// texts, byte for byte against `go run ./tests/pluginhost/cmd/native`, and
// each result against the vector itself by the vectors' own rule
// (compacted output, or the error's status, code and target).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, compact, configStrings, inputBytes, native, newPlugin, vectors } from '../lib.mjs';

const all = vectors();
let want;
const plugins = new Map(); // one instance per distinct config

before(async () => {
  want = native();
});

after(async () => {
  await Promise.all([...plugins.values()].map((p) => p.close()));
});

async function pluginFor(v) {
  const config = configStrings(v);
  const key = JSON.stringify(Object.entries(config).sort());
  if (!plugins.has(key)) plugins.set(key, await newPlugin(config));
  return plugins.get(key);
}

test('every vector, byte for byte as native core', async (t) => {
  assert.ok(all.length > 0, 'no vectors');
  assert.equal(want.size, all.length, 'native results for every vector');
  let failures = 0;
  for (const v of all) {
    const got = await call(await pluginFor(v), v.op, inputBytes(v));
    const w = want.get(v.name);
    try {
      if (w.error !== undefined) {
        assert.ok(got.error, `${v.name}: want error ${w.error}, got output ${got.output}`);
        assert.equal(got.error.toString(), w.error.toString(), `${v.name}: error text`);
        assert.ok(got.error.equals(w.error), `${v.name}: error bytes`);
      } else {
        assert.ok(got.output, `${v.name}: want output ${w.output}, got error ${got.error}`);
        assert.equal(got.output.toString(), w.output.toString(), `${v.name}: output`);
        assert.ok(got.output.equals(w.output), `${v.name}: output bytes`);
      }
      // The vector's own rule, independently of the native run.
      if (v.error) {
        const e = JSON.parse(got.error.toString());
        assert.deepEqual({ status: e.status, code: e.error.code, target: e.error.target ?? '' },
          { status: v.error.status, code: v.error.code, target: v.error.target ?? '' }, `${v.name}: error parts`);
      } else if (v.op !== 'version') {
        assert.equal(got.output.toString(), compact(v.raw.output), `${v.name}: against the vector`);
      }
    } catch (e) {
      failures++;
      if (failures <= 10) t.diagnostic(e.message);
    }
  }
  assert.equal(failures, 0, `${failures} of ${all.length} vectors differ`);
});
