// The JS host's figures for sharelink's plugin (@extism/extism 2.0.0-rc13
// on Node): module size; compile (WebAssembly.compile) cold in a new
// process; instance (createPlugin from the compiled module) and instance
// ready to answer (its first call runs the Go runtime's _initialize); and
// each export's warm call on one instance against noop, the empty export:
// the floor of a call into this module on this host, and against native
// core doing the same operation on the same input (ops.Do, timed just
// before in a Go process this script keeps: tests/pluginhost/cmd/native
// -bench), so that each ratio comes from one run. Inputs are
// tests/pluginhost/testdata/bench.json, the Go host benchmark's.
//
//   SHARELINK_WASM=dist/sharelink.wasm node bench.mjs      (make plugin-bench-js)
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import createPlugin from '@extism/extism';
import { root, wasmPath } from './lib.mjs';

const path = wasmPath();
const bytes = readFileSync(path);
const bench = JSON.parse(readFileSync(join(root, 'tests', 'pluginhost', 'testdata', 'bench.json'), 'utf8'));
const ms = (x) => `${x.toFixed(2)} ms`;
const us = (x) => `${x.toFixed(2)} µs`;

console.log(`module        ${bytes.length} bytes (${(bytes.length / 2 ** 20).toFixed(3)} MiB) ${path}`);

// Compile in a fresh process, several times: V8 compiles lazily (Liftoff
// first, TurboFan for hot functions), so this is what a cold start pays.
const compileRuns = [];
for (let i = 0; i < 5; i++) {
  const out = execFileSync(process.execPath, ['-e', `
    const b = require('fs').readFileSync(${JSON.stringify(path)});
    const t = performance.now();
    WebAssembly.compile(b).then(() => console.log(performance.now() - t));`]);
  compileRuns.push(Number(String(out).trim()));
}
compileRuns.sort((a, b) => a - b);
console.log(`compile       ${ms(compileRuns[2])} median of 5, each in a new process (cold; Node 20 has no wasm code cache to load from a file)`);

const module = await WebAssembly.compile(bytes);
{
  const N = 30;
  let tNew = 0;
  let tInit = 0;
  const ready = [];
  for (let i = 0; i < N; i++) {
    let t = performance.now();
    const p = await createPlugin({ wasm: [{ module }], config: bench.config }, { useWasi: true });
    const tn = performance.now() - t;
    t = performance.now();
    await p.call('noop');
    const ti = performance.now() - t;
    tNew += tn;
    tInit += ti;
    ready.push(tn + ti);
    await p.close();
  }
  ready.sort((a, b) => a - b);
  console.log(`instance      ${ms(tNew / N)} createPlugin; +${ms(tInit / N)} for the first call: ${ms((tNew + tInit) / N)} to a ready instance ` +
    `(mean of ${N}; median ${ms(ready[N >> 1])}, fastest ${ms(ready[0])}; target ≤ 8 ms)`);
}

// native times an operation in native core: one line "export ms" to the
// Go process, one line of ns/op back.
const go = process.env.GO || 'go';
execFileSync(go, ['build', '-o', join(tmpdir(), 'sharelink-native-bench'), './tests/pluginhost/cmd/native'], { cwd: root, stdio: 'inherit' });
const nativeProc = spawn(join(tmpdir(), 'sharelink-native-bench'), ['-bench'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
const nativeLines = createInterface({ input: nativeProc.stdout })[Symbol.asyncIterator]();
async function native(name, ms) {
  nativeProc.stdin.write(`${name} ${Math.max(1, Math.round(ms))}\n`);
  const { value, done } = await nativeLines.next();
  if (done) throw new Error('the native benchmark process ended');
  return Number(value) / 1000;
}

const plugin = await createPlugin({ wasm: [{ module }], config: bench.config }, { useWasi: true });
const WARM = 5000;
const ROUNDS = 5;
const budgetMs = Number(process.env.BENCH_MS || 1000);
let floor = 0;
console.log('per call (warm, one instance):');
async function warm(name, arg) {
  for (let i = 0; i < WARM; i++) await plugin.call(name, arg);
}
async function perCall(name, arg, ms) {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 1000; i++) await plugin.call(name, arg);
    n += 1000;
    t = performance.now();
  }
  return { per: ((t - t0) * 1000) / n, n };
}
// floor: noop with no input; floor-in: noop given the export's input (the
// host's cost of passing that input in, which any export pays).
const rows = [];
for (const { export: name, input } of bench.inputs) {
  const arg = input ?? undefined;
  await plugin.call(name, arg); // throws if the input is wrong
  // Native, the export and noop given the same input alternate, ROUNDS
  // slices each; the fastest slice of each is its figure (the one least
  // disturbed by the other work on the machine).
  let nat = Infinity;
  let per = Infinity;
  let floorIn = Infinity;
  let n = 0;
  await warm(name, arg);
  if (arg !== undefined) await warm('noop', arg);
  for (let r = 0; r < ROUNDS; r++) {
    if (name !== 'noop') nat = Math.min(nat, await native(name, budgetMs / ROUNDS));
    const s = await perCall(name, arg, budgetMs / ROUNDS);
    per = Math.min(per, s.per);
    n += s.n;
    if (arg !== undefined) floorIn = Math.min(floorIn, (await perCall('noop', arg, budgetMs / ROUNDS)).per);
  }
  if (name === 'noop') floor = per;
  if (arg === undefined) floorIn = floor;
  const x = name === 'noop' ? '' : `${(per / nat).toFixed(2).padStart(6)}x native (${us(nat)})`;
  rows.push([name, per / nat]);
  console.log(`  ${name.padEnd(20)} ${us(per).padStart(10)}  ${x.padEnd(28)} ${(per / floor).toFixed(2).padStart(6)}x floor  ` +
    `${(per / floorIn).toFixed(2).padStart(6)}x floor-in (noop with this input: ${us(floorIn)})  (${n} calls)`);
}
await plugin.close();
nativeProc.stdin.end();
const worst = rows.filter(([name]) => name !== 'noop').sort((a, b) => b[1] - a[1])[0];
console.log(`worst           ${worst[0]} at ${worst[1].toFixed(2)}x native core (target ≤ 5x)`);
