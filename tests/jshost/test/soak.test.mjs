// 100,000 calls on one plugin instance: @extism/extism 1.0.3 fails a
// standard-Go plugin after 16,383 calls; 2.0.0-rc13 must not, and every
// answer must stay native core's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, configStrings, inputBytes, native, newPlugin, vectors } from '../lib.mjs';

const CALLS = Number(process.env.SOAK_CALLS || 100000);

test(`${CALLS} calls on one instance`, async (t) => {
  const want = native();
  // The vectors of the most common config, so one instance serves them all.
  const groups = new Map();
  for (const v of vectors()) {
    const key = JSON.stringify(Object.entries(configStrings(v)).sort());
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(v);
  }
  const vs = [...groups.values()].sort((a, b) => b.length - a.length)[0];
  const cases = vs.map((v) => ({ name: v.name, op: v.op, input: inputBytes(v), want: want.get(v.name) }));
  const plugin = await newPlugin(configStrings(vs[0]));
  const start = performance.now();
  try {
    for (let i = 0; i < CALLS; i++) {
      const c = cases[i % cases.length];
      const got = await call(plugin, c.op, c.input);
      const ok = c.want.error !== undefined
        ? got.error !== undefined && got.error.equals(c.want.error)
        : got.output !== undefined && got.output.equals(c.want.output);
      if (!ok) assert.fail(`call ${i} (${c.name}): got ${got.output ?? got.error}, want ${c.want.output ?? c.want.error}`);
    }
  } finally {
    await plugin.close();
  }
  const ms = performance.now() - start;
  t.diagnostic(`soak: ${CALLS} calls over ${cases.length} vectors in ${ms.toFixed(0)} ms (${(ms * 1000 / CALLS).toFixed(1)} µs/call)`);
});
