// Helpers for the JS host tests and benchmarks: the plugin module, the
// test vectors and native core's results for them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import createPlugin from '@extism/extism';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const go = process.env.GO || 'go';

// wasmPath is the plugin to test: $SHARELINK_WASM (make sets it to
// dist/sharelink.wasm after `make plugin`), or a fresh `make plugin` into
// a temporary folder (the build flags stay in plugin/plugin.mk), so
// `npm test` alone never tests a stale module.
export function wasmPath() {
  if (process.env.SHARELINK_WASM) return resolve(process.env.SHARELINK_WASM);
  const dir = mkdtempSync(join(tmpdir(), 'sharelink-jshost-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'sharelink.wasm');
  execFileSync('make', ['--no-print-directory', '-s', 'plugin', `PLUGIN_WASM=${out}`, `GO=${go}`], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return out;
}

let compiled;
// compiledModule compiles the plugin once per process.
export async function compiledModule() {
  compiled ??= WebAssembly.compile(readFileSync(wasmPath()));
  return compiled;
}

// newPlugin is one plugin instance with its own config.
export async function newPlugin(config = {}, options = {}) {
  const module = await compiledModule();
  return createPlugin({ wasm: [{ module }], config }, { useWasi: true, ...options });
}

// vectors are the test vectors of tests/vectors, in file order (as the Go
// loader reads them). Each keeps the raw text of its "input" and "output"
// members, as Go's json.RawMessage does: JSON.parse would fold duplicate
// keys, big or odd numbers and escapes the strict-input vectors rely on.
export function vectors() {
  const dir = join(root, 'tests', 'vectors');
  const all = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const text = readFileSync(join(dir, f), 'utf8');
    const parsed = JSON.parse(text);
    const raws = rawMembers(text);
    if (raws.length !== parsed.length) throw new Error(`${f}: ${raws.length} raw entries, ${parsed.length} parsed`);
    parsed.forEach((v, i) => all.push({ file: f, ...v, raw: raws[i] }));
  }
  return all;
}

// skipSpace and skipValue walk JSON text the file is known to be (it
// parsed): they only find where each value ends.
function skipSpace(t, i) {
  while (i < t.length && ' \t\r\n'.includes(t[i])) i++;
  return i;
}

function skipValue(t, i) {
  if (t[i] === '"') {
    for (i++; t[i] !== '"'; i++) if (t[i] === '\\') i++;
    return i + 1;
  }
  if (t[i] === '{' || t[i] === '[') {
    let depth = 0;
    for (; i < t.length; i++) {
      const c = t[i];
      if (c === '"') { i = skipValue(t, i) - 1; continue; }
      if (c === '{' || c === '[') depth++;
      if (c === '}' || c === ']') { depth--; if (depth === 0) return i + 1; }
    }
    throw new Error('unterminated JSON');
  }
  while (i < t.length && !',]}'.includes(t[i]) && !' \t\r\n'.includes(t[i])) i++;
  return i;
}

// rawMembers gives, for a file's top-level array of objects, each object's
// members as raw text.
function rawMembers(t) {
  const out = [];
  let i = skipSpace(t, 0);
  if (t[i] !== '[') throw new Error('a vector file is an array');
  i = skipSpace(t, i + 1);
  while (t[i] !== ']') {
    if (t[i] !== '{') throw new Error('a vector is an object');
    const members = {};
    i = skipSpace(t, i + 1);
    while (t[i] !== '}') {
      const end = skipValue(t, i);
      const key = JSON.parse(t.slice(i, end));
      i = skipSpace(t, skipSpace(t, end) + 1); // past ':'
      const vend = skipValue(t, i);
      members[key] = t.slice(i, vend);
      i = skipSpace(t, vend);
      if (t[i] === ',') i = skipSpace(t, i + 1);
    }
    out.push(members);
    i = skipSpace(t, i + 1);
    if (t[i] === ',') i = skipSpace(t, i + 1);
  }
  return out;
}

// compact removes the white space outside strings and keeps everything
// else as written: the vectors' rule for comparing an output (Go's
// json.Compact).
export function compact(text) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') { const end = skipValue(text, i); out += text.slice(i, end); i = end - 1; continue; }
    if (!' \t\r\n'.includes(c)) out += c;
  }
  return out;
}

// configStrings is a vector's config as plugin config: every value a
// string, objects (a policy) as JSON text, as the Go hosts pass it.
export function configStrings(v) {
  const out = {};
  for (const [k, x] of Object.entries(v.config ?? {})) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  return out;
}

// inputBytes is a vector's exact input: inputRaw, or the raw text of input.
export function inputBytes(v) {
  return Buffer.from(v.inputRaw ?? v.raw.input, 'utf8');
}

// native is what native core gives for every vector (output bytes or the
// error text), from `go run ./tests/pluginhost/cmd/native`.
export function native() {
  const text = execFileSync(go, ['run', './tests/pluginhost/cmd/native'], {
    cwd: root,
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const out = new Map();
  for (const [name, r] of Object.entries(JSON.parse(text))) {
    out.set(name, r.error !== undefined
      ? { error: Buffer.from(r.error, 'base64') }
      : { output: Buffer.from(r.output ?? '', 'base64') });
  }
  return out;
}

const prefix = 'Plugin-originated error: ';

// call runs an export and gives {output} bytes or {error} text bytes; a
// failure that is not the plugin's own error is thrown.
export async function call(plugin, name, input) {
  try {
    const out = await plugin.call(name, input);
    return { output: out === null ? Buffer.alloc(0) : Buffer.from(out.bytes()) };
  } catch (e) {
    if (typeof e?.message === 'string' && e.message.startsWith(prefix)) {
      return { error: Buffer.from(e.message.slice(prefix.length), 'utf8') };
    }
    throw e;
  }
}
